"""workflow: case workflow state and version, history, events, tasks, notes, evidence, decisions,
letters, schools

Revision ID: 0002_workflow
Revises: 0001
Create Date: 2026-11-23 09:00:00

Existing cases keep `workflow` NULL: the service reads that as the fresh triage of the case
(`case_service.workflow.new_case`), so no application code runs here.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_workflow"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONB = postgresql.JSONB(astext_type=sa.Text())
UUID = postgresql.UUID(as_uuid=True)
TZ = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False)


def _case_id(table: str) -> list[Any]:
    return [
        sa.Column("case_id", UUID, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f(f"fk_{table}_case_id_cases"), ondelete="CASCADE"
        ),
    ]


def _indexed_case(table: str) -> None:
    op.create_index(op.f(f"ix_{table}_case_id"), table, ["case_id"], unique=False)


def upgrade() -> None:
    op.add_column("cases", sa.Column("workflow", JSONB, nullable=True))
    op.add_column("cases", sa.Column("version", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.add_column("cases", sa.Column("track", sa.Text(), server_default=sa.text("'triage'"), nullable=False))
    op.add_column("cases", sa.Column("stage", sa.Text(), server_default=sa.text("'new'"), nullable=False))
    op.add_column("cases", sa.Column("next_due_at", TZ, nullable=True))
    op.add_column("cases", sa.Column("closed_at", TZ, nullable=True))
    op.create_index("ix_cases_school_opened", "cases", ["school_id", "opened_at", "id"], unique=False)

    op.create_table(
        "schools",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schools")),
    )
    op.execute(
        "INSERT INTO schools (id) SELECT school_id FROM cases UNION SELECT school_id FROM staff "
        "ON CONFLICT DO NOTHING"
    )

    op.create_table(
        "case_history",
        _id(),
        *_case_id("case_history"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("decision_id", sa.Text(), nullable=True),
        sa.Column("recorded_at", TZ, server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_history")),
        sa.UniqueConstraint("case_id", "version", name="uq_case_history_case_version"),
    )
    _indexed_case("case_history")

    op.create_table(
        "case_events",
        *_case_id("case_events"),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("history_id", sa.BigInteger(), nullable=False),
        sa.Column("track", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("details", JSONB, nullable=False),
        sa.ForeignKeyConstraint(
            ["history_id"], ["case_history.id"], name=op.f("fk_case_events_history_id_case_history")
        ),
        sa.PrimaryKeyConstraint("case_id", "seq", name=op.f("pk_case_events")),
    )
    op.create_index(op.f("ix_case_events_history_id"), "case_events", ["history_id"], unique=False)

    op.create_table(
        "case_tasks",
        _id(),
        *_case_id("case_tasks"),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("track", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("due", TZ, nullable=False),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_tasks")),
    )
    _indexed_case("case_tasks")
    op.create_index(
        "ix_case_tasks_open_due",
        "case_tasks",
        ["due"],
        unique=False,
        postgresql_where=sa.text("closed_at IS NULL"),
    )

    op.create_table(
        "case_notes",
        _id(),
        *_case_id("case_notes"),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("decision_id", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    _indexed_case("case_notes")

    op.create_table(
        "evidence_links",
        _id(),
        *_case_id("evidence_links"),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_links")),
    )
    _indexed_case("evidence_links")

    op.create_table(
        "case_decisions",
        _id(),
        *_case_id("case_decisions"),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("track", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("details", JSONB, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_decisions")),
    )
    _indexed_case("case_decisions")

    op.create_table(
        "letters",
        _id(),
        *_case_id("letters"),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("content", JSONB, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("sent_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
    )
    _indexed_case("letters")


def downgrade() -> None:
    for table in ("letters", "case_decisions", "evidence_links", "case_notes", "case_tasks", "case_events"):
        op.drop_table(table)
    op.drop_table("case_history")
    op.drop_table("schools")
    op.drop_index("ix_cases_school_opened", table_name="cases")
    for column in ("closed_at", "next_due_at", "stage", "track", "version", "workflow"):
        op.drop_column("cases", column)
