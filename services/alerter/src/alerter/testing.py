"""Test and benchmark support (no framework): a two-school trust configuration and case events."""

from datetime import UTC, datetime
from typing import Any

from alerter.config import TrustConfig
from alerter.domain.facts import CaseFacts
from invigilator.breaches.v1 import breaches_pb2
from invigilator.cases.v1 import cases_pb2

SEVERITY = {
    "low": breaches_pb2.SEVERITY_LOW,
    "medium": breaches_pb2.SEVERITY_MEDIUM,
    "high": breaches_pb2.SEVERITY_HIGH,
    "critical": breaches_pb2.SEVERITY_CRITICAL,
}
OWNER = {"hr": breaches_pb2.OWNER_HR, "it": breaches_pb2.OWNER_IT, "dsl": breaches_pb2.OWNER_DSL}


def trust(**overrides: Any) -> TrustConfig:
    """Two schools; Elms Farm with quiet hours 19:00–07:00, a digest at 16:00 and a ladder."""
    raw: dict[str, Any] = {
        "trust": {
            "name": "Test Trust",
            "it_ops": ["it-ops@trust.example.org.uk"],
            "case_link_base": "https://invigilator.example/cases/",
            "escalation": {"after_minutes": 30, "ladder": [["safeguarding@trust.example.org.uk"]]},
            "webhooks": [
                {
                    "name": "it-ops-slack",
                    "kind": "slack",
                    "url": "https://hooks.example/slack",
                    "roles": ["it_ops"],
                }
            ],
        },
        "schools": {
            "elms-farm": {
                "name": "Elms Farm Primary",
                "slg": ["slg@elmsfarm.example.sch.uk"],
                "headteacher": ["head@elmsfarm.example.sch.uk"],
                "dsl": ["dsl@elmsfarm.example.sch.uk"],
                "digest_at": "16:00",
                "quiet_hours": {"start": "19:00", "end": "07:00"},
                "escalation": {
                    "after_minutes": 15,
                    "ladder": [["deputy-dsl@elmsfarm.example.sch.uk"], ["safeguarding@trust.example.org.uk"]],
                },
                "webhooks": [
                    {
                        "name": "elms-teams",
                        "kind": "teams",
                        "url": "https://hooks.example/t",
                        "roles": ["slg"],
                    },
                    {
                        "name": "elms-signed",
                        "kind": "signed",
                        "url": "https://hooks.example/s",
                        "roles": ["dsl"],
                    },
                ],
            },
            "st-peters": {
                "name": "St Peter's",
                "slg": ["slg@stpeters.example.sch.uk"],
                "headteacher": ["head@stpeters.example.sch.uk"],
                "dsl": ["dsl@stpeters.example.sch.uk"],
            },
        },
    }
    raw.update(overrides)
    return TrustConfig.model_validate(raw)


def case_event(
    severity: str = "high",
    owner: str = "hr",
    school: str = "elms-farm",
    clause: str = "NET-SOCIAL",
    title: str = "Social networking site",
    case_id: str = "c0ffee",
    event_id: str = "ce-1",
    opened: bool = True,
    breach_count: int = 1,
) -> cases_pb2.CaseEvent:
    event = cases_pb2.CaseEvent(
        case_event_id=event_id,
        type=cases_pb2.CASE_EVENT_TYPE_OPENED if opened else cases_pb2.CASE_EVENT_TYPE_BREACH_ADDED,
        case_id=case_id,
        school_id=school,
        clause=clause,
        title=title,
        severity=SEVERITY[severity],
        owner=OWNER[owner],
        gross_misconduct=severity in ("high", "critical"),
        breach_count=breach_count,
    )
    event.occurred_at.FromDatetime(datetime(2026, 3, 2, 10, tzinfo=UTC))
    return event


def facts(**kwargs: Any) -> CaseFacts:
    from alerter.domain.facts import facts_from_event

    return facts_from_event(case_event(**kwargs))
