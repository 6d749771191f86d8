"""Subject access requests (UK GDPR Art. 15): tracked from the day received to the one-month
deadline (Art. 12(3)), overdue ones visible, and one JSON document with everything this service
holds about the person. The DPO's rights (`sar.export`, `audit.read`); every step audited."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from case_service.auth.authorizer import Resource
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker
from case_service.db.models import Staff, StaffIdentity
from case_service.db.privacy_models import SubjectAccessRequest
from case_service.domain.pseudonym import normalise_account, pseudonym
from case_service.privacy import audit
from case_service.privacy.access import Authorize, NotFoundError, RefusedError, audits_denials, authorize, now
from case_service.privacy.deadline import days_left, overdue, sar_due
from case_service.privacy.sar_export import collect_person


@dataclass(frozen=True)
class SarView:
    id: uuid.UUID
    school_id: str
    staff_id: str
    received_on: date
    due_on: date
    status: str
    recorded_by: str
    recorded_at: datetime
    completed_at: datetime | None
    exported_at: datetime | None
    overdue: bool
    days_left: int


def view(row: SubjectAccessRequest, today: date) -> SarView:
    return SarView(
        id=row.id,
        school_id=row.school_id,
        staff_id=row.staff_id,
        received_on=row.received_on,
        due_on=row.due_on,
        status=row.status,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        completed_at=row.completed_at,
        exported_at=row.exported_at,
        overdue=overdue(row.due_on, today, completed=row.status == "completed"),
        days_left=days_left(row.due_on, today),
    )


def _school(school_id: str | None) -> Resource:
    return Resource(school_id=school_id) if school_id else Resource()


async def resolve_person(
    sessions: SessionMaker,
    *,
    school_id: str,
    staff_id: str | None = None,
    account: str | None = None,
    pseudonym_key: bytes = b"",
) -> str:
    """The pseudonym of the person asking: given, or from the account (computed with the key, so
    it is found even after retention removed the identity row; else looked up in staff_identity)."""
    if (staff_id is None) == (account is None):
        raise RefusedError("name the person by pseudonym or by account, not both")
    if account is not None:
        if pseudonym_key:
            return pseudonym(pseudonym_key, school_id, account)
        async with sessions() as session:
            found = await session.scalar(
                select(StaffIdentity.staff_id).where(
                    StaffIdentity.school_id == school_id, StaffIdentity.account == normalise_account(account)
                )
            )
        if found is None:
            raise NotFoundError("person")
        return found
    assert staff_id is not None
    async with sessions() as session:
        staff = await session.get(Staff, staff_id)
    if staff is not None and staff.school_id != school_id:
        raise NotFoundError("person")
    return staff_id


@audits_denials
async def record_request(
    sessions: SessionMaker,
    authorizer: Authorize,
    subject: Subject,
    *,
    school_id: str,
    received_on: date,
    staff_id: str | None = None,
    account: str | None = None,
    pseudonym_key: bytes = b"",
) -> SarView:
    decision = await authorize(authorizer, subject, "sar.export", _school(school_id))
    today = now().date()
    if received_on > today:
        raise RefusedError("a request cannot be received in the future")
    person = await resolve_person(
        sessions, school_id=school_id, staff_id=staff_id, account=account, pseudonym_key=pseudonym_key
    )
    async with sessions() as session, session.begin():
        row = SubjectAccessRequest(
            id=uuid.uuid4(),
            school_id=school_id,
            staff_id=person,
            received_on=received_on,
            due_on=sar_due(received_on),
            recorded_by=subject.id,
            recorded_at=now(),
            status="open",
        )
        session.add(row)
        await session.flush()
        await audit.record(
            session,
            actor=subject.id,
            action="sar.request",
            school_id=school_id,
            staff_id=person,
            details={
                "sar_id": str(row.id),
                "received_on": received_on.isoformat(),
                "due_on": row.due_on.isoformat(),
            },
            decision_id=decision.decision_id,
        )
        return view(row, today)


@audits_denials
async def list_requests(
    sessions: SessionMaker,
    authorizer: Authorize,
    subject: Subject,
    *,
    school_id: str | None = None,
    overdue_only: bool = False,
    today: date | None = None,
) -> list[SarView]:
    """A school's requests (or the trust's, without a school), soonest due first."""
    await authorize(authorizer, subject, "audit.read", _school(school_id))
    today = today or now().date()
    statement = select(SubjectAccessRequest).order_by(SubjectAccessRequest.due_on, SubjectAccessRequest.id)
    if school_id:
        statement = statement.where(SubjectAccessRequest.school_id == school_id)
    if overdue_only:
        statement = statement.where(
            SubjectAccessRequest.status == "open", SubjectAccessRequest.due_on < today
        )
    async with sessions() as session:
        return [view(row, today) for row in await session.scalars(statement)]


async def _load(sessions: SessionMaker, sar_id: uuid.UUID) -> SubjectAccessRequest:
    async with sessions() as session:
        row = await session.get(SubjectAccessRequest, sar_id)
    if row is None:
        raise NotFoundError("subject access request")
    return row


@audits_denials
async def export(
    sessions: SessionMaker, authorizer: Authorize, subject: Subject, *, sar_id: uuid.UUID
) -> dict[str, Any]:
    """The whole document for the request's person (JSON-ready); the export itself is audited."""
    request = await _load(sessions, sar_id)
    decision = await authorize(
        authorizer, subject, "sar.export", _school(request.school_id), staff_id=request.staff_id
    )
    async with sessions() as session, session.begin():
        row = await session.get(SubjectAccessRequest, sar_id, with_for_update=True)
        assert row is not None
        at = now()
        held = await collect_person(session, row.staff_id)
        row.exported_at = at
        document = {
            "request": {
                "id": str(row.id),
                "school_id": row.school_id,
                "received_on": row.received_on.isoformat(),
                "due_on": row.due_on.isoformat(),
                "exported_at": at.isoformat(),
                "exported_by": subject.id,
            },
            **held,
        }
        await audit.record(
            session,
            actor=subject.id,
            action="sar.export",
            school_id=row.school_id,
            staff_id=row.staff_id,
            details={
                "sar_id": str(row.id),
                "counts": {k: len(v) for k, v in held.items() if isinstance(v, list)},
            },
            decision_id=decision.decision_id,
        )
        return document


@audits_denials
async def complete_request(
    sessions: SessionMaker, authorizer: Authorize, subject: Subject, *, sar_id: uuid.UUID
) -> SarView:
    request = await _load(sessions, sar_id)
    decision = await authorize(
        authorizer, subject, "sar.export", _school(request.school_id), staff_id=request.staff_id
    )
    async with sessions() as session, session.begin():
        row = await session.get(SubjectAccessRequest, sar_id, with_for_update=True)
        assert row is not None
        if row.status == "completed":
            raise RefusedError("this request is already completed")
        if row.exported_at is None:
            raise RefusedError("export the person's data before completing the request")
        at = now()
        row.status, row.completed_at = "completed", at
        await session.flush()
        await audit.record(
            session,
            actor=subject.id,
            action="sar.complete",
            school_id=row.school_id,
            staff_id=row.staff_id,
            details={"sar_id": str(row.id), "late": at.date() > row.due_on},
            decision_id=decision.decision_id,
        )
        return view(row, at.date())
