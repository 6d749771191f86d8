from pathlib import Path

import pytest
from pydantic import ValidationError

from alerter.config import TrustConfig, load_trust_config
from alerter.domain.facts import facts_from_event, person_key
from alerter.domain.routing import Destination, destinations, escalation_step, recipients, roles_for
from alerter.testing import case_event, facts, trust

REPO = Path(__file__).resolve().parents[3]


def test_the_repositorys_trust_file_is_valid_and_routes_hr_to_the_slg() -> None:
    config = load_trust_config(REPO / "config" / "trust.yaml")
    assert recipients(config, facts()) == ["slg@elmsfarm.example.sch.uk"]
    assert recipients(config, facts(school="st-peters")) == ["slg@stpeters.example.sch.uk"]


@pytest.mark.parametrize(("owner", "severity"), [("dsl", "critical"), ("hr", "critical"), ("dsl", "high")])
def test_safeguarding_and_critical_go_to_dsl_and_head_at_once(owner: str, severity: str) -> None:
    config = trust()
    found = facts(owner=owner, severity=severity)
    assert roles_for(config, found) == ("dsl", "headteacher")
    assert recipients(config, found) == ["dsl@elmsfarm.example.sch.uk", "head@elmsfarm.example.sch.uk"]


def test_it_matters_and_unknown_schools_go_to_trust_it_ops() -> None:
    config = trust()
    assert recipients(config, facts(owner="it", severity="medium")) == ["it-ops@trust.example.org.uk"]
    assert recipients(config, facts(school="nowhere")) == ["it-ops@trust.example.org.uk"]


def test_destinations_add_the_webhooks_subscribed_to_the_roles() -> None:
    config = trust()
    assert destinations(config, "elms-farm", ("slg",)) == [
        Destination("email", "slg@elmsfarm.example.sch.uk"),
        Destination("teams", "elms-teams"),
    ]
    assert destinations(config, "elms-farm", ("dsl", "headteacher")) == [
        Destination("email", "dsl@elmsfarm.example.sch.uk"),
        Destination("email", "head@elmsfarm.example.sch.uk"),
        Destination("signed", "elms-signed"),
    ]
    assert destinations(config, "st-peters", ("it_ops",)) == [
        Destination("email", "it-ops@trust.example.org.uk"),
        Destination("slack", "it-ops-slack"),
    ]


def test_escalation_ladder_is_the_schools_else_the_trusts() -> None:
    config = trust()
    assert escalation_step(config, "elms-farm", 0) == [
        Destination("email", "deputy-dsl@elmsfarm.example.sch.uk")
    ]
    assert escalation_step(config, "elms-farm", 1) == [
        Destination("email", "safeguarding@trust.example.org.uk")
    ]
    assert escalation_step(config, "elms-farm", 2) == []
    assert escalation_step(config, "st-peters", 0) == [
        Destination("email", "safeguarding@trust.example.org.uk")
    ]
    assert config.escalation("st-peters").after_minutes == 30


def test_person_key_falls_back_to_the_case_while_case_events_carry_no_pseudonym() -> None:
    event = case_event(case_id="case-9")
    assert person_key(event) == "case:case-9"
    assert facts_from_event(event).person_key == "case:case-9"


def test_an_event_without_severity_is_refused() -> None:
    event = case_event()
    event.severity = 0  # type: ignore[assignment]
    with pytest.raises(ValueError, match="severity"):
        facts_from_event(event)


def test_config_errors_are_reported_field_by_field(tmp_path: Path) -> None:
    bad = tmp_path / "trust.yaml"
    bad.write_text("trust: {name: T, it_ops: [not-an-address], case_link_base: x}\nschools: {}\n")
    with pytest.raises(ValidationError, match="it_ops"):
        load_trust_config(bad)


def test_config_refuses_unknown_zones_duplicate_webhooks_and_empty_quiet_hours() -> None:
    base = trust().model_dump(mode="json")
    zone = {**base, "schools": {"x": {**base["schools"]["st-peters"], "timezone": "Mars/Olympus"}}}
    with pytest.raises(ValidationError, match="unknown time zone"):
        TrustConfig.model_validate(zone)
    twice = {**base, "trust": {**base["trust"], "webhooks": base["trust"]["webhooks"] * 2}}
    with pytest.raises(ValidationError, match="unique"):
        TrustConfig.model_validate(twice)
    quiet = {"start": "20:00", "end": "20:00"}
    empty = {**base, "schools": {"x": {**base["schools"]["st-peters"], "quiet_hours": quiet}}}
    with pytest.raises(ValidationError, match="quiet hours"):
        TrustConfig.model_validate(empty)
