"""Invoices, their lines, numbering, payments and credit notes; corrections and credit balances.

Settled amounts are minor units beside the invoice's currency; rates and quantities are exact
decimals. Invoices name their contract by id only (no foreign key): billing takes contracts as
input, whatever stores them. `uq_invoices_period` makes a billing run exactly-once: one invoice
per (scope, billing group key, issue date), and one per correction of it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pactline.adapters.db.schema.base import Base
from pactline.adapters.db.types import DecimalText, MinorUnits


class InvoiceRow(Base):
    __tablename__ = "invoices"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "customer_id"], ["customers.environment_id", "customers.id"]
        ),
        UniqueConstraint(
            "environment_id",
            "scope_key",
            "billing_group_key",
            "issue_on",
            "correction_number",
            name="uq_invoices_period",
        ),
        UniqueConstraint("environment_id", "legal_entity_id", "number", name="uq_invoices_number"),
        Index("ix_invoices_customer", "environment_id", "customer_id", "issue_on"),
        Index("ix_invoices_contract", "environment_id", "contract_id", "issue_on"),
    )

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    contract_id: Mapped[str | None] = mapped_column(String(255))  # None: consolidated
    legal_entity_id: Mapped[str] = mapped_column(String(255))
    scope_key: Mapped[str] = mapped_column(String(600))
    billing_group: Mapped[str] = mapped_column(String(255))
    billing_group_key: Mapped[str] = mapped_column(String(600))
    correction_number: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))  # upper-case ISO 4217
    rounding: Mapped[str] = mapped_column(String(10))
    issue_on: Mapped[date]
    due_on: Mapped[date]
    period_start_on: Mapped[date]
    period_end_on: Mapped[date]  # exclusive
    status: Mapped[str] = mapped_column(String(20))
    number: Mapped[str | None] = mapped_column(String(64))
    # Sums of the lines and payments, kept for lists, filters and sorting.
    total_minor: Mapped[int] = mapped_column(MinorUnits)
    amount_paid_minor: Mapped[int] = mapped_column(MinorUnits)
    credit_applied_minor: Mapped[int | None] = mapped_column(MinorUnits)
    credited_minor: Mapped[int | None] = mapped_column(MinorUnits)
    # The engine's lines last applied (what corrections compare with), as a JSON document.
    basis: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    corrects_invoice_id: Mapped[str | None] = mapped_column(String(40))
    corrects_start_on: Mapped[date | None]
    corrects_end_on: Mapped[date | None]
    edited: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(String(500))


class InvoiceLineRow(Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "invoice_id"],
            ["invoices.environment_id", "invoices.id"],
            ondelete="CASCADE",
        ),
        Index("ix_invoice_lines_contract", "environment_id", "contract_id"),
    )

    environment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1-based
    contract_id: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text)
    line_item_id: Mapped[str | None] = mapped_column(String(255))
    period_start_on: Mapped[date]
    period_end_on: Mapped[date]
    quantity: Mapped[Decimal | None] = mapped_column(DecimalText)
    unit_price: Mapped[Decimal | None] = mapped_column(DecimalText)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    discount_minor: Mapped[int] = mapped_column(MinorUnits)
    tax_rate: Mapped[Decimal] = mapped_column(DecimalText)
    tax_minor: Mapped[int] = mapped_column(MinorUnits)
    corrects_invoice_id: Mapped[str | None] = mapped_column(String(40))
    corrects_start_on: Mapped[date | None]
    corrects_end_on: Mapped[date | None]
    edited_by: Mapped[str | None] = mapped_column(String(255))
    edit_reason: Mapped[str | None] = mapped_column(Text)
    edited_at: Mapped[datetime | None]


class InvoicePaymentRow(Base):
    __tablename__ = "invoice_payments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "invoice_id"],
            ["invoices.environment_id", "invoices.id"],
            ondelete="CASCADE",
        ),
    )

    environment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    paid_on: Mapped[date]
    reference: Mapped[str | None] = mapped_column(String(255))
    recorded_at: Mapped[datetime]


class DocumentNumberRow(Base):
    """The last number given per legal entity and kind of document, locked while approving."""

    __tablename__ = "document_numbers"

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    legal_entity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # INVOICE, CREDIT_NOTE
    prefix: Mapped[str] = mapped_column(String(40))
    last_number: Mapped[int] = mapped_column(BigInteger)


class CreditNoteRow(Base):
    __tablename__ = "credit_notes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "invoice_id"], ["invoices.environment_id", "invoices.id"]
        ),
        UniqueConstraint(
            "environment_id", "legal_entity_id", "number", name="uq_credit_notes_number"
        ),
        Index("ix_credit_notes_invoice", "environment_id", "invoice_id"),
        Index("ix_credit_notes_customer", "environment_id", "customer_id"),
    )

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    invoice_id: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[str] = mapped_column(String(255))
    legal_entity_id: Mapped[str] = mapped_column(String(255))
    number: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(30))
    issue_on: Mapped[date]
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(MinorUnits)
    memo: Mapped[str | None] = mapped_column(Text)
    correction_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]


class CreditNoteLineRow(Base):
    __tablename__ = "credit_note_lines"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "credit_note_id"],
            ["credit_notes.environment_id", "credit_notes.id"],
            ondelete="CASCADE",
        ),
    )

    environment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    credit_note_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    invoice_line: Mapped[int | None] = mapped_column(Integer)


class CreditBalanceRow(Base):
    """A customer's carry-forward credit from one legal entity in one currency, locked while it
    changes."""

    __tablename__ = "credit_balances"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "customer_id"], ["customers.environment_id", "customers.id"]
        ),
    )

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    legal_entity_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    balance_minor: Mapped[int] = mapped_column(MinorUnits)
    updated_at: Mapped[datetime]


class CreditEntryRow(Base):
    """One change of a credit balance and why (the ledger behind the balance)."""

    __tablename__ = "credit_entries"
    __table_args__ = (
        Index("ix_credit_entries_customer", "environment_id", "customer_id", "created_at"),
    )

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    legal_entity_id: Mapped[str] = mapped_column(String(255))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(MinorUnits)  # + credited, − applied
    kind: Mapped[str] = mapped_column(String(30))
    invoice_id: Mapped[str | None] = mapped_column(String(40))
    correction_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]


class InvoiceCorrectionRow(Base):
    __tablename__ = "invoice_corrections"
    __table_args__ = (
        UniqueConstraint(
            "environment_id",
            "scope_key",
            "billing_group_key",
            "issue_on",
            "number",
            name="uq_invoice_corrections_period",
        ),
    )

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    scope_key: Mapped[str] = mapped_column(String(600))
    billing_group_key: Mapped[str] = mapped_column(String(600))
    issue_on: Mapped[date]
    number: Mapped[int] = mapped_column(Integer)
    invoice_id: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    outcomes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    has_pending: Mapped[bool] = mapped_column(Boolean)  # a NEXT_INVOICE line not yet placed
    created_at: Mapped[datetime]


__all__ = [
    "CreditBalanceRow",
    "CreditEntryRow",
    "CreditNoteLineRow",
    "CreditNoteRow",
    "DocumentNumberRow",
    "InvoiceCorrectionRow",
    "InvoiceLineRow",
    "InvoicePaymentRow",
    "InvoiceRow",
]
