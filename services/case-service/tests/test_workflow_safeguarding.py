"""The safeguarding track (NET-CHILD-HARM) and the access-withdrawal sanction (WF-ACCESS-WITHDRAWN)."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from case_service.workflow import (
    AccessService,
    AddEvidence,
    AppointInvestigator,
    CaseWorkflow,
    CloseDisciplinary,
    CloseSafeguarding,
    Command,
    ConcludeInvestigation,
    GuardRefused,
    HoldHearing,
    Outcome,
    RecordDbsDecision,
    RecordDecision,
    RecordLadoConsultation,
    RecordPoliceReferral,
    RestoreAccess,
    ReviewAccessWithdrawal,
    RouteToDisciplinary,
    RouteToSafeguarding,
    SafeguardingStage,
    SendInvitation,
    WithdrawAccess,
    WorkflowConfig,
    allowed,
    apply,
    new_case,
)

HR, DSL, INV, CHAIR = "hr-1", "dsl-1", "inv-1", "chair-1"
ST_PETERS = WorkflowConfig(access_withdrawal_permitted=True)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def go(
    state: CaseWorkflow, command: Command, now: datetime, config: WorkflowConfig = ST_PETERS
) -> CaseWorkflow:
    return apply(state, command, now, config=config).state


def refusal(
    state: CaseWorkflow, command: Command, now: datetime, config: WorkflowConfig = ST_PETERS
) -> GuardRefused:
    with pytest.raises(GuardRefused) as info:
        apply(state, command, now, config=config)
    return info.value


def referred() -> CaseWorkflow:
    state = new_case(
        case_id="c-9", clause="NET-CHILD-HARM", owner="dsl", gross_misconduct_listed=True, opened_at=at(2)
    )
    return go(state, RouteToSafeguarding(actor=HR, dsl=DSL), at(2))


def lado_consulted() -> CaseWorkflow:
    return go(
        referred(),
        RecordLadoConsultation(actor=DSL, lado="LADO duty officer", advice="internal process"),
        at(2),
    )


def dismissed() -> CaseWorkflow:
    state = go(
        lado_consulted(), RecordPoliceReferral(actor=DSL, referred=True, police_reference="CAD-1234"), at(2)
    )
    state = go(state, RouteToDisciplinary(actor=HR), at(2))
    state = go(state, AppointInvestigator(actor=HR, investigator=INV), at(2))
    state = go(state, AddEvidence(actor=INV, reference="E1", description="filter log"), at(2))
    conclude = ConcludeInvestigation(
        actor=INV, case_to_answer=True, findings="f", gross_misconduct_alleged=True
    )
    state = go(state, conclude, at(2))
    invitation = SendInvitation(
        actor=HR,
        allegations=("Accessed material presenting a risk of harm to children",),
        possible_consequences=(Outcome.SUMMARY_DISMISSAL,),
        evidence_pack=("E1",),
        hearing_at=at(9),
        venue="Trust office",
        right_to_be_accompanied=True,
    )
    state = go(state, invitation, at(2))
    state = go(state, HoldHearing(actor=HR, chair=CHAIR, notes="n"), at(9))
    decision = RecordDecision(
        actor=HR,
        decided_by=CHAIR,
        outcome=Outcome.SUMMARY_DISMISSAL,
        rationale="r",
        gross_misconduct_found=True,
    )
    return go(state, decision, at(9, 15))


def test_dsl_informed_at_once_and_lado_task() -> None:
    applied = apply(
        referred(), RecordLadoConsultation(actor=DSL, lado="LADO duty officer", advice="a"), at(2)
    )
    state = referred()
    assert state.safeguarding is not None
    assert (state.safeguarding.dsl, state.safeguarding.dsl_informed_at) == (DSL, at(2))
    (task,) = state.tasks
    assert task.key == "safeguarding.lado"
    assert task.due == at(4, 0)  # end of Tuesday 3 March
    assert applied.state.tasks == ()


def test_no_internal_step_before_the_lado_consultation() -> None:
    state = referred()
    assert RouteToDisciplinary not in allowed(state)
    refused = refusal(state, RouteToDisciplinary(actor=HR), at(2))
    assert refused.guard == "lado_consulted_first"
    assert refused.reason.startswith("The LADO must be consulted, and the consultation recorded")
    assert (
        refusal(state, AppointInvestigator(actor=HR, investigator=INV), at(2)).guard == "lado_consulted_first"
    )
    assert (
        refusal(state, RecordLadoConsultation(actor=DSL, lado="", advice="a"), at(2)).guard == "person_named"
    )
    assert (
        refusal(state, RecordLadoConsultation(actor=DSL, lado="L", advice=" "), at(2)).guard == "text_given"
    )
    assert RouteToDisciplinary in allowed(lado_consulted())


def test_police_referral_decision() -> None:
    state = lado_consulted()
    no_ref = refusal(state, RecordPoliceReferral(actor=DSL, referred=True), at(2))
    assert no_ref.guard == "police_decision_explained"
    assert "police reference" in no_ref.reason
    assert (
        refusal(state, RecordPoliceReferral(actor=DSL, referred=False), at(2)).guard
        == "police_decision_explained"
    )
    state = go(
        state, RecordPoliceReferral(actor=DSL, referred=False, reason="LADO: threshold not met"), at(2)
    )
    assert RecordPoliceReferral not in allowed(state)
    again = refusal(state, RecordPoliceReferral(actor=DSL, referred=True, police_reference="X"), at(2))
    assert again.guard == "police_decision_not_recorded"


def test_dismissal_opens_the_dbs_decision_and_the_track_closes_last() -> None:
    state = dismissed()
    assert state.safeguarding is not None
    assert state.safeguarding.dbs_decision_required
    assert {t.key for t in state.tasks} == {"disciplinary.appeal_window", "safeguarding.dbs_decision"}
    assert CloseSafeguarding not in allowed(state)
    first = refusal(state, CloseSafeguarding(actor=DSL, summary="s"), at(10))
    assert first.guard == "disciplinary_closed_first"
    state = go(state, CloseDisciplinary(actor=HR), at(17))
    assert not state.closed
    no_dbs = refusal(state, CloseSafeguarding(actor=DSL, summary="s"), at(17))
    assert no_dbs.guard == "dbs_decision_before_closing"
    assert (
        refusal(state, RecordDbsDecision(actor=DSL, referred=True, reason=""), at(17)).guard == "text_given"
    )
    state = go(
        state, RecordDbsDecision(actor=DSL, referred=True, reason="dismissed for harm to children"), at(17)
    )
    assert [t.key for t in state.tasks] == []
    state = go(state, CloseSafeguarding(actor=DSL, summary="dismissed; DBS and police referred"), at(18))
    assert state.safeguarding is not None
    assert state.safeguarding.stage is SafeguardingStage.CLOSED
    assert state.closed


def test_closing_guards() -> None:
    state = referred()
    not_dsl = refusal(state, CloseSafeguarding(actor=HR, summary="miscategorised site"), at(2))
    assert not_dsl.guard == "dsl_closes_without_lado"
    assert DSL in not_dsl.reason
    assert refusal(state, CloseSafeguarding(actor=DSL, summary=""), at(2)).guard == "text_given"
    assert go(state, CloseSafeguarding(actor=DSL, summary="miscategorised site"), at(2)).closed
    no_police = refusal(lado_consulted(), CloseSafeguarding(actor=DSL, summary="s"), at(2))
    assert no_police.guard == "police_decision_before_closing"
    assert RecordDbsDecision not in allowed(lado_consulted())
    assert refusal(
        lado_consulted(), RecordDbsDecision(actor=DSL, referred=False, reason="r"), at(2)
    ).guard == ("dbs_decision_due")


# Access withdrawal (St Peter's "Prohibited use" ¶1) --------------------------------------------


def withdraw(**overrides: object) -> WithdrawAccess:
    fields: dict[str, object] = {
        "actor": HR,
        "services": (AccessService.INTERNET,),
        "decided_by": "head-1",
        "reason": "repeated social networking",
        "starts_on": date(2026, 3, 3),
        "review_on": date(2026, 3, 17),
    }
    fields.update(overrides)
    return WithdrawAccess(**fields)  # type: ignore[arg-type]


def in_disciplinary() -> CaseWorkflow:
    state = new_case(
        case_id="c-5", clause="NET-SOCIAL", owner="hr", gross_misconduct_listed=True, opened_at=at(2)
    )
    return go(state, RouteToDisciplinary(actor=HR), at(2))


def test_access_withdrawal_with_start_and_review_dates() -> None:
    applied = apply(in_disciplinary(), withdraw(), at(2), config=ST_PETERS)
    (event,) = applied.events
    assert (event.kind, event.details["starts_on"], event.details["review_on"]) == (
        "access_withdrawn",
        "2026-03-03",
        "2026-03-17",
    )
    state = applied.state
    (review,) = [t for t in state.tasks if t.key == "access.review"]
    assert review.due == at(18, 0)
    state = go(
        state, ReviewAccessWithdrawal(actor=HR, note="continue", next_review_on=date(2026, 3, 31)), at(17)
    )
    assert state.access[0].review_on == date(2026, 3, 31)
    state = go(state, RestoreAccess(actor=HR, note="conduct improved"), at(31))
    assert not state.access[0].active
    assert all(t.key != "access.review" for t in state.tasks)


def test_access_withdrawal_guards() -> None:
    state = in_disciplinary()
    elms_farm = refusal(state, withdraw(), at(2), config=WorkflowConfig())
    assert elms_farm.guard == "school_policy_provides_it"
    assert refusal(state, withdraw(services=()), at(2)).guard == "services_named"
    assert refusal(state, withdraw(decided_by=""), at(2)).guard == "person_named"
    assert refusal(state, withdraw(reason=""), at(2)).guard == "text_given"
    assert refusal(state, withdraw(starts_on=date(2026, 3, 1)), at(2)).guard == "start_not_in_past"
    assert refusal(state, withdraw(review_on=date(2026, 3, 3)), at(2)).guard == "review_after"
    withdrawn = go(state, withdraw(), at(2))
    assert refusal(withdrawn, withdraw(), at(2)).guard == "not_withdrawn_already"
    assert WithdrawAccess not in allowed(withdrawn)
    stale = ReviewAccessWithdrawal(actor=HR, note="n", next_review_on=date(2026, 3, 2))
    assert refusal(withdrawn, stale, at(2)).guard == "review_after"
    assert refusal(state, RestoreAccess(actor=HR, note="n"), at(2)).guard == "currently_withdrawn"
    triage_only = new_case(
        case_id="c", clause="NET-SOCIAL", owner="hr", gross_misconduct_listed=True, opened_at=at(2)
    )
    assert refusal(triage_only, withdraw(), at(2)).guard == "disciplinary_in_progress"


def test_case_stays_open_while_access_is_withdrawn() -> None:
    state = go(in_disciplinary(), withdraw(), at(2))
    state = go(state, AppointInvestigator(actor=HR, investigator=INV), at(2))
    state = go(state, AddEvidence(actor=INV, reference="E1", description="d"), at(2))
    state = go(state, ConcludeInvestigation(actor=INV, case_to_answer=False, findings="f"), at(3))
    assert state.disciplinary is not None
    assert state.disciplinary.closure == "no case to answer"
    assert not state.closed
    assert allowed(state) == (ReviewAccessWithdrawal, RestoreAccess)
    assert (
        refusal(state, replace(withdraw(), starts_on=date(2026, 3, 4)), at(3)).guard
        == "disciplinary_in_progress"
    )
    assert go(state, RestoreAccess(actor=HR, note="no case to answer"), at(3)).closed
