"""GraphQL types of the privacy API (`graphql/privacy.py`), built from the privacy service's views.
Staff appear as pseudonyms (`staff`); only `RevealedIdentity` carries an account."""

from datetime import date, datetime
from enum import StrEnum
from typing import cast

import strawberry
from strawberry.scalars import JSON

from case_service.privacy import audit, content, evidence, reveals, sar, spot_checks
from case_service.privacy.access import now


class LawfulPurpose(StrEnum):
    """SP "Emails—monitoring" ¶5: why content may be examined (MON-CONTENT-EXCEPTIONAL)."""

    BUSINESS_RELEVANCE = "business_relevance"
    ESTABLISH_FACTS = "establish_facts"
    REGULATORY_COMPLIANCE = "regulatory_compliance"
    STANDARDS = "standards"
    UNAUTHORISED_USE = "unauthorised_use"
    CRIME = "crime"
    SYSTEM_OPERATION = "system_operation"


strawberry.enum(LawfulPurpose)


@strawberry.type
class IdentityReveal:
    id: strawberry.ID
    case_id: strawberry.ID
    staff: str
    reason: str
    requested_by: str
    requested_at: datetime
    status: str = strawberry.field(description="requested, approved or refused")
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None

    @staticmethod
    def of(v: reveals.RevealView) -> "IdentityReveal":
        return IdentityReveal(
            id=strawberry.ID(str(v.id)),
            case_id=strawberry.ID(str(v.case_id)),
            staff=v.staff_id,
            reason=v.reason,
            requested_by=v.requested_by,
            requested_at=v.requested_at,
            status=v.status,
            decided_by=v.decided_by,
            decided_at=v.decided_at,
            decision_note=v.decision_note,
        )


@strawberry.type(description="Who a pseudonym is: shown after an approved reveal; each read is audited.")
class RevealedIdentity:
    case_id: strawberry.ID
    staff: str
    school_id: str
    account: str
    audit_seq: int


@strawberry.type
class ContentAccessRequest:
    id: strawberry.ID
    case_id: strawberry.ID
    staff: str
    purpose: LawfulPurpose
    scope: str
    reason: str
    requested_by: str
    grantee: str
    requested_at: datetime
    status: str = strawberry.field(description="requested, approved or refused")
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    expires_at: datetime | None
    live: bool = strawberry.field(description="Approved and not yet expired.")

    @staticmethod
    def of(v: content.AccessView) -> "ContentAccessRequest":
        return ContentAccessRequest(
            id=strawberry.ID(str(v.id)),
            case_id=strawberry.ID(str(v.case_id)),
            staff=v.staff_id,
            purpose=LawfulPurpose(v.purpose),
            scope=v.scope,
            reason=v.reason,
            requested_by=v.requested_by,
            grantee=v.grantee,
            requested_at=v.requested_at,
            status=v.status,
            decided_by=v.decided_by,
            decided_at=v.decided_at,
            decision_note=v.decision_note,
            expires_at=v.expires_at,
            live=v.live(now()),
        )


@strawberry.type(description="One audited use of an approved content access.")
class ContentUse:
    access: ContentAccessRequest
    item: str
    audit_seq: int


@strawberry.type
class BreachEvidence:
    breach_id: str
    clause: str
    occurred_at: datetime
    reason: str
    evidence: JSON
    evidence_event_ids: list[str]
    decision_id: str


@strawberry.type(
    description="A case's detailed evidence (MON-INTERNET-ON-SUSPICION): open cases only, audited."
)
class CaseEvidence:
    case_id: strawberry.ID
    staff: str
    breaches: list[BreachEvidence]
    audit_seq: int


@strawberry.type
class SpotCheck:
    id: strawberry.ID
    school_id: str
    performed_by: str
    performed_at: datetime
    scope: str
    reason: str
    sample: list[str]


@strawberry.type
class SubjectAccessRequest:
    id: strawberry.ID
    school_id: str
    staff: str
    received_on: date
    due_on: date = strawberry.field(description="One calendar month after receipt (UK GDPR Art. 12(3)).")
    status: str = strawberry.field(description="open or completed")
    recorded_by: str
    completed_at: datetime | None
    exported_at: datetime | None
    overdue: bool
    days_left: int

    @staticmethod
    def of(v: sar.SarView) -> "SubjectAccessRequest":
        return SubjectAccessRequest(
            id=strawberry.ID(str(v.id)),
            school_id=v.school_id,
            staff=v.staff_id,
            received_on=v.received_on,
            due_on=v.due_on,
            status=v.status,
            recorded_by=v.recorded_by,
            completed_at=v.completed_at,
            exported_at=v.exported_at,
            overdue=v.overdue,
            days_left=v.days_left,
        )


@strawberry.type
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    school_id: str | None
    case_id: strawberry.ID | None
    staff: str | None
    details: JSON
    decision_id: str | None
    prev_hash: str
    hash: str

    @staticmethod
    def of(e: audit.AuditEntry) -> "AuditEntry":
        return AuditEntry(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            action=e.action,
            school_id=e.school_id,
            case_id=strawberry.ID(str(e.case_id)) if e.case_id else None,
            staff=e.staff_id,
            details=cast(JSON, dict(e.details)),
            decision_id=e.decision_id,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )


@strawberry.type
class AuditChainStatus:
    intact: bool
    first_broken: int | None = strawberry.field(description="The first sequence number that does not verify.")
    head_seq: int | None
    head_hash: str | None
    checked_at: datetime


def breach_evidence(b: evidence.BreachEvidence) -> BreachEvidence:
    return BreachEvidence(
        breach_id=b.breach_id,
        clause=b.clause,
        occurred_at=b.occurred_at,
        reason=b.reason,
        evidence=cast(JSON, b.evidence),
        evidence_event_ids=b.evidence_event_ids,
        decision_id=b.decision_id,
    )


def spot_check(v: spot_checks.SpotCheckView) -> SpotCheck:
    return SpotCheck(
        id=strawberry.ID(str(v.id)),
        school_id=v.school_id,
        performed_by=v.performed_by,
        performed_at=v.performed_at,
        scope=v.scope,
        reason=v.reason,
        sample=v.sample,
    )
