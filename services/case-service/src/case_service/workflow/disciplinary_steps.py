"""The disciplinary procedure's transitions, one function per group of commands.

Called by `disciplinary.apply` after the transition table allowed the command; each function runs
the command's guards (`disciplinary_guards`) and returns the new state, the changes and the tasks.
"""

from dataclasses import replace
from datetime import datetime

from case_service.workflow import disciplinary_guards as g
from case_service.workflow.config import Context
from case_service.workflow.core import (
    Change,
    JsonValue,
    Step,
    Task,
    Track,
    ensure,
    person_named,
    text_given,
    time_zone_given,
)
from case_service.workflow.disciplinary_model import (
    WARNING_FOR,
    AddEvidence,
    Appeal,
    AppealOutcome,
    AppointInvestigator,
    CloseDisciplinary,
    ConcludeInvestigation,
    DecideAppeal,
    Decision,
    DisciplinaryStage,
    DisciplinaryState,
    Evidence,
    Hearing,
    HoldHearing,
    Invitation,
    LiftSuspension,
    LodgeAppeal,
    Outcome,
    PostponeHearing,
    Postponement,
    PostponementReason,
    RecordDecision,
    ReviewSuspension,
    SendInvitation,
    Suspend,
    Suspension,
)
from case_service.workflow.written_warnings import IssuedWarning, live_final_warning

Stage = DisciplinaryStage

INVESTIGATOR_TASK = "disciplinary.investigator"
SUSPENSION_TASK = "disciplinary.suspension_review"
HEARING_TASK = "disciplinary.hearing"
APPEAL_WINDOW_TASK = "disciplinary.appeal_window"
APPEAL_HEARING_TASK = "disciplinary.appeal_hearing"


def new_task(ctx: Context, key: str, title: str, due: datetime) -> Task:
    return Task(key=key, track=Track.DISCIPLINARY, title=title, due=due, opened_at=ctx.now)


def end_suspension(state: DisciplinaryState, ctx: Context, because: str) -> Step[DisciplinaryState]:
    """The suspension ends with the step that made it unnecessary, recorded as its own event."""
    if state.suspension is None or not state.suspended:
        return Step(state)
    ended = replace(state.suspension, ended_at=ctx.now, ended_by=ctx.actor)
    change = Change("suspension_ended", {"because": because})
    return Step(replace(state, suspension=ended), (change,), close_tasks=(SUSPENSION_TASK,))


def then(first: Step[DisciplinaryState], second: Step[DisciplinaryState]) -> Step[DisciplinaryState]:
    return Step(
        second.state,
        first.changes + second.changes,
        first.open_tasks + second.open_tasks,
        first.close_tasks + second.close_tasks,
    )


def investigate(
    state: DisciplinaryState, command: AppointInvestigator | AddEvidence | ConcludeInvestigation, ctx: Context
) -> Step[DisciplinaryState]:
    match command:
        case AppointInvestigator(investigator=investigator):
            ensure(person_named, investigator, "investigating officer")
            change = Change("investigator_appointed", {"investigator": investigator})
            return Step(
                replace(state, investigator=investigator), (change,), close_tasks=(INVESTIGATOR_TASK,)
            )
        case AddEvidence(reference=reference, description=description):
            ensure(text_given, reference, "the evidence's reference")
            ensure(text_given, description, "a description of the evidence")
            ensure(g.evidence_reference_new, state, reference)
            item = Evidence(
                reference=reference, description=description, added_by=ctx.actor, added_at=ctx.now
            )
            change = Change("evidence_added", {"reference": reference, "description": description})
            return Step(replace(state, evidence=(*state.evidence, item)), (change,))
        case ConcludeInvestigation(case_to_answer=case_to_answer, findings=findings):
            ensure(g.investigator_appointed, state)
            ensure(g.investigator_concludes, state, ctx.actor)
            ensure(g.evidence_recorded, state)
            ensure(text_given, findings, "the investigation's findings")
            ensure(g.no_gross_misconduct_without_case, case_to_answer, command.gross_misconduct_alleged)
            concluded = replace(
                state,
                stage=Stage.CASE_TO_ANSWER if case_to_answer else Stage.CLOSED,
                case_to_answer=case_to_answer,
                findings=findings,
                gross_misconduct_alleged=command.gross_misconduct_alleged,
            )
            details: dict[str, JsonValue] = {
                "case_to_answer": case_to_answer,
                "findings": findings,
                "gross_misconduct_alleged": command.gross_misconduct_alleged,
            }
            step = Step(concluded, (Change("investigation_concluded", details),))
            if case_to_answer:
                return step
            closed = replace(concluded, closed_at=ctx.now, closure="no case to answer")
            return then(replace(step, state=closed), end_suspension(closed, ctx, "no case to answer"))


def suspension_step(
    state: DisciplinaryState, command: Suspend | ReviewSuspension | LiftSuspension, ctx: Context
) -> Step[DisciplinaryState]:
    match command:
        case Suspend(reason=reason, review_on=review_on):
            ensure(g.not_suspended_already, state)
            ensure(text_given, reason, "the reason for suspending")
            ensure(g.suspension_on_full_pay, command)
            ensure(g.suspension_stated_not_disciplinary, command)
            ensure(g.review_date_in_range, review_on, ctx.today, ctx.config)
            suspension = Suspension(
                reason=reason, started_at=ctx.now, review_on=review_on, started_by=ctx.actor
            )
            details: dict[str, JsonValue] = {
                "reason": reason,
                "review_on": review_on.isoformat(),
                "on_full_pay": True,
            }
            details["not_a_disciplinary_sanction"] = True
            task = new_task(ctx, SUSPENSION_TASK, "Review the suspension", ctx.config.end_of(review_on))
            return Step(replace(state, suspension=suspension), (Change("suspended", details),), (task,))
        case ReviewSuspension(note=note, next_review_on=next_review_on):
            ensure(g.currently_suspended, state)
            ensure(text_given, note, "a note of the review")
            ensure(g.review_date_in_range, next_review_on, ctx.today, ctx.config)
            assert state.suspension is not None  # guarded by currently_suspended
            reviewed = replace(state.suspension, review_on=next_review_on)
            details = {"note": note, "next_review_on": next_review_on.isoformat()}
            task = new_task(ctx, SUSPENSION_TASK, "Review the suspension", ctx.config.end_of(next_review_on))
            return Step(
                replace(state, suspension=reviewed), (Change("suspension_reviewed", details),), (task,)
            )
        case LiftSuspension(note=note):
            ensure(g.currently_suspended, state)
            ensure(text_given, note, "a note of why the suspension is lifted")
            return end_suspension(state, ctx, note)


def hearing(
    state: DisciplinaryState, command: SendInvitation | PostponeHearing | HoldHearing, ctx: Context
) -> Step[DisciplinaryState]:
    config = ctx.config
    match command:
        case SendInvitation(hearing_at=hearing_at, venue=venue):
            ensure(g.allegations_listed, command)
            ensure(g.consequences_stated, command)
            ensure(
                g.summary_dismissal_needs_gross_misconduct_allegation, state, command.possible_consequences
            )
            ensure(g.evidence_pack_complete, state, command.evidence_pack)
            ensure(text_given, venue, "the hearing's venue")
            ensure(g.right_to_be_accompanied_stated, command)
            ensure(time_zone_given, hearing_at, "the hearing's date and time")
            ensure(g.in_the_future, hearing_at, ctx.now, "hearing")
            ensure(g.notice_long_enough, ctx.today, config.local_date(hearing_at), config)
            invitation = Invitation(
                allegations=tuple(a for a in command.allegations if a.strip()),
                possible_consequences=command.possible_consequences,
                evidence_pack=command.evidence_pack,
                hearing_at=hearing_at,
                venue=venue,
                right_to_be_accompanied=True,
                sent_at=ctx.now,
                sent_by=ctx.actor,
            )
            details: dict[str, JsonValue] = {
                "allegations": invitation.allegations,
                "possible_consequences": tuple(o.value for o in invitation.possible_consequences),
                "evidence_pack": invitation.evidence_pack,
                "hearing_at": hearing_at.isoformat(),
                "venue": venue,
                "right_to_be_accompanied": True,
            }
            task = new_task(ctx, HEARING_TASK, f"Hold the hearing at {venue}", hearing_at)
            new_state = replace(state, stage=Stage.INVITED, invitation=invitation)
            return Step(new_state, (Change("invitation_sent", details),), (task,))
        case PostponeHearing(new_hearing_at=new_at, reason=reason, explanation=explanation):
            assert state.invitation is not None  # the invited stage has an invitation
            ensure(time_zone_given, new_at, "the new date and time")
            ensure(g.in_the_future, new_at, ctx.now, "new hearing date")
            current = state.invitation.hearing_at
            if reason is PostponementReason.COMPANION_UNAVAILABLE:
                ensure(
                    g.companion_postponement_within_limit,
                    config.local_date(current),
                    config.local_date(new_at),
                    config,
                )
            else:
                ensure(text_given, explanation, "the reason for postponing")
            postponement = Postponement(
                from_at=current, to_at=new_at, reason=reason, explanation=explanation, recorded_by=ctx.actor
            )
            details = {
                "from": current.isoformat(),
                "to": new_at.isoformat(),
                "reason": reason.value,
            }
            details["explanation"] = explanation
            task = new_task(ctx, HEARING_TASK, f"Hold the hearing at {state.invitation.venue}", new_at)
            new_state = replace(
                state,
                invitation=replace(state.invitation, hearing_at=new_at),
                postponements=(*state.postponements, postponement),
            )
            return Step(new_state, (Change("hearing_postponed", details),), (task,))
        case HoldHearing(chair=chair, notes=notes):
            assert state.invitation is not None
            ensure(person_named, chair, "person chairing the hearing")
            ensure(g.chair_is_not_investigator, state, chair, command.chair_override_reason)
            ensure(g.hearing_date_reached, config.local_date(state.invitation.hearing_at), ctx.today)
            ensure(text_given, notes, "notes of the hearing")
            hearing = Hearing(
                chair=chair,
                held_at=ctx.now,
                notes=notes,
                employee_attended=command.employee_attended,
                companion=command.companion,
                chair_override_reason=command.chair_override_reason,
            )
            details = {
                "chair": chair,
                "employee_attended": command.employee_attended,
                "companion": command.companion,
                "chair_override_reason": command.chair_override_reason,
            }
            new_state = replace(state, stage=Stage.HEARD, hearing=hearing)
            return Step(new_state, (Change("hearing_held", details),), close_tasks=(HEARING_TASK,))


def decide(state: DisciplinaryState, command: RecordDecision, ctx: Context) -> Step[DisciplinaryState]:
    outcome, found = command.outcome, command.gross_misconduct_found
    ensure(person_named, command.decided_by, "person who made the decision")
    ensure(text_given, command.rationale, "the reasons for the decision")
    ensure(g.decider_chaired_hearing, state, command.decided_by)
    ensure(g.outcome_within_stated_consequences, state, outcome)
    ensure(g.gross_misconduct_finding_alleged, state, found)
    ensure(g.summary_dismissal_needs_gross_misconduct, outcome, found)
    ensure(g.dismissal_needs_final_warning_or_gross_misconduct, outcome, found, ctx.prior_warnings, ctx.now)
    relied_on = None
    if outcome is Outcome.DISMISSAL_WITH_NOTICE and not found:
        final = live_final_warning(ctx.prior_warnings, ctx.now)
        relied_on = final.case_id if final is not None else None
    appeal_by = ctx.config.working_days_after(ctx.today, ctx.config.appeal_window_working_days)
    decision = Decision(
        outcome=outcome,
        decided_by=command.decided_by,
        rationale=command.rationale,
        gross_misconduct_found=found,
        decided_at=ctx.now,
        appeal_by=appeal_by,
        relied_on_final_warning=relied_on,
    )
    details: dict[str, JsonValue] = {
        "outcome": outcome.value,
        "decided_by": command.decided_by,
        "rationale": command.rationale,
        "gross_misconduct_found": found,
        "appeal_by": appeal_by.isoformat(),
        "relied_on_final_warning": relied_on,
    }
    changes = [Change("decision_recorded", details)]
    warning = warning_for(ctx, outcome, ctx.now, command.decided_by)
    if warning is not None:
        changes.append(warning_issued(warning))
    task = new_task(
        ctx,
        APPEAL_WINDOW_TASK,
        "Appeal window closes: close the case if no appeal",
        ctx.config.end_of(appeal_by),
    )
    decided = replace(state, stage=Stage.DECIDED, decision=decision, warning=warning)
    step = Step(decided, tuple(changes), (task,))
    return then(step, end_suspension(decided, ctx, f"decision: {outcome.label}"))


def warning_for(ctx: Context, outcome: Outcome | None, issued_at: datetime, by: str) -> IssuedWarning | None:
    level = WARNING_FOR.get(outcome) if outcome is not None else None
    if level is None:
        return None
    return IssuedWarning(
        case_id=ctx.case_id,
        level=level,
        issued_at=issued_at,
        expires_at=issued_at + ctx.config.warning_duration(level),
        issued_by=by,
    )


def warning_issued(warning: IssuedWarning) -> Change:
    details: dict[str, JsonValue] = {
        "level": warning.level.value,
        "expires_at": warning.expires_at.isoformat(),
    }
    return Change("warning_issued", details)


def appeal(
    state: DisciplinaryState, command: LodgeAppeal | DecideAppeal | CloseDisciplinary, ctx: Context
) -> Step[DisciplinaryState]:
    match command:
        case LodgeAppeal(grounds=grounds):
            assert state.decision is not None  # the decided stage has a decision
            ensure(g.appeal_within_window, state.decision, ctx.today)
            ensure(text_given, grounds, "the grounds of appeal")
            appeal = Appeal(grounds=grounds, lodged_at=ctx.now, lodged_by=ctx.actor)
            due = ctx.config.deadline(ctx.now, ctx.config.appeal_hearing_working_days)
            task = new_task(ctx, APPEAL_HEARING_TASK, "Hear the appeal", due)
            new_state = replace(state, stage=Stage.APPEAL_LODGED, appeal=appeal)
            change = Change("appeal_lodged", {"grounds": grounds})
            return Step(new_state, (change,), (task,), close_tasks=(APPEAL_WINDOW_TASK,))
        case DecideAppeal(heard_by=heard_by, outcome=outcome, rationale=rationale):
            assert state.appeal is not None
            assert state.decision is not None
            ensure(person_named, heard_by, "person who heard the appeal")
            ensure(g.appeal_heard_by_someone_uninvolved, state, heard_by)
            ensure(text_given, rationale, "the reasons for the appeal decision")
            ensure(g.varied_outcome_less_severe, state, command)
            appeal = replace(
                state.appeal,
                heard_by=heard_by,
                outcome=outcome,
                varied_to=command.varied_to,
                rationale=rationale,
                decided_at=ctx.now,
            )
            details: dict[str, JsonValue] = {
                "heard_by": heard_by,
                "outcome": outcome.value,
                "varied_to": command.varied_to.value if command.varied_to is not None else None,
                "rationale": rationale,
            }
            changes = [Change("appeal_decided", details)]
            warning = state.warning
            if outcome is not AppealOutcome.UPHELD:
                if warning is not None:
                    warning = warning.revoke(ctx.now, heard_by)
                    changes.append(Change("warning_revoked", {"level": warning.level.value}))
                replacement = warning_for(ctx, command.varied_to, state.decision.decided_at, heard_by)
                if replacement is not None:
                    warning = replacement
                    changes.append(warning_issued(replacement))
            new_state = replace(
                state,
                stage=Stage.CLOSED,
                appeal=appeal,
                warning=warning,
                closed_at=ctx.now,
                closure="appeal decided",
            )
            return Step(new_state, tuple(changes), close_tasks=(APPEAL_HEARING_TASK,))
        case CloseDisciplinary():
            assert state.decision is not None
            ensure(g.appeal_window_over, state.decision, ctx.today)
            new_state = replace(state, stage=Stage.CLOSED, closed_at=ctx.now, closure="no appeal")
            return Step(new_state, (Change("disciplinary_closed", {"closure": "no appeal"}),))
