"""The grievance procedure (WF-GRIEVANCE) as a state machine, after the ACAS Code of Practice.

| stage | commands |
|---|---|
| (none yet) | raise_grievance — after triage routed the case to a grievance, or during a disciplinary |
| raised | acknowledge_grievance (names the handler and the meeting) |
| acknowledged | hold_grievance_meeting |
| met | record_grievance_outcome (upheld, partly upheld, not upheld) |
| decided | lodge_grievance_appeal (within the window), close_grievance (after it) |
| appeal_lodged | decide_grievance_appeal |
| closed | — |

The handler is never the person complained about. A grievance raised while a disciplinary is in
progress must record the decision to pause the disciplinary or to hear both together (ACAS Code
¶46); pausing the disciplinary itself happens in `case`.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from case_service.workflow.calendar import human_date
from case_service.workflow.config import Context
from case_service.workflow.core import (
    Change,
    Command,
    JsonValue,
    Step,
    Task,
    Track,
    allowed_at_stage,
    ensure,
    person_named,
    text_given,
    time_zone_given,
)
from case_service.workflow.serial import Serialisable


class GrievanceStage(StrEnum):
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    MET = "met"
    DECIDED = "decided"
    APPEAL_LODGED = "appeal_lodged"
    CLOSED = "closed"


class GrievanceOutcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


class ConcurrentHandling(StrEnum):
    """What happens to a disciplinary in progress when the same person raises a grievance."""

    PAUSE_DISCIPLINARY = "pause_disciplinary"
    HEAR_TOGETHER = "hear_together"


@dataclass(frozen=True, kw_only=True)
class RaiseGrievance(Command):
    name = "raise_grievance"
    title = "Record a written grievance"
    raised_by: str
    complained_about: tuple[str, ...]
    summary: str
    in_writing: bool
    concurrent_handling: ConcurrentHandling | None = None


@dataclass(frozen=True, kw_only=True)
class AcknowledgeGrievance(Command):
    name = "acknowledge_grievance"
    title = "Acknowledge the grievance and arrange the meeting"
    handler: str
    meeting_at: datetime


@dataclass(frozen=True, kw_only=True)
class HoldGrievanceMeeting(Command):
    name = "hold_grievance_meeting"
    title = "Record the grievance meeting"
    chaired_by: str
    notes: str
    companion: str | None = None


@dataclass(frozen=True, kw_only=True)
class RecordGrievanceOutcome(Command):
    name = "record_grievance_outcome"
    title = "Record the grievance outcome"
    decided_by: str
    outcome: GrievanceOutcome
    rationale: str


@dataclass(frozen=True, kw_only=True)
class LodgeGrievanceAppeal(Command):
    name = "lodge_grievance_appeal"
    title = "Lodge a grievance appeal"
    grounds: str


@dataclass(frozen=True, kw_only=True)
class DecideGrievanceAppeal(Command):
    name = "decide_grievance_appeal"
    title = "Record the grievance appeal decision"
    heard_by: str
    rationale: str
    new_outcome: GrievanceOutcome | None = None  # None: the first outcome stands


@dataclass(frozen=True, kw_only=True)
class CloseGrievance(Command):
    name = "close_grievance"
    title = "Close the grievance (no appeal)"


GrievanceCommand = (
    AcknowledgeGrievance
    | HoldGrievanceMeeting
    | RecordGrievanceOutcome
    | LodgeGrievanceAppeal
    | DecideGrievanceAppeal
    | CloseGrievance
)

TRANSITIONS: dict[GrievanceStage, tuple[type[Command], ...]] = {
    GrievanceStage.RAISED: (AcknowledgeGrievance,),
    GrievanceStage.ACKNOWLEDGED: (HoldGrievanceMeeting,),
    GrievanceStage.MET: (RecordGrievanceOutcome,),
    GrievanceStage.DECIDED: (LodgeGrievanceAppeal, CloseGrievance),
    GrievanceStage.APPEAL_LODGED: (DecideGrievanceAppeal,),
}
COMMANDS: tuple[type[Command], ...] = (RaiseGrievance, *(k for ks in TRANSITIONS.values() for k in ks))

ACKNOWLEDGE_TASK = "grievance.acknowledge"
MEETING_TASK = "grievance.meeting"
APPEAL_WINDOW_TASK = "grievance.appeal_window"


@dataclass(frozen=True, kw_only=True)
class GrievanceState(Serialisable):
    stage: GrievanceStage = GrievanceStage.RAISED
    raised_by: str
    complained_about: tuple[str, ...]
    summary: str
    raised_at: datetime
    concurrent_handling: ConcurrentHandling | None = None
    handler: str | None = None
    meeting_at: datetime | None = None
    meeting_notes: str | None = None
    companion: str | None = None
    outcome: GrievanceOutcome | None = None
    decided_by: str | None = None
    rationale: str | None = None
    appeal_by: date | None = None
    appeal_grounds: str | None = None
    appeal_heard_by: str | None = None
    appeal_outcome: GrievanceOutcome | None = None
    appeal_rationale: str | None = None
    closed_at: datetime | None = None

    @property
    def involved(self) -> frozenset[str]:
        return frozenset(
            p for p in (self.raised_by, *self.complained_about, self.handler, self.decided_by) if p
        )


# Guards -------------------------------------------------------------------------------------


def raised_in_writing(command: RaiseGrievance) -> str | None:
    if not command.in_writing:
        return "A formal grievance is raised in writing: ask the employee to put it in writing first."
    return None


def concurrent_handling_decided(command: RaiseGrievance, disciplinary_open: bool) -> str | None:
    if disciplinary_open and command.concurrent_handling is None:
        return (
            "A disciplinary is in progress: record whether it is paused while the grievance is "
            "dealt with, or whether both are heard together."
        )
    if not disciplinary_open and command.concurrent_handling is not None:
        return "There is no disciplinary in progress to pause or to hear together with the grievance."
    return None


def handler_not_complained_about(state: GrievanceState, handler: str) -> str | None:
    if handler in state.complained_about:
        return f"The grievance is about {handler}, so {handler} cannot handle it; choose someone else."
    if handler == state.raised_by:
        return "The person who raised the grievance cannot handle it; choose someone else."
    return None


def handled_by_handler(state: GrievanceState, person: str, what: str) -> str | None:
    if person != state.handler:
        return f"The {what} must be by the grievance handler ({state.handler})."
    return None


def meeting_date_reached(meeting_on: date, today: date) -> str | None:
    if today < meeting_on:
        return f"The meeting is set for {human_date(meeting_on)}; record it on or after that day."
    return None


def in_the_future(at: datetime, now: datetime) -> str | None:
    if at <= now:
        return "The meeting must be in the future."
    return None


def appeal_within_window(state: GrievanceState, today: date) -> str | None:
    if state.appeal_by is not None and today > state.appeal_by:
        return f"The grievance appeal window closed on {human_date(state.appeal_by)}."
    return None


def appeal_window_over(state: GrievanceState, today: date) -> str | None:
    if state.appeal_by is not None and today <= state.appeal_by:
        return f"An appeal can be lodged until {human_date(state.appeal_by)}; close the grievance after that."
    return None


def appeal_heard_by_someone_uninvolved(state: GrievanceState, heard_by: str) -> str | None:
    if heard_by in state.involved:
        return f"The grievance appeal must be heard by someone not involved before; {heard_by} was."
    return None


# Transitions --------------------------------------------------------------------------------


def allowed(state: GrievanceState) -> tuple[type[Command], ...]:
    return TRANSITIONS.get(state.stage, ())


def _task(ctx: Context, key: str, title: str, due: datetime) -> Task:
    return Task(key=key, track=Track.GRIEVANCE, title=title, due=due, opened_at=ctx.now)


def start(command: RaiseGrievance, ctx: Context, disciplinary_open: bool) -> Step[GrievanceState]:
    ensure(person_named, command.raised_by, "person raising the grievance")
    ensure(raised_in_writing, command)
    ensure(text_given, command.summary, "a summary of the grievance")
    ensure(concurrent_handling_decided, command, disciplinary_open)
    complained_about = tuple(p for p in command.complained_about if p.strip())
    state = GrievanceState(
        raised_by=command.raised_by,
        complained_about=complained_about,
        summary=command.summary,
        raised_at=ctx.now,
        concurrent_handling=command.concurrent_handling,
    )
    details: dict[str, JsonValue] = {
        "raised_by": command.raised_by,
        "complained_about": complained_about,
        "summary": command.summary,
        "concurrent_handling": command.concurrent_handling.value if command.concurrent_handling else None,
    }
    due = ctx.config.deadline(ctx.now, ctx.config.grievance_acknowledge_working_days)
    task = _task(ctx, ACKNOWLEDGE_TASK, "Acknowledge the grievance and arrange a meeting", due)
    return Step(state, (Change("grievance_raised", details),), (task,))


def apply(state: GrievanceState, command: GrievanceCommand, ctx: Context) -> Step[GrievanceState]:
    ensure(allowed_at_stage, state.stage, command, TRANSITIONS, "grievance", allowed(state))
    config = ctx.config
    match command:
        case AcknowledgeGrievance(handler=handler, meeting_at=meeting_at):
            ensure(person_named, handler, "grievance handler")
            ensure(handler_not_complained_about, state, handler)
            ensure(time_zone_given, meeting_at, "the meeting's date and time")
            ensure(in_the_future, meeting_at, ctx.now)
            new_state = replace(
                state, stage=GrievanceStage.ACKNOWLEDGED, handler=handler, meeting_at=meeting_at
            )
            details: dict[str, JsonValue] = {"handler": handler, "meeting_at": meeting_at.isoformat()}
            task = _task(ctx, MEETING_TASK, "Hold the grievance meeting", meeting_at)
            return Step(new_state, (Change("grievance_acknowledged", details),), (task,), (ACKNOWLEDGE_TASK,))
        case HoldGrievanceMeeting(chaired_by=chaired_by, notes=notes):
            assert state.meeting_at is not None  # set when acknowledged
            ensure(handled_by_handler, state, chaired_by, "meeting")
            ensure(meeting_date_reached, config.local_date(state.meeting_at), ctx.today)
            ensure(text_given, notes, "notes of the meeting")
            new_state = replace(
                state, stage=GrievanceStage.MET, meeting_notes=notes, companion=command.companion
            )
            details = {"chaired_by": chaired_by, "companion": command.companion}
            return Step(new_state, (Change("grievance_meeting_held", details),), close_tasks=(MEETING_TASK,))
        case RecordGrievanceOutcome(decided_by=decided_by, outcome=outcome, rationale=rationale):
            ensure(person_named, decided_by, "person deciding the grievance")
            ensure(handled_by_handler, state, decided_by, "outcome")
            ensure(text_given, rationale, "the reasons for the outcome")
            appeal_by = config.working_days_after(ctx.today, config.grievance_appeal_window_working_days)
            new_state = replace(
                state,
                stage=GrievanceStage.DECIDED,
                outcome=outcome,
                decided_by=decided_by,
                rationale=rationale,
                appeal_by=appeal_by,
            )
            details = {
                "decided_by": decided_by,
                "outcome": outcome.value,
                "rationale": rationale,
            }
            details["appeal_by"] = appeal_by.isoformat()
            title = "Grievance appeal window closes: close the grievance if no appeal"
            task = _task(ctx, APPEAL_WINDOW_TASK, title, config.end_of(appeal_by))
            return Step(new_state, (Change("grievance_outcome_recorded", details),), (task,))
        case LodgeGrievanceAppeal(grounds=grounds):
            ensure(appeal_within_window, state, ctx.today)
            ensure(text_given, grounds, "the grounds of appeal")
            new_state = replace(state, stage=GrievanceStage.APPEAL_LODGED, appeal_grounds=grounds)
            change = Change("grievance_appeal_lodged", {"grounds": grounds})
            return Step(new_state, (change,), close_tasks=(APPEAL_WINDOW_TASK,))
        case DecideGrievanceAppeal(heard_by=heard_by, rationale=rationale, new_outcome=new_outcome):
            ensure(person_named, heard_by, "person who heard the appeal")
            ensure(appeal_heard_by_someone_uninvolved, state, heard_by)
            ensure(text_given, rationale, "the reasons for the appeal decision")
            new_state = replace(
                state,
                stage=GrievanceStage.CLOSED,
                appeal_heard_by=heard_by,
                appeal_outcome=new_outcome or state.outcome,
                appeal_rationale=rationale,
                closed_at=ctx.now,
            )
            details = {
                "heard_by": heard_by,
                "outcome": (new_outcome or state.outcome or GrievanceOutcome.NOT_UPHELD).value,
                "changed": new_outcome is not None and new_outcome is not state.outcome,
                "rationale": rationale,
            }
            return Step(new_state, (Change("grievance_appeal_decided", details),))
        case CloseGrievance():
            ensure(appeal_window_over, state, ctx.today)
            new_state = replace(state, stage=GrievanceStage.CLOSED, closed_at=ctx.now)
            return Step(new_state, (Change("grievance_closed", {"closure": "no appeal"}),))
