"""Typed SQLAlchemy 2 models. `staff_identity` (pseudonym → account) is kept apart and never served."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(Text, primary_key=True)  # the pseudonym
    school_id: Mapped[str] = mapped_column(Text)


class StaffIdentity(Base):
    __tablename__ = "staff_identity"
    __table_args__ = (UniqueConstraint("school_id", "account", name="uq_staff_identity_school_account"),)

    staff_id: Mapped[str] = mapped_column(Text, ForeignKey("staff.id"), primary_key=True)
    school_id: Mapped[str] = mapped_column(Text)
    account: Mapped[str] = mapped_column(Text)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # The case rule, enforced by the database too: one open case per person and clause.
        Index(
            "uq_cases_open_person_clause",
            "school_id",
            "staff_id",
            "clause",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
        # Keyset pagination of a school's cases, newest first.
        Index("ix_cases_school_opened", "school_id", "opened_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    school_id: Mapped[str] = mapped_column(Text, index=True)
    staff_id: Mapped[str] = mapped_column(Text, ForeignKey("staff.id"))
    clause: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(Text)  # the most severe of its breaches
    owner: Mapped[str] = mapped_column(Text)
    gross_misconduct: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(Text)
    breach_count: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The workflow (revision 0002): the whole state as JSON (case_service.workflow.CaseWorkflow;
    # NULL = the fresh triage of a case opened before the workflow existed), its version for
    # optimistic concurrency (compare-and-set on every command), and what filters need beside it.
    workflow: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    version: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    track: Mapped[str] = mapped_column(Text, server_default=text("'triage'"))
    stage: Mapped[str] = mapped_column(Text, server_default=text("'new'"))
    next_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    breaches: Mapped[list["Breach"]] = relationship(back_populates="case", order_by="Breach.occurred_at")


class Breach(Base):
    __tablename__ = "breaches"

    breach_id: Mapped[str] = mapped_column(Text, primary_key=True)
    clause: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(Text)
    gross_misconduct: Mapped[bool] = mapped_column(Boolean)
    kind: Mapped[str] = mapped_column(Text)
    school_id: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str] = mapped_column(Text, ForeignKey("staff.id"))
    policy_ref: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, str]] = mapped_column(JSONB)
    evidence_event_ids: Mapped[list[str]] = mapped_column(ARRAY(Text))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_id: Mapped[str] = mapped_column(Text)
    policy_revision: Mapped[str] = mapped_column(Text)
    # The directory had no snapshot of the account in this school when the breach was decided
    # (Breach field 18): a shared, service or misspelt account, or a sync gap (revision 0004).
    account_unknown: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # Set in the same transaction that inserts the breach; nullable only for that instant.
    case_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("cases.id"), index=True)

    case: Mapped[Case | None] = relationship(back_populates="breaches")


class Outbox(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    topic: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(Text)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    # Kafka headers as [[name, value], ...]: the W3C trace context of the transaction that wrote it.
    headers: Mapped[list[list[str]]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
