"""Plan and add-on records: the package row (not versioned fields) and one row per version.

A version's entitlements and charges are JSON documents, read and written whole with the
version and never queried inside; amounts in them are decimal strings, never floats.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, ForeignKeyConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pactline.adapters.db.schema.base import Base


class PlanRow(Base):
    __tablename__ = "plans"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "product_id"], ["products.environment_id", "products.id"]
        ),
    )

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    billing_id: Mapped[str | None] = mapped_column(String(255))
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    draft_version: Mapped[int | None] = mapped_column(Integer)
    published_version: Mapped[int | None] = mapped_column(Integer)
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PlanVersionRow(Base):
    __tablename__ = "plan_versions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "plan_id"],
            ["plans.environment_id", "plans.id"],
            ondelete="CASCADE",
        ),
    )

    environment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    version_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    pricing_type: Mapped[str | None] = mapped_column(String(20))
    parent_plan_id: Mapped[str | None] = mapped_column(String(255))
    compatible_addon_ids: Mapped[list[str]] = mapped_column(JSON)
    default_trial_config: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    entitlements: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    charges: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AddonRow(Base):
    __tablename__ = "addons"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "product_id"], ["products.environment_id", "products.id"]
        ),
    )

    environment_id: Mapped[str] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    product_id: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    billing_id: Mapped[str | None] = mapped_column(String(255))
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON)
    draft_version: Mapped[int | None] = mapped_column(Integer)
    published_version: Mapped[int | None] = mapped_column(Integer)
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AddonVersionRow(Base):
    __tablename__ = "addon_versions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["environment_id", "addon_id"],
            ["addons.environment_id", "addons.id"],
            ondelete="CASCADE",
        ),
    )

    environment_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    addon_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    version_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    pricing_type: Mapped[str | None] = mapped_column(String(20))
    max_quantity: Mapped[int | None] = mapped_column(Integer)
    dependencies: Mapped[list[str]] = mapped_column(JSON)
    entitlements: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    charges: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


__all__ = ["AddonRow", "AddonVersionRow", "PlanRow", "PlanVersionRow"]
