"""Privacy tables (issue 6 §4): the hash-chained audit log, identity reveals, exceptional content
access, spot checks and subject access requests.

None of them has a foreign key to the ingest tables (`cases`, `staff`): the audit log must outlive
whatever it talks about, and the others are looked up by id and checked in code (an unknown case is
"not found"), which also keeps a plain `TRUNCATE cases, ...` working.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, Index, Text, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from case_service.db.models import Base


class AuditLog(Base):
    """Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and hash-chained: `hash` is the
    SHA-256 of the row's canonical encoding, which includes `prev_hash` (case_service.privacy.audit)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_staff_id", "staff_id"),
        Index("ix_audit_log_case_id", "case_id"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)  # the subject id, or "system:<job>"
    action: Mapped[str] = mapped_column(Text)
    school_id: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    staff_id: Mapped[str | None] = mapped_column(Text)  # the pseudonym of the person it is about
    details: Mapped[dict[str, Any]] = mapped_column(JSONB)
    decision_id: Mapped[str | None] = mapped_column(Text)  # OPA's decision id
    prev_hash: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(Text, unique=True)


class IdentityReveal(Base):
    """A request to see who a pseudonym is, within one case (MON-NEED-TO-KNOW)."""

    __tablename__ = "identity_reveals"
    __table_args__ = (
        # One pending request per case and requester: asking again while waiting adds nothing.
        Index(
            "uq_identity_reveals_pending",
            "case_id",
            "requested_by",
            unique=True,
            postgresql_where=text("status = 'requested'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    school_id: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str] = mapped_column(Text, index=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text)  # requested | approved | refused
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)


class ContentAccess(Base):
    """Exceptional access to message content (MON-CONTENT-EXCEPTIONAL): one lawful purpose, approved
    by the school's Headteacher, until `expires_at` (at most 30 days after the approval)."""

    __tablename__ = "content_access"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    school_id: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str] = mapped_column(Text, index=True)
    purpose: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(Text)  # what content, e.g. "mail of 2-6 March to x@example"
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(Text)
    grantee: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text)  # requested | approved | refused
    decided_by: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SpotCheck(Base):
    """A random spot check (MON-SPOT-CHECK): who, when, which school, what was sampled and why."""

    __tablename__ = "spot_checks"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    school_id: Mapped[str] = mapped_column(Text, index=True)
    performed_by: Mapped[str] = mapped_column(Text)
    performed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    scope: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    sample: Mapped[list[str]] = mapped_column(JSONB)  # references of what was looked at


class SubjectAccessRequest(Base):
    """A subject access request (UK GDPR Art. 15), due one calendar month after receipt (Art. 12(3))."""

    __tablename__ = "subject_access_requests"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    school_id: Mapped[str] = mapped_column(Text, index=True)
    staff_id: Mapped[str] = mapped_column(Text, index=True)
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text)  # open | completed
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    exported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
