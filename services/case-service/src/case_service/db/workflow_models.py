"""Tables of the case workflow (revision 0002_workflow): what was done to a case and what it produced.

The case's whole workflow state is one JSONB column on `cases` (with `version` for optimistic
concurrency and `track` / `stage` / `next_due_at` kept beside it for filters). Around it:

| table | one row per |
|---|---|
| `case_history` | command applied: actor (token subject), command, payload, when, OPA decision id |
| `case_events` | timeline event the command produced (a command may produce several) |
| `case_tasks` | task a transition opened (closed_at set when a later one closes it) |
| `case_notes` | note a case worker wrote |
| `evidence_links` | evidence reference added to the investigation |
| `case_decisions` | human decision recorded (outcome, who decided, rationale) |
| `letters` | letter the workflow requires (invitation, outcome, appeal outcome, acknowledgement) |
| `schools` | school a breach or case named (its display name, when known) |
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy import text as sql
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from case_service.db.models import Base


def _case_fk() -> Mapped[uuid.UUID]:
    return mapped_column(UUID(as_uuid=True), ForeignKey("cases.id", ondelete="CASCADE"), index=True)


class School(Base):
    __tablename__ = "schools"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)


class CaseHistory(Base):
    __tablename__ = "case_history"
    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_case_history_case_version"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = _case_fk()
    version: Mapped[int] = mapped_column(Integer)  # the case's version after this command
    command: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decision_id: Mapped[str | None] = mapped_column(Text)  # OPA's, the evidence of who allowed it
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CaseEventRow(Base):
    __tablename__ = "case_events"

    case_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    history_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("case_history.id"), index=True)
    track: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB)


class CaseTask(Base):
    __tablename__ = "case_tasks"
    __table_args__ = (Index("ix_case_tasks_open_due", "due", postgresql_where=sql("closed_at IS NULL")),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = _case_fk()
    key: Mapped[str] = mapped_column(Text)
    track: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    due: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = _case_fk()
    author: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decision_id: Mapped[str | None] = mapped_column(Text)


class EvidenceLink(Base):
    __tablename__ = "evidence_links"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = _case_fk()
    event_seq: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseDecision(Base):
    __tablename__ = "case_decisions"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = _case_fk()
    event_seq: Mapped[int] = mapped_column(Integer)
    track: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(Text)  # the human who decided, never the system
    rationale: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB)


class Letter(Base):
    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = _case_fk()
    event_seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(Text)
    recipient: Mapped[str] = mapped_column(Text)  # the staff member's pseudonym
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
