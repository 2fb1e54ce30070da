"""Usage reports, raw events and usage history through the official stigg SDK (0.1.0b53),
strictly validated: every response must parse into the SDK's own types."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from stigg import BadRequestError, NotFoundError, Stigg

# The SDK marks v1 usage.report deprecated in favour of v2; pactline serves both.
pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")


@pytest.fixture
def metered(stigg: Stigg) -> None:
    stigg.v1.features.create_feature(
        id="api-calls", display_name="API calls", feature_type="NUMBER", meter_type="INCREMENTAL"
    )
    stigg.v1.features.create_feature(
        id="seats", display_name="Seats", feature_type="NUMBER", meter_type="FLUCTUATING"
    )
    stigg.v1.features.create_feature(
        id="gpu-minutes",
        display_name="GPU minutes",
        feature_type="NUMBER",
        meter_type="INCREMENTAL",
        meter={
            "aggregation": {"function": "SUM", "field": "seconds"},
            "filters": [
                {"conditions": [{"field": "eventName", "operation": "EQUALS", "value": "job"}]}
            ],
        },
        unit_transformation={"divide": 60, "round": "UP"},
    )
    stigg.v1.customers.provision(id="acme")


@pytest.mark.usefixtures("metered")
def test_usage_is_reported_with_v1_and_v2_and_deduplicated(stigg: Stigg) -> None:
    first = stigg.v1.usage.report(
        usages=[
            {
                "customer_id": "acme",
                "feature_id": "api-calls",
                "value": 5,
                "idempotency_key": "req-1",
                "created_at": datetime(2026, 1, 15, 8, tzinfo=UTC),
                "dimensions": {"region": "eu", "cached": True, "size": 3},
            },
            {"customer_id": "acme", "feature_id": "seats", "value": 12, "update_behavior": "SET"},
        ]
    ).data
    assert [(u.feature_id, u.value, u.current_usage) for u in first] == [
        ("api-calls", 5, 5),
        ("seats", 12, 12),
    ]
    assert first[0].timestamp == datetime(2026, 1, 15, 8, tzinfo=UTC)
    assert first[0].created_at == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)

    second = stigg.v2.usage.report(
        usages=[
            {
                "customer_id": "acme",
                "feature_id": "api-calls",
                "value": 5,
                "idempotency_key": "req-1",
            },
            {"customer_id": "acme", "feature_id": "seats", "value": -2},
        ]
    ).data.usages
    assert second[0].id == first[0].id  # the retry returns the first record
    assert [u.current_usage for u in second] == [5, 10]


@pytest.mark.usefixtures("metered")
def test_raw_events_count_through_the_features_meter(stigg: Stigg) -> None:
    stigg.v1.events.report(
        events=[
            {
                "customer_id": "acme",
                "event_name": "job",
                "idempotency_key": "j1",
                "dimensions": {"seconds": 90},
            },
            {
                "customer_id": "acme",
                "event_name": "job",
                "idempotency_key": "j2",
                "dimensions": {"seconds": 45},
            },
            {"customer_id": "acme", "event_name": "ping", "idempotency_key": "p1"},
        ]
    )
    retried = stigg.v1.events.report(
        events=[
            {
                "customer_id": "acme",
                "event_name": "job",
                "idempotency_key": "j2",
                "dimensions": {"seconds": 45},
            }
        ]
    )
    assert retried.data == {"accepted": 0, "duplicates": 1}
    # 135 seconds → 3 minutes, rounded up; reported usage adds to it
    reported = stigg.v1.usage.report(
        usages=[{"customer_id": "acme", "feature_id": "gpu-minutes", "value": 1}]
    )
    assert reported.data[0].current_usage == 4


@pytest.mark.usefixtures("metered")
def test_usage_history_parses_into_the_sdks_types(stigg: Stigg) -> None:
    stigg.v1.usage.report(
        usages=[
            {
                "customer_id": "acme",
                "feature_id": "api-calls",
                "value": 2,
                "created_at": "2026-01-13T10:00:00Z",
                "dimensions": {"region": "eu"},
            },
            {
                "customer_id": "acme",
                "feature_id": "api-calls",
                "value": 3,
                "created_at": "2026-01-14T10:00:00Z",
                "dimensions": {"region": "us"},
            },
        ]
    )
    whole = stigg.v1.usage.history(
        "api-calls",
        customer_id="acme",
        start_date=datetime(2026, 1, 12),  # noqa: DTZ001 - sent without a zone, read as UTC
        end_date="2026-01-15",
    ).data
    assert whole.markers == []
    assert [(p.timestamp.day, p.value, p.is_reset_point) for p in whole.series[0].points] == [
        (12, 0, False),
        (13, 2, False),
        (14, 5, False),
    ]
    grouped = stigg.v1.usage.history(
        "api-calls",
        customer_id="acme",
        start_date="2026-01-12",
        end_date="2026-01-15",
        group_by="region",
    ).data
    assert [([(t.key, t.value) for t in s.tags], s.points[-1].value) for s in grouped.series] == [
        ([("region", "eu")], 2),
        ([("region", "us")], 3),
    ]


@pytest.mark.usefixtures("metered")
def test_refusals_raise_the_sdks_errors(stigg: Stigg) -> None:
    with pytest.raises(NotFoundError) as unknown:
        stigg.v1.usage.report(
            usages=[{"customer_id": "ghost", "feature_id": "api-calls", "value": 1}]
        )
    assert unknown.value.body["details"] == {"entity": "Customer", "id": "ghost"}  # type: ignore[index]
    with pytest.raises(BadRequestError) as too_many:
        stigg.v1.usage.report(
            usages=[{"customer_id": "acme", "feature_id": "api-calls", "value": 1}] * 1001
        )
    assert too_many.value.body["details"]["errors"][0]["field"] == "usages"  # type: ignore[index]
    with pytest.raises(NotFoundError):
        stigg.v1.usage.history("nope", customer_id="acme", start_date="2026-01-01")
