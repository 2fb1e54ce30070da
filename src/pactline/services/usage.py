"""Usage: report measurements (DELTA/SET) and raw events, read current usage and its history.

Ingestion is high-volume: a report of up to 1,000 records is one transaction of a handful of
bulk statements, and records no domain event (no outbox row per measurement).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pactline.domain.catalog import Feature, MeterType
from pactline.domain.entitlement_changes import EntitlementChange
from pactline.domain.errors import EntityNotFound, FieldProblem, InvalidArgument
from pactline.domain.metering import (
    IDEMPOTENCY_WINDOW,
    MAX_PER_REQUEST,
    DimensionValue,
    MeterMatch,
    RawEvent,
    ResetPolicy,
    Running,
    UpdateBehavior,
    UsageRecord,
    event_names,
    new_ids,
    normalized_value,
    sample,
    value_problems,
)
from pactline.domain.pagination import MAX_LIMIT, PageRequest
from pactline.domain.periods import Period
from pactline.domain.tenancy import Principal
from pactline.services.entitlements import EntitlementCache
from pactline.services.ports import (
    Clock,
    FeatureQuery,
    ResetPolicies,
    UnitOfWork,
    UnitOfWorkFactory,
)
from pactline.services.usage_history import (
    DEFAULT_HISTORY,
    Range,
    UsageHistory,
    history_of,
)

_KNOWN_CUSTOMERS_CAP = 200_000


@dataclass(frozen=True)
class UsageReport:
    customer_id: str
    feature_id: str
    value: Decimal
    behavior: UpdateBehavior = UpdateBehavior.DELTA
    occurred_at: datetime | None = None  # default: when it is received
    idempotency_key: str | None = None
    resource_id: str | None = None
    dimensions: Mapping[str, DimensionValue] | None = None


@dataclass(frozen=True)
class EventReport:
    customer_id: str
    event_name: str
    idempotency_key: str
    occurred_at: datetime | None = None
    resource_id: str | None = None
    dimensions: Mapping[str, DimensionValue] | None = None


@dataclass(frozen=True)
class ReportedUsage:
    record: UsageRecord  # for a duplicate, the record first reported with its key
    duplicate: bool
    current_usage: Decimal  # the feature's usage now, in the current window
    period: Period | None  # the window the record counts in, when its entitlement resets


@dataclass(frozen=True)
class EventsReceipt:
    accepted: int
    duplicates: int
    matches: int  # (event, metered feature) pairs counted


def no_reset_policies(
    uow: UnitOfWork, environment_id: str, customer_id: str, feature: Feature, at: datetime
) -> ResetPolicy | None:
    """Until subscriptions say otherwise, usage counts from the beginning and never resets."""
    return None


class UsageService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        reset_policies: ResetPolicies | None = None,
        cache: EntitlementCache | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._cache = cache or EntitlementCache(clock)  # checks read usage from it
        self._reset_policies: ResetPolicies = reset_policies or no_reset_policies
        # Customers are never deleted (only archived), so one seen stays known: ingestion
        # skips the lookup for customers it has already met.
        self._known_customers: set[tuple[str, str]] = set()

    # --- reported usage ---------------------------------------------------------------------

    def report_usage(
        self, caller: Principal, reports: Sequence[UsageReport]
    ) -> list[ReportedUsage]:
        """Record each measurement unless its idempotency key was seen in the last 7 days
        (then the first record is returned, counted once). All or nothing."""
        environment_id = caller.environment_id
        problems = _batch_problems("usages", len(reports))
        values = []
        for index, report in enumerate(reports):
            value = normalized_value(report.value)
            key = report.idempotency_key
            if (
                value is None
                or (value < 0 and report.behavior is UpdateBehavior.SET)
                or not report.customer_id.strip()
                or not report.feature_id.strip()
                or (key is not None and not key.strip())
            ):  # the slow path names every problem of the item
                path = f"usages[{index}]"
                problems += value_problems(report.value, report.behavior, f"{path}.value")[1]
                problems += _blank(path, customerId=report.customer_id, featureId=report.feature_id)
                if key is not None:
                    problems += _blank(path, idempotencyKey=key)
            values.append(value)
        if problems:
            raise InvalidArgument(problems)
        now = self._clock.now()
        ids = new_ids("usg", now, len(reports))
        with self._uow() as uow:
            # The catalog the entitlement cache keeps: a batch names the same few features.
            known = self._cache.catalog(environment_id, now).features
            features = _metered_features(
                uow, environment_id, [r.feature_id for r in reports], known=known
            )
            self._require_customers(uow, environment_id, [r.customer_id for r in reports])
            uow.usage.lock_series(environment_id, {(r.customer_id, r.feature_id) for r in reports})
            held = self._held_records(uow, environment_id, reports, now)
            outcomes: list[tuple[UsageRecord, bool]] = []
            new: list[UsageRecord] = []
            for report, value, record_id in zip(reports, values, ids, strict=True):
                assert value is not None  # refused above otherwise
                held_key = (report.customer_id, report.feature_id, report.idempotency_key or "")
                if report.idempotency_key and held_key in held:
                    outcomes.append((held[held_key], True))
                    continue
                record = UsageRecord(
                    id=record_id,
                    environment_id=environment_id,
                    customer_id=report.customer_id,
                    feature_id=report.feature_id,
                    value=value,
                    behavior=report.behavior,
                    occurred_at=report.occurred_at or now,
                    recorded_at=now,
                    idempotency_key=report.idempotency_key,
                    resource_id=report.resource_id,
                    dimensions=dict(report.dimensions or {}),
                )
                if report.idempotency_key:
                    held[held_key] = record
                new.append(record)
                outcomes.append((record, False))
            after = uow.usage.append(new)
            states = self._series_now(uow, environment_id, outcomes, features, after, now)
            self._cache.note(uow, EntitlementChange.usage(environment_id, states))
            uow.commit()
        for (customer_id, feature_id), (_, window, current) in states.items():  # read-your-writes
            self._cache.usage_reported(environment_id, customer_id, feature_id, window, current)
        results = []
        for record, duplicate in outcomes:
            policy, _, current = states[(record.customer_id, record.feature_id)]
            period = None if policy is None else _reset_window(policy, record.occurred_at)
            results.append(ReportedUsage(record, duplicate, current, period))
        return results

    def _held_records(
        self, uow: UnitOfWork, environment_id: str, reports: Sequence[UsageReport], now: datetime
    ) -> dict[tuple[str, str, str], UsageRecord]:
        """Records whose keys the reports reuse within the window; older keys are released."""
        keys = {r.idempotency_key for r in reports if r.idempotency_key}
        held: dict[tuple[str, str, str], UsageRecord] = {}
        expired = []
        for record in uow.usage.records_with_keys(environment_id, keys):
            if record.recorded_at + IDEMPOTENCY_WINDOW > now:
                key = (record.customer_id, record.feature_id, record.idempotency_key or "")
                held[key] = record
            else:
                expired.append(record.id)
        uow.usage.release_keys(environment_id, expired)
        return held

    def _series_now(
        self,
        uow: UnitOfWork,
        environment_id: str,
        outcomes: Sequence[tuple[UsageRecord, bool]],
        features: Mapping[str, Feature],
        after: Mapping[tuple[str, str], Running],
        now: datetime,
    ) -> dict[tuple[str, str], tuple[ResetPolicy | None, Period | None, Decimal]]:
        """Each reported series' reset policy, current window and usage in it now."""
        policies: dict[tuple[str, str], tuple[ResetPolicy | None, Period | None]] = {}
        asks: dict[tuple[str, str], tuple[Feature, Period | None]] = {}
        for record, _ in outcomes:
            key = (record.customer_id, record.feature_id)
            if key in policies:
                continue
            feature = features[record.feature_id]
            policy = None
            if feature.meter_type is MeterType.INCREMENTAL:
                policy = self._reset_policies(uow, environment_id, record.customer_id, feature, now)
            window = None if policy is None else policy.window(now)
            policies[key] = (policy, window)
            if policy is None or window is not None:  # else: before the subscription starts
                asks[key] = (feature, window)
        usage = uow.usage.current_many(environment_id, asks, after)
        return {
            key: (policy, window, usage.get(key, Decimal(0)))
            for key, (policy, window) in policies.items()
        }

    def current_usage(
        self, caller: Principal, customer_id: str, feature_id: str, at: datetime | None = None
    ) -> tuple[Decimal, Period | None]:
        """The feature's usage at `at` (default now) in the window containing it."""
        at = at or self._clock.now()
        with self._uow() as uow:
            feature = _metered_features(uow, caller.environment_id, [feature_id])[feature_id]
            self._require_customers(uow, caller.environment_id, [customer_id])
            policy = None
            if feature.meter_type is MeterType.INCREMENTAL:
                policy = self._reset_policies(uow, caller.environment_id, customer_id, feature, at)
            window = None if policy is None else policy.window(at)
            if policy is not None and window is None:
                return Decimal(0), None
            usage = uow.usage.current(caller.environment_id, customer_id, feature, window)
            return usage, window

    # --- raw events -------------------------------------------------------------------------

    def report_events(self, caller: Principal, events: Sequence[EventReport]) -> EventsReceipt:
        """Store raw events (a key seen in the last 7 days is a duplicate, skipped) and count
        each for every INCREMENTAL feature whose meter matches it. All or nothing."""
        environment_id = caller.environment_id
        problems = _batch_problems("events", len(events))
        for index, event in enumerate(events):
            if not (
                event.customer_id.strip()
                and event.event_name.strip()
                and event.idempotency_key.strip()
            ):
                problems += _blank(
                    f"events[{index}]",
                    customerId=event.customer_id,
                    eventName=event.event_name,
                    idempotencyKey=event.idempotency_key,
                )
        if problems:
            raise InvalidArgument(problems)
        now = self._clock.now()
        with self._uow() as uow:
            self._require_customers(uow, environment_id, [e.customer_id for e in events])
            uow.usage.lock_event_keys(
                environment_id, {(e.customer_id, e.idempotency_key) for e in events}
            )
            held: set[tuple[str, str]] = set()
            expired = []
            stored = uow.usage.events_with_keys(environment_id, {e.idempotency_key for e in events})
            for existing in stored:
                if existing.recorded_at + IDEMPOTENCY_WINDOW > now:
                    held.add((existing.customer_id, existing.idempotency_key))
                else:
                    expired.append(existing.id)
            uow.usage.release_event_keys(environment_id, expired)
            new: list[RawEvent] = []
            for event, event_id in zip(events, new_ids("uev", now, len(events)), strict=True):
                key = (event.customer_id, event.idempotency_key)
                if key in held:
                    continue
                held.add(key)
                new.append(
                    RawEvent(
                        id=event_id,
                        environment_id=environment_id,
                        customer_id=event.customer_id,
                        event_name=event.event_name,
                        idempotency_key=event.idempotency_key,
                        occurred_at=event.occurred_at or now,
                        recorded_at=now,
                        resource_id=event.resource_id,
                        dimensions=dict(event.dimensions or {}),
                    )
                )
            catalog = self._cache.catalog(environment_id, now)  # forgets catalog changes
            if catalog.event_meters is None:
                catalog.event_meters = _event_meters(uow, environment_id)
            matches = list(_meter_matches(new, catalog.event_meters))
            uow.usage.lock_series(environment_id, {(m.customer_id, m.feature_id) for m in matches})
            uow.usage.append_events(new, matches)
            series = {(m.customer_id, m.feature_id) for m in matches}
            self._cache.note(uow, EntitlementChange.usage(environment_id, series))
            uow.commit()
        self._cache.forget_usage(environment_id, series)
        return EventsReceipt(len(new), len(events) - len(new), len(matches))

    # --- history ----------------------------------------------------------------------------

    def history(
        self,
        caller: Principal,
        customer_id: str,
        feature_id: str,
        start: datetime | None = None,
        end: datetime | None = None,
        group_by: str | None = None,
        resource_id: str | None = None,
    ) -> UsageHistory:
        """Usage over `[start, end)` (end: now; start: 30 days before end): hourly points for
        up to two days, daily (customer's local days) beyond; each point's value is the usage
        at the end of its span, in the reset window then current. `group_by` names a
        dimension: one series per value it takes."""
        environment_id = caller.environment_id
        now = self._clock.now()
        end = end or now
        start = start or end - DEFAULT_HISTORY
        if end <= start:
            raise InvalidArgument.single("endDate", "must be after startDate", "invalid_range")
        with self._uow() as uow:
            feature = _metered_features(uow, environment_id, [feature_id], "featureId")[feature_id]
            customer = uow.customers.get(environment_id, customer_id)
            if customer is None:
                raise EntityNotFound("Customer", customer_id)
            policy = None
            if feature.meter_type is MeterType.INCREMENTAL:
                policy = self._reset_policies(uow, environment_id, customer_id, feature, now)
            return history_of(
                uow, customer, feature, policy, Range(start, end), group_by, resource_id
            )

    # --- shared -----------------------------------------------------------------------------

    def _require_customers(
        self, uow: UnitOfWork, environment_id: str, customer_ids: Iterable[str]
    ) -> None:
        for customer_id in dict.fromkeys(customer_ids):
            key = (environment_id, customer_id)
            if key in self._known_customers:
                continue
            if uow.customers.get(environment_id, customer_id) is None:
                raise EntityNotFound("Customer", customer_id)
            if len(self._known_customers) >= _KNOWN_CUSTOMERS_CAP:
                self._known_customers.clear()
            self._known_customers.add(key)


def _batch_problems(field: str, size: int) -> list[FieldProblem]:
    if size == 0:
        return [FieldProblem(field, "must list at least one item", "required")]
    if size > MAX_PER_REQUEST:
        return [
            FieldProblem(
                field, f"at most {MAX_PER_REQUEST} items per request, got {size}", "too_many"
            )
        ]
    return []


def _blank(path: str, **values: str) -> list[FieldProblem]:
    return [
        FieldProblem(f"{path}.{name}", "must not be blank", "required")
        for name, value in values.items()
        if not value.strip()
    ]


def _metered_features(
    uow: UnitOfWork,
    environment_id: str,
    feature_ids: Sequence[str],
    path: str | None = None,
    known: dict[str, Feature | None] | None = None,
) -> dict[str, Feature]:
    """The features by id; 404 for an unknown one, 400 naming every use of an unmetered one.
    `known` (the entitlement cache's features of the environment) is read first and filled."""
    wanted = list(dict.fromkeys(feature_ids))
    cached = {} if known is None else {f: known.get(f) for f in wanted}
    if all(cached.get(f) is not None for f in wanted):
        features = {f: feature for f, feature in cached.items() if feature is not None}
    elif len(wanted) == 1:
        found = uow.features.get(environment_id, wanted[0])
        features = {} if found is None else {found.id: found}
    else:  # a batch names a few features: read them at once (MAX_LIMIT ids per query)
        features = {}
        for start in range(0, len(wanted), MAX_LIMIT):
            query = FeatureQuery(ids=frozenset(wanted[start : start + MAX_LIMIT]))
            page = uow.features.list(environment_id, query, PageRequest(limit=MAX_LIMIT))
            features.update((f.id, f) for f in page.items)
    if known is not None:
        known.update(features)
    for feature_id in wanted:
        if feature_id not in features:
            raise EntityNotFound("Feature", feature_id)
    problems = [
        FieldProblem(
            path or f"usages[{index}].featureId",
            f"feature '{feature_id}' is not metered (meterType None)",
            "not_metered",
        )
        for index, feature_id in enumerate(feature_ids)
        if not features[feature_id].metered
    ]
    if problems:
        raise InvalidArgument(problems)
    return features


def _event_meters(uow: UnitOfWork, environment_id: str) -> list[Feature]:
    """INCREMENTAL features with a meter: the ones raw events count for."""
    query = FeatureQuery(meter_types=frozenset({MeterType.INCREMENTAL}))
    page = uow.features.list(environment_id, query, PageRequest(limit=MAX_LIMIT))
    features = list(page.items)
    while page.next is not None:
        page = uow.features.list(
            environment_id, query, PageRequest(limit=MAX_LIMIT, after=page.next)
        )
        features += page.items
    return [f for f in features if f.meter is not None]


def _meter_matches(events: Iterable[RawEvent], meters: Sequence[Feature]) -> Iterable[MeterMatch]:
    by_name: dict[str, list[Feature]] = {}
    any_name: list[Feature] = []
    for feature in meters:
        assert feature.meter is not None
        names = event_names(feature.meter)
        if names is None:
            any_name.append(feature)
        for name in names or ():
            by_name.setdefault(name, []).append(feature)
    for event in events:
        for feature in (*by_name.get(event.event_name, ()), *any_name):
            assert feature.meter is not None
            counted = sample(feature.meter, event.event_name, event.dimensions)
            if counted is not None:
                yield MeterMatch(
                    event.id,
                    event.environment_id,
                    event.customer_id,
                    feature.id,
                    event.occurred_at,
                    counted,
                )


def _reset_window(policy: ResetPolicy, at: datetime) -> Period | None:
    """The window `at` counts in, when the entitlement resets periodically."""
    return None if policy.reset_period is None else policy.window(at)
