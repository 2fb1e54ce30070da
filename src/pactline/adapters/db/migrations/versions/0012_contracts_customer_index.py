"""contracts: index by customer and id, the order billing runs page through contracts in

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_contracts_customer", table_name="contracts")
    op.create_index("ix_contracts_customer", "contracts", ["environment_id", "customer_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_contracts_customer", table_name="contracts")
    op.create_index("ix_contracts_customer", "contracts", ["environment_id", "customer_id"])
