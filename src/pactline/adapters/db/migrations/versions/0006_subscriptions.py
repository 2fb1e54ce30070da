"""subscriptions: subscriptions, their add-ons, entitlement values and prices

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pactline.adapters.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("plan_id", sa.String(length=255), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=255), nullable=False),
        sa.Column("pricing_type", sa.String(length=20), nullable=False),
        sa.Column("billing_period", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("billing_country_code", sa.String(length=10), nullable=True),
        sa.Column("payment_collection_method", sa.String(length=20), nullable=False),
        sa.Column("payment_required", sa.Boolean(), nullable=False),
        _instant("paid_at", nullable=True),
        _instant("start_at", nullable=False),
        _instant("trial_end_at", nullable=True),
        sa.Column("trial_end_behavior", sa.String(length=30), nullable=True),
        _instant("end_at", nullable=True),
        sa.Column("cancel_reason", sa.String(length=40), nullable=True),
        _instant("canceled_at", nullable=True),
        _instant("ends_at", nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.Column("billing_id", sa.String(length=255), nullable=True),
        sa.Column("invoice_days_until_due", sa.Integer(), nullable=True),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("entitlements", sa.JSON(), nullable=False),
        sa.Column("price_overrides", sa.JSON(), nullable=False),
        sa.Column("unit_quantities", sa.JSON(), nullable=False),
        _instant("created_at", nullable=False),
        _instant("updated_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id", "customer_id"],
            ["customers.environment_id", "customers.id"],
            name=op.f("fk_subscriptions_environment_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["environment_id", "plan_id"],
            ["plans.environment_id", "plans.id"],
            name=op.f("fk_subscriptions_environment_id_plans"),
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_subscriptions_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_subscriptions")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_subscriptions_customer", ["environment_id", "customer_id"], unique=False
        )
        batch_op.create_index("ix_subscriptions_plan", ["environment_id", "plan_id"], unique=False)

    op.create_table(
        "subscription_addons",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("subscription_id", sa.String(length=255), nullable=False),
        sa.Column("addon_id", sa.String(length=255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id", "addon_id"],
            ["addons.environment_id", "addons.id"],
            name=op.f("fk_subscription_addons_environment_id_addons"),
        ),
        sa.ForeignKeyConstraint(
            ["environment_id", "subscription_id"],
            ["subscriptions.environment_id", "subscriptions.id"],
            name=op.f("fk_subscription_addons_environment_id_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "environment_id", "subscription_id", "addon_id", name=op.f("pk_subscription_addons")
        ),
    )
    with op.batch_alter_table("subscription_addons", schema=None) as batch_op:
        batch_op.create_index(
            "ix_subscription_addons_addon", ["environment_id", "addon_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("subscription_addons", schema=None) as batch_op:
        batch_op.drop_index("ix_subscription_addons_addon")
    op.drop_table("subscription_addons")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_subscriptions_plan")
        batch_op.drop_index("ix_subscriptions_customer")
    op.drop_table("subscriptions")
