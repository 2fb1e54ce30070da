"""Products and features through the official stigg SDK (0.1.0b53), strictly validated."""

from __future__ import annotations

import pytest
from stigg import ConflictError, NotFoundError, Stigg


def test_products_through_the_sdk(stigg: Stigg) -> None:
    created = stigg.v1.products.create_product(
        id="analytics", display_name="Analytics", metadata={"tier": "core"}
    )
    assert (created.data.id, created.data.status) == ("analytics", "PUBLISHED")
    updated = stigg.v1.products.update_product("analytics", description="BI for teams")
    assert updated.data.description == "BI for teams"
    assert stigg.v1.products.archive_product("analytics").data.status == "ARCHIVED"
    assert stigg.v1.products.unarchive_product("analytics").data.status == "PUBLISHED"
    assert [p.id for p in stigg.v1.products.list_products()] == ["analytics"]


def test_features_of_every_kind_through_the_sdk(stigg: Stigg) -> None:
    stigg.v1.features.create_feature(id="sso", display_name="SSO", feature_type="BOOLEAN")
    metered = stigg.v1.features.create_feature(
        id="api-calls",
        display_name="API calls",
        feature_type="NUMBER",
        meter_type="INCREMENTAL",
        meter={
            "aggregation": {"function": "SUM", "field": "count"},
            "filters": [
                {"conditions": [{"field": "eventName", "operation": "EQUALS", "value": "api"}]}
            ],
        },
    ).data
    assert metered.meter is not None
    assert metered.meter.aggregation.function == "SUM"
    enum = stigg.v1.features.create_feature(
        id="region",
        display_name="Region",
        feature_type="ENUM",
        enum_configuration=[{"value": "eu", "display_name": "Europe"}],
    ).data
    assert enum.enum_configuration is not None
    assert enum.enum_configuration[0].display_name == "Europe"

    retrieved = stigg.v1.features.retrieve_feature("api-calls").data
    assert (retrieved.meter_type, retrieved.feature_status) == ("INCREMENTAL", "NEW")
    renamed = stigg.v1.features.update_feature("api-calls", display_name="API requests").data
    assert renamed.display_name == "API requests"
    assert stigg.v1.features.archive_feature("sso").data.feature_status == "SUSPENDED"
    assert stigg.v1.features.unarchive_feature("sso").data.feature_status == "NEW"


def test_the_sdk_pages_through_lists_with_cursors(stigg: Stigg) -> None:
    for n in range(5):
        stigg.v1.features.create_feature(
            id=f"flag-{n}", display_name=f"Flag {n}", feature_type="BOOLEAN"
        )
    seen = [f.id for f in stigg.v1.features.list_features(limit=2)]
    assert sorted(seen) == [f"flag-{n}" for n in range(5)]
    assert len(seen) == 5
    numbers = list(stigg.v1.features.list_features(feature_type=["NUMBER"]))
    assert numbers == []


def test_permanent_conflicts_and_missing_entities_raise_the_sdk_errors(stigg: Stigg) -> None:
    stigg.v1.products.create_product(id="dup", display_name="One")
    with pytest.raises(ConflictError) as conflict:
        stigg.v1.products.create_product(id="dup", display_name="Two")
    assert conflict.value.body["code"] == "DuplicatedEntityNotAllowed"  # type: ignore[index]
    with pytest.raises(NotFoundError):
        stigg.v1.features.retrieve_feature("nope")
