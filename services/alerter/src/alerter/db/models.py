"""SQLAlchemy models of the alerter's tables. Every name starts with `alerter_`, and Alembic keeps
its revision in `alembic_version_alerter`, so the alerter shares a database (and a schema) with the
case-service without touching its tables or its migrations."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
TZ = sa.DateTime(timezone=True)

PENDING, SENT, FAILED = "pending", "sent", "failed"


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


class CaseEventSeen(Base):
    """Each case event once (at-least-once delivery from Kafka): what it became."""

    __tablename__ = "alerter_case_events"

    case_event_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(TZ)
    outcome: Mapped[str] = mapped_column(sa.Text)  # immediate | digest | suppressed
    alert_id: Mapped[str | None] = mapped_column(sa.Text)


class Alert(Base):
    """An immediate alert (purpose "alert") or a school's digest (purpose "digest")."""

    __tablename__ = "alerter_alerts"
    __table_args__ = (
        sa.Index("ix_alerter_alerts_dedupe", "school_id", "person_key", "clause", "created_at"),
        sa.Index(
            "ix_alerter_alerts_escalation_due",
            "next_escalation_at",
            postgresql_where=sa.text("acknowledged_at IS NULL AND next_escalation_at IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.Text)
    school_id: Mapped[str] = mapped_column(sa.Text, index=True)
    case_id: Mapped[str | None] = mapped_column(sa.Text)
    clause: Mapped[str | None] = mapped_column(sa.Text)
    title: Mapped[str | None] = mapped_column(sa.Text)
    severity: Mapped[str | None] = mapped_column(sa.Text)
    owner: Mapped[str | None] = mapped_column(sa.Text)
    gross_misconduct: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    breach_count: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    # The dedupe key (pseudonymous; stored here, never sent).
    person_key: Mapped[str | None] = mapped_column(sa.Text)
    roles: Mapped[str] = mapped_column(sa.Text)  # space-separated: who it was routed to
    critical: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(TZ)
    trace_id: Mapped[str] = mapped_column(sa.Text, server_default="")
    # Later case events of the same person and clause inside the dedupe window.
    suppressed: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    acknowledged_at: Mapped[datetime | None] = mapped_column(TZ)
    acknowledged_by: Mapped[str | None] = mapped_column(sa.Text)
    escalation_level: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    next_escalation_at: Mapped[datetime | None] = mapped_column(TZ)
    digest: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)


class Delivery(Base):
    """The outbox: one row per alert (or escalation step) and destination."""

    __tablename__ = "alerter_deliveries"
    __table_args__ = (
        sa.UniqueConstraint(
            "alert_id", "purpose", "level", "channel", "destination", name="uq_alerter_deliveries_target"
        ),
        sa.Index(
            "ix_alerter_deliveries_due", "next_attempt_at", postgresql_where=sa.text("status = 'pending'")
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=False), primary_key=True)
    alert_id: Mapped[str] = mapped_column(sa.ForeignKey("alerter_alerts.id"))
    school_id: Mapped[str] = mapped_column(sa.Text)
    purpose: Mapped[str] = mapped_column(sa.Text)  # alert | digest | escalation
    level: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    channel: Mapped[str] = mapped_column(sa.Text)  # email | teams | slack | signed
    destination: Mapped[str] = mapped_column(sa.Text)  # mailbox, or webhook name
    status: Mapped[str] = mapped_column(sa.Text, server_default=PENDING)
    attempts: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(TZ)
    last_attempt_at: Mapped[datetime | None] = mapped_column(TZ)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(TZ)
    sent_at: Mapped[datetime | None] = mapped_column(TZ)


class DigestLine(Base):
    __tablename__ = "alerter_digest_lines"
    __table_args__ = (
        sa.Index(
            "ix_alerter_digest_lines_due", "due_at", postgresql_where=sa.text("digest_alert_id IS NULL")
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=False), primary_key=True)
    school_id: Mapped[str] = mapped_column(sa.Text)
    roles: Mapped[str] = mapped_column(sa.Text)
    clause: Mapped[str] = mapped_column(sa.Text)
    title: Mapped[str] = mapped_column(sa.Text)
    case_id: Mapped[str] = mapped_column(sa.Text)
    raised: Mapped[bool] = mapped_column(sa.Boolean)
    created_at: Mapped[datetime] = mapped_column(TZ)
    due_at: Mapped[datetime] = mapped_column(TZ)
    digest_alert_id: Mapped[str | None] = mapped_column(sa.ForeignKey("alerter_alerts.id"))


class RepeatCount(Base):
    """Low-severity breaches of one clause by one person in one term."""

    __tablename__ = "alerter_repeat_counts"

    school_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    person_key: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    clause: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    term_start: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)


class AckAudit(Base):
    """Every acknowledgement attempt: by link or GraphQL, accepted, repeated or refused."""

    __tablename__ = "alerter_ack_audit"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=False), primary_key=True)
    alert_id: Mapped[str] = mapped_column(sa.Text, index=True)
    at: Mapped[datetime] = mapped_column(TZ)
    via: Mapped[str] = mapped_column(sa.Text)  # link | graphql
    actor: Mapped[str] = mapped_column(sa.Text)  # token subject, or "link"
    outcome: Mapped[str] = mapped_column(sa.Text)  # acknowledged | already_acknowledged | bad_signature | ...
