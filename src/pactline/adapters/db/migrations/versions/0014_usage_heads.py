"""usage: one head row per environment, bumped by every writer of its usage

Writers of an environment's usage queue on the head's row lock instead of on advisory locks
per series and per event key, and a process that knows the version it last wrote can keep the
series' last rows in memory between batches (services/series_tails.py).

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_heads",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("environment_id", name=op.f("pk_usage_heads")),
    )


def downgrade() -> None:
    op.drop_table("usage_heads")
