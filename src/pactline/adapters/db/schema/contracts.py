"""Legal entities, contracts, the subscriptions they hold and their amendment history.

A contract's terms are one JSON document (adapters/db/terms_json.py), read and written whole;
the fields lists filter on are columns of their own. `ends_at` is derived on write (the end of
the last day, in the contract's timezone), so "expired by now" is a plain comparison in SQL.
A subscription is on at most one contract: `uq_contract_subscriptions_subscription` says so.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from pactline.adapters.db.schema.base import Base


class LegalEntityRow(Base):
    __tablename__ = "legal_entities"

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    address_lines: Mapped[list[str]] = mapped_column(JSON)
    bank_transfer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    airwallex_account_id: Mapped[str | None] = mapped_column(String(64))
    invoice_number_prefix: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ContractRow(Base):
    __tablename__ = "contracts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "customer_id"], ["customers.environment_id", "customers.id"]
        ),
        ForeignKeyConstraint(
            ["environment_id", "legal_entity_id"],
            ["legal_entities.environment_id", "legal_entities.id"],
        ),
        Index("ix_contracts_customer", "environment_id", "customer_id", "id"),
        Index("ix_contracts_status", "environment_id", "status"),
        Index("ix_contracts_ends_at", "status", "ends_at"),
    )

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(500))
    po_number: Mapped[str | None] = mapped_column(String(255))
    legal_entity_id: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))  # upper-case ISO 4217
    timezone: Mapped[str] = mapped_column(String(64))
    start_on: Mapped[date] = mapped_column(Date)
    end_on: Mapped[date | None] = mapped_column(Date)  # inclusive; None: open-ended
    ends_at: Mapped[datetime | None]  # derived: the instant the term ends
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    billing_enabled: Mapped[bool] = mapped_column(Boolean)
    auto_renew: Mapped[bool] = mapped_column(Boolean)
    renewal_term_months: Mapped[int] = mapped_column(Integer)
    undercharge_policy: Mapped[str] = mapped_column(String(30))
    overcharge_policy: Mapped[str] = mapped_column(String(30))
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    tags: Mapped[list[str]] = mapped_column(JSON)
    renewed_from_id: Mapped[str | None] = mapped_column(String(255))
    renewed_by_id: Mapped[str | None] = mapped_column(String(255))
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    activated_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ContractSubscriptionRow(Base):
    __tablename__ = "contract_subscriptions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "contract_id"],
            ["contracts.environment_id", "contracts.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["environment_id", "subscription_id"],
            ["subscriptions.environment_id", "subscriptions.id"],
            ondelete="CASCADE",
        ),
        # The database, not only the service, keeps a subscription on one contract at most.
        UniqueConstraint(
            "environment_id", "subscription_id", name="uq_contract_subscriptions_subscription"
        ),
    )

    environment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # the order they were attached in


class ContractAmendmentRow(Base):
    __tablename__ = "contract_amendments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "contract_id"],
            ["contracts.environment_id", "contracts.id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint(
            "environment_id", "contract_id", "number", name="uq_contract_amendments_number"
        ),
    )

    environment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    contract_id: Mapped[str] = mapped_column(String(255))
    number: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(255))
    effective_on: Mapped[date] = mapped_column(Date)
    version_before: Mapped[int] = mapped_column(Integer)
    version_after: Mapped[int] = mapped_column(Integer)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    # The order it carries out (added by 0010_orders; checked by ContractService.amend).
    order_id: Mapped[str | None] = mapped_column(String(255))


__all__ = ["ContractAmendmentRow", "ContractRow", "ContractSubscriptionRow", "LegalEntityRow"]
