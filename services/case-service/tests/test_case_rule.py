from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from case_service.domain.breaches import BreachFacts, parse_breach
from case_service.domain.cases import CaseChangeKind, apply_breach, max_severity, new_case_id
from invigilator.breaches.v1 import breaches_pb2

BreachFactory = Callable[..., breaches_pb2.Breach]  # the conftest fixture `make_breach`

STAFF = "staff-0123456789"
T0 = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 3, 11, 0, tzinfo=UTC)


def facts(make_breach: BreachFactory, **overrides: object) -> BreachFacts:
    return parse_breach(make_breach(**overrides).SerializeToString())


def test_first_breach_opens_a_case(make_breach: BreachFactory) -> None:
    change = apply_breach(None, facts(make_breach), STAFF, T0)
    assert change.kind is CaseChangeKind.OPENED
    case = change.case
    assert case.case_id == new_case_id("b-0001")
    assert (case.school_id, case.staff, case.clause) == ("st-peters", STAFF, "NET-SOCIAL")
    assert (case.status, case.breach_count, case.severity, case.owner) == ("open", 1, "high", "hr")
    assert case.opened_at == case.updated_at == T0


def test_breach_of_same_person_and_clause_joins_the_open_case(make_breach: BreachFactory) -> None:
    opened = apply_breach(None, facts(make_breach, gross_misconduct=False), STAFF, T0).case
    second = facts(make_breach, breach_id="b-0002", severity=4, gross_misconduct=True)
    change = apply_breach(opened, second, STAFF, T1)
    assert change.kind is CaseChangeKind.BREACH_ADDED
    assert change.case.case_id == opened.case_id
    assert change.case.breach_count == 2
    assert change.case.severity == "critical"  # the maximum of its breaches
    assert change.case.gross_misconduct
    assert (change.case.opened_at, change.case.updated_at) == (T0, T1)


def test_severity_never_goes_down(make_breach: BreachFactory) -> None:
    opened = apply_breach(None, facts(make_breach), STAFF, T0).case
    change = apply_breach(opened, facts(make_breach, breach_id="b-0002", severity=1), STAFF, T1)
    assert change.case.severity == "high"


def test_other_clause_other_person_or_closed_case_opens_a_new_case(make_breach: BreachFactory) -> None:
    opened = apply_breach(None, facts(make_breach), STAFF, T0).case
    other_clause = facts(make_breach, breach_id="b-0002", clause="NET-GAMBLING")
    assert apply_breach(opened, other_clause, STAFF, T1).kind is CaseChangeKind.OPENED
    same_clause = facts(make_breach, breach_id="b-0003")
    assert apply_breach(opened, same_clause, "staff-ffffffffff", T1).kind is CaseChangeKind.OPENED
    other_school = facts(make_breach, breach_id="b-0004", school_id="elms-farm")
    assert apply_breach(opened, other_school, STAFF, T1).kind is CaseChangeKind.OPENED
    closed = replace(opened, status="closed")
    change = apply_breach(closed, same_clause, STAFF, T1)
    assert change.kind is CaseChangeKind.OPENED
    assert change.case.case_id == new_case_id("b-0003") != opened.case_id


def test_max_severity_orders_low_to_critical() -> None:
    assert max_severity("low", "medium") == "medium"
    assert max_severity("critical", "high") == "critical"
    assert max_severity("medium", "medium") == "medium"
