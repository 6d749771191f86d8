"""initial: alerts, deliveries (the outbox), digest lines, repeat counts, acknowledgement audit

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:08:25.971452
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alerter_ack_audit",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("alert_id", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("via", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerter_ack_audit")),
    )
    op.create_index(op.f("ix_alerter_ack_audit_alert_id"), "alerter_ack_audit", ["alert_id"], unique=False)
    op.create_table(
        "alerter_alerts",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("school_id", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Text(), nullable=True),
        sa.Column("clause", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("severity", sa.Text(), nullable=True),
        sa.Column("owner", sa.Text(), nullable=True),
        sa.Column("gross_misconduct", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("breach_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("person_key", sa.Text(), nullable=True),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("critical", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trace_id", sa.Text(), server_default="", nullable=False),
        sa.Column("suppressed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Text(), nullable=True),
        sa.Column("escalation_level", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_escalation_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digest", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerter_alerts")),
    )
    op.create_index(
        "ix_alerter_alerts_dedupe",
        "alerter_alerts",
        ["school_id", "person_key", "clause", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_alerter_alerts_escalation_due",
        "alerter_alerts",
        ["next_escalation_at"],
        unique=False,
        postgresql_where=sa.text("acknowledged_at IS NULL AND next_escalation_at IS NOT NULL"),
    )
    op.create_index(op.f("ix_alerter_alerts_school_id"), "alerter_alerts", ["school_id"], unique=False)
    op.create_table(
        "alerter_case_events",
        sa.Column("case_event_id", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("alert_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("case_event_id", name=op.f("pk_alerter_case_events")),
    )
    op.create_table(
        "alerter_repeat_counts",
        sa.Column("school_id", sa.Text(), nullable=False),
        sa.Column("person_key", sa.Text(), nullable=False),
        sa.Column("clause", sa.Text(), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "school_id", "person_key", "clause", "term_start", name=op.f("pk_alerter_repeat_counts")
        ),
    )
    op.create_table(
        "alerter_deliveries",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("alert_id", sa.Text(), nullable=False),
        sa.Column("school_id", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("level", sa.Integer(), server_default="0", nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("destination", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerter_alerts.id"], name=op.f("fk_alerter_deliveries_alert_id_alerter_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerter_deliveries")),
        sa.UniqueConstraint(
            "alert_id", "purpose", "level", "channel", "destination", name="uq_alerter_deliveries_target"
        ),
    )
    op.create_index(
        "ix_alerter_deliveries_due",
        "alerter_deliveries",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "alerter_digest_lines",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("school_id", sa.Text(), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("clause", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Text(), nullable=False),
        sa.Column("raised", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest_alert_id", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["digest_alert_id"],
            ["alerter_alerts.id"],
            name=op.f("fk_alerter_digest_lines_digest_alert_id_alerter_alerts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerter_digest_lines")),
    )
    op.create_index(
        "ix_alerter_digest_lines_due",
        "alerter_digest_lines",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("digest_alert_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_alerter_digest_lines_due",
        table_name="alerter_digest_lines",
        postgresql_where=sa.text("digest_alert_id IS NULL"),
    )
    op.drop_table("alerter_digest_lines")
    op.drop_index(
        "ix_alerter_deliveries_due",
        table_name="alerter_deliveries",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_table("alerter_deliveries")
    op.drop_table("alerter_repeat_counts")
    op.drop_table("alerter_case_events")
    op.drop_index(op.f("ix_alerter_alerts_school_id"), table_name="alerter_alerts")
    op.drop_index(
        "ix_alerter_alerts_escalation_due",
        table_name="alerter_alerts",
        postgresql_where=sa.text("acknowledged_at IS NULL AND next_escalation_at IS NOT NULL"),
    )
    op.drop_index("ix_alerter_alerts_dedupe", table_name="alerter_alerts")
    op.drop_table("alerter_alerts")
    op.drop_index(op.f("ix_alerter_ack_audit_alert_id"), table_name="alerter_ack_audit")
    op.drop_table("alerter_ack_audit")
