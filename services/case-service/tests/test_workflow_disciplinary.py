"""The disciplinary procedure: the happy path, then every guard refusing with its reason."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from case_service.workflow import (
    AddEvidence,
    AppealOutcome,
    AppointInvestigator,
    CaseWorkflow,
    CloseDisciplinary,
    Command,
    ConcludeInvestigation,
    DecideAppeal,
    DisciplinaryStage,
    GuardRefused,
    HoldHearing,
    IssuedWarning,
    LiftSuspension,
    LodgeAppeal,
    Outcome,
    PostponeHearing,
    PostponementReason,
    RecordDecision,
    ResumeDisciplinary,
    ReviewSuspension,
    RouteToDisciplinary,
    SendInvitation,
    Suspend,
    WarningLevel,
    allowed,
    apply,
    new_case,
)

HR, INV, CHAIR, APPEAL = "hr-1", "inv-1", "chair-1", "appeal-1"
CONSEQUENCES = (Outcome.FIRST_WRITTEN_WARNING, Outcome.FINAL_WRITTEN_WARNING, Outcome.SUMMARY_DISMISSAL)


def at(day: int, hour: int = 10, month: int = 3) -> datetime:
    """March 2026 (GMT until the 29th): Monday 2, 9, 16, 23 and 30 March are Mondays."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


def go(state: CaseWorkflow, command: Command, now: datetime, **kwargs: object) -> CaseWorkflow:
    return apply(state, command, now, **kwargs).state  # type: ignore[arg-type]


def refusal(state: CaseWorkflow, command: Command, now: datetime, **kwargs: object) -> GuardRefused:
    with pytest.raises(GuardRefused) as info:
        apply(state, command, now, **kwargs)  # type: ignore[arg-type]
    return info.value


def investigating() -> CaseWorkflow:
    state = new_case(
        case_id="case-1", clause="NET-ADULT", owner="hr", gross_misconduct_listed=True, opened_at=at(2, 9)
    )
    state = go(state, RouteToDisciplinary(actor=HR), at(2, 9))
    state = go(state, AppointInvestigator(actor=HR, investigator=INV), at(2, 9))
    return go(state, AddEvidence(actor=INV, reference="E1", description="proxy log extract"), at(2, 9))


def case_to_answer(gross_misconduct: bool = True) -> CaseWorkflow:
    command = ConcludeInvestigation(
        actor=INV,
        case_to_answer=True,
        findings="visited adult sites",
        gross_misconduct_alleged=gross_misconduct,
    )
    return go(investigating(), command, at(2, 9))


def invitation(**overrides: object) -> SendInvitation:
    fields: dict[str, object] = {
        "actor": HR,
        "allegations": ("Accessed pornographic material on a school device",),
        "possible_consequences": CONSEQUENCES,
        "evidence_pack": ("E1",),
        "hearing_at": at(9),
        "venue": "Meeting room 2",
        "right_to_be_accompanied": True,
    }
    fields.update(overrides)
    return SendInvitation(**fields)  # type: ignore[arg-type]


def invited() -> CaseWorkflow:
    return go(case_to_answer(), invitation(), at(2, 11))


def heard(chair: str = CHAIR) -> CaseWorkflow:
    return go(invited(), HoldHearing(actor=HR, chair=chair, notes="employee answered"), at(9, 14))


def decision(outcome: Outcome, found: bool = False, **overrides: object) -> RecordDecision:
    fields: dict[str, object] = {
        "actor": HR,
        "decided_by": CHAIR,
        "outcome": outcome,
        "rationale": "the evidence and the answers given",
        "gross_misconduct_found": found,
    }
    fields.update(overrides)
    return RecordDecision(**fields)  # type: ignore[arg-type]


def decided(outcome: Outcome = Outcome.FINAL_WRITTEN_WARNING) -> CaseWorkflow:
    return go(heard(), decision(outcome), at(9, 16))


def test_happy_path_from_investigation_to_closed_appeal() -> None:
    state = investigating()
    state = go(
        state,
        Suspend(
            actor=HR,
            reason="risk to evidence",
            review_on=date(2026, 3, 6),
            on_full_pay=True,
            stated_not_disciplinary=True,
        ),
        at(2, 10),
    )
    assert {t.key for t in state.tasks} >= {"disciplinary.suspension_review"}
    state = go(
        state,
        ConcludeInvestigation(actor=INV, case_to_answer=True, findings="f", gross_misconduct_alleged=True),
        at(3),
    )
    assert state.disciplinary is not None
    assert state.disciplinary.stage is DisciplinaryStage.CASE_TO_ANSWER
    state = go(state, invitation(hearing_at=at(10)), at(3))  # Tue 3 → Tue 10: five working days
    companion_busy = PostponeHearing(
        actor=HR, new_hearing_at=at(17), reason=PostponementReason.COMPANION_UNAVAILABLE
    )  # Tue 10 → Tue 17: the fifth working day after
    state = go(state, companion_busy, at(5))
    state = go(state, HoldHearing(actor=HR, chair=CHAIR, notes="n", companion="union rep"), at(17, 14))
    applied = apply(state, decision(Outcome.FINAL_WRITTEN_WARNING), at(17, 16))
    state = applied.state
    assert [e.kind for e in applied.events] == ["decision_recorded", "warning_issued", "suspension_ended"]
    dis = state.disciplinary
    assert dis is not None
    assert dis.decision is not None
    assert dis.warning is not None
    assert dis.decision.decided_by == CHAIR
    assert dis.decision.appeal_by == date(2026, 3, 24)  # five working days after Tue 17
    assert dis.warning.level is WarningLevel.FINAL_WRITTEN
    assert dis.warning.expires_at == at(17, 16) + timedelta(days=365)
    assert not dis.suspended
    assert [t.key for t in state.tasks] == ["disciplinary.appeal_window"]
    state = go(state, LodgeAppeal(actor=HR, grounds="too severe"), at(20))
    assert [t.key for t in state.tasks] == ["disciplinary.appeal_hearing"]
    appeal = DecideAppeal(actor=HR, heard_by=APPEAL, outcome=AppealOutcome.UPHELD, rationale="fair")
    applied = apply(state, appeal, at(27))
    state = applied.state
    assert state.disciplinary is not None
    assert state.disciplinary.stage is DisciplinaryStage.CLOSED
    assert state.closed
    assert allowed(state) == ()
    assert state.tasks == ()
    assert state.version == applied.events[-1].seq


def test_every_step_is_an_event_with_its_actor_and_time() -> None:
    state = new_case(
        case_id="c", clause="NET-SOCIAL", owner="hr", gross_misconduct_listed=True, opened_at=at(2)
    )
    applied = apply(state, RouteToDisciplinary(actor=HR), at(2, 11))
    assert [(e.seq, e.kind, e.actor, e.at, e.track.value) for e in applied.events] == [
        (1, "routed", HR, at(2, 11), "triage"),
    ]
    applied = apply(applied.state, AppointInvestigator(actor=HR, investigator=INV), at(2, 12))
    (event,) = applied.events
    assert (event.seq, event.kind, dict(event.details)) == (
        2,
        "investigator_appointed",
        {"investigator": INV},
    )
    with pytest.raises(TypeError):
        event.details["investigator"] = "someone else"  # type: ignore[index]


def test_no_case_to_answer_closes_and_ends_the_suspension() -> None:
    suspend = Suspend(
        actor=HR, reason="r", review_on=date(2026, 3, 5), on_full_pay=True, stated_not_disciplinary=True
    )
    state = go(investigating(), suspend, at(2, 10))
    applied = apply(
        state, ConcludeInvestigation(actor=INV, case_to_answer=False, findings="no breach"), at(3)
    )
    assert [e.kind for e in applied.events] == ["investigation_concluded", "suspension_ended"]
    assert applied.state.closed
    assert applied.state.tasks == ()


def test_suspension_review_and_lift() -> None:
    suspend = Suspend(
        actor=HR, reason="r", review_on=date(2026, 3, 5), on_full_pay=True, stated_not_disciplinary=True
    )
    state = go(investigating(), suspend, at(2, 10))
    assert LiftSuspension in allowed(state)
    assert Suspend not in allowed(state)
    state = go(
        state, ReviewSuspension(actor=HR, note="still needed", next_review_on=date(2026, 3, 12)), at(5)
    )
    (task,) = [t for t in state.tasks if t.key == "disciplinary.suspension_review"]
    assert task.due == datetime(2026, 3, 13, tzinfo=UTC)  # end of Thursday 12 March, London (GMT)
    state = go(state, LiftSuspension(actor=HR, note="evidence secured"), at(6))
    assert state.disciplinary is not None
    assert not state.disciplinary.suspended
    assert all(t.key != "disciplinary.suspension_review" for t in state.tasks)


def test_appeal_overturned_revokes_the_warning_and_varied_replaces_it() -> None:
    state = go(decided(), LodgeAppeal(actor=HR, grounds="g"), at(10))
    overturned = go(
        state,
        DecideAppeal(actor=HR, heard_by=APPEAL, outcome=AppealOutcome.OVERTURNED, rationale="r"),
        at(12),
    )
    assert overturned.disciplinary is not None
    assert overturned.disciplinary.warning is not None
    assert not overturned.disciplinary.warning.is_live(at(13))
    assert overturned.disciplinary.final_outcome is Outcome.NO_ACTION
    varied = DecideAppeal(
        actor=HR,
        heard_by=APPEAL,
        outcome=AppealOutcome.VARIED,
        rationale="r",
        varied_to=Outcome.FIRST_WRITTEN_WARNING,
    )
    applied = apply(state, varied, at(12))
    dis = applied.state.disciplinary
    assert dis is not None
    assert dis.warning is not None
    assert dis.warning.level is WarningLevel.FIRST_WRITTEN
    assert dis.warning.is_live(at(13))
    assert dis.warning.issued_at == at(9, 16)  # dates from the original decision
    assert [e.kind for e in applied.events] == ["appeal_decided", "warning_revoked", "warning_issued"]


def test_close_without_appeal_after_the_window() -> None:
    state = go(decided(), CloseDisciplinary(actor=HR), at(17))  # window closed Mon 16 March
    assert state.closed


# Guards ---------------------------------------------------------------------------------------


def test_investigation_guards() -> None:
    routed = go(
        new_case(case_id="c", clause="NET-SOCIAL", owner="hr", gross_misconduct_listed=True, opened_at=at(2)),
        RouteToDisciplinary(actor=HR),
        at(2),
    )
    assert refusal(routed, AppointInvestigator(actor=HR, investigator=" "), at(2)).guard == "person_named"
    conclude = ConcludeInvestigation(actor=INV, case_to_answer=True, findings="f")
    assert refusal(routed, conclude, at(2)).guard == "investigator_appointed"
    appointed = go(routed, AppointInvestigator(actor=HR, investigator=INV), at(2))
    no_evidence = refusal(appointed, conclude, at(2))
    assert no_evidence.guard == "evidence_recorded"
    assert "at least one piece of evidence" in no_evidence.reason
    state = investigating()
    other = refusal(state, replace(conclude, actor=HR), at(2))
    assert (other.guard, other.command) == ("investigator_concludes", "conclude_investigation")
    assert refusal(state, replace(conclude, findings=""), at(2)).guard == "text_given"
    no_case_gm = ConcludeInvestigation(
        actor=INV, case_to_answer=False, findings="f", gross_misconduct_alleged=True
    )
    assert refusal(state, no_case_gm, at(2)).guard == "no_gross_misconduct_without_case"
    duplicate = AddEvidence(actor=INV, reference="E1", description="again")
    assert refusal(state, duplicate, at(2)).guard == "evidence_reference_new"


def test_suspension_guards() -> None:
    state = investigating()
    ok = Suspend(
        actor=HR, reason="r", review_on=date(2026, 3, 6), on_full_pay=True, stated_not_disciplinary=True
    )
    unpaid = refusal(state, replace(ok, on_full_pay=False), at(2))
    assert (unpaid.guard, unpaid.reason) == (
        "suspension_on_full_pay",
        "A suspension while the facts are established must be on full pay.",
    )
    assert (
        refusal(state, replace(ok, stated_not_disciplinary=False), at(2)).guard
        == "suspension_stated_not_disciplinary"
    )
    too_far = refusal(state, replace(ok, review_on=date(2026, 3, 17)), at(2))  # 10 working days → 16 March
    assert too_far.guard == "review_date_in_range"
    assert "Monday 16 March 2026" in too_far.reason
    assert refusal(state, replace(ok, review_on=date(2026, 3, 2)), at(2)).guard == "review_date_in_range"
    assert refusal(
        state, ReviewSuspension(actor=HR, note="n", next_review_on=date(2026, 3, 6)), at(2)
    ).guard == ("currently_suspended")
    suspended = go(state, ok, at(2))
    assert refusal(suspended, ok, at(2)).guard == "not_suspended_already"


def test_invitation_guards() -> None:
    state = case_to_answer(gross_misconduct=False)
    now = at(2, 11)
    assert refusal(state, invitation(allegations=(" ",)), now).guard == "allegations_listed"
    assert refusal(state, invitation(possible_consequences=()), now).guard == "consequences_stated"
    assert refusal(state, invitation(), now).guard == "summary_dismissal_needs_gross_misconduct_allegation"
    consequences = (Outcome.FIRST_WRITTEN_WARNING,)
    assert refusal(state, invitation(possible_consequences=consequences, evidence_pack=()), now).guard == (
        "evidence_pack_complete"
    )
    unknown = refusal(state, invitation(possible_consequences=consequences, evidence_pack=("E1", "E9")), now)
    assert unknown.guard == "evidence_pack_complete"
    assert "E9" in unknown.reason
    assert refusal(state, invitation(possible_consequences=consequences, venue=""), now).guard == "text_given"
    not_told = invitation(possible_consequences=consequences, right_to_be_accompanied=False)
    assert refusal(state, not_told, now).guard == "right_to_be_accompanied_stated"
    naive = invitation(possible_consequences=consequences, hearing_at=datetime(2026, 3, 9, 10))
    assert refusal(state, naive, now).guard == "time_zone_given"
    past = invitation(possible_consequences=consequences, hearing_at=at(2, 10))
    assert refusal(state, past, now).guard == "in_the_future"
    short = refusal(state, invitation(possible_consequences=consequences, hearing_at=at(6)), now)
    assert short.guard == "notice_long_enough"
    assert "the earliest date is Monday 9 March 2026" in short.reason


def test_notice_skips_bank_holidays() -> None:
    """Sent Tuesday 31 March 2026: Good Friday (3 April) and Easter Monday (6 April) do not count."""
    state = case_to_answer()
    sent = datetime(2026, 3, 31, 9, tzinfo=UTC)
    short = refusal(state, invitation(hearing_at=datetime(2026, 4, 8, 9, tzinfo=UTC)), sent)
    assert short.guard == "notice_long_enough"
    assert "Thursday 9 April 2026" in short.reason
    go(state, invitation(hearing_at=datetime(2026, 4, 9, 9, tzinfo=UTC)), sent)


def test_notice_is_configurable() -> None:
    from case_service.workflow import WorkflowConfig

    state = case_to_answer()
    config = WorkflowConfig(invitation_notice_working_days=2)
    go(state, invitation(hearing_at=at(4)), at(2, 11), config=config)
    assert refusal(state, invitation(hearing_at=at(4)), at(2, 11)).guard == "notice_long_enough"


def test_postponement_guards() -> None:
    state = invited()  # hearing Monday 9 March
    beyond = PostponeHearing(actor=HR, new_hearing_at=at(17), reason=PostponementReason.COMPANION_UNAVAILABLE)
    refused = refusal(state, beyond, at(4))
    assert refused.guard == "companion_postponement_within_limit"
    assert "the latest is Monday 16 March 2026" in refused.reason
    go(state, replace(beyond, new_hearing_at=at(16)), at(4))
    other = PostponeHearing(actor=HR, new_hearing_at=at(20), reason=PostponementReason.OTHER)
    assert refusal(state, other, at(4)).guard == "text_given"
    go(state, replace(other, explanation="employee signed off sick"), at(4))
    assert refusal(state, replace(beyond, new_hearing_at=at(3)), at(4)).guard == "in_the_future"


def test_hearing_guards() -> None:
    state = invited()
    early = refusal(state, HoldHearing(actor=HR, chair=CHAIR, notes="n"), at(6))
    assert early.guard == "hearing_date_reached"
    assert "Monday 9 March 2026" in early.reason
    same = refusal(state, HoldHearing(actor=HR, chair=INV, notes="n"), at(9, 14))
    assert same.guard == "chair_is_not_investigator"
    assert same.reason.startswith(
        "The hearing must be chaired by someone other than the investigating officer"
    )
    overridden = HoldHearing(
        actor=HR, chair=INV, notes="n", chair_override_reason="a two-person school office"
    )
    assert go(state, overridden, at(9, 14)).disciplinary is not None
    assert refusal(state, HoldHearing(actor=HR, chair="", notes="n"), at(9, 14)).guard == "person_named"


def test_decision_guards() -> None:
    state = heard()
    now = at(9, 16)
    assert refusal(state, decision(Outcome.NO_ACTION, decided_by=""), now).guard == "person_named"
    assert refusal(state, decision(Outcome.NO_ACTION, rationale=" "), now).guard == "text_given"
    assert (
        refusal(state, decision(Outcome.NO_ACTION, decided_by="someone-else"), now).guard
        == "decider_chaired_hearing"
    )
    summary = refusal(state, decision(Outcome.SUMMARY_DISMISSAL), now)
    assert (summary.guard, summary.reason) == (
        "summary_dismissal_needs_gross_misconduct",
        "Summary dismissal (without notice) needs a finding of gross misconduct.",
    )
    assert go(state, decision(Outcome.SUMMARY_DISMISSAL, found=True), now).disciplinary is not None


def test_decision_must_stay_within_the_stated_consequences() -> None:
    state = go(
        case_to_answer(gross_misconduct=False),
        invitation(possible_consequences=(Outcome.FIRST_WRITTEN_WARNING,)),
        at(2, 11),
    )
    state = go(state, HoldHearing(actor=HR, chair=CHAIR, notes="n"), at(9, 14))
    refused = refusal(state, decision(Outcome.FINAL_WRITTEN_WARNING), at(9, 16))
    assert refused.guard == "outcome_within_stated_consequences"
    assert "at most first written warning" in refused.reason
    assert (
        refusal(state, decision(Outcome.NO_ACTION, found=True), at(9, 16)).guard
        == "gross_misconduct_finding_alleged"
    )
    go(state, decision(Outcome.INFORMAL_ADVICE), at(9, 16))


def test_dismissal_needs_a_live_final_warning_or_gross_misconduct() -> None:
    consequences = (Outcome.FINAL_WRITTEN_WARNING, Outcome.DISMISSAL_WITH_NOTICE)
    state = go(
        case_to_answer(gross_misconduct=False), invitation(possible_consequences=consequences), at(2, 11)
    )
    state = go(state, HoldHearing(actor=HR, chair=CHAIR, notes="n"), at(9, 14))
    now = at(9, 16)
    refused = refusal(state, decision(Outcome.DISMISSAL_WITH_NOTICE), now)
    assert refused.guard == "dismissal_needs_final_warning_or_gross_misconduct"
    assert refused.reason.startswith(
        "Dismissal needs a live final written warning or a finding of gross misconduct"
    )
    expired = IssuedWarning(
        case_id="old",
        level=WarningLevel.FINAL_WRITTEN,
        issued_at=datetime(2025, 1, 6, tzinfo=UTC),
        expires_at=datetime(2026, 1, 6, tzinfo=UTC),
        issued_by="head-1",
    )
    refused = refusal(state, decision(Outcome.DISMISSAL_WITH_NOTICE), now, prior_warnings=[expired])
    assert "expired on Tuesday 6 January 2026" in refused.reason
    first_only = replace(
        expired, level=WarningLevel.FIRST_WRITTEN, expires_at=datetime(2026, 7, 6, tzinfo=UTC)
    )
    assert refusal(
        state, decision(Outcome.DISMISSAL_WITH_NOTICE), now, prior_warnings=[first_only]
    ).guard == ("dismissal_needs_final_warning_or_gross_misconduct")
    live = replace(expired, case_id="recent", expires_at=datetime(2026, 6, 1, tzinfo=UTC))
    dismissed = go(state, decision(Outcome.DISMISSAL_WITH_NOTICE), now, prior_warnings=[expired, live])
    assert dismissed.disciplinary is not None
    assert dismissed.disciplinary.decision is not None
    assert dismissed.disciplinary.decision.relied_on_final_warning == "recent"
    revoked = live.revoke(datetime(2026, 2, 1, tzinfo=UTC), "appeal-0")
    assert refusal(state, decision(Outcome.DISMISSAL_WITH_NOTICE), now, prior_warnings=[revoked]).guard == (
        "dismissal_needs_final_warning_or_gross_misconduct"
    )


def test_appeal_guards() -> None:
    state = decided()  # decided Monday 9 March: appeal by Monday 16 March
    late = refusal(state, LodgeAppeal(actor=HR, grounds="g"), at(17))
    assert (late.guard, late.reason) == (
        "appeal_within_window",
        "The appeal window closed on Monday 16 March 2026.",
    )
    assert refusal(state, LodgeAppeal(actor=HR, grounds=""), at(16)).guard == "text_given"
    early_close = refusal(state, CloseDisciplinary(actor=HR), at(16))
    assert early_close.guard == "appeal_window_over"
    assert "Monday 16 March 2026" in early_close.reason
    lodged = go(state, LodgeAppeal(actor=HR, grounds="g"), at(16))
    for person, role in ((INV, "the investigating officer"), (CHAIR, "the hearing's chair")):
        involved = refusal(
            lodged,
            DecideAppeal(actor=HR, heard_by=person, outcome=AppealOutcome.UPHELD, rationale="r"),
            at(20),
        )
        assert involved.guard == "appeal_heard_by_someone_uninvolved"
        assert role in involved.reason
    harsher = DecideAppeal(
        actor=HR,
        heard_by=APPEAL,
        outcome=AppealOutcome.VARIED,
        rationale="r",
        varied_to=Outcome.SUMMARY_DISMISSAL,
    )
    assert refusal(lodged, harsher, at(20)).guard == "varied_outcome_less_severe"
    stray = DecideAppeal(
        actor=HR, heard_by=APPEAL, outcome=AppealOutcome.UPHELD, rationale="r", varied_to=Outcome.NO_ACTION
    )
    assert refusal(lodged, stray, at(20)).guard == "varied_outcome_less_severe"
    assert refusal(lodged, replace(stray, varied_to=None, rationale=""), at(20)).guard == "text_given"


def test_commands_not_allowed_at_the_stage_are_refused() -> None:
    state = investigating()
    early = refusal(state, invitation(), at(2, 11))
    assert early.guard == "allowed_at_stage"
    assert "investigation" in early.reason
    assert "conclude the investigation" in early.reason
    assert SendInvitation not in allowed(state)
    no_track = new_case(
        case_id="c", clause="NET-SOCIAL", owner="hr", gross_misconduct_listed=True, opened_at=at(2)
    )
    missing = refusal(no_track, HoldHearing(actor=HR, chair=CHAIR, notes="n"), at(2))
    assert missing.guard == "allowed_now"
    assert "start the disciplinary procedure" in missing.reason
    assert refusal(state, ResumeDisciplinary(actor=HR, reason="r"), at(2)).guard == "paused"


def test_closed_case_and_clock_and_actor_guards() -> None:
    closed = go(decided(), CloseDisciplinary(actor=HR), at(17))
    refused = refusal(closed, LodgeAppeal(actor=HR, grounds="g"), at(18))
    assert (refused.guard, refused.reason) == (
        "case_open",
        "This case is closed; nothing more can be recorded on it.",
    )
    state = investigating()
    assert refusal(state, AddEvidence(actor=INV, reference="E2", description="d"), at(1)).guard == (
        "not_before_last_step"
    )
    assert (
        refusal(state, AddEvidence(actor="", reference="E2", description="d"), at(3)).guard == "actor_named"
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        apply(state, AddEvidence(actor=INV, reference="E2", description="d"), datetime(2026, 3, 3))
