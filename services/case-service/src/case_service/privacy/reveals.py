"""Identity reveals (MON-NEED-TO-KNOW): a pseudonym becomes a name only inside an open case, after a
request with a reason, approved by the school's Headteacher (never the requester), and only for the
requester. Each request, approval, refusal and every single read is in the audit log.

This is the only module that reads `staff_identity` for a person on a case worker's behalf.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from case_service.auth.authorizer import Reveal
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker
from case_service.db.models import StaffIdentity
from case_service.db.privacy_models import IdentityReveal
from case_service.privacy import audit
from case_service.privacy.access import (
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
)

LIMIT = "MON-NEED-TO-KNOW"


@dataclass(frozen=True)
class RevealView:
    id: uuid.UUID
    case_id: uuid.UUID
    staff_id: str
    reason: str
    requested_by: str
    requested_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


@dataclass(frozen=True)
class RevealedIdentity:
    case_id: uuid.UUID
    staff_id: str
    school_id: str
    account: str
    reveal_id: uuid.UUID
    audit_seq: int  # the audit entry of this very read


def view(row: IdentityReveal) -> RevealView:
    return RevealView(
        id=row.id,
        case_id=row.case_id,
        staff_id=row.staff_id,
        reason=row.reason,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        status=row.status,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
    )


@audits_denials
async def request_reveal(
    sessions: SessionMaker, authorizer: Authorize, subject: Subject, *, case_id: uuid.UUID, reason: str
) -> RevealView:
    reason = require_text(reason, "the reason for the reveal")
    async with sessions() as session, session.begin():
        case = await load_case(session, case_id, lock=True)
        resource = case_resource(case, reveal=Reveal(status="requested", requested_by=subject.id))
        decision = await authorize(
            authorizer,
            subject,
            "identity.reveal.request",
            resource,
            case_id=case.id,
            staff_id=case.staff_id,
        )
        require_open(case, LIMIT)
        pending = await session.scalar(
            select(IdentityReveal).where(
                IdentityReveal.case_id == case.id,
                IdentityReveal.requested_by == subject.id,
                IdentityReveal.status == "requested",
            )
        )
        if pending is not None:
            raise RefusedError("a reveal you requested in this case is still waiting for a decision")
        row = IdentityReveal(
            id=uuid.uuid4(),
            case_id=case.id,
            school_id=case.school_id,
            staff_id=case.staff_id,
            reason=reason,
            requested_by=subject.id,
            requested_at=now(),
            status="requested",
        )
        session.add(row)
        await session.flush()
        await audit.record(
            session,
            actor=subject.id,
            action="identity.reveal.request",
            school_id=case.school_id,
            case_id=case.id,
            staff_id=case.staff_id,
            details={"reveal_id": str(row.id), "reason": reason},
            decision_id=decision.decision_id,
        )
        return view(row)


@audits_denials
async def decide_reveal(
    sessions: SessionMaker,
    authorizer: Authorize,
    subject: Subject,
    *,
    reveal_id: uuid.UUID,
    approve: bool,
    note: str | None = None,
) -> RevealView:
    """Approve or refuse: the same right (`identity.reveal.approve`), the Headteacher's, four eyes."""
    async with sessions() as session, session.begin():
        row = await session.get(IdentityReveal, reveal_id, with_for_update=True)
        if row is None:
            raise NotFoundError("reveal")
        case = await load_case(session, row.case_id, lock=True)
        resource = case_resource(case, reveal=Reveal(status="requested", requested_by=row.requested_by))
        decision = await authorize(
            authorizer,
            subject,
            "identity.reveal.approve",
            resource,
            case_id=case.id,
            staff_id=case.staff_id,
            details={"reveal_id": str(row.id), "approve": approve},
        )
        require_open(case, LIMIT)
        if row.requested_by == subject.id:
            raise RefusedError("four eyes: a reveal is decided by someone other than its requester")
        if row.status != "requested":
            raise RefusedError(f"this reveal was already {row.status}")
        row.status = "approved" if approve else "refused"
        row.decided_by = subject.id
        row.decided_at = now()
        row.decision_note = note.strip() if note and note.strip() else None
        await session.flush()
        await audit.record(
            session,
            actor=subject.id,
            action="identity.reveal.approve" if approve else "identity.reveal.refuse",
            school_id=case.school_id,
            case_id=case.id,
            staff_id=case.staff_id,
            details={"reveal_id": str(row.id), "requested_by": row.requested_by, "note": row.decision_note},
            decision_id=decision.decision_id,
        )
        return view(row)


@audits_denials
async def read_identity(
    sessions: SessionMaker, authorizer: Authorize, subject: Subject, *, case_id: uuid.UUID
) -> RevealedIdentity:
    """The account behind the case's pseudonym, for a requester whose reveal was approved; audited."""
    async with sessions() as session, session.begin():
        case = await load_case(session, case_id)
        own = await session.scalar(
            select(IdentityReveal)
            .where(IdentityReveal.case_id == case.id, IdentityReveal.requested_by == subject.id)
            # an approved reveal first, then the newest request
            .order_by((IdentityReveal.status == "approved").desc(), IdentityReveal.requested_at.desc())
            .limit(1)
        )
        reveal = Reveal(requested_by=subject.id)
        if own is not None:
            reveal["status"] = own.status  # type: ignore[typeddict-item]  # requested | approved | refused
        resource = case_resource(case, reveal=reveal)
        decision = await authorize(
            authorizer, subject, "identity.read", resource, case_id=case.id, staff_id=case.staff_id
        )
        require_open(case, LIMIT)
        if own is None or own.status != "approved":
            raise RefusedError(f"{LIMIT}: an identity is shown only after your approved reveal in this case")
        identity = await session.get(StaffIdentity, case.staff_id)
        if identity is None:
            raise NotFoundError("identity")
        entry = await audit.record(
            session,
            actor=subject.id,
            action="identity.read",
            school_id=case.school_id,
            case_id=case.id,
            staff_id=case.staff_id,
            details={"reveal_id": str(own.id)},
            decision_id=decision.decision_id,
        )
        return RevealedIdentity(
            case_id=case.id,
            staff_id=case.staff_id,
            school_id=identity.school_id,
            account=identity.account,
            reveal_id=own.id,
            audit_seq=entry.seq,
        )


@audits_denials
async def reveals_of_case(
    sessions: SessionMaker, authorizer: Authorize, subject: Subject, *, case_id: uuid.UUID
) -> list[RevealView]:
    """The reveal requests of a case, for whoever may read the case (names never appear here)."""
    async with sessions() as session:
        case = await load_case(session, case_id)
        await authorize(authorizer, subject, "case.read", case_resource(case), case_id=case.id)
        rows = await session.scalars(
            select(IdentityReveal)
            .where(IdentityReveal.case_id == case.id)
            .order_by(IdentityReveal.requested_at)
        )
        return [view(row) for row in rows]
