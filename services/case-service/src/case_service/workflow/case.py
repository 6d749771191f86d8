"""One case's workflow: triage and the tracks it opens, moved on one command at a time.

    applied = apply(state, command, now, config=school_config, prior_warnings=warnings)
    # store applied.state (to_dict → JSONB) and applied.events (append-only), in one transaction

`apply` is pure: it reads no clock (`now` is passed in), no database and no settings; it returns a
new state and the events it produced, or raises `GuardRefused` with the reason. Cross-track rules
live here: no internal step before the LADO is consulted, a grievance raised during a disciplinary
may pause it, a dismissal in a safeguarding case opens the DBS referral decision, and a closed
case takes no command at all. A case is closed when triage finished it (false positive, informal
resolution, IT ticket closed) or when every track it opened is closed and no access withdrawal is
still in force (see `case_state`, which also answers `allowed` and `overdue`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from case_service.workflow import disciplinary, grievance, safeguarding, sanctions, triage
from case_service.workflow import disciplinary_model as dm
from case_service.workflow.case_state import CaseWorkflow, allowed, disciplinary_open, lado_pending
from case_service.workflow.config import DEFAULT_CONFIG, Context, WorkflowConfig
from case_service.workflow.core import (
    Change,
    Command,
    Event,
    GuardRefused,
    Step,
    Task,
    Track,
    ensure,
    next_steps,
    person_named,
)
from case_service.workflow.disciplinary_guards import is_dismissal
from case_service.workflow.disciplinary_model import DisciplinaryStage
from case_service.workflow.grievance import ConcurrentHandling, GrievanceStage, RaiseGrievance
from case_service.workflow.safeguarding import SafeguardingStage
from case_service.workflow.sanctions import active_withdrawal
from case_service.workflow.triage import TriageStage
from case_service.workflow.written_warnings import IssuedWarning

INTERNAL_STEPS: tuple[type[Command], ...] = (*disciplinary.COMMANDS, *grievance.COMMANDS, *sanctions.COMMANDS)


@dataclass(frozen=True)
class Applied:
    """The case after one command, and the events to append to its timeline."""

    state: CaseWorkflow
    events: tuple[Event, ...]


@dataclass(frozen=True)
class _Effects:
    track: Track
    changes: tuple[Change, ...]
    open_tasks: tuple[Task, ...]
    close_tasks: tuple[str, ...]


def _effects(track: Track, step: Step[Any]) -> _Effects:
    return _Effects(track, step.changes, step.open_tasks, step.close_tasks)


# Case-level guards ---------------------------------------------------------------------------


def actor_named(actor: str) -> str | None:
    return person_named(actor, "person taking this step")


def case_open(state: CaseWorkflow) -> str | None:
    if state.closed:
        return "This case is closed; nothing more can be recorded on it."
    return None


def not_before_last_step(state: CaseWorkflow, now: datetime) -> str | None:
    if now < state.updated_at:
        return "This step is dated before the case's last recorded step; check the date and time."
    return None


def lado_consulted_first(state: CaseWorkflow, command: Command) -> str | None:
    internal = isinstance(command, INTERNAL_STEPS) or (
        isinstance(command, triage.RouteToDisciplinary) and state.triage.stage is TriageStage.SAFEGUARDING
    )
    if internal and lado_pending(state):
        return (
            "The LADO must be consulted, and the consultation recorded, before any internal step "
            "(investigation, grievance or sanction) proceeds."
        )
    return None


def allowed_now(state: CaseWorkflow, command: Command, config: WorkflowConfig) -> str | None:
    possible = allowed(state, config)
    if type(command) in possible:
        return None
    return (
        f"‘{command.title}’ is not possible at this point of the case. "
        f"Possible next steps: {next_steps(possible)}."
    )


def disciplinary_closed_first(state: CaseWorkflow) -> str | None:
    if disciplinary_open(state):
        return "Close the disciplinary first: the safeguarding outcome and the DBS decision depend on it."
    return None


def disciplinary_in_progress(state: CaseWorkflow) -> str | None:
    if not disciplinary_open(state) or (state.disciplinary is not None and state.disciplinary.paused):
        return (
            "Access can be withdrawn as a sanction only while a disciplinary is in progress (and not paused)."
        )
    return None


# Applying a command -------------------------------------------------------------------------


def apply(
    state: CaseWorkflow,
    command: Command,
    now: datetime,
    *,
    config: WorkflowConfig = DEFAULT_CONFIG,
    prior_warnings: Sequence[IssuedWarning] = (),
) -> Applied:
    """Apply one person's command at `now`; raise `GuardRefused` (with `.command` set) if a guard refuses.

    `prior_warnings` are the person's warnings from earlier cases (for "a live final warning").
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    ctx = Context(
        case_id=state.case_id,
        now=now,
        actor=command.actor,
        config=config,
        prior_warnings=tuple(prior_warnings),
    )
    try:
        ensure(actor_named, command.actor)
        ensure(not_before_last_step, state, now)
        ensure(case_open, state)
        ensure(lado_consulted_first, state, command)
        new_state, effects = _dispatch(state, command, ctx)
    except GuardRefused as refused:
        refused.command = command.name
        raise
    return _record(new_state, effects, ctx)


def _dispatch(state: CaseWorkflow, command: Command, ctx: Context) -> tuple[CaseWorkflow, list[_Effects]]:
    match command:
        case triage.RouteToDisciplinary() if state.triage.stage is TriageStage.SAFEGUARDING:
            # within safeguarding, after the LADO consultation (lado_consulted_first checked that)
            ensure(allowed_now, state, command, ctx.config)
            routed = Change("routed", {"to": "disciplinary", "within": "safeguarding"})
            return _open_disciplinary(state, ctx, [_Effects(Track.TRIAGE, (routed,), (), ())])
        case (
            triage.DismissFalsePositive()
            | triage.StartInformalResolution()
            | triage.RecordInformalOutcome()
            | triage.RouteToDisciplinary()
            | triage.RouteToGrievance()
            | triage.RaiseItTicket()
            | triage.CloseItTicket()
            | triage.RouteToSafeguarding()
        ):
            return _triage(state, command, ctx)
        case (
            dm.AppointInvestigator()
            | dm.AddEvidence()
            | dm.Suspend()
            | dm.ReviewSuspension()
            | dm.LiftSuspension()
            | dm.ConcludeInvestigation()
            | dm.SendInvitation()
            | dm.PostponeHearing()
            | dm.HoldHearing()
            | dm.RecordDecision()
            | dm.LodgeAppeal()
            | dm.DecideAppeal()
            | dm.CloseDisciplinary()
            | dm.ResumeDisciplinary()
        ):
            return _disciplinary(state, command, ctx)
        case RaiseGrievance():
            return _raise_grievance(state, command, ctx)
        case (
            grievance.AcknowledgeGrievance()
            | grievance.HoldGrievanceMeeting()
            | grievance.RecordGrievanceOutcome()
            | grievance.LodgeGrievanceAppeal()
            | grievance.DecideGrievanceAppeal()
            | grievance.CloseGrievance()
        ):
            if state.grievance is None:
                ensure(allowed_now, state, command, ctx.config)
            assert state.grievance is not None  # allowed_now refuses otherwise
            step = grievance.apply(state.grievance, command, ctx)
            return replace(state, grievance=step.state), [_effects(Track.GRIEVANCE, step)]
        case (
            safeguarding.RecordLadoConsultation()
            | safeguarding.RecordPoliceReferral()
            | safeguarding.RecordDbsDecision()
            | safeguarding.CloseSafeguarding()
        ):
            if state.safeguarding is None:
                ensure(allowed_now, state, command, ctx.config)
            assert state.safeguarding is not None
            if isinstance(command, safeguarding.CloseSafeguarding):
                ensure(disciplinary_closed_first, state)
            sg_step = safeguarding.apply(state.safeguarding, command, ctx)
            return replace(state, safeguarding=sg_step.state), [_effects(Track.SAFEGUARDING, sg_step)]
        case sanctions.WithdrawAccess() | sanctions.ReviewAccessWithdrawal() | sanctions.RestoreAccess():
            if isinstance(command, sanctions.WithdrawAccess):
                ensure(disciplinary_in_progress, state)
            access_step = sanctions.apply(state.access, command, ctx)
            return replace(state, access=access_step.state), [_effects(Track.ACCESS, access_step)]
    ensure(allowed_now, state, command, ctx.config)  # a command kind this workflow does not know
    raise GuardRefused("allowed_now", f"‘{command.title}’ is not a step of this workflow.")


def _triage(
    state: CaseWorkflow, command: triage.TriageCommand, ctx: Context
) -> tuple[CaseWorkflow, list[_Effects]]:
    if state.triage.stage not in triage.TRANSITIONS:
        ensure(allowed_now, state, command, ctx.config)
    step = triage.apply(state.triage, command, ctx, state.owner)
    new_state = replace(state, triage=step.state, owner=triage.OWNER_AFTER.get(type(command), state.owner))
    effects = [_effects(Track.TRIAGE, step)]
    if isinstance(command, triage.RouteToDisciplinary):
        return _open_disciplinary(new_state, ctx, effects)
    if isinstance(command, triage.RouteToSafeguarding):
        sg_step = safeguarding.start(command.dsl, ctx)
        return replace(new_state, safeguarding=sg_step.state), [
            *effects,
            _effects(Track.SAFEGUARDING, sg_step),
        ]
    return new_state, effects


def _open_disciplinary(
    state: CaseWorkflow, ctx: Context, effects: list[_Effects]
) -> tuple[CaseWorkflow, list[_Effects]]:
    step = disciplinary.start(ctx)
    return replace(state, disciplinary=step.state), [*effects, _effects(Track.DISCIPLINARY, step)]


def _disciplinary(
    state: CaseWorkflow, command: dm.DisciplinaryCommand, ctx: Context
) -> tuple[CaseWorkflow, list[_Effects]]:
    if state.disciplinary is None:
        ensure(allowed_now, state, command, ctx.config)
    assert state.disciplinary is not None
    step = disciplinary.apply(state.disciplinary, command, ctx)
    new_state = replace(state, disciplinary=step.state)
    effects = [_effects(Track.DISCIPLINARY, step)]
    if (
        isinstance(command, dm.RecordDecision)
        and is_dismissal(command.outcome)
        and new_state.safeguarding is not None
    ):
        sg_step = safeguarding.require_dbs_decision(new_state.safeguarding, ctx, command.outcome.value)
        new_state = replace(new_state, safeguarding=sg_step.state)
        effects.append(_effects(Track.SAFEGUARDING, sg_step))
    return new_state, effects


def _raise_grievance(
    state: CaseWorkflow, command: RaiseGrievance, ctx: Context
) -> tuple[CaseWorkflow, list[_Effects]]:
    ensure(allowed_now, state, command, ctx.config)
    step = grievance.start(command, ctx, disciplinary_open(state))
    new_state = replace(state, grievance=step.state)
    effects = [_effects(Track.GRIEVANCE, step)]
    if (
        command.concurrent_handling is ConcurrentHandling.PAUSE_DISCIPLINARY
        and state.disciplinary is not None
    ):
        paused = disciplinary.pause(state.disciplinary, "a grievance was raised")
        new_state = replace(new_state, disciplinary=paused.state)
        effects.append(_effects(Track.DISCIPLINARY, paused))
    return new_state, effects


def _record(state: CaseWorkflow, effects: Iterable[_Effects], ctx: Context) -> Applied:
    """Stamp the changes as events (who, when, sequence) and update the open tasks."""
    events: list[Event] = []
    tasks = {task.key: task for task in state.tasks}
    for effect in effects:
        for change in effect.changes:
            events.append(
                Event(
                    seq=state.version + len(events) + 1,
                    case_id=state.case_id,
                    track=effect.track,
                    kind=change.kind,
                    actor=ctx.actor,
                    at=ctx.now,
                    details=change.details,
                )
            )
        for key in effect.close_tasks:
            tasks.pop(key, None)
        for task in effect.open_tasks:
            tasks[task.key] = task
    finished = set(_finished_tracks(state))
    open_tasks = () if state.closed else tuple(t for t in tasks.values() if t.track not in finished)
    new_state = replace(state, version=state.version + len(events), updated_at=ctx.now, tasks=open_tasks)
    return Applied(new_state, tuple(events))


def _finished_tracks(state: CaseWorkflow) -> Iterable[Track]:
    """Tracks with nothing left to do: their tasks are dropped."""
    if state.disciplinary is not None and state.disciplinary.stage is DisciplinaryStage.CLOSED:
        yield Track.DISCIPLINARY
    if state.grievance is not None and state.grievance.stage is GrievanceStage.CLOSED:
        yield Track.GRIEVANCE
    if state.safeguarding is not None and state.safeguarding.stage is SafeguardingStage.CLOSED:
        yield Track.SAFEGUARDING
    if active_withdrawal(state.access) is None:
        yield Track.ACCESS
    if state.triage.stage not in triage.UNDECIDED:
        yield Track.TRIAGE
