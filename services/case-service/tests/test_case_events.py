from collections.abc import Callable
from datetime import UTC, datetime

from case_service.domain.breaches import parse_breach
from case_service.domain.cases import apply_breach, build_case_event, case_event_id
from invigilator.breaches.v1 import breaches_pb2
from invigilator.cases.v1 import cases_pb2

BreachFactory = Callable[..., breaches_pb2.Breach]  # the conftest fixture `make_breach`

STAFF = "staff-0123456789"
NOW = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


def test_opened_event_carries_what_the_alerter_routes_on(make_breach: BreachFactory) -> None:
    breach = parse_breach(make_breach().SerializeToString())
    change = apply_breach(None, breach, STAFF, NOW)
    event = build_case_event(change, breach)
    assert event.type == cases_pb2.CASE_EVENT_TYPE_OPENED
    assert event.case_id == change.case.case_id
    assert (event.school_id, event.clause) == ("st-peters", "NET-SOCIAL")
    assert event.title == "Social networking site"
    assert event.severity == breaches_pb2.SEVERITY_HIGH
    assert event.owner == breaches_pb2.OWNER_HR
    assert event.gross_misconduct
    assert event.breach_count == 1
    assert event.occurred_at.ToDatetime(tzinfo=UTC) == breach.occurred_at


def test_breach_added_event_and_deterministic_ids(make_breach: BreachFactory) -> None:
    first = parse_breach(make_breach().SerializeToString())
    opened = apply_breach(None, first, STAFF, NOW)
    second = parse_breach(make_breach(breach_id="b-0002", severity=4).SerializeToString())
    added = apply_breach(opened.case, second, STAFF, NOW)
    event = build_case_event(added, second)
    assert event.type == cases_pb2.CASE_EVENT_TYPE_BREACH_ADDED
    assert event.breach_count == 2
    assert event.severity == breaches_pb2.SEVERITY_CRITICAL
    assert event.case_event_id == case_event_id(opened.case.case_id, "b-0002")
    assert event.case_event_id != build_case_event(opened, first).case_event_id
    # Replaying the same change yields the same event id, so the alerter can dedupe.
    assert build_case_event(added, second) == event


def test_case_event_holds_no_account_or_evidence(make_breach: BreachFactory) -> None:
    breach = parse_breach(make_breach().SerializeToString())
    payload = build_case_event(apply_breach(None, breach, STAFF, NOW), breach).SerializeToString()
    for secret in (b"jsmith", b"social.example", STAFF.encode()):
        assert secret not in payload
