"""privacy: audit_log (append-only, hash-chained), identity_reveals, content_access, spot_checks,
subject_access_requests

Revision ID: 0003_privacy
Revises: 0002_workflow
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Registers the privacy tables in Base.metadata for `alembic check` / autogenerate, whose env.py
# imports only case_service.db.models.
import case_service.db.privacy_models  # noqa: F401

revision: str = "0003_privacy"
down_revision: str | None = "0002_workflow"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Append-only in the database: every UPDATE, DELETE and TRUNCATE is refused, whoever asks. Only the
# table's owner or a superuser can get past it (ALTER TABLE ... DISABLE TRIGGER,
# session_replication_role = replica); the hash chain makes what they do anyway visible.
APPEND_ONLY = """
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
"""


def _uuid() -> postgresql.UUID[uuid.UUID]:
    return postgresql.UUID(as_uuid=True)


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", _ts(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("school_id", sa.Text(), nullable=True),
        sa.Column("case_id", _uuid(), nullable=True),
        sa.Column("staff_id", sa.Text(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("decision_id", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.Text(), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_index("ix_audit_log_case_id", "audit_log", ["case_id"], unique=False)
    op.create_index("ix_audit_log_staff_id", "audit_log", ["staff_id"], unique=False)
    op.execute(APPEND_ONLY)

    op.create_table(
        "identity_reveals",
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("case_id", _uuid(), nullable=False),
        sa.Column("school_id", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("requested_at", _ts(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", _ts(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_reveals")),
    )
    op.create_index(op.f("ix_identity_reveals_case_id"), "identity_reveals", ["case_id"], unique=False)
    op.create_index(op.f("ix_identity_reveals_staff_id"), "identity_reveals", ["staff_id"], unique=False)
    op.create_index(
        "uq_identity_reveals_pending",
        "identity_reveals",
        ["case_id", "requested_by"],
        unique=True,
        postgresql_where=sa.text("status = 'requested'"),
    )

    op.create_table(
        "content_access",
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("case_id", _uuid(), nullable=False),
        sa.Column("school_id", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Text(), nullable=False),
        sa.Column("grantee", sa.Text(), nullable=False),
        sa.Column("requested_at", _ts(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", _ts(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("expires_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_access")),
    )
    op.create_index(op.f("ix_content_access_case_id"), "content_access", ["case_id"], unique=False)
    op.create_index(op.f("ix_content_access_staff_id"), "content_access", ["staff_id"], unique=False)

    op.create_table(
        "spot_checks",
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("school_id", sa.Text(), nullable=False),
        sa.Column("performed_by", sa.Text(), nullable=False),
        sa.Column("performed_at", _ts(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("sample", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_checks")),
    )
    op.create_index(op.f("ix_spot_checks_school_id"), "spot_checks", ["school_id"], unique=False)

    op.create_table(
        "subject_access_requests",
        sa.Column("id", _uuid(), nullable=False),
        sa.Column("school_id", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", _ts(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("completed_at", _ts(), nullable=True),
        sa.Column("exported_at", _ts(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_access_requests")),
    )
    op.create_index(
        op.f("ix_subject_access_requests_school_id"), "subject_access_requests", ["school_id"], unique=False
    )
    op.create_index(
        op.f("ix_subject_access_requests_staff_id"), "subject_access_requests", ["staff_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("subject_access_requests")
    op.drop_table("spot_checks")
    op.drop_table("content_access")
    op.drop_table("identity_reveals")
    op.drop_table("audit_log")  # drops its triggers
    op.execute("DROP FUNCTION audit_log_append_only()")
