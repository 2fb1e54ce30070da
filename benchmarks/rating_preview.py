"""Benchmark: the invoice schedule of a 3-year monthly contract with 10 line items.

The contract has yearly price escalators (price versions), a seat ramp, tiered and volume
usage fed by daily usage records, discounts, an optional item and a commitment — the shape of
a real enterprise deal. Target (issue 4): ≤ 100 ms per preview.

    .venv/bin/python benchmarks/rating_preview.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from pactline.domain.calendar import Anchor, BillingCycle, CycleUnit
from pactline.domain.contracts import (
    ChargeType,
    Commitment,
    CommitmentKind,
    ContractTerms,
    DateWindow,
    Discount,
    DiscountKind,
    LineItem,
    PriceVersion,
    QuantityChange,
)
from pactline.domain.currency import currency
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating.models import FlatFee, Graduated, PerUnit, PricingModel, Volume
from pactline.domain.rating.schedule import invoice_schedule
from pactline.domain.rating.tiers import Tier
from pactline.domain.rating.usage import InlineUsage, UsageRecord

START, END = date(2026, 1, 1), date(2028, 12, 31)
MONTHLY = BillingCycle(CycleUnit.MONTH)


def yearly(model_for_year: list[PricingModel]) -> tuple[PriceVersion, ...]:
    """One price version per contract year: the yearly escalators of a multi-year deal."""
    return tuple(
        PriceVersion(
            start_on=date(START.year + n, 1, 1),
            end_on=date(START.year + n, 12, 31),
            model=model,
        )
        for n, model in enumerate(model_for_year)
    )


def ladder(*rows: tuple[str, str | None, str]) -> tuple[Tier, ...]:
    return tuple(
        Tier(Decimal(low), None if high is None else Decimal(high), Decimal(price))
        for low, high, price in rows
    )


def fixed(line_id: str, prices: list[str], seats: list[tuple[date, int]]) -> LineItem:
    return LineItem(
        id=line_id,
        name=line_id.replace("-", " ").title(),
        charge_type=ChargeType.FIXED,
        price_versions=yearly([PerUnit(Decimal(p)) for p in prices]),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ADVANCE,
        quantities=tuple(QuantityChange(day, Decimal(q)) for day, q in seats),
    )


def usage_line(line_id: str, models: list[PricingModel]) -> LineItem:
    return LineItem(
        id=line_id,
        name=line_id.replace("-", " ").title(),
        charge_type=ChargeType.USAGE,
        price_versions=yearly(models),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ARREARS,
        metered_feature_id=line_id,
        discounts=(Discount(DiscountKind.FREE_UNITS, Decimal(10_000)),),
    )


def contract() -> ContractTerms:
    api_tiers = ladder(("0", "1000000", "0.002"), ("1000000", None, "0.0015"))
    storage_tiers = ladder(("0", "500", "0.10"), ("500", None, "0.08"))
    lines = (
        LineItem(
            id="platform",
            name="Platform fee",
            charge_type=ChargeType.FIXED,
            price_versions=yearly([FlatFee(Decimal(p)) for p in ("5000", "5250", "5512.50")]),
            billing_cycle=MONTHLY,
            timing=ChargeTiming.IN_ADVANCE,
        ),
        fixed("seats", ["40", "42", "44.10"], [(START, 100), (date(2026, 4, 16), 150)]),
        fixed("admin-seats", ["80", "84", "88.20"], [(START, 5)]),
        fixed("sandboxes", ["200", "210", "220.50"], [(START, 2), (date(2027, 7, 1), 4)]),
        usage_line("api-calls", [Graduated(api_tiers)] * 3),
        usage_line("storage-gb", [Volume(storage_tiers)] * 3),
        usage_line("exports", [PerUnit(Decimal("0.25"))] * 3),
        usage_line("sms", [PerUnit(Decimal("0.0075"))] * 3),
        LineItem(
            id="premium-support",
            name="Premium support",
            charge_type=ChargeType.FIXED,
            price_versions=yearly([FlatFee(Decimal("1500"))] * 3),
            billing_cycle=MONTHLY,
            timing=ChargeTiming.IN_ADVANCE,
            optional=True,
            activations=(DateWindow(date(2026, 3, 10), date(2027, 2, 20)),),
        ),
        LineItem(
            id="data-residency",
            name="Data residency",
            charge_type=ChargeType.FIXED,
            price_versions=yearly([FlatFee(Decimal("12000"))] * 3),
            billing_cycle=BillingCycle(CycleUnit.YEAR),
            timing=ChargeTiming.IN_ADVANCE,
            anchor=Anchor(),
            commitment=None,
        ),
    )
    return ContractTerms(
        id="bench",
        name="Benchmark enterprise contract",
        customer_id="acme",
        currency=currency("USD"),
        timezone="America/New_York",
        start_on=START,
        end_on=END,
        line_items=lines,
        tax_rate=Decimal("8.875"),
        discounts=(Discount(DiscountKind.PERCENT, Decimal(5)),),
        commitment=Commitment(
            kind=CommitmentKind.AMOUNT, per_period=Decimal(30_000), cycle=MONTHLY
        ),
    )


def daily_usage() -> InlineUsage:
    records = []
    day = datetime(2026, 1, 1, 12, tzinfo=UTC)
    end = datetime(2028, 12, 31, 12, tzinfo=UTC)
    n = 0
    while day <= end:
        n += 1
        for line_id, base in (
            ("api-calls", 45_000),
            ("storage-gb", 20),
            ("exports", 40),
            ("sms", 900),
        ):
            records.append(UsageRecord(line_id, day, Decimal(base + (n * 37) % 101)))
        day += timedelta(days=1)
    return InlineUsage(records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    terms, usage = contract(), daily_usage()
    invoices = invoice_schedule(terms, usage)  # warm-up, and the figures below
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        invoice_schedule(terms, usage)
        timings.append((time.perf_counter() - started) * 1000)
    lines = sum(len(invoice.lines) for invoice in invoices)
    print(
        f"invoices: {len(invoices)}, lines: {lines}, total: {sum(i.total.amount for i in invoices)}"
    )
    print(
        f"preview ms over {args.repeat} runs: median {statistics.median(timings):.1f}, "
        f"min {min(timings):.1f}, max {max(timings):.1f}"
    )


if __name__ == "__main__":
    main()
