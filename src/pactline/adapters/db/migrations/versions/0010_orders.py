"""orders: signed order forms, and the order an amendment carries out

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pactline.adapters.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "orders",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("contract_id", sa.String(length=255), nullable=True),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("source_kind", sa.String(length=10), nullable=False),
        sa.Column("source_reference", sa.String(length=2000), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=True),
        _instant("fulfilled_at", nullable=True),
        _instant("canceled_at", nullable=True),
        _instant("created_at", nullable=False),
        _instant("updated_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id", "customer_id"],
            ["customers.environment_id", "customers.id"],
            name=op.f("fk_orders_environment_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_orders_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_orders")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_customer", ["environment_id", "customer_id"], unique=False)
        batch_op.create_index(
            "ix_orders_contract", ["environment_id", "contract_id", "status"], unique=False
        )

    with op.batch_alter_table("contract_amendments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_id", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contract_amendments", schema=None) as batch_op:
        batch_op.drop_column("order_id")

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_contract")
        batch_op.drop_index("ix_orders_customer")
    op.drop_table("orders")
