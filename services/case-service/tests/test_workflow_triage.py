"""Triage: every route, the IT ticket, informal resolution by the Headteacher, and their guards."""

from datetime import UTC, datetime

import pytest

from case_service.workflow import (
    AppointInvestigator,
    CaseWorkflow,
    CloseItTicket,
    Command,
    DismissFalsePositive,
    GuardRefused,
    RaiseGrievance,
    RaiseItTicket,
    RecordInformalOutcome,
    RouteToDisciplinary,
    RouteToGrievance,
    RouteToSafeguarding,
    StartInformalResolution,
    TriageStage,
    allowed,
    apply,
    new_case,
    overdue,
)

HR, HEAD, DSL = "hr-1", "head-1", "dsl-1"
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # Monday


def case(owner: str = "hr", clause: str = "MAIL-OFFENSIVE-SUBJECT") -> CaseWorkflow:
    return new_case(case_id="c-1", clause=clause, owner=owner, gross_misconduct_listed=False, opened_at=T0)


def go(state: CaseWorkflow, command: Command) -> CaseWorkflow:
    return apply(state, command, T0).state


def refusal(state: CaseWorkflow, command: Command) -> GuardRefused:
    with pytest.raises(GuardRefused) as info:
        apply(state, command, T0)
    return info.value


def test_new_case_has_a_triage_task_and_offers_every_route() -> None:
    state = case()
    (task,) = state.tasks
    assert task.key == "triage.route"
    assert task.due == datetime(2026, 3, 5, tzinfo=UTC)  # end of Wed 4 March
    assert not overdue(state, datetime(2026, 3, 4, 23, tzinfo=UTC))
    assert overdue(state, datetime(2026, 3, 5, 0, 1, tzinfo=UTC)) == (task,)
    assert [kind.name for kind in allowed(state)] == [
        "dismiss_false_positive",
        "start_informal_resolution",
        "route_to_disciplinary",
        "route_to_grievance",
        "raise_it_ticket",
        "route_to_safeguarding",
    ]


def test_dismiss_as_false_positive_needs_a_reason_and_closes_the_case() -> None:
    refused = refusal(case(), DismissFalsePositive(actor=HR, reason="  "))
    assert (refused.guard, refused.reason, refused.command) == (
        "text_given",
        "Give the reason this is a false positive.",
        "dismiss_false_positive",
    )
    applied = apply(case(), DismissFalsePositive(actor=HR, reason="the site is the school's own"), T0)
    assert applied.state.triage.stage is TriageStage.DISMISSED
    assert applied.state.closed
    assert applied.state.tasks == ()
    assert allowed(applied.state) == ()
    assert [(e.kind, e.actor, dict(e.details)) for e in applied.events] == [
        ("dismissed_as_false_positive", HR, {"reason": "the site is the school's own"})
    ]


def test_informal_resolution_by_the_headteacher() -> None:
    assert refusal(case(), StartInformalResolution(actor=HR, headteacher="")).guard == "person_named"
    state = go(case(), StartInformalResolution(actor=HR, headteacher=HEAD))
    assert state.triage.stage is TriageStage.INFORMAL
    assert state.tasks == ()
    not_head = refusal(state, RecordInformalOutcome(actor=HR, resolved=True, notes="apologised"))
    assert not_head.guard == "headteacher_records_outcome"
    assert HEAD in not_head.reason
    assert refusal(state, RecordInformalOutcome(actor=HEAD, resolved=True, notes="")).guard == "text_given"
    resolved = go(state, RecordInformalOutcome(actor=HEAD, resolved=True, notes="apologised"))
    assert resolved.triage.stage is TriageStage.RESOLVED_INFORMALLY
    assert resolved.closed


def test_failed_informal_resolution_goes_on_to_a_grievance() -> None:
    state = go(case(), StartInformalResolution(actor=HR, headteacher=HEAD))
    state = go(state, RecordInformalOutcome(actor=HEAD, resolved=False, notes="repeated after the talk"))
    assert state.triage.stage is TriageStage.INFORMAL_FAILED
    assert [t.key for t in state.tasks] == ["triage.route"]
    assert DismissFalsePositive not in allowed(state)
    assert refusal(state, DismissFalsePositive(actor=HR, reason="r")).guard == "allowed_at_stage"
    state = go(state, RouteToGrievance(actor=HR))
    assert state.triage.stage is TriageStage.GRIEVANCE
    assert not state.closed
    assert allowed(state) == (RaiseGrievance,)
    assert state.tasks == ()


def test_route_to_disciplinary_opens_the_track() -> None:
    applied = apply(case(), RouteToDisciplinary(actor=HR), T0)
    assert applied.state.disciplinary is not None
    assert applied.state.owner == "hr"
    assert [e.kind for e in applied.events] == ["routed"]
    assert [t.key for t in applied.state.tasks] == ["disciplinary.investigator"]
    assert AppointInvestigator in allowed(applied.state)
    again = refusal(applied.state, RouteToGrievance(actor=HR))
    assert again.guard == "allowed_now"
    assert "appoint the investigating officer" in again.reason


def test_it_ticket_changes_the_owner_and_closes_with_a_resolution() -> None:
    state = case(owner="it", clause="PWD-POLICY")
    assert refusal(state, RaiseItTicket(actor=HR, ticket_reference="")).guard == "text_given"
    state = go(state, RaiseItTicket(actor=HR, ticket_reference="INC-1042"))
    assert (state.owner, state.triage.it_ticket, state.closed) == ("it", "INC-1042", False)
    assert allowed(state) == (CloseItTicket,)
    assert refusal(state, CloseItTicket(actor="it-1", resolution=" ")).guard == "text_given"
    state = go(state, CloseItTicket(actor="it-1", resolution="minimum length raised to 12"))
    assert state.closed


def test_a_dsl_case_can_only_go_to_safeguarding() -> None:
    state = case(owner="dsl", clause="NET-CHILD-HARM")
    assert state.tasks[0].due == T0  # the DSL is informed at once
    assert allowed(state) == (RouteToSafeguarding,)
    for command in (
        DismissFalsePositive(actor=HR, reason="miscategorised"),
        StartInformalResolution(actor=HR, headteacher=HEAD),
        RouteToDisciplinary(actor=HR),
        RaiseItTicket(actor=HR, ticket_reference="INC-1"),
    ):
        refused = refusal(state, command)
        assert refused.guard == "child_safety_goes_to_dsl"
        assert "refer it to safeguarding first" in refused.reason
    assert refusal(state, RouteToSafeguarding(actor=HR, dsl=" ")).guard == "person_named"
    state = go(state, RouteToSafeguarding(actor=HR, dsl=DSL))
    assert state.owner == "dsl"
    assert state.safeguarding is not None


def test_new_case_validates_its_inputs() -> None:
    with pytest.raises(ValueError, match="owner"):
        new_case(case_id="c", clause="X", owner="slg", gross_misconduct_listed=False, opened_at=T0)
    with pytest.raises(ValueError, match="timezone"):
        new_case(
            case_id="c", clause="X", owner="hr", gross_misconduct_listed=False, opened_at=datetime(2026, 3, 2)
        )
