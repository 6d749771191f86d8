"""Triage: the first human decision on a new case, and the IT-ticket route that ends here.

Routes (clauses.md): dismiss as a false positive (a reason is required); informal resolution by
the Headteacher (WF-INFORMAL), which may fail and go on to a grievance (WF-GRIEVANCE) or a
disciplinary; disciplinary (WF-DISCIPLINARY); grievance; an IT ticket (owner `it`); safeguarding
(owner `dsl`). A case whose clause belongs to the DSL (NET-CHILD-HARM) can only go to
safeguarding: the DSL, not a case worker, decides whether it is a false positive.

Stages and the commands each allows:

| stage | commands |
|---|---|
| new | dismiss_false_positive, start_informal_resolution, raise_it_ticket, the three routes |
| informal | record_informal_outcome, route_to_safeguarding |
| informal_failed | route_to_disciplinary, route_to_grievance, route_to_safeguarding |
| it_ticket | close_it_ticket |
| dismissed, resolved_informally, it_resolved | — (finished) |

The three routes are route_to_disciplinary, route_to_grievance and route_to_safeguarding.
| disciplinary, grievance, safeguarding | — (the case continues in that track) |
"""

from dataclasses import dataclass, replace
from enum import StrEnum

from case_service.workflow.config import Context
from case_service.workflow.core import (
    Change,
    Command,
    Step,
    Task,
    Track,
    allowed_at_stage,
    ensure,
    person_named,
    text_given,
)
from case_service.workflow.serial import Serialisable

TRIAGE_TASK = "triage.route"


class TriageStage(StrEnum):
    NEW = "new"
    DISMISSED = "dismissed"
    INFORMAL = "informal"
    RESOLVED_INFORMALLY = "resolved_informally"
    INFORMAL_FAILED = "informal_failed"
    DISCIPLINARY = "disciplinary"
    GRIEVANCE = "grievance"
    IT_TICKET = "it_ticket"
    IT_RESOLVED = "it_resolved"
    SAFEGUARDING = "safeguarding"


FINISHED = frozenset({TriageStage.DISMISSED, TriageStage.RESOLVED_INFORMALLY, TriageStage.IT_RESOLVED})
UNDECIDED = frozenset({TriageStage.NEW, TriageStage.INFORMAL, TriageStage.INFORMAL_FAILED})


@dataclass(frozen=True, kw_only=True)
class DismissFalsePositive(Command):
    name = "dismiss_false_positive"
    title = "Dismiss as a false positive"
    reason: str


@dataclass(frozen=True, kw_only=True)
class StartInformalResolution(Command):
    name = "start_informal_resolution"
    title = "Ask the Headteacher to resolve it informally"
    headteacher: str


@dataclass(frozen=True, kw_only=True)
class RecordInformalOutcome(Command):
    name = "record_informal_outcome"
    title = "Record how the informal resolution ended"
    resolved: bool
    notes: str


@dataclass(frozen=True, kw_only=True)
class RouteToDisciplinary(Command):
    name = "route_to_disciplinary"
    title = "Start the disciplinary procedure"


@dataclass(frozen=True, kw_only=True)
class RouteToGrievance(Command):
    name = "route_to_grievance"
    title = "Start the formal grievance procedure"


@dataclass(frozen=True, kw_only=True)
class RaiseItTicket(Command):
    name = "raise_it_ticket"
    title = "Hand to IT as a ticket"
    ticket_reference: str


@dataclass(frozen=True, kw_only=True)
class CloseItTicket(Command):
    name = "close_it_ticket"
    title = "Close the IT ticket"
    resolution: str


@dataclass(frozen=True, kw_only=True)
class RouteToSafeguarding(Command):
    name = "route_to_safeguarding"
    title = "Refer to the DSL (safeguarding)"
    dsl: str


TriageCommand = (
    DismissFalsePositive
    | StartInformalResolution
    | RecordInformalOutcome
    | RouteToDisciplinary
    | RouteToGrievance
    | RaiseItTicket
    | CloseItTicket
    | RouteToSafeguarding
)
COMMANDS: tuple[type[Command], ...] = (
    DismissFalsePositive,
    StartInformalResolution,
    RecordInformalOutcome,
    RouteToDisciplinary,
    RouteToGrievance,
    RaiseItTicket,
    CloseItTicket,
    RouteToSafeguarding,
)

TRANSITIONS: dict[TriageStage, tuple[type[Command], ...]] = {
    TriageStage.NEW: (
        DismissFalsePositive,
        StartInformalResolution,
        RouteToDisciplinary,
        RouteToGrievance,
        RaiseItTicket,
        RouteToSafeguarding,
    ),
    TriageStage.INFORMAL: (RecordInformalOutcome, RouteToSafeguarding),
    TriageStage.INFORMAL_FAILED: (RouteToDisciplinary, RouteToGrievance, RouteToSafeguarding),
    TriageStage.IT_TICKET: (CloseItTicket,),
}

# Who acts first once the case is routed (clauses.md "owner").
OWNER_AFTER: dict[type[Command], str] = {
    RouteToDisciplinary: "hr",
    RouteToGrievance: "hr",
    RaiseItTicket: "it",
    RouteToSafeguarding: "dsl",
}


@dataclass(frozen=True, kw_only=True)
class TriageState(Serialisable):
    stage: TriageStage = TriageStage.NEW
    dismissal_reason: str | None = None
    headteacher: str | None = None
    informal_notes: str | None = None
    it_ticket: str | None = None
    it_resolution: str | None = None


# Guards -------------------------------------------------------------------------------------


def child_safety_goes_to_dsl(owner: str, command: Command) -> str | None:
    if owner == "dsl" and not isinstance(command, RouteToSafeguarding):
        return (
            "This case may involve a risk of harm to a child, so it belongs to the DSL: refer it to "
            "safeguarding first; the DSL decides what follows."
        )
    return None


def headteacher_records_outcome(state: TriageState, actor: str) -> str | None:
    if actor != state.headteacher:
        return (
            f"Only the Headteacher resolving the matter informally ({state.headteacher}) can record "
            "how it ended."
        )
    return None


# Transitions --------------------------------------------------------------------------------


def allowed(state: TriageState, owner: str) -> tuple[type[Command], ...]:
    possible = TRANSITIONS.get(state.stage, ())
    if owner == "dsl":
        return tuple(kind for kind in possible if kind is RouteToSafeguarding)
    return possible


def _moved(state: TriageState, stage: TriageStage, kind: str, **details: str | bool) -> Step[TriageState]:
    return Step(replace(state, stage=stage), (Change(kind, details),), close_tasks=(TRIAGE_TASK,))


def apply(state: TriageState, command: TriageCommand, ctx: Context, owner: str) -> Step[TriageState]:
    ensure(allowed_at_stage, state.stage, command, TRANSITIONS, "triage", allowed(state, owner))
    ensure(child_safety_goes_to_dsl, owner, command)
    match command:
        case DismissFalsePositive(reason=reason):
            ensure(text_given, reason, "the reason this is a false positive")
            step = _moved(state, TriageStage.DISMISSED, "dismissed_as_false_positive", reason=reason)
            return replace(step, state=replace(step.state, dismissal_reason=reason))
        case StartInformalResolution(headteacher=headteacher):
            ensure(person_named, headteacher, "Headteacher who will resolve it informally")
            step = _moved(state, TriageStage.INFORMAL, "informal_resolution_started", headteacher=headteacher)
            return replace(step, state=replace(step.state, headteacher=headteacher))
        case RecordInformalOutcome(resolved=resolved, notes=notes):
            ensure(headteacher_records_outcome, state, command.actor)
            ensure(text_given, notes, "a note of how the informal resolution went")
            stage = TriageStage.RESOLVED_INFORMALLY if resolved else TriageStage.INFORMAL_FAILED
            new_state = replace(state, stage=stage, informal_notes=notes)
            change = Change("informal_resolution_ended", {"resolved": resolved, "notes": notes})
            if resolved:
                return Step(new_state, (change,))
            task = Task(
                key=TRIAGE_TASK,
                track=Track.TRIAGE,
                title="Informal resolution failed: decide on a grievance or a disciplinary",
                due=ctx.config.deadline(ctx.now, ctx.config.triage_working_days),
                opened_at=ctx.now,
            )
            return Step(new_state, (change,), open_tasks=(task,))
        case RouteToDisciplinary():
            return _moved(state, TriageStage.DISCIPLINARY, "routed", to="disciplinary")
        case RouteToGrievance():
            return _moved(state, TriageStage.GRIEVANCE, "routed", to="grievance")
        case RaiseItTicket(ticket_reference=reference):
            ensure(text_given, reference, "the IT ticket's reference")
            step = _moved(state, TriageStage.IT_TICKET, "routed", to="it", ticket_reference=reference)
            return replace(step, state=replace(step.state, it_ticket=reference))
        case CloseItTicket(resolution=resolution):
            ensure(text_given, resolution, "how IT resolved the ticket")
            step = _moved(state, TriageStage.IT_RESOLVED, "it_ticket_closed", resolution=resolution)
            return replace(step, state=replace(step.state, it_resolution=resolution))
        case RouteToSafeguarding(dsl=dsl):
            ensure(person_named, dsl, "DSL (designated safeguarding lead) who was informed")
            return _moved(state, TriageStage.SAFEGUARDING, "routed", to="safeguarding")
