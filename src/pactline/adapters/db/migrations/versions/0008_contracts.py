"""contracts: legal entities, contracts, their subscriptions and amendment history

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pactline.adapters.db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant(name: str, nullable: bool) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "legal_entities",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("address_lines", sa.JSON(), nullable=False),
        sa.Column("bank_transfer", sa.JSON(), nullable=True),
        sa.Column("airwallex_account_id", sa.String(length=64), nullable=True),
        sa.Column("invoice_number_prefix", sa.String(length=20), nullable=False),
        _instant("created_at", nullable=False),
        _instant("updated_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_legal_entities_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_legal_entities")),
    )

    op.create_table(
        "contracts",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=255), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("po_number", sa.String(length=255), nullable=True),
        sa.Column("legal_entity_id", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        _instant("ends_at", nullable=True),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("billing_enabled", sa.Boolean(), nullable=False),
        sa.Column("auto_renew", sa.Boolean(), nullable=False),
        sa.Column("renewal_term_months", sa.Integer(), nullable=False),
        sa.Column("undercharge_policy", sa.String(length=30), nullable=False),
        sa.Column("overcharge_policy", sa.String(length=30), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("renewed_from_id", sa.String(length=255), nullable=True),
        sa.Column("renewed_by_id", sa.String(length=255), nullable=True),
        sa.Column("request_fingerprint", sa.String(length=64), nullable=True),
        _instant("activated_at", nullable=True),
        _instant("ended_at", nullable=True),
        _instant("created_at", nullable=False),
        _instant("updated_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id", "customer_id"],
            ["customers.environment_id", "customers.id"],
            name=op.f("fk_contracts_environment_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["environment_id", "legal_entity_id"],
            ["legal_entities.environment_id", "legal_entities.id"],
            name=op.f("fk_contracts_environment_id_legal_entities"),
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_contracts_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_contracts")),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contracts_customer", ["environment_id", "customer_id"], unique=False
        )
        batch_op.create_index("ix_contracts_status", ["environment_id", "status"], unique=False)
        batch_op.create_index("ix_contracts_ends_at", ["status", "ends_at"], unique=False)

    op.create_table(
        "contract_subscriptions",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("contract_id", sa.String(length=255), nullable=False),
        sa.Column("subscription_id", sa.String(length=255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id", "contract_id"],
            ["contracts.environment_id", "contracts.id"],
            name=op.f("fk_contract_subscriptions_environment_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["environment_id", "subscription_id"],
            ["subscriptions.environment_id", "subscriptions.id"],
            name=op.f("fk_contract_subscriptions_environment_id_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "environment_id",
            "contract_id",
            "subscription_id",
            name=op.f("pk_contract_subscriptions"),
        ),
        sa.UniqueConstraint(
            "environment_id", "subscription_id", name="uq_contract_subscriptions_subscription"
        ),
    )

    op.create_table(
        "contract_amendments",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("contract_id", sa.String(length=255), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("version_before", sa.Integer(), nullable=False),
        sa.Column("version_after", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        _instant("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id", "contract_id"],
            ["contracts.environment_id", "contracts.id"],
            name=op.f("fk_contract_amendments_environment_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_contract_amendments")),
        sa.UniqueConstraint(
            "environment_id", "contract_id", "number", name="uq_contract_amendments_number"
        ),
    )


def downgrade() -> None:
    op.drop_table("contract_amendments")
    op.drop_table("contract_subscriptions")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_ends_at")
        batch_op.drop_index("ix_contracts_status")
        batch_op.drop_index("ix_contracts_customer")
    op.drop_table("contracts")
    op.drop_table("legal_entities")
