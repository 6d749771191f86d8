"""breaches.account_unknown: the policy engine found no directory snapshot of the account

Revision ID: 0004_breach_account_unknown
Revises: 0003_privacy
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_breach_account_unknown"
down_revision: str | None = "0003_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Breaches stored before this revision came without the flag: false, as proto3 reads it.
    op.add_column(
        "breaches",
        sa.Column("account_unknown", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("breaches", "account_unknown")
