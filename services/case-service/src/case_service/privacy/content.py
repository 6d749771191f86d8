"""Exceptional content access (MON-CONTENT-EXCEPTIONAL): message content is examined only for one of
the lawful purposes, inside an open case, after the school's Headteacher approved the request (not
its requester), until a time limit at most 30 days after the approval, by the named grantee; every
use is audited.

The service itself never holds content (MON-ENVELOPE-ONLY: bodies are never ingested): `use_access`
is the audited gate a reviewer passes before opening the content in the mail system, and what the
audit entry records is which item was opened, when, by whom and under which approval.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from case_service.auth.authorizer import ContentAccess as AccessResource
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker
from case_service.db.privacy_models import ContentAccess
from case_service.privacy import audit
from case_service.privacy.access import (
    CONTENT_ACCESS_MAX_DAYS,
    LAWFUL_PURPOSES,
    Authorize,
    NotFoundError,
    RefusedError,
    audits_denials,
    authorize,
    case_resource,
    load_case,
    now,
    require_open,
    require_text,
    rfc3339,
)

LIMIT = "MON-CONTENT-EXCEPTIONAL"


@dataclass(frozen=True)
class AccessView:
    id: uuid.UUID
    case_id: uuid.UUID
    staff_id: str
    purpose: str
    scope: str
    reason: str
    requested_by: str
    grantee: str
    requested_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    expires_at: datetime | None

    def live(self, at: datetime) -> bool:
        return self.status == "approved" and self.expires_at is not None and self.expires_at > at


@dataclass(frozen=True)
class ContentUse:
    access: AccessView
    item: str
    audit_seq: int


def view(row: ContentAccess) -> AccessView:
    return AccessView(
        id=row.id,
        case_id=row.case_id,
        staff_id=row.staff_id,
        purpose=row.purpose,
        scope=row.scope,
        reason=row.reason,
        requested_by=row.requested_by,
        grantee=row.grantee,
        requested_at=row.requested_at,
        status=row.status,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
        expires_at=row.expires_at,
    )


def _resource_part(row: ContentAccess, *, expires_at: datetime | None = None) -> AccessResource:
    part = AccessResource(
        status=row.status,  # type: ignore[typeddict-item]  # requested | approved | refused
        purpose=row.purpose,
        requested_by=row.requested_by,
        grantee=row.grantee,
    )
    until = expires_at or row.expires_at
    if until is not None:
        part["expires_at"] = rfc3339(until)
    return part


def check_time_limit(expires_at: datetime, at: datetime) -> None:
    if expires_at.tzinfo is None:
        raise RefusedError("expires_at needs a time zone")
    if expires_at <= at:
        raise RefusedError(f"{LIMIT}: the access must end in the future")
    if expires_at > at + timedelta(days=CONTENT_ACCESS_MAX_DAYS):
        raise RefusedError(f"{LIMIT}: the access may last at most {CONTENT_ACCESS_MAX_DAYS} days")


@audits_denials
async def request_access(
    sessions: SessionMaker,
    authorizer: Authorize,
    subject: Subject,
    *,
    case_id: uuid.UUID,
    purpose: str,
    scope: str,
    reason: str,
    grantee: str | None = None,
) -> AccessView:
    if purpose not in LAWFUL_PURPOSES:
        raise RefusedError(f"{LIMIT}: the purpose must be one of {', '.join(sorted(LAWFUL_PURPOSES))}")
    scope = require_text(scope, "what content (scope)")
    reason = require_text(reason, "the reason")
    grantee = (grantee or subject.id).strip() or subject.id
    async with sessions() as session, session.begin():
        case = await load_case(session, case_id, lock=True)
        part = AccessResource(status="requested", purpose=purpose, requested_by=subject.id, grantee=grantee)
        decision = await authorize(
            authorizer,
            subject,
            "content.access.request",
            case_resource(case, content_access=part),
            case_id=case.id,
            staff_id=case.staff_id,
            details={"purpose": purpose},
        )
        require_open(case, LIMIT)
        row = ContentAccess(
            id=uuid.uuid4(),
            case_id=case.id,
            school_id=case.school_id,
            staff_id=case.staff_id,
            purpose=purpose,
            scope=scope,
            reason=reason,
            requested_by=subject.id,
            grantee=grantee,
            requested_at=now(),
            status="requested",
        )
        session.add(row)
        await session.flush()
        await audit.record(
            session,
            actor=subject.id,
            action="content.access.request",
            school_id=case.school_id,
            case_id=case.id,
            staff_id=case.staff_id,
            details={
                "access_id": str(row.id),
                "purpose": purpose,
                "scope": scope,
                "reason": reason,
                "grantee": grantee,
            },
            decision_id=decision.decision_id,
        )
        return view(row)


@audits_denials
async def decide_access(
    sessions: SessionMaker,
    authorizer: Authorize,
    subject: Subject,
    *,
    access_id: uuid.UUID,
    approve: bool,
    expires_at: datetime | None = None,
    note: str | None = None,
) -> AccessView:
    """Approve until `expires_at` (required, at most 30 days ahead) or refuse; the Headteacher's right
    (`content.access.approve`). A refusal is asked about with a nominal one-day limit: it grants nothing."""
    at = now()
    if approve:
        if expires_at is None:
            raise RefusedError(f"{LIMIT}: an approval needs its time limit (expires_at)")
        check_time_limit(expires_at, at)
    async with sessions() as session, session.begin():
        row = await session.get(ContentAccess, access_id, with_for_update=True)
        if row is None:
            raise NotFoundError("content access")
        case = await load_case(session, row.case_id, lock=True)
        asked_until = expires_at if approve and expires_at is not None else at + timedelta(days=1)
        part = _resource_part(row, expires_at=asked_until)
        part["status"] = "requested"
        decision = await authorize(
            authorizer,
            subject,
            "content.access.approve",
            case_resource(case, content_access=part),
            case_id=case.id,
            staff_id=case.staff_id,
            details={"access_id": str(row.id), "approve": approve},
        )
        require_open(case, LIMIT)
        if row.requested_by == subject.id:
            raise RefusedError("four eyes: content access is decided by someone other than its requester")
        if row.status != "requested":
            raise RefusedError(f"this request was already {row.status}")
        row.status = "approved" if approve else "refused"
        row.decided_by = subject.id
        row.decided_at = at
        row.expires_at = expires_at if approve else None
        row.decision_note = note.strip() if note and note.strip() else None
        await session.flush()
        await audit.record(
            session,
            actor=subject.id,
            action="content.access.approve" if approve else "content.access.refuse",
            school_id=case.school_id,
            case_id=case.id,
            staff_id=case.staff_id,
            details={
                "access_id": str(row.id),
                "purpose": row.purpose,
                "grantee": row.grantee,
                "expires_at": rfc3339(expires_at) if approve and expires_at else None,
                "note": row.decision_note,
            },
            decision_id=decision.decision_id,
        )
        return view(row)


@audits_denials
async def use_access(
    sessions: SessionMaker, authorizer: Authorize, subject: Subject, *, access_id: uuid.UUID, item: str
) -> ContentUse:
    """One use of an approved, unexpired access by its grantee (`item`: which message or file)."""
    item = require_text(item, "the item examined")
    async with sessions() as session, session.begin():
        row = await session.get(ContentAccess, access_id)
        if row is None:
            raise NotFoundError("content access")
        case = await load_case(session, row.case_id)
        decision = await authorize(
            authorizer,
            subject,
            "content.read",
            case_resource(case, content_access=_resource_part(row)),
            case_id=case.id,
            staff_id=case.staff_id,
            details={"access_id": str(row.id), "item": item},
        )
        require_open(case, LIMIT)
        access = view(row)
        if access.grantee != subject.id:
            raise RefusedError(f"{LIMIT}: only the grantee examines content under this access")
        if not access.live(now()):
            raise RefusedError(f"{LIMIT}: this access is not approved or has expired")
        entry = await audit.record(
            session,
            actor=subject.id,
            action="content.read",
            school_id=case.school_id,
            case_id=case.id,
            staff_id=case.staff_id,
            details={"access_id": str(row.id), "purpose": row.purpose, "item": item},
            decision_id=decision.decision_id,
        )
        return ContentUse(access=access, item=item, audit_seq=entry.seq)


@audits_denials
async def accesses_of_case(
    sessions: SessionMaker, authorizer: Authorize, subject: Subject, *, case_id: uuid.UUID
) -> list[AccessView]:
    async with sessions() as session:
        case = await load_case(session, case_id)
        await authorize(authorizer, subject, "case.read", case_resource(case), case_id=case.id)
        rows = await session.scalars(
            select(ContentAccess).where(ContentAccess.case_id == case.id).order_by(ContentAccess.requested_at)
        )
        return [view(row) for row in rows]
