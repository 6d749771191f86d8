"""The grievance procedure, and a grievance raised during a disciplinary (pause or hear together)."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from case_service.workflow import (
    AcknowledgeGrievance,
    AddEvidence,
    AppointInvestigator,
    CaseWorkflow,
    CloseGrievance,
    Command,
    ConcurrentHandling,
    DecideGrievanceAppeal,
    GrievanceOutcome,
    GrievanceStage,
    GuardRefused,
    HoldGrievanceMeeting,
    LiftSuspension,
    LodgeGrievanceAppeal,
    RaiseGrievance,
    RecordGrievanceOutcome,
    ResumeDisciplinary,
    ReviewSuspension,
    RouteToDisciplinary,
    RouteToGrievance,
    Suspend,
    allowed,
    apply,
    new_case,
)

HR, STAFF, ACCUSED, HANDLER, APPEAL = "hr-1", "staff-a", "staff-b", "deputy-1", "governor-1"


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def go(state: CaseWorkflow, command: Command, now: datetime) -> CaseWorkflow:
    return apply(state, command, now).state


def refusal(state: CaseWorkflow, command: Command, now: datetime) -> GuardRefused:
    with pytest.raises(GuardRefused) as info:
        apply(state, command, now)
    return info.value


def raise_grievance(**overrides: object) -> RaiseGrievance:
    fields: dict[str, object] = {
        "actor": HR,
        "raised_by": STAFF,
        "complained_about": (ACCUSED,),
        "summary": "offensive e-mails from a colleague",
        "in_writing": True,
    }
    fields.update(overrides)
    return RaiseGrievance(**fields)  # type: ignore[arg-type]


def routed() -> CaseWorkflow:
    state = new_case(
        case_id="c-2",
        clause="MAIL-OFFENSIVE-SUBJECT",
        owner="hr",
        gross_misconduct_listed=True,
        opened_at=at(2),
    )
    return go(state, RouteToGrievance(actor=HR), at(2))


def raised() -> CaseWorkflow:
    return go(routed(), raise_grievance(), at(2))


def acknowledged() -> CaseWorkflow:
    return go(raised(), AcknowledgeGrievance(actor=HR, handler=HANDLER, meeting_at=at(9)), at(3))


def decided() -> CaseWorkflow:
    state = go(acknowledged(), HoldGrievanceMeeting(actor=HR, chaired_by=HANDLER, notes="n"), at(9, 14))
    outcome = RecordGrievanceOutcome(
        actor=HR,
        decided_by=HANDLER,
        outcome=GrievanceOutcome.PARTLY_UPHELD,
        rationale="some mails were offensive",
    )
    return go(state, outcome, at(10))


def test_happy_path_to_closed_after_appeal() -> None:
    state = raised()
    assert [t.key for t in state.tasks] == ["grievance.acknowledge"]
    assert state.tasks[0].due == datetime(2026, 3, 10, tzinfo=UTC)  # five working days: end of Mon 9 March
    state = acknowledged()
    assert [t.key for t in state.tasks] == ["grievance.meeting"]
    state = decided()
    grievance = state.grievance
    assert grievance is not None
    assert grievance.stage is GrievanceStage.DECIDED
    assert grievance.appeal_by is not None
    assert grievance.appeal_by.isoformat() == "2026-03-17"
    state = go(state, LodgeGrievanceAppeal(actor=HR, grounds="not all mails considered"), at(12))
    appeal = DecideGrievanceAppeal(
        actor=HR, heard_by=APPEAL, rationale="all mails now considered", new_outcome=GrievanceOutcome.UPHELD
    )
    applied = apply(state, appeal, at(19))
    assert applied.state.grievance is not None
    assert applied.state.grievance.appeal_outcome is GrievanceOutcome.UPHELD
    assert applied.events[0].details["changed"] is True
    assert applied.state.closed
    assert applied.state.tasks == ()


def test_close_without_appeal_after_the_window() -> None:
    state = decided()
    early = refusal(state, CloseGrievance(actor=HR), at(17))
    assert early.guard == "appeal_window_over"
    assert "Tuesday 17 March 2026" in early.reason
    assert go(state, CloseGrievance(actor=HR), at(18)).closed


def test_raising_guards() -> None:
    state = routed()
    assert refusal(state, raise_grievance(in_writing=False), at(2)).guard == "raised_in_writing"
    assert refusal(state, raise_grievance(summary=""), at(2)).guard == "text_given"
    assert refusal(state, raise_grievance(raised_by=""), at(2)).guard == "person_named"
    stray = refusal(state, raise_grievance(concurrent_handling=ConcurrentHandling.HEAR_TOGETHER), at(2))
    assert stray.guard == "concurrent_handling_decided"
    assert "no disciplinary in progress" in stray.reason
    not_routed = new_case(case_id="c", clause="X", owner="hr", gross_misconduct_listed=False, opened_at=at(2))
    assert refusal(not_routed, raise_grievance(), at(2)).guard == "allowed_now"
    assert refusal(raised(), raise_grievance(), at(2)).guard == "allowed_now"


def test_handler_is_never_the_person_complained_about() -> None:
    state = raised()
    refused = refusal(state, AcknowledgeGrievance(actor=HR, handler=ACCUSED, meeting_at=at(9)), at(3))
    assert refused.guard == "handler_not_complained_about"
    assert (
        refused.reason
        == f"The grievance is about {ACCUSED}, so {ACCUSED} cannot handle it; choose someone else."
    )
    assert refusal(state, AcknowledgeGrievance(actor=HR, handler=STAFF, meeting_at=at(9)), at(3)).guard == (
        "handler_not_complained_about"
    )
    assert refusal(state, AcknowledgeGrievance(actor=HR, handler=HANDLER, meeting_at=at(2)), at(3)).guard == (
        "in_the_future"
    )
    naive = AcknowledgeGrievance(actor=HR, handler=HANDLER, meeting_at=datetime(2026, 3, 9, 10))
    assert refusal(state, naive, at(3)).guard == "time_zone_given"


def test_meeting_and_outcome_guards() -> None:
    state = acknowledged()
    other = refusal(state, HoldGrievanceMeeting(actor=HR, chaired_by="someone", notes="n"), at(9, 14))
    assert other.guard == "handled_by_handler"
    assert HANDLER in other.reason
    assert refusal(state, HoldGrievanceMeeting(actor=HR, chaired_by=HANDLER, notes="n"), at(6)).guard == (
        "meeting_date_reached"
    )
    assert (
        refusal(state, HoldGrievanceMeeting(actor=HR, chaired_by=HANDLER, notes=""), at(9, 14)).guard
        == "text_given"
    )
    met = go(state, HoldGrievanceMeeting(actor=HR, chaired_by=HANDLER, notes="n"), at(9, 14))
    outcome = RecordGrievanceOutcome(
        actor=HR, decided_by=HANDLER, outcome=GrievanceOutcome.UPHELD, rationale=""
    )
    assert refusal(met, outcome, at(10)).guard == "text_given"
    assert (
        refusal(met, replace(outcome, decided_by="other", rationale="r"), at(10)).guard
        == "handled_by_handler"
    )


def test_appeal_guards() -> None:
    state = decided()  # outcome Tuesday 10 March: appeal by Tuesday 17 March
    late = refusal(state, LodgeGrievanceAppeal(actor=HR, grounds="g"), at(18))
    assert late.guard == "appeal_within_window"
    assert "Tuesday 17 March 2026" in late.reason
    lodged = go(state, LodgeGrievanceAppeal(actor=HR, grounds="g"), at(17))
    for person in (HANDLER, ACCUSED, STAFF):
        involved = refusal(lodged, DecideGrievanceAppeal(actor=HR, heard_by=person, rationale="r"), at(20))
        assert involved.guard == "appeal_heard_by_someone_uninvolved"
    assert refusal(lodged, CloseGrievance(actor=HR), at(20)).guard == "allowed_at_stage"


def disciplinary_with_suspension() -> CaseWorkflow:
    state = new_case(
        case_id="c-3", clause="NET-SOCIAL", owner="hr", gross_misconduct_listed=True, opened_at=at(2)
    )
    state = go(state, RouteToDisciplinary(actor=HR), at(2))
    state = go(state, AppointInvestigator(actor=HR, investigator="inv-1"), at(2))
    suspend = Suspend(
        actor=HR, reason="r", review_on=at(6).date(), on_full_pay=True, stated_not_disciplinary=True
    )
    return go(state, suspend, at(2))


def test_grievance_during_a_disciplinary_records_pause_or_hear_together() -> None:
    state = disciplinary_with_suspension()
    assert RaiseGrievance in allowed(state)
    undecided = refusal(
        state, raise_grievance(raised_by="accused-employee", complained_about=("inv-1",)), at(3)
    )
    assert undecided.guard == "concurrent_handling_decided"
    assert "paused" in undecided.reason
    assert "heard together" in undecided.reason
    together = go(state, raise_grievance(concurrent_handling=ConcurrentHandling.HEAR_TOGETHER), at(3))
    assert together.disciplinary is not None
    assert not together.disciplinary.paused
    assert together.grievance is not None
    assert together.grievance.concurrent_handling is ConcurrentHandling.HEAR_TOGETHER

    applied = apply(state, raise_grievance(concurrent_handling=ConcurrentHandling.PAUSE_DISCIPLINARY), at(3))
    assert [(e.track.value, e.kind) for e in applied.events] == [
        ("grievance", "grievance_raised"),
        ("disciplinary", "disciplinary_paused"),
    ]
    paused = applied.state
    assert paused.disciplinary is not None
    assert paused.disciplinary.paused
    blocked = refusal(paused, AddEvidence(actor="inv-1", reference="E1", description="d"), at(3))
    assert blocked.guard == "not_paused"
    assert "resume it first" in blocked.reason
    assert AddEvidence not in allowed(paused)
    assert {ResumeDisciplinary, ReviewSuspension, LiftSuspension} <= set(allowed(paused))
    reviewed = go(
        paused, ReviewSuspension(actor=HR, note="still needed", next_review_on=at(10).date()), at(5)
    )
    resumed = go(reviewed, ResumeDisciplinary(actor=HR, reason="grievance answered"), at(6))
    assert resumed.disciplinary is not None
    assert not resumed.disciplinary.paused
    go(resumed, AddEvidence(actor="inv-1", reference="E1", description="d"), at(6))
    assert refusal(resumed, ResumeDisciplinary(actor=HR, reason="again"), at(6)).guard == "paused"
