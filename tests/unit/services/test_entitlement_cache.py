"""The entitlement service's cache, with in-memory repositories that count every read.

A customer `acme` subscribed to plan `pro` (SSO, 100 API calls a month), with usage kept in a
dict; the clock starts at 2026-01-15T09:30Z and the cache trusts entries for 5 seconds.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Any

import pytest

from pactline.domain.catalog import Feature, FeatureStatus, FeatureType, MeterType
from pactline.domain.charges import BillingPeriod, PricingType
from pactline.domain.customers import Customer, GrantPeriod, PromotionalEntitlement
from pactline.domain.entitlement_check import CustomerEntitlements
from pactline.domain.entitlements import (
    DeniedReason,
    EntitlementValue,
    ResetAnchor,
    ResetPeriod,
)
from pactline.domain.package_entitlements import PackageEntitlement
from pactline.domain.periods import Period
from pactline.domain.plans import PackageStatus, PlanVersion
from pactline.domain.subscriptions import PaymentCollectionMethod, Subscription
from pactline.domain.tenancy import KeyKind, Principal
from pactline.services.entitlements import EntitlementCache, EntitlementService
from tests.support import SettableClock

ENV = "env_1"
T0 = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
CALLER = Principal(key_id="key_1", kind=KeyKind.CLIENT, environment_id=ENV, account_id="acc_1")
WINDOW = Period(T0, datetime(2026, 2, 15, 9, 30, tzinfo=UTC))  # pro's first month for acme


def feature(feature_id: str, kind: FeatureType, meter: MeterType = MeterType.NONE) -> Feature:
    return Feature(feature_id, ENV, feature_id.upper(), kind, FeatureStatus.ACTIVE, meter, T0, T0)


def plan_version(*values: EntitlementValue) -> PlanVersion:
    return PlanVersion(
        package_id="pro",
        environment_id=ENV,
        product_id="analytics",
        version_number=1,
        status=PackageStatus.PUBLISHED,
        created_at=T0,
        updated_at=T0,
        entitlements=tuple(PackageEntitlement(v, T0, T0) for v in values),
    )


def subscription(customer_id: str = "acme", start_at: datetime = T0) -> Subscription:
    return Subscription(
        id=f"sub-{customer_id}",
        environment_id=ENV,
        customer_id=customer_id,
        plan_id="pro",
        plan_version=1,
        product_id="analytics",
        pricing_type=PricingType.FREE,
        billing_period=BillingPeriod.MONTHLY,
        currency="usd",
        payment_collection_method=PaymentCollectionMethod.INVOICE,
        start_at=start_at,
        created_at=start_at,
        updated_at=start_at,
    )


@dataclass
class Store:
    """The database, in memory, counting reads by repository method."""

    reads: Counter[str] = field(default_factory=Counter)
    series_read: list[list[tuple[str, str]]] = field(default_factory=list)  # per usage read
    read_seconds: float = 0.0  # how long a `get` takes, to hold concurrent checks together
    customers: dict[str, Customer] = field(default_factory=dict)
    features: dict[str, Feature] = field(default_factory=dict)
    plans: dict[tuple[str, int], PlanVersion] = field(default_factory=dict)
    subscriptions: list[Subscription] = field(default_factory=list)
    grants: list[PromotionalEntitlement] = field(default_factory=list)
    usage: dict[tuple[str, str, datetime | None], Decimal] = field(default_factory=dict)


class Repo:
    def __init__(self, store: Store, name: str) -> None:
        self._store = store
        self._name = name

    def _read(self, method: str) -> None:
        self._store.reads[f"{self._name}.{method}"] += 1

    # customers, features
    def get(self, environment_id: str, entity_id: str) -> Any:
        self._read("get")
        time.sleep(self._store.read_seconds)
        return getattr(self._store, self._name).get(entity_id)

    # plans
    def get_version(self, environment_id: str, plan_id: str, number: int) -> Any:
        self._read("get_version")
        return self._store.plans.get((plan_id, number))

    def latest_published(self, environment_id: str, plan_id: str) -> Any:
        self._read("latest_published")
        return self._store.plans.get((plan_id, 1))

    # subscriptions, grants
    def active_for_customer(self, environment_id: str, customer_id: str, at: datetime) -> Any:
        self._read("active_for_customer")
        return [
            s for s in self._store.subscriptions if s.customer_id == customer_id and s.grants(at)
        ]

    def active_for(self, environment_id: str, customer_id: str, at: datetime) -> Any:
        self._read("active_for")
        return [g for g in self._store.grants if g.customer_id == customer_id and g.is_active(at)]

    def next_start(self, environment_id: str, customer_id: str, after: datetime) -> Any:
        self._read("next_start")
        held = self._store.subscriptions if self._name == "subscriptions" else self._store.grants
        starts = [h.start_at for h in held if h.customer_id == customer_id and h.start_at > after]
        return min(starts, default=None)

    # usage
    def current_many(
        self,
        environment_id: str,
        asks: dict[tuple[str, str], tuple[Feature, Period | None]],
    ) -> dict[tuple[str, str], Decimal]:
        self._read("current_many")
        self._store.series_read.append(sorted(asks))
        return {
            (customer_id, feature_id): self._store.usage.get(
                (customer_id, feature_id, None if window is None else window.start), Decimal(0)
            )
            for (customer_id, feature_id), (_, window) in asks.items()
        }


class FakeUnitOfWork:
    def __init__(self, store: Store) -> None:
        for name in ("customers", "features", "plans", "addons", "subscriptions", "usage"):
            setattr(self, name, Repo(store, name))
        self.promotional_entitlements = Repo(store, "grants")

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pass

    def commit(self) -> None:  # pragma: no cover - checks never commit
        raise AssertionError("an entitlement check must not write")


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(T0)


@pytest.fixture
def store() -> Store:
    data = Store()
    data.features = {
        "sso": feature("sso", FeatureType.BOOLEAN),
        "calls": feature("calls", FeatureType.NUMBER, MeterType.INCREMENTAL),
    }
    data.plans[("pro", 1)] = plan_version(
        EntitlementValue("sso"),
        EntitlementValue(
            "calls",
            usage_limit=Decimal(100),
            reset_period=ResetPeriod.MONTH,
            reset_anchor=ResetAnchor.SUBSCRIPTION_START,
        ),
    )
    for customer_id in ("acme", "globex", "initech"):
        data.customers[customer_id] = Customer(
            customer_id, ENV, None, None, None, None, {}, None, None, None, T0, T0
        )
        data.subscriptions.append(subscription(customer_id))
    return data


@pytest.fixture
def cache(clock: SettableClock) -> EntitlementCache:
    return EntitlementCache(clock, ttl_seconds=5, max_customers=100, max_usage=100)


@pytest.fixture
def service(store: Store, clock: SettableClock, cache: EntitlementCache) -> EntitlementService:
    return EntitlementService(lambda read_only=False: FakeUnitOfWork(store), clock, cache)


def calls_check(service: EntitlementService, requested: int | None = None) -> tuple[bool, Any]:
    result = service.check(
        CALLER, "acme", "calls", None if requested is None else Decimal(requested)
    )
    return result.is_granted, result.current_usage


def test_a_repeated_check_is_answered_without_reading_anything(
    service: EntitlementService, store: Store
) -> None:
    store.usage[("acme", "calls", T0)] = Decimal(40)
    assert calls_check(service) == (True, Decimal(40))
    first = sum(store.reads.values())
    assert first > 0
    for _ in range(3):
        assert calls_check(service, 60) == (True, Decimal(40))
        assert service.check(CALLER, "acme", "sso").is_granted is True
    assert sum(store.reads.values()) == first
    assert service.cached_check(CALLER, "acme", "calls", Decimal(61)) is not None


def test_a_cold_cache_has_no_answer_without_the_database(service: EntitlementService) -> None:
    assert service.cached_check(CALLER, "acme", "sso") is None


def test_the_catalog_is_read_once_for_every_customer(
    service: EntitlementService, store: Store
) -> None:
    for customer_id in ("acme", "globex", "initech"):
        assert service.check(CALLER, customer_id, "sso").is_granted is True
    assert store.reads["plans.get_version"] == 1
    assert store.reads["features.get"] == 2  # sso and calls, once
    assert store.reads["customers.get"] == 3


def test_forgetting_a_customer_shows_its_new_entitlements_at_once(
    service: EntitlementService, store: Store, cache: EntitlementCache
) -> None:
    assert service.check(CALLER, "acme", "sso").is_granted is True
    store.subscriptions = [s for s in store.subscriptions if s.customer_id != "acme"]
    assert service.check(CALLER, "acme", "sso").is_granted is True  # still cached
    cache.forget_customer(ENV, "acme")
    after = service.check(CALLER, "acme", "sso")
    assert (after.is_granted, after.reason) == (False, DeniedReason.NO_ACTIVE_SUBSCRIPTION)
    assert service.check(CALLER, "globex", "sso").is_granted is True


def test_forgetting_an_environment_rereads_its_catalog(
    service: EntitlementService, store: Store, cache: EntitlementCache
) -> None:
    assert service.check(CALLER, "acme", "sso").feature == store.features["sso"]
    renamed = replace(store.features["sso"], display_name="Single sign-on")
    store.features["sso"] = renamed
    assert service.check(CALLER, "acme", "sso").feature != renamed
    cache.forget_environment(ENV)
    assert service.check(CALLER, "acme", "sso").feature == renamed
    assert store.reads["plans.get_version"] == 2


def test_entries_expire_after_the_ttl(
    service: EntitlementService, store: Store, clock: SettableClock
) -> None:
    store.usage[("acme", "calls", T0)] = Decimal(10)
    assert calls_check(service) == (True, Decimal(10))
    store.usage[("acme", "calls", T0)] = Decimal(100)  # written by another process
    clock.advance(timedelta(seconds=4.999))
    assert calls_check(service) == (True, Decimal(10))
    clock.advance(timedelta(milliseconds=1))
    assert calls_check(service) == (False, Decimal(100))
    assert store.reads["customers.get"] == 2


def test_an_entry_expires_when_a_grant_in_it_ends(
    service: EntitlementService, store: Store, clock: SettableClock
) -> None:
    store.subscriptions = []
    store.grants.append(
        PromotionalEntitlement(
            id="pe_1",
            environment_id=ENV,
            customer_id="acme",
            value=EntitlementValue("sso"),
            period=GrantPeriod.CUSTOM,
            start_at=T0,
            end_at=T0 + timedelta(seconds=2),
            is_visible=True,
            created_at=T0,
            updated_at=T0,
        )
    )
    assert service.check(CALLER, "acme", "sso").is_granted is True
    clock.advance(timedelta(seconds=2))  # within the TTL, but the grant is over
    assert service.check(CALLER, "acme", "sso").reason is DeniedReason.NO_ACTIVE_SUBSCRIPTION


def test_an_entry_expires_when_a_subscription_starts(
    service: EntitlementService, store: Store, clock: SettableClock
) -> None:
    store.subscriptions = [subscription("acme", start_at=T0 + timedelta(seconds=3))]
    assert service.check(CALLER, "acme", "sso").reason is DeniedReason.NO_ACTIVE_SUBSCRIPTION
    clock.advance(timedelta(seconds=2))
    assert service.check(CALLER, "acme", "sso").reason is DeniedReason.NO_ACTIVE_SUBSCRIPTION
    assert store.reads["subscriptions.active_for_customer"] == 1  # still the cached answer
    clock.advance(timedelta(seconds=1))  # within the TTL, but the subscription has started
    assert service.check(CALLER, "acme", "sso").is_granted is True
    assert store.reads["subscriptions.active_for_customer"] == 2


def test_a_usage_miss_reads_every_metered_feature_of_the_customer_at_once(
    store: Store, clock: SettableClock, cache: EntitlementCache
) -> None:
    store.features["storage"] = feature("storage", FeatureType.NUMBER, MeterType.INCREMENTAL)
    monthly = {"reset_period": ResetPeriod.MONTH, "reset_anchor": ResetAnchor.SUBSCRIPTION_START}
    store.plans[("pro", 1)] = plan_version(
        EntitlementValue("sso"),
        EntitlementValue("calls", usage_limit=Decimal(100), **monthly),
        EntitlementValue("storage", usage_limit=Decimal(10), **monthly),
    )
    store.usage[("acme", "calls", T0)] = Decimal(40)
    store.usage[("acme", "storage", T0)] = Decimal(10)
    service = EntitlementService(lambda read_only=False: FakeUnitOfWork(store), clock, cache)

    assert calls_check(service) == (True, Decimal(40))
    storage = service.check(CALLER, "acme", "storage", Decimal(1))

    assert (storage.is_granted, storage.current_usage) == (False, Decimal(10))
    assert store.series_read == [[("acme", "calls"), ("acme", "storage")]]


def test_concurrent_cold_checks_of_one_customer_read_it_once(
    service: EntitlementService, store: Store
) -> None:
    store.read_seconds = 0.05
    start = threading.Barrier(8)
    granted: list[bool] = []

    def one(feature_id: str) -> None:
        start.wait()
        granted.append(service.check(CALLER, "acme", feature_id).is_granted)

    threads = [threading.Thread(target=one, args=(f,)) for f in ["sso", "calls"] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert granted == [True] * 8
    assert store.reads["customers.get"] == 1
    assert store.reads["usage.current_many"] == 1


def test_a_check_after_a_usage_report_sees_it_without_reading_usage(
    service: EntitlementService, store: Store, cache: EntitlementCache
) -> None:
    assert calls_check(service) == (True, Decimal(0))
    # What the usage service does after committing a report counted in the same window:
    cache.usage_reported(ENV, "acme", "calls", WINDOW, Decimal(100))
    assert calls_check(service) == (False, Decimal(100))
    assert store.reads["usage.current_many"] == 1


def test_reported_usage_of_a_series_no_check_holds_is_not_added(
    service: EntitlementService, store: Store, cache: EntitlementCache
) -> None:
    cache.usage_reported(ENV, "acme", "calls", WINDOW, Decimal(5))
    assert cache.usage_entries == 0
    store.usage[("acme", "calls", T0)] = Decimal(5)
    assert calls_check(service) == (True, Decimal(5))  # read from the database


def test_usage_reported_for_another_window_is_read_again(
    service: EntitlementService, store: Store, cache: EntitlementCache
) -> None:
    assert calls_check(service) == (True, Decimal(0))
    store.usage[("acme", "calls", T0)] = Decimal(7)
    cache.usage_reported(ENV, "acme", "calls", None, Decimal(12))  # counted without a window
    assert calls_check(service) == (True, Decimal(7))
    assert store.reads["usage.current_many"] == 2


def test_forgotten_usage_is_read_again(
    service: EntitlementService, store: Store, cache: EntitlementCache
) -> None:
    assert calls_check(service) == (True, Decimal(0))
    store.usage[("acme", "calls", T0)] = Decimal(3)  # raw events matched by the meter
    cache.forget_usage(ENV, [("acme", "calls")])
    assert calls_check(service) == (True, Decimal(3))


def test_a_read_that_began_before_a_change_does_not_overwrite_it(
    cache: EntitlementCache, clock: SettableClock, store: Store
) -> None:
    warm = cache.usage_stamp(ENV, "acme", "calls")
    cache.put_usage(ENV, "acme", "calls", WINDOW.start, Decimal(40), warm)
    stamp = cache.usage_stamp(ENV, "acme", "calls")  # a check begins reading usage
    cache.usage_reported(ENV, "acme", "calls", WINDOW, Decimal(50))  # committed meanwhile
    cache.put_usage(ENV, "acme", "calls", WINDOW.start, Decimal(49), stamp)  # the stale read
    assert cache.usage(ENV, "acme", "calls", WINDOW.start, clock.now()) == Decimal(50)
    cache.forget_usage(ENV, [("acme", "calls")])
    cache.put_usage(ENV, "acme", "calls", WINDOW.start, Decimal(49), stamp)
    assert cache.usage(ENV, "acme", "calls", WINDOW.start, clock.now()) is None

    stale = CustomerEntitlements(None, {})
    begun = cache.customer_stamp(ENV, "acme")
    cache.forget_customer(ENV, "acme")
    cache.put_customer(ENV, "acme", stale, begun, clock.now())
    assert cache.customer(ENV, "acme", clock.now()) is None
    cache.put_customer(ENV, "acme", stale, cache.customer_stamp(ENV, "acme"), clock.now())
    assert cache.customer(ENV, "acme", clock.now()) is not None


def test_the_cache_keeps_the_most_recently_used_customers_only(
    store: Store, clock: SettableClock
) -> None:
    small = EntitlementCache(clock, ttl_seconds=5, max_customers=2, max_usage=100)
    service = EntitlementService(lambda read_only=False: FakeUnitOfWork(store), clock, small)
    for customer_id in ("acme", "globex"):
        service.check(CALLER, customer_id, "sso")
    service.check(CALLER, "acme", "sso")  # acme is now the most recently used
    service.check(CALLER, "initech", "sso")  # evicts globex
    assert small.customer_entries == 2
    assert small.customer(ENV, "acme", T0) is not None
    assert small.customer(ENV, "globex", T0) is None
    assert small.customer(ENV, "initech", T0) is not None


def test_usage_entries_are_bounded_too(store: Store, clock: SettableClock) -> None:
    small = EntitlementCache(clock, ttl_seconds=5, max_customers=10, max_usage=2)
    for customer_id in ("acme", "globex", "initech"):
        stamp = small.usage_stamp(ENV, customer_id, "calls")
        small.put_usage(ENV, customer_id, "calls", WINDOW.start, Decimal(1), stamp)
    assert small.usage_entries == 2
    assert small.usage(ENV, "acme", "calls", WINDOW.start, T0) is None
    assert small.usage(ENV, "initech", "calls", WINDOW.start, T0) == Decimal(1)


def test_a_zero_ttl_caches_nothing(store: Store, clock: SettableClock) -> None:
    off = EntitlementCache(clock, ttl_seconds=0)
    service = EntitlementService(lambda read_only=False: FakeUnitOfWork(store), clock, off)
    service.check(CALLER, "acme", "calls")
    service.check(CALLER, "acme", "calls")
    assert store.reads["customers.get"] == 2
    assert store.reads["usage.current_many"] == 2


def test_the_reset_policy_is_the_winning_values_window(
    service: EntitlementService, store: Store
) -> None:
    later = T0 + timedelta(days=3)
    store.plans[("team", 1)] = replace(
        plan_version(
            EntitlementValue("calls", usage_limit=Decimal(1000), reset_period=ResetPeriod.WEEK)
        ),
        package_id="team",
    )
    store.subscriptions.append(replace(subscription(start_at=later), id="sub-team", plan_id="team"))
    calls = store.features["calls"]
    at = later + timedelta(hours=1)
    policy = service.reset_policy(FakeUnitOfWork(store), ENV, "acme", calls, at)
    assert policy is not None
    assert (policy.reset_period, policy.subscription_start, policy.timezone) == (
        ResetPeriod.WEEK,
        later,
        "UTC",
    )
    assert policy.window(at) == Period(later, later + timedelta(days=7))
    exports = feature("exports", FeatureType.BOOLEAN)
    assert service.reset_policy(FakeUnitOfWork(store), ENV, "acme", exports, at) is None
