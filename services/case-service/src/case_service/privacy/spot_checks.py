"""Random spot checks (MON-SPOT-CHECK) are allowed, and each is recorded: who, when, which school, the
scope, the reason and the sample looked at; the record is also an audit entry.

Authorization: recording one asks OPA for `spot_check.record` on the school: its SLG and
Headteacher, and the trust's IT ops where the school's policy names the IT Technician (EF 1.4);
see `spot_checkers` in policies-rego/authz/roles.rego.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from case_service.auth.authorizer import Resource
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker
from case_service.db.privacy_models import SpotCheck
from case_service.privacy import audit
from case_service.privacy.access import Authorize, RefusedError, audits_denials, authorize, now, require_text

MAX_SAMPLE = 500


@dataclass(frozen=True)
class SpotCheckView:
    id: uuid.UUID
    school_id: str
    performed_by: str
    performed_at: datetime
    scope: str
    reason: str
    sample: list[str]


def view(row: SpotCheck) -> SpotCheckView:
    return SpotCheckView(
        id=row.id,
        school_id=row.school_id,
        performed_by=row.performed_by,
        performed_at=row.performed_at,
        scope=row.scope,
        reason=row.reason,
        sample=list(row.sample),
    )


@audits_denials
async def record_spot_check(
    sessions: SessionMaker,
    authorizer: Authorize,
    subject: Subject,
    *,
    school_id: str,
    scope: str,
    reason: str,
    sample: Sequence[str],
) -> SpotCheckView:
    scope = require_text(scope, "the scope of the spot check")
    reason = require_text(reason, "the reason for the spot check")
    items = [s.strip() for s in sample if s.strip()]
    if not items:
        raise RefusedError("MON-SPOT-CHECK: record what was sampled")
    if len(items) > MAX_SAMPLE:
        raise RefusedError(f"MON-SPOT-CHECK: a spot check samples at most {MAX_SAMPLE} items")
    decision = await authorize(
        authorizer, subject, "spot_check.record", Resource(school_id=school_id), details={"spot_check": scope}
    )
    async with sessions() as session, session.begin():
        row = SpotCheck(
            id=uuid.uuid4(),
            school_id=school_id,
            performed_by=subject.id,
            performed_at=now(),
            scope=scope,
            reason=reason,
            sample=items,
        )
        session.add(row)
        await session.flush()
        await audit.record(
            session,
            actor=subject.id,
            action="spot_check.record",
            school_id=school_id,
            details={
                "spot_check_id": str(row.id),
                "scope": scope,
                "reason": reason,
                "sample_size": len(items),
            },
            decision_id=decision.decision_id,
        )
        return view(row)


@audits_denials
async def spot_checks(
    sessions: SessionMaker, authorizer: Authorize, subject: Subject, *, school_id: str
) -> list[SpotCheckView]:
    """A school's spot checks, newest first: for its DPO (`audit.read`)."""
    await authorize(authorizer, subject, "audit.read", Resource(school_id=school_id))
    async with sessions() as session:
        rows = await session.scalars(
            select(SpotCheck).where(SpotCheck.school_id == school_id).order_by(SpotCheck.performed_at.desc())
        )
        return [view(row) for row in rows]
