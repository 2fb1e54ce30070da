"""entitlement change feed: invalidations shared by every process

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pactline.adapters.db.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entitlement_changes",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=True),
        sa.Column("series", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("origin", sa.String(length=40), nullable=False),
        sa.Column(
            "created_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_entitlement_changes")),
    )
    op.create_index(
        "ix_entitlement_changes_created_at", "entitlement_changes", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_entitlement_changes_created_at", table_name="entitlement_changes")
    op.drop_table("entitlement_changes")
