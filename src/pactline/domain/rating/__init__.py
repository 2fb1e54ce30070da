"""Pricing models: what a quantity costs for one period, exactly (BILLING-SEMANTICS §3, §5, §6)."""

from pactline.domain.rating.models import (
    FlatFee,
    Graduated,
    ModelKind,
    Package,
    PerUnit,
    PricingModel,
    Stairstep,
    Volume,
    after_free_units,
    extra_units_price,
)
from pactline.domain.rating.tiers import Tier, require_valid_tiers, validate_tiers

__all__ = [
    "FlatFee",
    "Graduated",
    "ModelKind",
    "Package",
    "PerUnit",
    "PricingModel",
    "Stairstep",
    "Tier",
    "Volume",
    "after_free_units",
    "extra_units_price",
    "require_valid_tiers",
    "validate_tiers",
]
