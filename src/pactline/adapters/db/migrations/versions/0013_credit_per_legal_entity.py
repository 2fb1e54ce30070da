"""credit: carry-forward balances and their ledger per legal entity

An entity's credit is its own debt to the customer, so another entity's invoices must not take
it. Existing entries take the legal entity of the invoice they name (every entry names one);
balances are rebuilt from the ledger, whose sum they are.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pactline.adapters.db.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("credit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_entity_id", sa.String(length=255), nullable=True))
    op.execute(
        "UPDATE credit_entries SET legal_entity_id = ("
        "SELECT invoices.legal_entity_id FROM invoices "
        "WHERE invoices.environment_id = credit_entries.environment_id "
        "AND invoices.id = credit_entries.invoice_id)"
    )
    with op.batch_alter_table("credit_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "legal_entity_id", existing_type=sa.String(length=255), nullable=False
        )
    op.drop_table("credit_balances")
    _create_balances(with_legal_entity=True)
    op.execute(
        "INSERT INTO credit_balances "
        "(environment_id, customer_id, legal_entity_id, currency, balance_minor, updated_at) "
        "SELECT environment_id, customer_id, legal_entity_id, currency, sum(amount_minor), "
        "max(created_at) FROM credit_entries "
        "GROUP BY environment_id, customer_id, legal_entity_id, currency"
    )


def downgrade() -> None:
    op.drop_table("credit_balances")
    _create_balances(with_legal_entity=False)
    op.execute(
        "INSERT INTO credit_balances "
        "(environment_id, customer_id, currency, balance_minor, updated_at) "
        "SELECT environment_id, customer_id, currency, sum(amount_minor), max(created_at) "
        "FROM credit_entries GROUP BY environment_id, customer_id, currency"
    )
    with op.batch_alter_table("credit_entries", schema=None) as batch_op:
        batch_op.drop_column("legal_entity_id")


def _create_balances(with_legal_entity: bool) -> None:
    entity = ["legal_entity_id"] if with_legal_entity else []
    op.create_table(
        "credit_balances",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        *(sa.Column(name, sa.String(length=255), nullable=False) for name in entity),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column(
            "updated_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["environment_id", "customer_id"],
            ["customers.environment_id", "customers.id"],
            name=op.f("fk_credit_balances_environment_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_credit_balances_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "environment_id",
            "customer_id",
            *entity,
            "currency",
            name=op.f("pk_credit_balances"),
        ),
    )
