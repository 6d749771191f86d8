from pathlib import Path

import pytest
from pydantic import ValidationError

from alerter.message import compose
from alerter.routing import TrustConfig, load_trust_config, recipients
from invigilator.breaches.v1 import breaches_pb2
from invigilator.cases.v1 import cases_pb2

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def config() -> TrustConfig:
    return load_trust_config(REPO / "config" / "trust.yaml")


def case_event(
    owner: int = breaches_pb2.OWNER_HR, severity: int = breaches_pb2.SEVERITY_HIGH, school: str = "elms-farm"
) -> cases_pb2.CaseEvent:
    return cases_pb2.CaseEvent(
        case_event_id="ce-1",
        type=cases_pb2.CASE_EVENT_TYPE_OPENED,
        case_id="c0ffee",
        school_id=school,
        clause="NET-SOCIAL",
        title="Social networking site",
        severity=severity,  # type: ignore[arg-type]
        owner=owner,  # type: ignore[arg-type]
        gross_misconduct=True,
        breach_count=1,
    )


def test_hr_matters_go_to_the_schools_slg(config: TrustConfig) -> None:
    assert recipients(config, case_event()) == ["slg@elmsfarm.example.sch.uk"]
    assert recipients(config, case_event(school="st-peters")) == ["slg@stpeters.example.sch.uk"]


@pytest.mark.parametrize(
    ("owner", "severity"),
    [
        (breaches_pb2.OWNER_DSL, breaches_pb2.SEVERITY_CRITICAL),
        (breaches_pb2.OWNER_HR, breaches_pb2.SEVERITY_CRITICAL),
    ],
)
def test_safeguarding_and_critical_go_to_dsl_and_head(config: TrustConfig, owner: int, severity: int) -> None:
    assert recipients(config, case_event(owner, severity)) == [
        "dsl@elmsfarm.example.sch.uk",
        "head@elmsfarm.example.sch.uk",
    ]


def test_it_matters_and_unknown_schools_go_to_it_ops(config: TrustConfig) -> None:
    assert recipients(config, case_event(owner=breaches_pb2.OWNER_IT)) == ["it-ops@trust.example.org.uk"]
    assert recipients(config, case_event(school="nowhere")) == ["it-ops@trust.example.org.uk"]


def test_message_names_school_clause_and_link_only(config: TrustConfig) -> None:
    message = compose(config, case_event(), ["slg@elmsfarm.example.sch.uk"], "inv@trust.example", "ab" * 16)
    assert message["Subject"] == "[Invigilator] Elms Farm Primary: NET-SOCIAL Social networking site (high)"
    assert message["X-Invigilator-Trace-Id"] == "ab" * 16
    body = message.get_content()
    assert "http://127.0.0.1:18300/graphql#case=c0ffee" in body
    assert "gross misconduct" in body


def test_config_errors_are_reported_field_by_field(tmp_path: Path) -> None:
    bad = tmp_path / "trust.yaml"
    bad.write_text("trust: {name: T, it_ops: [not-an-address], case_link_base: x}\nschools: {}\n")
    with pytest.raises(ValidationError, match="it_ops"):
        load_trust_config(bad)
