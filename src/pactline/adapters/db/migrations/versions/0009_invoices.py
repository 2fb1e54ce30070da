"""invoices: invoices, lines, numbering, payments, credit notes

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import pactline.adapters.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credit_entries",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("invoice_id", sa.String(length=40), nullable=True),
        sa.Column("correction_id", sa.String(length=40), nullable=True),
        sa.Column(
            "created_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_credit_entries_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_credit_entries")),
    )
    with op.batch_alter_table("credit_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credit_entries_customer",
            ["environment_id", "customer_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "document_numbers",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("legal_entity_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("prefix", sa.String(length=40), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_document_numbers_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "environment_id", "legal_entity_id", "kind", name=op.f("pk_document_numbers")
        ),
    )
    op.create_table(
        "invoice_corrections",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("scope_key", sa.String(length=600), nullable=False),
        sa.Column("billing_group_key", sa.String(length=600), nullable=False),
        sa.Column("issue_on", sa.Date(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("has_pending", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_invoice_corrections_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_invoice_corrections")),
        sa.UniqueConstraint(
            "environment_id",
            "scope_key",
            "billing_group_key",
            "issue_on",
            "number",
            name="uq_invoice_corrections_period",
        ),
    )
    op.create_table(
        "credit_balances",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
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
            "environment_id", "customer_id", "currency", name=op.f("pk_credit_balances")
        ),
    )
    op.create_table(
        "invoices",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("contract_id", sa.String(length=255), nullable=True),
        sa.Column("legal_entity_id", sa.String(length=255), nullable=False),
        sa.Column("scope_key", sa.String(length=600), nullable=False),
        sa.Column("billing_group", sa.String(length=255), nullable=False),
        sa.Column("billing_group_key", sa.String(length=600), nullable=False),
        sa.Column("correction_number", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rounding", sa.String(length=10), nullable=False),
        sa.Column("issue_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("period_start_on", sa.Date(), nullable=False),
        sa.Column("period_end_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=True),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("credit_applied_minor", sa.BigInteger(), nullable=True),
        sa.Column("credited_minor", sa.BigInteger(), nullable=True),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("corrects_invoice_id", sa.String(length=40), nullable=True),
        sa.Column("corrects_start_on", sa.Date(), nullable=True),
        sa.Column("corrects_end_on", sa.Date(), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "approved_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("sent_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "voided_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column("void_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["environment_id", "customer_id"],
            ["customers.environment_id", "customers.id"],
            name=op.f("fk_invoices_environment_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_invoices_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_invoices")),
        sa.UniqueConstraint(
            "environment_id", "legal_entity_id", "number", name="uq_invoices_number"
        ),
        sa.UniqueConstraint(
            "environment_id",
            "scope_key",
            "billing_group_key",
            "issue_on",
            "correction_number",
            name="uq_invoices_period",
        ),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoices_contract", ["environment_id", "contract_id", "issue_on"], unique=False
        )
        batch_op.create_index(
            "ix_invoices_customer", ["environment_id", "customer_id", "issue_on"], unique=False
        )

    op.create_table(
        "credit_notes",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("invoice_id", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.String(length=255), nullable=False),
        sa.Column("legal_entity_id", sa.String(length=255), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("issue_on", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("correction_id", sa.String(length=40), nullable=True),
        sa.Column(
            "created_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["environment_id", "invoice_id"],
            ["invoices.environment_id", "invoices.id"],
            name=op.f("fk_credit_notes_environment_id_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_credit_notes_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("environment_id", "id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint(
            "environment_id", "legal_entity_id", "number", name="uq_credit_notes_number"
        ),
    )
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credit_notes_customer", ["environment_id", "customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_credit_notes_invoice", ["environment_id", "invoice_id"], unique=False
        )

    op.create_table(
        "invoice_lines",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("invoice_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.String(length=255), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("line_item_id", sa.String(length=255), nullable=True),
        sa.Column("period_start_on", sa.Date(), nullable=False),
        sa.Column("period_end_on", sa.Date(), nullable=False),
        sa.Column("quantity", pactline.adapters.db.types.DecimalText(), nullable=True),
        sa.Column("unit_price", pactline.adapters.db.types.DecimalText(), nullable=True),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate", pactline.adapters.db.types.DecimalText(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("corrects_invoice_id", sa.String(length=40), nullable=True),
        sa.Column("corrects_start_on", sa.Date(), nullable=True),
        sa.Column("corrects_end_on", sa.Date(), nullable=True),
        sa.Column("edited_by", sa.String(length=255), nullable=True),
        sa.Column("edit_reason", sa.Text(), nullable=True),
        sa.Column(
            "edited_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["environment_id", "invoice_id"],
            ["invoices.environment_id", "invoices.id"],
            name=op.f("fk_invoice_lines_environment_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "environment_id", "invoice_id", "position", name=op.f("pk_invoice_lines")
        ),
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoice_lines_contract", ["environment_id", "contract_id"], unique=False
        )

    op.create_table(
        "invoice_payments",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("invoice_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=255), nullable=True),
        sa.Column(
            "recorded_at", pactline.adapters.db.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["environment_id", "invoice_id"],
            ["invoices.environment_id", "invoices.id"],
            name=op.f("fk_invoice_payments_environment_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "environment_id", "invoice_id", "position", name=op.f("pk_invoice_payments")
        ),
    )
    op.create_table(
        "credit_note_lines",
        sa.Column("environment_id", sa.String(length=40), nullable=False),
        sa.Column("credit_note_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("invoice_line", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["environment_id", "credit_note_id"],
            ["credit_notes.environment_id", "credit_notes.id"],
            name=op.f("fk_credit_note_lines_environment_id_credit_notes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "environment_id", "credit_note_id", "position", name=op.f("pk_credit_note_lines")
        ),
    )


def downgrade() -> None:
    op.drop_table("credit_note_lines")
    op.drop_table("invoice_payments")
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_invoice_lines_contract")

    op.drop_table("invoice_lines")
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_notes_invoice")
        batch_op.drop_index("ix_credit_notes_customer")

    op.drop_table("credit_notes")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_customer")
        batch_op.drop_index("ix_invoices_contract")

    op.drop_table("invoices")
    op.drop_table("credit_balances")
    op.drop_table("invoice_corrections")
    op.drop_table("document_numbers")
    with op.batch_alter_table("credit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_entries_customer")

    op.drop_table("credit_entries")
