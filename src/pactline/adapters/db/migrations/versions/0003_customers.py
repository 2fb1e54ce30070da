"""customers: customers and promotional entitlements

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pactline.adapters.db.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("billing_currency", sa.String(length=3), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=64), nullable=True),
        sa.Column("billing_id", sa.String(length=255), nullable=True),
        sa.Column("coupon_id", sa.String(length=255), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("passthrough", sa.JSON(), nullable=True),
        _instant("archived_at", nullable=True),
        _instant("created_at"),
        _instant("updated_at"),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_customers_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_customers")),
    )
    op.create_table(
        "promotional_entitlements",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("feature_id", sa.String(length=255), nullable=False),
        sa.Column("usage_limit", pactline.adapters.db.types.DecimalText(), nullable=True),
        sa.Column("has_unlimited_usage", sa.Boolean(), nullable=False),
        sa.Column("has_soft_limit", sa.Boolean(), nullable=False),
        sa.Column("enum_values", sa.JSON(), nullable=True),
        sa.Column("reset_period", sa.String(length=10), nullable=True),
        sa.Column("reset_anchor", sa.String(length=30), nullable=True),
        sa.Column("period", sa.String(length=20), nullable=False),
        _instant("start_at"),
        _instant("end_at", nullable=True),
        sa.Column("is_visible", sa.Boolean(), nullable=False),
        _instant("revoked_at", nullable=True),
        _instant("created_at"),
        _instant("updated_at"),
        sa.ForeignKeyConstraint(
            ["environment_id", "customer_id"],
            ["customers.environment_id", "customers.id"],
            name=op.f("fk_promotional_entitlements_environment_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["environment_id", "feature_id"],
            ["features.environment_id", "features.id"],
            name=op.f("fk_promotional_entitlements_environment_id_features"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_promotional_entitlements")),
    )
    op.create_index(
        "ix_promotional_entitlements_customer",
        "promotional_entitlements",
        ["environment_id", "customer_id", "end_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_promotional_entitlements_customer", table_name="promotional_entitlements")
    op.drop_table("promotional_entitlements")
    op.drop_table("customers")
