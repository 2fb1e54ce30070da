"""Rating contracts against the usage store, reading usage in batches.

The rating engine asks its `UsageSource` for one window at a time, and which windows it asks
depends only on the terms (periods, segments), never on the quantities. When the caller can
name those windows up front (`windows`, as billing runs do), all windows of a batch of contracts
are read in a few statements and each contract is rated once. Otherwise a contract with metered
lines is rated twice: first its metered lines alone, against a source that answers 0 and writes
the windows down; then, once the whole batch's windows are read, the whole contract. Either way,
a window the rating asks that was not read is read and the contract rated again.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from pactline.domain.billable_contracts import BillableContract
from pactline.domain.catalog import Feature, MeterType
from pactline.domain.contracts import LineItem
from pactline.domain.errors import DomainError
from pactline.domain.rating.usage import UsageSource
from pactline.domain.usage_filters import filtered_usage
from pactline.services.ports import UnitOfWork, UsageAsk

T = TypeVar("T")

_ZERO = Decimal(0)


class _RecordingUsage:
    """Answers 0 for every window and remembers the windows of metered lines."""

    def __init__(self, contract: BillableContract) -> None:
        self._contract = contract
        self.asks: list[UsageAsk] = []

    def quantity(self, line: LineItem, start_at: datetime, end_at: datetime) -> Decimal:
        if line.metered_feature_id is not None:
            self.asks.append(_ask(self._contract, line, start_at, end_at))
        return _ZERO


class _StoredUsage:
    """Answers from the quantities read; a window not read is written down as missed."""

    def __init__(self, contract: BillableContract, quantities: Mapping[UsageAsk, Decimal]) -> None:
        self._contract = contract
        self._quantities = quantities
        self.missed: set[UsageAsk] = set()

    def quantity(self, line: LineItem, start_at: datetime, end_at: datetime) -> Decimal:
        if line.metered_feature_id is None:
            return _ZERO
        ask = _ask(self._contract, line, start_at, end_at)
        if ask not in self._quantities:
            self.missed.add(ask)
            return _ZERO
        return self._quantities[ask]


def _ask(contract: BillableContract, line: LineItem, start: datetime, end: datetime) -> UsageAsk:
    """The contract customer's usage of the line's feature over `[start, end)` that passes the
    line's filter, measuring a fluctuating feature's levels as the terms say."""
    assert line.metered_feature_id is not None
    return UsageAsk(
        contract.customer_id,
        line.metered_feature_id,
        start,
        end,
        contract.terms.fluctuating_usage,
        line.usage_filter,
    )


@dataclass
class Rated(Generic[T]):
    results: dict[str, T] = field(default_factory=dict)  # by contract id
    failures: dict[str, DomainError] = field(default_factory=dict)


def _usage_only(contract: BillableContract) -> BillableContract | None:
    """The contract cut down to its metered lines, enough to learn which windows the engine
    reads (they depend on each line's own periods); None when no line is metered."""
    terms = contract.terms
    metered = tuple(line for line in terms.line_items if line.metered_feature_id is not None)
    if not metered:
        return None
    lean = replace(terms, line_items=metered, discounts=(), commitment=None)
    return replace(contract, terms=lean)


def rate_with_usage(
    uow: UnitOfWork,
    environment_id: str,
    contracts: Sequence[BillableContract],
    rate: Callable[[BillableContract, UsageSource], T],
    features: dict[str, Feature | None],
    windows: Callable[[BillableContract], Iterable[tuple[LineItem, datetime, datetime]]]
    | None = None,
) -> Rated[T]:
    """`rate` for every contract with its customer's stored usage; `features` caches lookups;
    `windows` names the (usage line, start, end) windows `rate` reads, when known.

    A contract the engine refuses (its terms are invalid) is reported, not raised, so one bad
    contract does not stop the others.
    """
    rated: Rated[T] = Rated()
    pending: list[BillableContract] = []
    asks: set[UsageAsk] = set()
    for contract in contracts:
        recording = _RecordingUsage(contract)
        try:
            if windows is not None:
                named = [_ask(contract, *window) for window in windows(contract)]
                pending.append(contract)
                asks.update(named)
                continue
            usage_lines = _usage_only(contract)
            if usage_lines is None:  # nothing metered: one rating, with no usage, is the result
                rated.results[contract.contract_id] = rate(contract, recording)
                continue
            try:
                rate(usage_lines, recording)
            except DomainError:  # the lines alone do not stand: write the windows down in full
                recording.asks.clear()
                rate(contract, recording)
        except DomainError as error:
            rated.failures[contract.contract_id] = error
            continue
        pending.append(contract)
        asks.update(recording.asks)
    quantities: dict[UsageAsk, Decimal] = {}
    # The metered lines alone ask what the whole contract asks; should the whole contract ask
    # more, those windows are read and it is rated once more (never a partial answer).
    for _ in range(3):
        if not pending:
            break
        quantities.update(_read(uow, environment_id, asks - set(quantities), features))
        missed: list[BillableContract] = []
        asks = set()
        for contract in pending:
            usage = _StoredUsage(contract, quantities)
            try:
                result = rate(contract, usage)
            except DomainError as error:
                rated.failures[contract.contract_id] = error
                continue
            if usage.missed:
                missed.append(contract)
                asks |= usage.missed
            else:
                rated.results[contract.contract_id] = result
        pending = missed
    for contract in pending:
        rated.failures[contract.contract_id] = DomainError("its usage windows kept changing")
    return rated


def _read(
    uow: UnitOfWork,
    environment_id: str,
    asks: set[UsageAsk],
    features: dict[str, Feature | None],
) -> dict[UsageAsk, Decimal]:
    for feature_id in sorted({ask.feature_id for ask in asks} - set(features)):
        features[feature_id] = uow.features.get(environment_id, feature_id)
    known = {k: f for k, f in features.items() if f is not None}
    readable = {ask for ask in asks if ask.feature_id in known}
    plain = {ask for ask in readable if not ask.usage_filter}
    quantities = dict(uow.billing_usage.window_usage(environment_id, known, plain))
    quantities.update(_read_filtered(uow, environment_id, known, readable - plain))
    # A line mapped to a feature the environment does not have has no usage.
    quantities.update(dict.fromkeys(asks - readable, _ZERO))
    return quantities


def _read_filtered(
    uow: UnitOfWork, environment_id: str, features: Mapping[str, Feature], asks: set[UsageAsk]
) -> dict[UsageAsk, Decimal]:
    """Filtered windows, measured from the rows themselves: one read of records (and one of
    meter matches) per series, over the span of its windows."""
    by_series: dict[tuple[str, str], list[UsageAsk]] = {}
    for ask in asks:
        by_series.setdefault((ask.customer_id, ask.feature_id), []).append(ask)
    usage: dict[UsageAsk, Decimal] = {}
    for (customer_id, feature_id), series_asks in sorted(by_series.items()):
        feature = features[feature_id]
        start = min(ask.start for ask in series_asks)
        end = max(ask.end for ask in series_asks)
        levels = feature.meter_type is MeterType.FLUCTUATING
        records = uow.usage.records_between(
            environment_id, customer_id, feature_id, None if levels else start, end
        )
        metered = feature.meter_type is MeterType.INCREMENTAL and feature.meter is not None
        matches = (
            uow.usage.matches_between(environment_id, customer_id, feature_id, start, end)
            if metered
            else ()
        )
        record_at = [record.occurred_at for record in records]
        match_at = [match.occurred_at for match, _ in matches]
        for ask in series_asks:
            # A fluctuating window opens at the level its earlier records reached.
            first = 0 if levels else bisect_left(record_at, ask.start)
            last = bisect_left(record_at, ask.end)
            window_matches = matches[
                bisect_left(match_at, ask.start) : bisect_left(match_at, ask.end)
            ]
            usage[ask] = filtered_usage(
                feature,
                ask.usage_filter,
                ask.measure,
                records[first:last],
                window_matches,
                ask.start,
                ask.end,
            )
    return usage
