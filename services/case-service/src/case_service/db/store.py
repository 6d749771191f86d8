"""The ingest transaction: breach (idempotent) → case (join or open) → case event in the outbox."""

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from case_service.db.models import Breach, Case, Outbox, Staff, StaffIdentity
from case_service.db.workflow_models import School
from case_service.db.workflow_store import columns_of, open_case_tasks
from case_service.domain.breaches import BreachFacts
from case_service.domain.cases import STATUS_OPEN, CaseChange, CaseState, apply_breach, build_case_event
from case_service.domain.pseudonym import normalise_account
from case_service.workflow import new_case
from invigilator.cases.v1 import cases_pb2
from svckit.tracing import KafkaHeaders


def _state(row: Case) -> CaseState:
    return CaseState(
        case_id=str(row.id),
        school_id=row.school_id,
        staff=row.staff_id,
        clause=row.clause,
        title=row.title,
        severity=row.severity,
        owner=row.owner,
        gross_misconduct=row.gross_misconduct,
        status=row.status,
        breach_count=row.breach_count,
        opened_at=row.opened_at,
        updated_at=row.updated_at,
    )


async def _remember_staff(session: AsyncSession, staff: str, breach: BreachFacts) -> None:
    await session.execute(insert(School).values(id=breach.school_id).on_conflict_do_nothing())
    await session.execute(insert(Staff).values(id=staff, school_id=breach.school_id).on_conflict_do_nothing())
    await session.execute(
        insert(StaffIdentity)
        .values(staff_id=staff, school_id=breach.school_id, account=normalise_account(breach.account))
        .on_conflict_do_nothing()
    )


async def _insert_breach(session: AsyncSession, staff: str, breach: BreachFacts) -> bool:
    """True when the breach is new; a replayed breach id changes nothing."""
    statement = (
        insert(Breach)
        .values(
            breach_id=breach.breach_id,
            clause=breach.clause,
            title=breach.title,
            severity=breach.severity,
            owner=breach.owner,
            gross_misconduct=breach.gross_misconduct,
            kind=breach.kind,
            school_id=breach.school_id,
            staff_id=staff,
            policy_ref=breach.policy_ref,
            reason=breach.reason,
            evidence=breach.evidence,
            evidence_event_ids=list(breach.evidence_event_ids),
            occurred_at=breach.occurred_at,
            detected_at=breach.detected_at,
            decision_id=breach.decision_id,
            policy_revision=breach.policy_revision,
            account_unknown=breach.account_unknown,
        )
        .on_conflict_do_nothing(index_elements=[Breach.breach_id])
        .returning(Breach.breach_id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def _save_case(session: AsyncSession, existing: Case | None, change: CaseChange) -> None:
    case = change.case
    row = existing if existing is not None and str(existing.id) == case.case_id else None
    opened = row is None
    if row is None:
        row = Case(id=uuid.UUID(case.case_id), staff_id=case.staff)
        session.add(row)
    row.school_id = case.school_id
    row.clause = case.clause
    row.title = case.title
    row.severity = case.severity
    row.owner = case.owner
    row.gross_misconduct = case.gross_misconduct
    row.status = case.status
    row.breach_count = case.breach_count
    row.opened_at = case.opened_at
    row.updated_at = case.updated_at
    if opened:  # the workflow starts with triage (at once for the DSL)
        state = new_case(
            case_id=case.case_id,
            clause=case.clause,
            owner=case.owner,
            gross_misconduct_listed=case.gross_misconduct,
            opened_at=case.opened_at,
        )
        for name, value in columns_of(state).items():
            setattr(row, name, value)
        await session.flush()
        await open_case_tasks(session, row, state)
    await session.flush()


async def store_breach(
    session: AsyncSession,
    breach: BreachFacts,
    staff: str,
    *,
    case_events_topic: str,
    headers: KafkaHeaders,
    now: datetime,
) -> cases_pb2.CaseEvent | None:
    """Run inside the caller's transaction; returns the case event written, or None for a duplicate."""
    await _remember_staff(session, staff, breach)
    if not await _insert_breach(session, staff, breach):
        return None
    open_case = (
        await session.execute(
            select(Case)
            .where(
                Case.school_id == breach.school_id,
                Case.staff_id == staff,
                Case.clause == breach.clause,
                Case.status == STATUS_OPEN,
            )
            .with_for_update()
        )
    ).scalar_one_or_none()
    change = apply_breach(_state(open_case) if open_case else None, breach, staff, now)
    await _save_case(session, open_case, change)
    await session.execute(
        update(Breach)
        .where(Breach.breach_id == breach.breach_id)
        .values(case_id=uuid.UUID(change.case.case_id))
    )
    event = build_case_event(change, breach)
    session.add(
        Outbox(
            topic=case_events_topic,
            key=change.case.school_id,
            payload=event.SerializeToString(deterministic=True),
            headers=[[name, value.decode()] for name, value in headers],
        )
    )
    await session.flush()
    return event
