from datetime import UTC, datetime

import pytest

from invigilator.breaches.v1 import breaches_pb2
from invigilator.events.v1 import events_pb2
from policy_engine.decisions import breach_id, breaches, opa_input, parse_decision

FINDING = {
    "event": 1,
    "clause": "NET-SOCIAL",
    "title": "Social networking site",
    "severity": "high",
    "owner": "hr",
    "gross_misconduct": True,
    "kind": "A",
    "policy_ref": "2.5, 7.3(h)",
    "reason": "proxy.host is a social networking site",
    "evidence": {"host": "www.facebook.com"},
}


def proxy_event(event_id: str, account: str, host: str) -> events_pb2.Event:
    event = events_pb2.Event(
        event_id=event_id, school_id="elms-farm", account=account, proxy=events_pb2.ProxyRequest(host=host)
    )
    event.occurred_at.FromDatetime(datetime(2026, 11, 23, 9, 30, tzinfo=UTC))
    return event


def test_opa_input_uses_protobuf_json_mapping() -> None:
    body = opa_input("elms-farm", [proxy_event("e1", "jsmith", "www.facebook.com")])
    assert body["school"] == "elms-farm"
    assert body["events"][0]["eventId"] == "e1"
    assert body["events"][0]["proxy"]["host"] == "www.facebook.com"
    assert body["events"][0]["occurredAt"] == "2026-11-23T09:30:00Z"


def test_parse_decision_reads_findings_errors_and_provenance() -> None:
    decision = parse_decision(
        {
            "decision_id": "d-1",
            "provenance": {"bundles": {"b": {"revision": "abc123"}}},
            "result": {"events": {"1": [FINDING]}, "errors": ["unknown school"]},
        }
    )
    assert decision.findings_by_event == {1: [FINDING]}
    assert decision.errors == ["unknown school"]
    assert (decision.decision_id, decision.policy_revision) == ("d-1", "abc123")


def test_parse_decision_refuses_an_undefined_entrypoint() -> None:
    with pytest.raises(ValueError, match=r"data\.invigilator\.decide"):
        parse_decision({})


def test_breaches_are_built_from_findings_with_a_deterministic_id() -> None:
    events = [proxy_event("e0", "asmith", "www.bbc.co.uk"), proxy_event("e1", "jsmith", "www.facebook.com")]
    decision = parse_decision({"decision_id": "d-1", "result": {"events": {"1": [FINDING]}}})
    now = datetime(2026, 11, 23, 9, 31, tzinfo=UTC)
    [breach] = breaches("elms-farm", events, decision, now)
    assert breach.breach_id == breach_id("NET-SOCIAL", "elms-farm", "jsmith", ["e1"])
    assert breach.account == "jsmith"
    assert breach.severity == breaches_pb2.SEVERITY_HIGH
    assert breach.owner == breaches_pb2.OWNER_HR
    assert breach.gross_misconduct
    assert list(breach.evidence_event_ids) == ["e1"]
    assert dict(breach.evidence) == {"host": "www.facebook.com"}
    assert breach.occurred_at.ToDatetime(UTC) == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert breach.decision_id == "d-1"
    [again] = breaches("elms-farm", events, decision, datetime(2026, 11, 24, tzinfo=UTC))
    assert again.breach_id == breach.breach_id


def test_breach_id_separates_clause_school_account_and_evidence() -> None:
    base = breach_id("NET-SOCIAL", "elms-farm", "jsmith", ["e1", "e2"])
    assert base == breach_id("NET-SOCIAL", "elms-farm", "jsmith", ["e2", "e1"])
    others = {
        breach_id("NET-IM", "elms-farm", "jsmith", ["e1", "e2"]),
        breach_id("NET-SOCIAL", "st-peters", "jsmith", ["e1", "e2"]),
        breach_id("NET-SOCIAL", "elms-farm", "asmith", ["e1", "e2"]),
        breach_id("NET-SOCIAL", "elms-farm", "jsmith", ["e1"]),
    }
    assert base not in others
    assert len(others) == 4


def test_parse_decision_reads_the_nonwork_requests() -> None:
    decision = parse_decision({"result": {"events": {}, "nonwork": [0, 3]}})
    assert decision.nonwork == frozenset({0, 3})
    assert parse_decision({"result": {}}).nonwork == frozenset()


def test_an_observation_breach_cites_the_events_it_counted() -> None:
    observation = events_pb2.Event(
        event_id="obs-1",
        school_id="elms-farm",
        account="jsmith",
        observation=events_pb2.Observation(
            type=events_pb2.OBSERVATION_TYPE_DAILY_NONWORK_MINUTES, minutes=61, evidence_event_ids=["a", "b"]
        ),
    )
    finding = {**FINDING, "event": 0, "clause": "NET-EXCESSIVE-NONWORK", "evidence": {"minutes": 61}}
    decision = parse_decision({"result": {"events": {"0": [finding]}}})
    [breach] = breaches("elms-farm", [observation], decision, datetime(2026, 11, 23, tzinfo=UTC))
    assert list(breach.evidence_event_ids) == ["a", "b"]
    # The id rests on the observation's own id, which names its window: one breach per day.
    assert breach.breach_id == breach_id("NET-EXCESSIVE-NONWORK", "elms-farm", "jsmith", ["obs-1"])
