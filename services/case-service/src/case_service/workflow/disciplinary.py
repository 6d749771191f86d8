"""The disciplinary procedure (WF-DISCIPLINARY) as a state machine, after the ACAS Code of Practice.

| stage | commands |
|---|---|
| investigation | appoint_investigator, add_evidence, conclude_investigation, suspension commands |
| case_to_answer | send_invitation, suspension commands |
| invited | postpone_hearing, hold_hearing, suspension commands |
| heard | record_decision, suspension commands |
| decided | lodge_appeal (within the window), close_disciplinary (after it) |
| appeal_lodged | decide_appeal |
| closed | — |

The suspension commands are suspend, review_suspension and lift_suspension. `resume_disciplinary`
is possible at any open stage while the procedure is paused for a grievance; while paused only it
and the suspension review/lift are possible (a suspension is still reviewed).
Tasks: appoint the investigator, suspension review due, hold the hearing, appeal window closes,
hear the appeal. Vocabulary in `disciplinary_model`, guards in `disciplinary_guards`, the
transitions themselves in `disciplinary_steps`.
"""

from dataclasses import replace

from case_service.workflow import disciplinary_steps as steps
from case_service.workflow.config import Context
from case_service.workflow.core import Change, Command, Step, allowed_at_stage, ensure, text_given
from case_service.workflow.disciplinary_model import (
    AddEvidence,
    AppointInvestigator,
    CloseDisciplinary,
    ConcludeInvestigation,
    DecideAppeal,
    DisciplinaryCommand,
    DisciplinaryStage,
    DisciplinaryState,
    HoldHearing,
    LiftSuspension,
    LodgeAppeal,
    PostponeHearing,
    RecordDecision,
    ResumeDisciplinary,
    ReviewSuspension,
    SendInvitation,
    Suspend,
)

Stage = DisciplinaryStage
SUSPENSION = (Suspend, ReviewSuspension, LiftSuspension)
WHILE_PAUSED = (ResumeDisciplinary, ReviewSuspension, LiftSuspension)

TRANSITIONS: dict[DisciplinaryStage, tuple[type[Command], ...]] = {
    Stage.INVESTIGATION: (AppointInvestigator, AddEvidence, ConcludeInvestigation, *SUSPENSION),
    Stage.CASE_TO_ANSWER: (SendInvitation, *SUSPENSION),
    Stage.INVITED: (HoldHearing, PostponeHearing, *SUSPENSION),
    Stage.HEARD: (RecordDecision, *SUSPENSION),
    Stage.DECIDED: (LodgeAppeal, CloseDisciplinary),
    Stage.APPEAL_LODGED: (DecideAppeal,),
}
for _stage in Stage:
    if _stage is not Stage.CLOSED:
        TRANSITIONS[_stage] = (*TRANSITIONS[_stage], ResumeDisciplinary)

COMMANDS: tuple[type[Command], ...] = tuple(dict.fromkeys(k for ks in TRANSITIONS.values() for k in ks))


def allowed(state: DisciplinaryState) -> tuple[type[Command], ...]:
    possible = TRANSITIONS.get(state.stage, ())
    if state.paused:
        possible = tuple(kind for kind in possible if kind in WHILE_PAUSED)
    else:
        possible = tuple(kind for kind in possible if kind is not ResumeDisciplinary)
    if state.suspended:
        return tuple(kind for kind in possible if kind is not Suspend)
    return tuple(kind for kind in possible if kind not in (ReviewSuspension, LiftSuspension))


def not_paused(state: DisciplinaryState, command: Command) -> str | None:
    if state.paused and type(command) not in WHILE_PAUSED:
        return (
            "The disciplinary is paused while the grievance is dealt with; resume it first "
            "(the suspension can still be reviewed or lifted)."
        )
    return None


def paused(state: DisciplinaryState) -> str | None:
    if not state.paused:
        return "The disciplinary is not paused."
    return None


def start(ctx: Context) -> Step[DisciplinaryState]:
    task = steps.new_task(
        ctx,
        steps.INVESTIGATOR_TASK,
        "Appoint the investigating officer",
        ctx.config.deadline(ctx.now, ctx.config.triage_working_days),
    )
    return Step(DisciplinaryState(opened_at=ctx.now), open_tasks=(task,))


def pause(state: DisciplinaryState, because: str) -> Step[DisciplinaryState]:
    return Step(replace(state, paused=True), (Change("disciplinary_paused", {"because": because}),))


def apply(state: DisciplinaryState, command: DisciplinaryCommand, ctx: Context) -> Step[DisciplinaryState]:
    ensure(allowed_at_stage, state.stage, command, TRANSITIONS, "disciplinary", allowed(state))
    ensure(not_paused, state, command)
    match command:
        case AppointInvestigator() | AddEvidence() | ConcludeInvestigation():
            return steps.investigate(state, command, ctx)
        case Suspend() | ReviewSuspension() | LiftSuspension():
            return steps.suspension_step(state, command, ctx)
        case SendInvitation() | PostponeHearing() | HoldHearing():
            return steps.hearing(state, command, ctx)
        case RecordDecision():
            return steps.decide(state, command, ctx)
        case LodgeAppeal() | DecideAppeal() | CloseDisciplinary():
            return steps.appeal(state, command, ctx)
        case ResumeDisciplinary(reason=reason):
            ensure(paused, state)
            ensure(text_given, reason, "the reason for resuming the disciplinary")
            return Step(replace(state, paused=False), (Change("disciplinary_resumed", {"reason": reason}),))
