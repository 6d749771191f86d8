"""Reading the audit log and checking its chain: the DPO's (`audit.read`), itself audited."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from case_service.auth.authorizer import Resource
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker
from case_service.db.privacy_models import AuditLog
from case_service.privacy import audit
from case_service.privacy.access import Authorize, audits_denials, authorize, now

MAX_PAGE = 500


@dataclass(frozen=True)
class ChainStatus:
    intact: bool
    first_broken: int | None
    head_seq: int | None
    head_hash: str | None
    checked_at: datetime


@audits_denials
async def entries(
    sessions: SessionMaker,
    authorizer: Authorize,
    subject: Subject,
    *,
    school_id: str | None = None,
    case_id: uuid.UUID | None = None,
    staff_id: str | None = None,
    after_seq: int = 0,
    limit: int = 100,
) -> list[audit.AuditEntry]:
    """Entries after `after_seq`, oldest first: one school's (the school's DPO) or the trust's."""
    resource = Resource(school_id=school_id) if school_id else Resource()
    decision = await authorize(authorizer, subject, "audit.read", resource)
    statement = select(AuditLog).where(AuditLog.seq > after_seq).order_by(AuditLog.seq)
    if school_id:
        statement = statement.where(AuditLog.school_id == school_id)
    if case_id is not None:
        statement = statement.where(AuditLog.case_id == case_id)
    if staff_id:
        statement = statement.where(AuditLog.staff_id == staff_id)
    async with sessions() as session, session.begin():
        rows = (await session.scalars(statement.limit(max(1, min(limit, MAX_PAGE))))).all()
        found = [audit.entry_of(row) for row in rows]
        await audit.record(
            session,
            actor=subject.id,
            action="audit.read",
            school_id=school_id,
            case_id=case_id,
            staff_id=staff_id,
            details={"after_seq": after_seq, "returned": len(found)},
            decision_id=decision.decision_id,
        )
    return found


@audits_denials
async def check_chain(sessions: SessionMaker, authorizer: Authorize, subject: Subject) -> ChainStatus:
    """Walk the whole chain (trust-wide `audit.read`); the check is recorded after it."""
    decision = await authorize(authorizer, subject, "audit.read", Resource())
    async with sessions() as session:
        broken = await audit.verify(session)
        head = await audit.head(session)
    status = ChainStatus(
        intact=broken is None,
        first_broken=broken,
        head_seq=head[0] if head else None,
        head_hash=head[1] if head else None,
        checked_at=now(),
    )
    async with sessions() as session, session.begin():
        await audit.record(
            session,
            actor=subject.id,
            action="audit.verify",
            details={"intact": status.intact, "first_broken": broken, "head_seq": status.head_seq},
            decision_id=decision.decision_id,
        )
    return status
