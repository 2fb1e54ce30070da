"""Entitlement checks and effective entitlements, served from an in-process cache.

A check must not touch the database when nothing changed, so this module keeps, per process:
(1) each customer's resolved entitlements (with the features they name), and (2) the current
usage of each (customer, feature) in the usage window it was counted for. Services that commit
a change tell the shared `EntitlementCache` at once (`forget_customer`, `forget_environment`,
`usage_reported`, `forget_usage`); changes made by other processes show when the entries expire
after `ttl_seconds` (see docs/adr/0007-entitlement-cache.md). Both maps are LRU-bounded.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from pactline.domain.catalog import Feature
from pactline.domain.customers import Customer
from pactline.domain.entitlement_changes import ChangeScope, EntitlementChange
from pactline.domain.entitlement_check import (
    CheckResult,
    CustomerEntitlements,
    Effective,
    Grant,
    check,
    resolve,
)
from pactline.domain.entitlements import DeniedReason
from pactline.domain.metering import ResetPolicy
from pactline.domain.periods import Period
from pactline.domain.plans import MAX_GRAPH_WALK, AddonVersion, PlanVersion
from pactline.domain.subscriptions import granted_values
from pactline.domain.tenancy import Principal
from pactline.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

DEFAULT_TTL_SECONDS = 300.0
DEFAULT_MAX_CUSTOMERS = 20_000
DEFAULT_MAX_USAGE = 200_000
_STRIPES = 1024  # invalidation stamps are kept per stripe of keys, not per key
_MAX_CATALOG_ITEMS = 50_000  # features and package versions cached per environment

_NOT_FOUND = CustomerEntitlements(DeniedReason.CUSTOMER_NOT_FOUND, {})
_Stamp = tuple[int, int]  # (environment generation, stripe stamp) when a read began


@dataclass
class CustomerEntry:
    """A customer's resolved entitlements, and the usage windows computed from them."""

    state: CustomerEntitlements
    expires_at: datetime
    generation: int
    windows: dict[str, Period | None] = field(default_factory=dict)


@dataclass
class _UsageEntry:
    window_start: datetime | None
    value: Decimal
    expires_at: datetime
    generation: int


@dataclass
class _Catalog:
    """An environment's features and package versions, as read from the database."""

    generation: int
    expires_at: datetime
    features: dict[str, Feature | None] = field(default_factory=dict)
    plans: dict[tuple[str, int], PlanVersion | None] = field(default_factory=dict)
    latest_plans: dict[str, PlanVersion | None] = field(default_factory=dict)
    addons: dict[tuple[str, int], AddonVersion | None] = field(default_factory=dict)
    # The INCREMENTAL features with a meter (raw events count for them), once read.
    event_meters: list[Feature] | None = None

    def size(self) -> int:
        return len(self.features) + len(self.plans) + len(self.latest_plans) + len(self.addons)


class EntitlementCache:
    """The process's one cache of resolved entitlements and current usage.

    Reads take no lock (single dict operations are atomic); writes do. A read that misses
    takes a stamp first and stores its result only if nothing was invalidated meanwhile, so a
    result read before a change can never overwrite the change.
    """

    def __init__(
        self,
        clock: Clock,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        max_customers: int = DEFAULT_MAX_CUSTOMERS,
        max_usage: int = DEFAULT_MAX_USAGE,
    ) -> None:
        self._clock = clock
        self.ttl = timedelta(seconds=ttl_seconds)
        self.max_customers = max(1, max_customers)
        self.max_usage = max(1, max_usage)
        self._lock = threading.Lock()
        self._customers: OrderedDict[tuple[str, str], CustomerEntry] = OrderedDict()
        self._usage: OrderedDict[tuple[str, str, str], _UsageEntry] = OrderedDict()
        self._catalogs: dict[str, _Catalog] = {}
        self._generations: dict[str, int] = {}
        self._customer_stamps = [0] * _STRIPES
        self._usage_stamps = [0] * _STRIPES
        # Names this process in the change feed, so that it skips its own changes there.
        self.origin = secrets.token_hex(8)

    # --- invalidation (called by the services that commit changes) ---------------------------

    def note(self, uow: UnitOfWork, change: EntitlementChange) -> None:
        """Write `change` to the feed in the unit of work of the change, for other processes.
        This process forgets it itself, after the commit."""
        uow.entitlement_changes.add([change], self.origin, self._clock.now())

    def apply(self, change: EntitlementChange) -> None:
        """Forget what a change made by another process invalidates."""
        if change.scope is ChangeScope.ENVIRONMENT:
            self.forget_environment(change.environment_id)
        elif change.scope is ChangeScope.CUSTOMER and change.customer_id is not None:
            self.forget_customer(change.environment_id, change.customer_id)
        elif change.scope is ChangeScope.USAGE:
            self.forget_usage(change.environment_id, change.series)

    def forget_customer(self, environment_id: str, customer_id: str) -> None:
        """The customer's entitlements changed (subscription, grant, archive, timezone)."""
        key = (environment_id, customer_id)
        with self._lock:
            self._customer_stamps[hash(key) % _STRIPES] += 1
            self._customers.pop(key, None)

    def forget_environment(self, environment_id: str) -> None:
        """The catalog changed (features, plans, add-ons): everything of the environment."""
        with self._lock:
            self._generations[environment_id] = self._generations.get(environment_id, 0) + 1
            self._catalogs.pop(environment_id, None)

    def usage_reported(
        self,
        environment_id: str,
        customer_id: str,
        feature_id: str,
        window: Period | None,
        current_usage: Decimal,
    ) -> None:
        """A committed report left the series at `current_usage` in `window` (None: counted
        without a window), as of now: a series checks hold is updated, so the next check for
        that window sees it. Others are not added (ingestion must not crowd out what checks
        use); a read of them in flight is not stored."""
        key = (environment_id, customer_id, feature_id)
        start = _start(window)
        with self._lock:
            self._usage_stamps[hash(key) % _STRIPES] += 1
            if key in self._usage:
                generation = self._generations.get(environment_id, 0)
                self._store_usage(key, start, current_usage, generation)

    def forget_usage(self, environment_id: str, series: Iterable[tuple[str, str]]) -> None:
        """The usage of these (customer, feature) series changed by an unknown amount."""
        with self._lock:
            for customer_id, feature_id in series:
                key = (environment_id, customer_id, feature_id)
                self._usage_stamps[hash(key) % _STRIPES] += 1
                self._usage.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._customers.clear()
            self._usage.clear()
            self._catalogs.clear()

    # --- customers --------------------------------------------------------------------------

    def customer(
        self, environment_id: str, customer_id: str, now: datetime
    ) -> CustomerEntry | None:
        key = (environment_id, customer_id)
        entry = self._customers.get(key)
        if entry is None:
            return None
        if now >= entry.expires_at or entry.generation != self._generations.get(environment_id, 0):
            return None
        try:  # noqa: SIM105 - cheaper than contextlib.suppress on the hot path
            self._customers.move_to_end(key)
        except KeyError:  # evicted by another thread since the read
            pass
        return entry

    def customer_stamp(self, environment_id: str, customer_id: str) -> _Stamp:
        key = (environment_id, customer_id)
        return self._generations.get(environment_id, 0), self._customer_stamps[hash(key) % _STRIPES]

    def put_customer(
        self,
        environment_id: str,
        customer_id: str,
        state: CustomerEntitlements,
        stamp: _Stamp,
        now: datetime,
    ) -> CustomerEntry:
        """Keep `state` (read since `stamp`) unless the customer was invalidated meanwhile."""
        expires = now + self.ttl
        if state.changes_at is not None and state.changes_at < expires:
            expires = state.changes_at
        entry = CustomerEntry(state, expires, stamp[0])
        key = (environment_id, customer_id)
        with self._lock:
            if stamp != self.customer_stamp(environment_id, customer_id) or expires <= now:
                return entry
            self._customers[key] = entry
            self._customers.move_to_end(key)
            while len(self._customers) > self.max_customers:
                self._customers.popitem(last=False)
        return entry

    # --- usage ------------------------------------------------------------------------------

    def usage(
        self,
        environment_id: str,
        customer_id: str,
        feature_id: str,
        window_start: datetime | None,
        now: datetime,
    ) -> Decimal | None:
        key = (environment_id, customer_id, feature_id)
        entry = self._usage.get(key)
        if (
            entry is None
            or entry.window_start != window_start
            or now >= entry.expires_at
            or entry.generation != self._generations.get(environment_id, 0)
        ):
            return None
        try:  # noqa: SIM105 - cheaper than contextlib.suppress on the hot path
            self._usage.move_to_end(key)
        except KeyError:
            pass
        return entry.value

    def usage_stamp(self, environment_id: str, customer_id: str, feature_id: str) -> _Stamp:
        key = (environment_id, customer_id, feature_id)
        return self._generations.get(environment_id, 0), self._usage_stamps[hash(key) % _STRIPES]

    def put_usage(
        self,
        environment_id: str,
        customer_id: str,
        feature_id: str,
        window_start: datetime | None,
        value: Decimal,
        stamp: _Stamp,
    ) -> None:
        """Keep usage read since `stamp` unless a report or invalidation came meanwhile."""
        key = (environment_id, customer_id, feature_id)
        with self._lock:
            if stamp != self.usage_stamp(environment_id, customer_id, feature_id):
                return
            self._store_usage(key, window_start, value, stamp[0])

    def _store_usage(
        self, key: tuple[str, str, str], start: datetime | None, value: Decimal, generation: int
    ) -> None:
        self._usage[key] = _UsageEntry(start, value, self._clock.now() + self.ttl, generation)
        self._usage.move_to_end(key)
        while len(self._usage) > self.max_usage:
            self._usage.popitem(last=False)

    # --- the catalog ------------------------------------------------------------------------

    def catalog(self, environment_id: str, now: datetime) -> _Catalog:
        generation = self._generations.get(environment_id, 0)
        found = self._catalogs.get(environment_id)
        if (
            found is not None
            and found.generation == generation
            and now < found.expires_at
            and found.size() < _MAX_CATALOG_ITEMS
        ):
            return found
        fresh = _Catalog(generation, now + self.ttl)
        with self._lock:
            if self._generations.get(environment_id, 0) == generation:
                self._catalogs[environment_id] = fresh
        return fresh

    @property
    def customer_entries(self) -> int:
        return len(self._customers)

    @property
    def usage_entries(self) -> int:
        return len(self._usage)


@dataclass(frozen=True)
class CustomerView:
    """All of a customer's effective entitlements, each checked without a request."""

    denied: DeniedReason | None
    entitlements: tuple[CheckResult, ...]


_FLIGHT_STRIPES = 64  # customers hashed onto this many locks for their database reads


class EntitlementService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, cache: EntitlementCache) -> None:
        self._uow = uow
        self._clock = clock
        self._cache = cache
        self._flights = [threading.Lock() for _ in range(_FLIGHT_STRIPES)]

    @property
    def cache(self) -> EntitlementCache:
        return self._cache

    def cached_check(
        self,
        caller: Principal,
        customer_id: str,
        feature_id: str,
        requested_usage: Decimal | None = None,
        requested_values: Sequence[str] = (),
    ) -> CheckResult | None:
        """`check` answered from the cache alone (it never blocks), or None when the database
        must be read."""
        env = caller.environment_id
        now = self._clock.now()
        entry = self._cache.customer(env, customer_id, now)
        if entry is None:
            return None
        state = entry.state
        effective = state.entitlements.get(feature_id)
        if effective is None:
            features = self._cache.catalog(env, now).features
            if feature_id not in features:
                return None
            return check(state, features[feature_id], None, None, requested_usage, requested_values)
        feature = effective.feature
        if not effective.counts_usage:
            return check(state, feature, None, None, requested_usage, requested_values)
        window = _window(entry, effective, now)
        usage = self._cache.usage(env, customer_id, feature_id, _start(window), now)
        if usage is None:
            return None
        return check(state, feature, usage, window, requested_usage, requested_values)

    def check(
        self,
        caller: Principal,
        customer_id: str,
        feature_id: str,
        requested_usage: Decimal | None = None,
        requested_values: Sequence[str] = (),
    ) -> CheckResult:
        """May the customer use the feature now (and `requested_usage` more of it, or the
        `requested_values`)? Answered from the cache when it holds what is needed."""
        cached = self.cached_check(
            caller, customer_id, feature_id, requested_usage, requested_values
        )
        if cached is not None:
            return cached
        env = caller.environment_id
        # One reader per customer at a time: checks of one customer's features arrive together
        # (a page load), and each would otherwise read the same rows; those that waited find
        # the cache filled.
        with self._flights[hash((env, customer_id)) % len(self._flights)]:
            cached = self.cached_check(
                caller, customer_id, feature_id, requested_usage, requested_values
            )
            if cached is not None:
                return cached
            return self._read_check(
                caller, customer_id, feature_id, requested_usage, requested_values
            )

    def _read_check(
        self,
        caller: Principal,
        customer_id: str,
        feature_id: str,
        requested_usage: Decimal | None,
        requested_values: Sequence[str],
    ) -> CheckResult:
        env = caller.environment_id
        now = self._clock.now()
        with self._uow(read_only=True) as uow:
            catalog = self._catalog(uow, env, now)
            entry = self._cache.customer(env, customer_id, now) or self._resolve(
                uow, env, customer_id, now, catalog
            )
            effective = entry.state.entitlements.get(feature_id)
            if effective is None:
                feature = catalog.feature(feature_id)
                return check(entry.state, feature, None, None, requested_usage, requested_values)
            usage = self._usage(uow, env, customer_id, entry, effective, now)
        return check(
            entry.state,
            effective.feature,
            usage,
            _window(entry, effective, now),
            requested_usage,
            requested_values,
        )

    def entitlements(self, caller: Principal, customer_id: str) -> CustomerView:
        """Every effective entitlement of the customer, by feature id."""
        env = caller.environment_id
        now = self._clock.now()
        with self._uow(read_only=True) as uow:
            entry = self._cache.customer(env, customer_id, now) or self._resolve(
                uow, env, customer_id, now, self._catalog(uow, env, now)
            )
            results = []
            for feature_id in sorted(entry.state.entitlements):
                effective = entry.state.entitlements[feature_id]
                usage = self._usage(uow, env, customer_id, entry, effective, now)
                window = _window(entry, effective, now)
                results.append(check(entry.state, effective.feature, usage, window))
        return CustomerView(entry.state.denied, tuple(results))

    def reset_policy(
        self, uow: UnitOfWork, environment_id: str, customer_id: str, feature: Feature, at: datetime
    ) -> ResetPolicy | None:
        """How the customer's usage of the feature resets: the `ResetPolicies` port of the
        usage service, so that reported usage is counted in the windows checks use."""
        entry = self._cache.customer(environment_id, customer_id, at)
        if entry is None:
            catalog = self._catalog(uow, environment_id, at)
            entry = self._resolve(uow, environment_id, customer_id, at, catalog)
        effective = entry.state.entitlements.get(feature.id)
        if effective is None:
            return None
        value = effective.value
        return ResetPolicy(
            value.reset_period, value.reset_anchor, effective.anchor_at, entry.state.timezone
        )

    # --- the slow path: reading the database ------------------------------------------------

    def _catalog(self, uow: UnitOfWork, environment_id: str, now: datetime) -> _CatalogReader:
        """The environment's cached catalog. Taken before the unit of work reads anything: a
        catalog change committed after that read began replaces this catalog, so what a
        stale read adds to it is never seen again."""
        return _CatalogReader(uow, environment_id, self._cache.catalog(environment_id, now))

    def _resolve(
        self,
        uow: UnitOfWork,
        environment_id: str,
        customer_id: str,
        now: datetime,
        catalog: _CatalogReader,
    ) -> CustomerEntry:
        stamp = self._cache.customer_stamp(environment_id, customer_id)
        customer = uow.customers.get(environment_id, customer_id)
        state = self._state(uow, environment_id, customer, now, catalog)
        return self._cache.put_customer(environment_id, customer_id, state, stamp, now)

    def _state(
        self,
        uow: UnitOfWork,
        env: str,
        customer: Customer | None,
        now: datetime,
        catalog: _CatalogReader,
    ) -> CustomerEntitlements:
        if customer is None:
            return _NOT_FOUND
        timezone = customer.timezone or "UTC"
        if customer.archived:
            return CustomerEntitlements(DeniedReason.CUSTOMER_IS_ARCHIVED, {}, timezone)
        grants = []
        for subscription in uow.subscriptions.active_for_customer(env, customer.id, now):
            chain = catalog.plan_chain(subscription.plan_id, subscription.plan_version)
            addons = {}
            for held in subscription.addons:
                version = catalog.addon(held.addon_id, held.version_number)
                if version is not None:
                    addons[held.addon_id] = version
            grants.append(
                Grant(
                    granted_values(subscription, chain, addons),
                    subscription.start_at,
                    subscription.ends_at,
                    subscription.updated_at,
                )
            )
        for grant in uow.promotional_entitlements.active_for(env, customer.id, now):
            grants.append(
                Grant(
                    {grant.feature_id: grant.value}, grant.start_at, grant.end_at, grant.updated_at
                )
            )
        feature_ids = {feature_id for grant in grants for feature_id in grant.values}
        features = {}
        for feature_id in sorted(feature_ids):
            feature = catalog.feature(feature_id)
            if feature is not None:
                features[feature_id] = feature
        state = resolve(grants, features, timezone)
        # A source that starts later changes the answer then: the entry must not outlive it.
        starts = [
            uow.subscriptions.next_start(env, customer.id, now),
            uow.promotional_entitlements.next_start(env, customer.id, now),
        ]
        if state.changes_at is not None:
            starts.append(state.changes_at)
        changes_at = min((start for start in starts if start is not None), default=None)
        return replace(state, changes_at=changes_at)

    def _usage(
        self,
        uow: UnitOfWork,
        env: str,
        customer_id: str,
        entry: CustomerEntry,
        effective: Effective,
        now: datetime,
    ) -> Decimal | None:
        """The feature's usage in its window. On a miss, the usage of every metered
        entitlement of the customer the cache lacks is read in one batch and cached: a
        customer's checks come for many features, and each would miss in turn."""
        if not effective.counts_usage:
            return None
        feature_id = effective.feature.id
        window = _window(entry, effective, now)
        cached = self._cache.usage(env, customer_id, feature_id, _start(window), now)
        if cached is not None:
            return cached
        asks: dict[tuple[str, str], tuple[Feature, Period | None]] = {}
        stamps = {}
        for other_id, other in entry.state.entitlements.items():
            if not other.counts_usage:
                continue
            other_window = _window(entry, other, now)
            start = _start(other_window)
            if (
                other_id != feature_id
                and self._cache.usage(env, customer_id, other_id, start, now) is not None
            ):
                continue
            # Each stamp is taken before the read, so a report racing it is not hidden.
            stamps[other_id] = (start, self._cache.usage_stamp(env, customer_id, other_id))
            asks[(customer_id, other_id)] = (other.feature, other_window)
        values = uow.usage.current_many(env, asks)
        for (_, other_id), value in values.items():
            start, stamp = stamps[other_id]
            self._cache.put_usage(env, customer_id, other_id, start, value, stamp)
        return values[(customer_id, feature_id)]


def _start(window: Period | None) -> datetime | None:
    return None if window is None else window.start


def _window(entry: CustomerEntry, effective: Effective, now: datetime) -> Period | None:
    """The feature's usage window at `now`, computed once per window and entry."""
    feature_id = effective.feature.id
    windows = entry.windows
    if feature_id in windows:
        window = windows[feature_id]
        if window is None or window.start <= now < window.end:
            return window
    window = effective.window(now, entry.state.timezone)
    windows[feature_id] = window
    return window


class _CatalogReader:
    """Features and package versions through the environment's cached catalog."""

    def __init__(self, uow: UnitOfWork, environment_id: str, catalog: _Catalog) -> None:
        self._uow = uow
        self._env = environment_id
        self._catalog = catalog

    def feature(self, feature_id: str) -> Feature | None:
        features = self._catalog.features
        if feature_id not in features:
            features[feature_id] = self._uow.features.get(self._env, feature_id)
        return features[feature_id]

    def plan(self, plan_id: str, number: int) -> PlanVersion | None:
        plans = self._catalog.plans
        key = (plan_id, number)
        if key not in plans:
            plans[key] = self._uow.plans.get_version(self._env, plan_id, number)
        return plans[key]

    def latest_plan(self, plan_id: str) -> PlanVersion | None:
        latest = self._catalog.latest_plans
        if plan_id not in latest:
            latest[plan_id] = self._uow.plans.latest_published(self._env, plan_id)
        return latest[plan_id]

    def addon(self, addon_id: str, number: int) -> AddonVersion | None:
        addons = self._catalog.addons
        key = (addon_id, number)
        if key not in addons:
            addons[key] = self._uow.addons.get_version(self._env, addon_id, number)
        return addons[key]

    def plan_chain(self, plan_id: str, number: int) -> tuple[PlanVersion, ...]:
        """The subscription's plan version and its ancestors' latest published versions,
        ancestors first (as `services.subscriptions.plan_chain`)."""
        version = self.plan(plan_id, number)
        if version is None:
            return ()
        chain = [version]
        seen = {plan_id}
        parent = version.parent_plan_id
        while parent is not None and parent not in seen and len(chain) < MAX_GRAPH_WALK:
            found = self.latest_plan(parent)
            if found is None:
                break
            chain.append(found)
            seen.add(parent)
            parent = found.parent_plan_id
        return tuple(reversed(chain))


__all__ = [
    "CustomerEntry",
    "CustomerView",
    "EntitlementCache",
    "EntitlementService",
]
