"""Every problem of a contract's terms at once, each with a JSON-draft path and a stable code.

Paths use the draft's camelCase names (`lineItems[0].priceVersions[1].startDate`) so the API and
CLI can point at what the user wrote. Reporting all problems, not the first, lets a user fix a
draft in one pass. Codes: `required`, `end_before_start`, `out_of_range`, `unknown_timezone`,
`duplicate`, `outside_contract`, `outside_line`, `gap`, `overlap`, `unsorted`, `duplicate_date`,
`not_at_line_start`, `ends_before_line`, `usage_in_advance`, `one_time_in_arrears`,
`not_allowed`, `one_of`, `overlapping_discounts`, and `invalid` (also the
code of anchor and pricing-model problems, which keep the codes their own checks give them).

Currency consistency is structural: a contract has one `currency` and every price is a bare
amount in it, so a line cannot be priced in another currency; only its presence is checked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pactline.domain.calendar import CycleUnit
from pactline.domain.catalog import condition_problems
from pactline.domain.contracts import (
    ChargeType,
    Commitment,
    CommitmentKind,
    ContractTerms,
    DateWindow,
    Discount,
    DiscountKind,
    LineItem,
)
from pactline.domain.currency import Currency
from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.periods import ChargeTiming, resolve_timezone
from pactline.domain.rating.models import ModelKind, PricingModel

__all__ = ["require_valid_terms", "validate_terms"]


@dataclass(frozen=True)
class _Span:
    """Inclusive dates `start..end` (end None = open) of the contract or of one line."""

    start: date
    end: date | None
    owner: str  # "contract" or "line": names the code and the message

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    @property
    def code(self) -> str:
        return f"outside_{self.owner}"

    @property
    def inside(self) -> str:
        return f"must be inside the {self.owner} ({self.start} to {self.end or 'open-ended'})"


def validate_terms(terms: ContractTerms) -> list[FieldProblem]:
    """Every problem of `terms`, in field order; an empty list means the terms can be rated."""
    check = _Checks()
    with check.guard(""):
        check.contract(terms)
    return check.problems


def require_valid_terms(terms: ContractTerms) -> None:
    """Raise InvalidArgument listing every problem of `terms`, if there is any."""
    problems = validate_terms(terms)
    if problems:
        listing = "; ".join(f"{p.field or 'contract'}: {p.message} [{p.code}]" for p in problems)
        raise InvalidArgument(problems, f"the contract has {len(problems)} problem(s): {listing}")


class _Checks:
    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def add(self, field: str, message: str, code: str) -> None:
        self.problems.append(FieldProblem(field, message, code))

    def adopt(self, problems: Sequence[FieldProblem], prefix: str) -> None:
        """Take problems reported relative to a nested object, re-pathed under `prefix`."""
        self.problems += [FieldProblem(f"{prefix}.{p.field}", p.message, p.code) for p in problems]

    @contextmanager
    def guard(self, field: str) -> Iterator[None]:
        # Terms may come from a half-built draft or a sloppy adapter; a check that trips over
        # a malformed object must become one more problem, never hide the others.
        try:
            yield
        except Exception as error:
            self.add(field, f"could not be checked ({type(error).__name__}: {error})", "invalid")

    def contract(self, terms: ContractTerms) -> None:
        span = _Span(terms.start_on, terms.end_on, "contract")
        if terms.end_on is not None and terms.end_on < terms.start_on:
            self.add("endDate", "must not be before startDate", "end_before_start")
        if not terms.line_items:
            self.add("lineItems", "must have at least one line item", "required")
        self.net_terms(terms.net_terms_days, "netTermsDays", optional=False)
        self.tax_rate(terms.tax_rate, "taxRate")
        with self.guard("timezone"):
            try:
                resolve_timezone(terms.timezone, "timezone")
            except InvalidArgument as error:
                self.problems += error.problems
        if not isinstance(terms.currency, Currency):
            self.add("currency", "is required", "required")
        seen: set[str] = set()
        with self.guard("lineItems"):
            for i, line in enumerate(terms.line_items or ()):
                with self.guard(f"lineItems[{i}]"):
                    if not isinstance(line.id, str) or not line.id.strip():
                        self.add(f"lineItems[{i}].id", "is required", "required")
                    elif line.id in seen:
                        self.add(f"lineItems[{i}].id", f"'{line.id}' is already used", "duplicate")
                    seen.add(line.id)
                    self.line(terms, line, span, f"lineItems[{i}]")
        with self.guard("discounts"):
            self.discounts(terms.discounts, span, "", flat_only=None)
        if terms.commitment is not None:
            with self.guard("commitment"):
                self.commitment(terms.commitment, span, "", flat_only=None)

    def line(self, terms: ContractTerms, line: LineItem, contract: _Span, path: str) -> None:
        span = _Span(terms.line_start(line), terms.line_end(line), "line")
        if line.start_on is not None and not contract.contains(line.start_on):
            self.add(f"{path}.startDate", contract.inside, contract.code)
        if line.end_on is not None:
            # An end before the start is the root cause; "outside" on top would be noise.
            if line.end_on < span.start:
                self.add(f"{path}.endDate", "must not be before the start", "end_before_start")
            elif not contract.contains(line.end_on):
                self.add(f"{path}.endDate", contract.inside, contract.code)
        self.net_terms(line.net_terms_days, f"{path}.netTermsDays", optional=True)
        self.tax_rate(line.tax_rate, f"{path}.taxRate")
        with self.guard(f"{path}.anchor"):
            try:
                line.anchor.check_for(line.billing_cycle)
            except InvalidArgument as error:
                self.adopt(error.problems, path)
        self.versions(line, span, path)
        self.schedule(line, path)
        # None without price versions (or with one that is no model): model-dependent rules
        # cannot be judged, and guessing would report problems that vanish once it is fixed.
        kinds = [getattr(v.model, "kind", None) for v in line.price_versions or ()]
        flat_only = None
        if kinds and None not in kinds:
            flat_only = all(kind is ModelKind.FLAT_FEE for kind in kinds)
        self.quantities(line, span, flat_only, path)
        self.activations(line, span, path)
        self.discounts(line.discounts, span, f"{path}.", flat_only)
        if line.commitment is not None:
            self.commitment(line.commitment, span, f"{path}.", flat_only)

    def versions(self, line: LineItem, span: _Span, path: str) -> None:
        versions = line.price_versions
        if not versions:
            self.add(f"{path}.priceVersions", "must have at least one version", "required")
            return
        for k, version in enumerate(versions):
            vpath = f"{path}.priceVersions[{k}]"
            start, end = version.start_on, version.end_on
            if end is not None and end < start:
                self.add(f"{vpath}.endDate", "must not be before startDate", "end_before_start")
            if k:
                before = versions[k - 1]
                if start < before.start_on:
                    self.add(f"{vpath}.startDate", "versions must be in date order", "unsorted")
                elif before.end_on is None:
                    self.add(f"{vpath}.startDate", "the previous version is open", "overlap")
                elif (start - before.end_on).days > 1:
                    self.add(f"{vpath}.startDate", f"gap after {before.end_on}", "gap")
                elif start <= before.end_on:
                    self.add(f"{vpath}.startDate", f"overlaps to {before.end_on}", "overlap")
            with self.guard(f"{vpath}.model"):
                self.model(version.model, line.charge_type is ChargeType.USAGE, f"{vpath}.model")
        if versions[0].start_on != span.start:
            message = f"must be the line's start {span.start}"
            self.add(f"{path}.priceVersions[0].startDate", message, "not_at_line_start")
        last = versions[-1].end_on
        if last is not None and (span.end is None or last < span.end):
            message = f"must be open or reach the line's end ({span.end or 'open-ended'})"
            self.add(
                f"{path}.priceVersions[{len(versions) - 1}].endDate", message, "ends_before_line"
            )

    def model(self, model: PricingModel, usage: bool, path: str) -> None:
        # Re-running the model's own constructor applies exactly its rules (tier ladders via
        # validate_tiers, package sizes, prices), so these checks cannot drift from the models'.
        try:
            dataclasses.replace(model)
        except InvalidArgument as error:
            self.adopt(error.problems, path)

    def schedule(self, line: LineItem, path: str) -> None:
        one_time = line.billing_cycle.unit is CycleUnit.ONE_TIME
        if line.charge_type is ChargeType.USAGE:
            if line.timing is not ChargeTiming.IN_ARREARS:
                self.add(f"{path}.timing", "usage is billed in arrears", "usage_in_advance")
            if one_time:
                message = "usage is metered over recurring periods"
                self.add(f"{path}.billingCycle.unit", message, "not_allowed")
            feature = line.metered_feature_id
            if not isinstance(feature, str) or not feature.strip():
                self.add(f"{path}.meteredFeatureId", "is required on a usage line", "required")
            self.usage_filter(line, path)
            return
        if line.usage_filter:
            self.add(f"{path}.usageFilter", "only a usage line filters usage", "not_allowed")
        if one_time and line.timing is not ChargeTiming.IN_ADVANCE:
            message = "a one-time charge is billed in advance"
            self.add(f"{path}.timing", message, "one_time_in_arrears")

    def usage_filter(self, line: LineItem, path: str) -> None:
        for index, condition in enumerate(line.usage_filter):
            where = f"{path}.usageFilter[{index}]"
            if condition.field == "eventName":
                message = "a usage line filters on dimensions; the meter chooses events by name"
                self.add(f"{where}.field", message, "not_allowed")
                continue
            self.problems += condition_problems(condition, where)

    def quantities(self, line: LineItem, span: _Span, flat_only: bool | None, path: str) -> None:
        qpath, usage = f"{path}.quantities", line.charge_type is ChargeType.USAGE
        if usage or flat_only:
            if line.quantities:
                kind = "usage" if usage else "flat-fee"
                self.add(qpath, f"a {kind} line has no contracted quantity", "not_allowed")
            return
        if flat_only is None:
            return
        if not line.quantities:
            self.add(qpath, "a line priced by quantity needs quantities", "required")
            return
        previous: date | None = None
        for j, change in enumerate(line.quantities):
            day, field = change.effective_on, f"{qpath}[{j}].effectiveDate"
            if previous is None:
                if day != span.start:
                    self.add(field, f"must be the line's start {span.start}", "not_at_line_start")
            elif day == previous:
                self.add(field, f"{day} is already set", "duplicate_date")
            elif day < previous:
                self.add(field, "must be after the previous entry's", "unsorted")
            elif not span.contains(day):
                self.add(field, span.inside, span.code)
            if not _between(change.quantity, Decimal(0), None):
                self.add(f"{qpath}[{j}].quantity", "must be zero or more", "out_of_range")
            previous = day

    def activations(self, line: LineItem, span: _Span, path: str) -> None:
        apath = f"{path}.activations"
        if not line.optional:
            if line.activations:
                self.add(apath, "only an optional item has activations", "not_allowed")
            return
        if not line.activations:
            self.add(apath, "an optional item needs an activation", "required")
            return
        sound = [self.window(w, span, f"{apath}[{j}]") for j, w in enumerate(line.activations)]
        for j in _overlapping(line.activations, sound):
            self.add(f"{apath}[{j}].startDate", "overlaps an earlier activation", "overlap")

    def discounts(
        self, discounts: Sequence[Discount], span: _Span, prefix: str, flat_only: bool | None
    ) -> None:
        sound: list[bool] = []
        for j, discount in enumerate(discounts):
            dpath = f"{prefix}discounts[{j}]"
            if discount.kind is DiscountKind.FREE_UNITS and (span.owner == "contract" or flat_only):
                where = "at contract level" if span.owner == "contract" else "on a flat fee"
                self.add(f"{dpath}.type", f"free units are not allowed {where}", "not_allowed")
            cap = Decimal(100) if discount.kind is DiscountKind.PERCENT else None
            if not _between(discount.value, Decimal(0), cap):
                message = "must be between 0 and 100" if cap else "must be zero or more"
                self.add(f"{dpath}.value", message, "out_of_range")
            sound.append(self.window(discount.window, span, dpath))
        for kind in DiscountKind:
            same = [j for j, d in enumerate(discounts) if d.kind is kind]
            windows = [discounts[j].window for j in same]
            for position in _overlapping(windows, [sound[j] for j in same]):
                message = f"overlaps an earlier {kind.value} discount"
                self.add(f"{prefix}discounts[{same[position]}]", message, "overlapping_discounts")

    def commitment(
        self, commitment: Commitment, span: _Span, prefix: str, flat_only: bool | None
    ) -> None:
        cpath, contract_level = f"{prefix}commitment", span.owner == "contract"
        total, per_period = commitment.total, commitment.per_period
        if (total is None) == (per_period is None):
            self.add(f"{cpath}.total", "set exactly one of total and perPeriod", "one_of")
        for name, value in (("total", total), ("perPeriod", per_period)):
            if value is not None and not (_between(value, Decimal(0), None) and value > 0):
                self.add(f"{cpath}.{name}", "must be more than 0", "out_of_range")
        if commitment.kind is CommitmentKind.QUANTITY and (contract_level or flat_only):
            where = "at contract level" if contract_level else "on a flat fee"
            self.add(
                f"{cpath}.type", f"a quantity commitment is not allowed {where}", "not_allowed"
            )
        self.window(commitment.window, span, cpath)
        # A total is spread over the window's days, and a contract-level commitment without a
        # cycle is evaluated once at the window's close: both need the window to end.
        unbounded = commitment.window.end_on is None and span.end is None
        if unbounded and (total is not None or (contract_level and commitment.cycle is None)):
            self.add(f"{cpath}.endDate", f"is required: the {span.owner} is open", "required")

    def window(self, window: DateWindow, span: _Span, path: str) -> bool:
        """Check an inclusive window against `span`; False when it ends before it starts."""
        start, end = window.start_on, window.end_on
        if start is not None and not span.contains(start):
            self.add(f"{path}.startDate", span.inside, span.code)
        if start is not None and end is not None and end < start:
            self.add(f"{path}.endDate", "must not be before startDate", "end_before_start")
            return False
        if end is not None and not span.contains(end):
            self.add(f"{path}.endDate", span.inside, span.code)
        return True

    def net_terms(self, days: int | None, path: str, *, optional: bool) -> None:
        if days is None and optional:
            return
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            self.add(path, "must be a whole number of days, 0 or more", "out_of_range")

    def tax_rate(self, rate: Decimal | None, path: str) -> None:
        if rate is not None and not _between(rate, Decimal(0), Decimal(100)):
            self.add(path, "must be a percentage between 0 and 100", "out_of_range")


def _overlapping(windows: Sequence[DateWindow], sound: Sequence[bool]) -> list[int]:
    """Positions of the well-formed windows that share a day with an earlier well-formed one."""
    return [
        j
        for j, window in enumerate(windows)
        if sound[j] and any(sound[m] and _share_a_day(windows[m], window) for m in range(j))
    ]


def _share_a_day(a: DateWindow, b: DateWindow) -> bool:
    # Inclusive dates, None unbounded: [a.start, a.end] and [b.start, b.end] intersect.
    return (a.start_on is None or b.end_on is None or a.start_on <= b.end_on) and (
        b.start_on is None or a.end_on is None or b.start_on <= a.end_on
    )


def _between(value: object, low: Decimal, high: Decimal | None) -> bool:
    """Whether `value` is an exact finite number with `low <= value <= high`."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return False
    number = Decimal(value)
    return number.is_finite() and low <= number and (high is None or number <= high)
