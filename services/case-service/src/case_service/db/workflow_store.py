"""Persisting the workflow: a case's state in, one applied command out, in the caller's transaction.

    state = workflow_of(row)                        # the JSONB column, or a fresh triage
    applied = workflow.apply(state, command, now, ...)
    await save_applied(session, row, applied, command, decision_id=..., expected_version=...)

`save_applied` is a compare-and-set on `cases.version`: when another request moved the case on
since it was read, nothing is written and `VersionConflictError` is raised. It then appends the
history row (actor, command, payload, OPA decision id), the events, and what the events imply in
the side tables (tasks, evidence links, decisions, letters).
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from case_service.db.models import Case
from case_service.db.workflow_models import (
    CaseDecision,
    CaseEventRow,
    CaseHistory,
    CaseTask,
    EvidenceLink,
    Letter,
)
from case_service.workflow import (
    Applied,
    CaseWorkflow,
    Command,
    Event,
    IssuedWarning,
    Task,
    Track,
    new_case,
)
from case_service.workflow.serial import dump

STATUS_OPEN, STATUS_CLOSED = "open", "closed"

# Events that are a person's decision (outcome, who decided, why) and events that need a letter.
DECISION_EVENTS = frozenset(
    {
        "decision_recorded",
        "appeal_decided",
        "grievance_outcome_recorded",
        "grievance_appeal_decided",
        "informal_resolution_ended",
        "police_referral_decided",
        "dbs_referral_decided",
        "investigation_concluded",
    }
)
LETTER_EVENTS: Mapping[str, str] = {
    "invitation_sent": "disciplinary_hearing_invitation",
    "hearing_postponed": "disciplinary_hearing_rearranged",
    "decision_recorded": "disciplinary_outcome",
    "appeal_decided": "disciplinary_appeal_outcome",
    "suspended": "suspension_confirmation",
    "grievance_acknowledged": "grievance_acknowledgement",
    "grievance_outcome_recorded": "grievance_outcome",
    "grievance_appeal_decided": "grievance_appeal_outcome",
    "access_withdrawn": "access_withdrawal_notice",
}


class VersionConflictError(Exception):
    """The case changed since it was read (optimistic concurrency): read it again and retry."""


def workflow_of(row: Case) -> CaseWorkflow:
    """The case's workflow state; a case stored before the workflow existed is a fresh triage."""
    if row.workflow is not None:
        return CaseWorkflow.from_dict(row.workflow)
    return new_case(
        case_id=str(row.id),
        clause=row.clause,
        owner=row.owner if row.owner in ("hr", "it", "dsl") else "hr",
        gross_misconduct_listed=row.gross_misconduct,
        opened_at=row.opened_at,
    )


def track_and_stage(state: CaseWorkflow) -> tuple[str, str]:
    """The track a case is in and its stage there, for filters and for the authz resource.

    A case routed to safeguarding stays on that track (the DSL keeps it) even when a disciplinary
    runs inside it; otherwise the disciplinary, then the grievance, then triage.
    """
    if state.safeguarding is not None:
        if state.disciplinary is not None and state.safeguarding.lado_consulted:
            return "safeguarding", f"disciplinary:{state.disciplinary.stage.value}"
        return "safeguarding", state.safeguarding.stage.value
    if state.disciplinary is not None:
        return "disciplinary", state.disciplinary.stage.value
    if state.grievance is not None:
        return "grievance", state.grievance.stage.value
    return "triage", state.triage.stage.value


def columns_of(state: CaseWorkflow) -> dict[str, Any]:
    """The `cases` columns derived from a workflow state."""
    track, stage = track_and_stage(state)
    closed = state.closed
    return {
        "workflow": state.to_dict(),
        "version": state.version,
        "track": track,
        "stage": stage,
        "next_due_at": min((task.due for task in state.tasks), default=None),
        "status": STATUS_CLOSED if closed else STATUS_OPEN,
        "closed_at": state.updated_at if closed else None,
        "owner": state.owner,
    }


def command_payload(command: Command) -> dict[str, Any]:
    """What the person asked, as JSON (the actor has its own column)."""
    data = {f.name: dump(getattr(command, f.name)) for f in fields(command) if f.name != "actor"}
    return data


async def prior_warnings(session: AsyncSession, row: Case) -> tuple[IssuedWarning, ...]:
    """The person's warnings from their other cases (for "a live final warning")."""
    states = await session.scalars(
        select(Case.workflow).where(
            Case.staff_id == row.staff_id, Case.id != row.id, Case.workflow.is_not(None)
        )
    )
    warnings = []
    for data in states:
        state = CaseWorkflow.from_dict(data)
        if state.disciplinary is not None and state.disciplinary.warning is not None:
            warnings.append(state.disciplinary.warning)
    return tuple(warnings)


async def save_applied(
    session: AsyncSession,
    row: Case,
    applied: Applied,
    command: Command,
    *,
    expected_version: int,
    decision_id: str | None,
    now: datetime,
) -> CaseHistory:
    """Write one applied command (see the module docstring); VersionConflictError when the case moved on."""
    columns = columns_of(applied.state)
    result = await session.execute(
        update(Case)
        .where(Case.id == row.id, Case.version == expected_version)
        .values(**columns, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise VersionConflictError(f"case {row.id} changed since version {expected_version}; read it again")
    history = CaseHistory(
        case_id=row.id,
        version=applied.state.version,
        command=command.name,
        actor=command.actor,
        payload=command_payload(command),
        at=now,
        decision_id=decision_id,
    )
    session.add(history)
    await session.flush()
    session.add_all(_event_rows(row.id, history.id, applied.events))
    session.add_all(_derived_rows(row, applied.events))
    await _sync_tasks(session, row.id, applied.state.tasks, now)
    await session.flush()
    for name, value in columns.items():
        setattr(row, name, value)
    row.updated_at = now
    return history


def _event_rows(case_id: uuid.UUID, history_id: int, events: Iterable[Event]) -> list[CaseEventRow]:
    return [
        CaseEventRow(
            case_id=case_id,
            seq=event.seq,
            history_id=history_id,
            track=event.track.value,
            kind=event.kind,
            actor=event.actor,
            at=event.at,
            details=dump(event.details),
        )
        for event in events
    ]


def _text(details: Mapping[str, Any], name: str) -> str | None:
    value = details.get(name)
    return value if isinstance(value, str) else None


def _derived_rows(row: Case, events: Sequence[Event]) -> list[Any]:
    rows: list[Any] = []
    for event in events:
        details = dict(event.details)
        if event.kind == "evidence_added":
            rows.append(
                EvidenceLink(
                    case_id=row.id,
                    event_seq=event.seq,
                    reference=_text(details, "reference") or "",
                    description=_text(details, "description") or "",
                    added_by=event.actor,
                    at=event.at,
                )
            )
        if event.kind in DECISION_EVENTS:
            outcome = details.get("outcome", details.get("resolved", details.get("referred")))
            rows.append(
                CaseDecision(
                    case_id=row.id,
                    event_seq=event.seq,
                    track=event.track.value,
                    kind=event.kind,
                    outcome=None if outcome is None else str(outcome).lower(),
                    decided_by=_text(details, "decided_by") or _text(details, "heard_by") or event.actor,
                    rationale=_text(details, "rationale")
                    or _text(details, "reason")
                    or _text(details, "notes"),
                    at=event.at,
                    details=dump(details),
                )
            )
        if event.kind in LETTER_EVENTS:
            rows.append(
                Letter(
                    case_id=row.id,
                    event_seq=event.seq,
                    kind=LETTER_EVENTS[event.kind],
                    recipient=row.staff_id,
                    content=dump(details),
                    created_at=event.at,
                )
            )
    return rows


def _same(task: Task, other: Task) -> bool:
    return (task.key, task.due, task.opened_at) == (other.key, other.due, other.opened_at)


async def _sync_tasks(
    session: AsyncSession,
    case_id: uuid.UUID,
    after: Sequence[Task],
    now: datetime,
) -> None:
    """Open task rows gone from the state are closed; new (or re-dated) tasks are inserted."""
    open_rows = (
        await session.scalars(
            select(CaseTask).where(CaseTask.case_id == case_id, CaseTask.closed_at.is_(None))
        )
    ).all()
    for task_row in open_rows:
        if not any(_same(_task_of(task_row), task) for task in after):
            task_row.closed_at = now
    stored = [_task_of(task_row) for task_row in open_rows]
    for task in after:
        if not any(_same(task, known) for known in stored):
            session.add(
                CaseTask(
                    case_id=case_id,
                    key=task.key,
                    track=task.track.value,
                    title=task.title,
                    due=task.due,
                    opened_at=task.opened_at,
                )
            )


def _task_of(row: CaseTask) -> Task:
    return Task(key=row.key, track=Track(row.track), title=row.title, due=row.due, opened_at=row.opened_at)


async def open_case_tasks(session: AsyncSession, row: Case, state: CaseWorkflow) -> None:
    """Store the tasks of a case the ingest just opened."""
    for task in state.tasks:
        session.add(
            CaseTask(
                case_id=row.id,
                key=task.key,
                track=task.track.value,
                title=task.title,
                due=task.due,
                opened_at=task.opened_at,
            )
        )
