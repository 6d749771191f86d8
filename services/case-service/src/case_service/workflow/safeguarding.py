"""The safeguarding track (owner `dsl`, e.g. NET-CHILD-HARM), after Keeping Children Safe in Education.

| stage | commands |
|---|---|
| dsl_informed | record_lado_consultation, record_police_referral, close_safeguarding (the DSL only) |
| lado_consulted | record_police_referral, record_dbs_decision (after a dismissal), close_safeguarding |
| closed | — |

The track opens when triage refers the case to the DSL, who is recorded as informed at that moment
(task: consult the LADO within one working day). Until the LADO consultation is recorded no
internal step proceeds — no disciplinary or grievance step, no sanction (enforced in `case`).
WF-POLICE: the decision to refer to the police, with the police reference when referred. A
dismissal in the disciplinary opens the "DBS referral decision" task (`require_dbs_decision`).
"""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

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
)
from case_service.workflow.serial import Serialisable


class SafeguardingStage(StrEnum):
    DSL_INFORMED = "dsl_informed"
    LADO_CONSULTED = "lado_consulted"
    CLOSED = "closed"


@dataclass(frozen=True, kw_only=True)
class RecordLadoConsultation(Command):
    name = "record_lado_consultation"
    title = "Record the LADO consultation"
    lado: str  # the LADO officer consulted (name or reference, as the local authority gives it)
    advice: str


@dataclass(frozen=True, kw_only=True)
class RecordPoliceReferral(Command):
    name = "record_police_referral"
    title = "Record the police referral decision"
    referred: bool
    police_reference: str = ""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RecordDbsDecision(Command):
    name = "record_dbs_decision"
    title = "Record the DBS referral decision"
    referred: bool
    reason: str


@dataclass(frozen=True, kw_only=True)
class CloseSafeguarding(Command):
    name = "close_safeguarding"
    title = "Close the safeguarding referral"
    summary: str


SafeguardingCommand = RecordLadoConsultation | RecordPoliceReferral | RecordDbsDecision | CloseSafeguarding

TRANSITIONS: dict[SafeguardingStage, tuple[type[Command], ...]] = {
    SafeguardingStage.DSL_INFORMED: (RecordLadoConsultation, RecordPoliceReferral, CloseSafeguarding),
    SafeguardingStage.LADO_CONSULTED: (RecordPoliceReferral, RecordDbsDecision, CloseSafeguarding),
}
COMMANDS: tuple[type[Command], ...] = (
    RecordLadoConsultation,
    RecordPoliceReferral,
    RecordDbsDecision,
    CloseSafeguarding,
)

LADO_TASK = "safeguarding.lado"
DBS_TASK = "safeguarding.dbs_decision"


@dataclass(frozen=True, kw_only=True)
class SafeguardingState(Serialisable):
    stage: SafeguardingStage = SafeguardingStage.DSL_INFORMED
    dsl: str
    dsl_informed_at: datetime
    lado: str | None = None
    lado_advice: str | None = None
    lado_consulted_at: datetime | None = None
    police_referred: bool | None = None  # None: no decision recorded yet
    police_reference: str | None = None
    police_decision_reason: str | None = None
    dbs_decision_required: bool = False
    dbs_referred: bool | None = None
    dbs_decision_reason: str | None = None
    closed_at: datetime | None = None
    summary: str | None = None

    @property
    def lado_consulted(self) -> bool:
        return self.lado_consulted_at is not None

    @property
    def dbs_decision_pending(self) -> bool:
        return self.dbs_decision_required and self.dbs_referred is None


# Guards -------------------------------------------------------------------------------------


def police_decision_not_recorded(state: SafeguardingState) -> str | None:
    if state.police_referred is not None:
        return "The police referral decision is already recorded."
    return None


def police_decision_explained(command: RecordPoliceReferral) -> str | None:
    if command.referred and not command.police_reference.strip():
        return "Record the police reference (crime or incident number) for the referral."
    if not command.referred and not command.reason.strip():
        return "Give the reason for not referring to the police."
    return None


def dbs_decision_due(state: SafeguardingState) -> str | None:
    if not state.dbs_decision_pending:
        return "No DBS referral decision is due: one is needed only after a dismissal."
    return None


def dsl_closes_without_lado(state: SafeguardingState, actor: str) -> str | None:
    if not state.lado_consulted and actor != state.dsl:
        return (
            f"Without a LADO consultation only the DSL ({state.dsl}) can close the referral, "
            "having judged that the harm threshold is not met."
        )
    return None


def police_decision_before_closing(state: SafeguardingState) -> str | None:
    if state.lado_consulted and state.police_referred is None:
        return "Record whether the matter was referred to the police before closing."
    return None


def dbs_decision_before_closing(state: SafeguardingState) -> str | None:
    if state.dbs_decision_pending:
        return "Record the DBS referral decision before closing: the employee was dismissed."
    return None


# Transitions --------------------------------------------------------------------------------


def allowed(state: SafeguardingState) -> tuple[type[Command], ...]:
    possible = TRANSITIONS.get(state.stage, ())
    if state.police_referred is not None:
        possible = tuple(k for k in possible if k is not RecordPoliceReferral)
    if not state.dbs_decision_pending:
        possible = tuple(k for k in possible if k is not RecordDbsDecision)
    return possible


def _task(ctx: Context, key: str, title: str, due: datetime) -> Task:
    return Task(key=key, track=Track.SAFEGUARDING, title=title, due=due, opened_at=ctx.now)


def start(dsl: str, ctx: Context) -> Step[SafeguardingState]:
    """The DSL is informed at once: the referral itself is that moment, recorded with its author."""
    state = SafeguardingState(dsl=dsl, dsl_informed_at=ctx.now)
    due = ctx.config.deadline(ctx.now, ctx.config.lado_consultation_working_days)
    task = _task(ctx, LADO_TASK, "Consult the LADO before any internal step", due)
    return Step(state, (Change("dsl_informed", {"dsl": dsl}),), (task,))


def require_dbs_decision(state: SafeguardingState, ctx: Context, outcome: str) -> Step[SafeguardingState]:
    """After a dismissal: decide whether to refer to the DBS (a legal duty when the criteria are met)."""
    if state.dbs_decision_required or state.stage is SafeguardingStage.CLOSED:
        return Step(state)
    due = ctx.config.deadline(ctx.now, ctx.config.dbs_decision_working_days)
    task = _task(ctx, DBS_TASK, "Decide whether to refer to the DBS", due)
    change = Change("dbs_decision_required", {"after": outcome})
    return Step(replace(state, dbs_decision_required=True), (change,), (task,))


def apply(state: SafeguardingState, command: SafeguardingCommand, ctx: Context) -> Step[SafeguardingState]:
    ensure(allowed_at_stage, state.stage, command, TRANSITIONS, "safeguarding referral", allowed(state))
    match command:
        case RecordLadoConsultation(lado=lado, advice=advice):
            ensure(person_named, lado, "LADO officer consulted")
            ensure(text_given, advice, "the LADO's advice")
            new_state = replace(
                state,
                stage=SafeguardingStage.LADO_CONSULTED,
                lado=lado,
                lado_advice=advice,
                lado_consulted_at=ctx.now,
            )
            change = Change("lado_consulted", {"lado": lado, "advice": advice})
            return Step(new_state, (change,), close_tasks=(LADO_TASK,))
        case RecordPoliceReferral(referred=referred):
            ensure(police_decision_not_recorded, state)
            ensure(police_decision_explained, command)
            new_state = replace(
                state,
                police_referred=referred,
                police_reference=command.police_reference or None,
                police_decision_reason=command.reason or None,
            )
            details: dict[str, JsonValue] = {
                "referred": referred,
                "police_reference": command.police_reference,
                "reason": command.reason,
            }
            return Step(new_state, (Change("police_referral_decided", details),))
        case RecordDbsDecision(referred=referred, reason=reason):
            ensure(dbs_decision_due, state)
            ensure(text_given, reason, "the reasons for the DBS referral decision")
            new_state = replace(state, dbs_referred=referred, dbs_decision_reason=reason)
            change = Change("dbs_referral_decided", {"referred": referred, "reason": reason})
            return Step(new_state, (change,), close_tasks=(DBS_TASK,))
        case CloseSafeguarding(summary=summary):
            ensure(text_given, summary, "a summary of how the referral ended")
            ensure(dsl_closes_without_lado, state, ctx.actor)
            ensure(police_decision_before_closing, state)
            ensure(dbs_decision_before_closing, state)
            new_state = replace(state, stage=SafeguardingStage.CLOSED, closed_at=ctx.now, summary=summary)
            return Step(new_state, (Change("safeguarding_closed", {"summary": summary}),))
