"""Detailed monitoring evidence only inside an open case (MON-INTERNET-ON-SUSPICION): a breach's
evidence (URLs, hosts, searches, durations, the event ids behind it) is served only through here,
only while the case that records the suspicion is open, and each read is audited."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker
from case_service.db.models import Breach
from case_service.privacy import audit
from case_service.privacy.access import (
    Authorize,
    audits_denials,
    authorize,
    case_resource,
    load_case,
    require_open,
)

LIMIT = "MON-INTERNET-ON-SUSPICION"


@dataclass(frozen=True)
class BreachEvidence:
    breach_id: str
    clause: str
    occurred_at: datetime
    reason: str
    evidence: dict[str, Any]
    evidence_event_ids: list[str]
    decision_id: str


@dataclass(frozen=True)
class CaseEvidence:
    case_id: uuid.UUID
    staff_id: str
    breaches: list[BreachEvidence]
    audit_seq: int


@audits_denials
async def read_evidence(
    sessions: SessionMaker, authorizer: Authorize, subject: Subject, *, case_id: uuid.UUID
) -> CaseEvidence:
    async with sessions() as session, session.begin():
        case = await load_case(session, case_id)
        decision = await authorize(
            authorizer,
            subject,
            "evidence.read",
            case_resource(case),
            case_id=case.id,
            staff_id=case.staff_id,
        )
        require_open(case, LIMIT)
        rows = (
            await session.scalars(
                select(Breach).where(Breach.case_id == case.id).order_by(Breach.occurred_at, Breach.breach_id)
            )
        ).all()
        entry = await audit.record(
            session,
            actor=subject.id,
            action="evidence.read",
            school_id=case.school_id,
            case_id=case.id,
            staff_id=case.staff_id,
            details={"breach_ids": [row.breach_id for row in rows]},
            decision_id=decision.decision_id,
        )
        return CaseEvidence(
            case_id=case.id,
            staff_id=case.staff_id,
            breaches=[
                BreachEvidence(
                    breach_id=row.breach_id,
                    clause=row.clause,
                    occurred_at=row.occurred_at,
                    reason=row.reason,
                    evidence=dict(row.evidence),
                    evidence_event_ids=list(row.evidence_event_ids),
                    decision_id=row.decision_id,
                )
                for row in rows
            ],
            audit_seq=entry.seq,
        )
