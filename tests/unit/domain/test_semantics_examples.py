"""The worked examples of docs/billing-semantics.md, one test each, named after the doc's section.

Every number quoted in the document is asserted here. Each example is a small contract draft,
parsed and rated exactly as `pactline contracts preview` does it. The comment beside each
expectation works it out by hand, following the rules of the document.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from pactline.api.schemas.contract_draft import parse_draft
from pactline.api.schemas.draft_terms import terms_from_draft
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoicing import Invoice, InvoiceLine
from pactline.domain.money import Money
from pactline.domain.rating.schedule import invoice_schedule
from pactline.domain.rating.usage import InlineUsage

# --- building drafts -----------------------------------------------------------------------------


def contract(start: str, end: str | None, *lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A USD, UTC draft from `start` to `end` (inclusive) with the given line items."""
    draft: dict[str, Any] = {
        "name": "Semantics example",
        "customerId": "cu_example",
        "currency": "USD",
        "startDate": start,
        "endDate": end,
        "lineItems": list(lines),
    }
    draft.update(fields)
    return draft


def fixed(line_id: str, model: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A FIXED line billed monthly (in advance unless `timing` says otherwise)."""
    line: dict[str, Any] = {
        "id": line_id,
        "name": line_id.replace("-", " ").capitalize(),
        "chargeType": "FIXED",
        "billingCycle": {"unit": "MONTH"},
        "priceVersions": [{"model": model}],
    }
    line.update(fields)
    return line


def metered(line_id: str, model: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A USAGE line billed monthly in arrears."""
    line: dict[str, Any] = {
        "id": line_id,
        "name": line_id.replace("-", " ").capitalize(),
        "chargeType": "USAGE",
        "meteredFeatureId": line_id,
        "billingCycle": {"unit": "MONTH"},
        "priceVersions": [{"model": model}],
    }
    line.update(fields)
    return line


def flat(price: str) -> dict[str, Any]:
    return {"type": "FLAT_FEE", "price": price}


def per_unit(price: str) -> dict[str, Any]:
    return {"type": "PER_UNIT", "price": price}


def qty(start: str, quantity: str) -> list[dict[str, Any]]:
    return [{"effectiveDate": start, "quantity": quantity}]


def use(line_id: str, at: str, quantity: str) -> dict[str, Any]:
    return {"lineItemId": line_id, "at": at, "quantity": quantity}


def schedule(draft: dict[str, Any], **options: Any) -> list[Invoice]:
    """Every invoice of the draft, as the preview computes them."""
    terms, usage = terms_from_draft(parse_draft(draft))
    return invoice_schedule(terms, InlineUsage(usage), **options)


def problem_codes(draft: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InvalidArgument) as raised:
        schedule(draft)
    return [(p.field, p.code) for p in raised.value.problems]


# --- reading invoices ----------------------------------------------------------------------------


def m(money: Money) -> str:
    return str(money.amount)


def totals(invoices: list[Invoice]) -> list[tuple[str, str, str]]:
    """(issue date, due date, total) per invoice."""
    return [(i.issue_on.isoformat(), i.due_on.isoformat(), m(i.total)) for i in invoices]


def amounts(invoice: Invoice) -> list[tuple[str, str, str]]:
    """(covered days, amount, discount) per line; days as "first..last", both inclusive."""
    return [(days(line), m(line.amount), m(line.discount)) for line in invoice.lines]


def days(line: InvoiceLine) -> str:
    last_on = line.period_end_on - timedelta(days=1)
    return f"{line.period_start_on.isoformat()}..{last_on.isoformat()}"


def by_issue(invoices: list[Invoice], issued: str) -> Invoice:
    (invoice,) = [i for i in invoices if i.issue_on.isoformat() == issued]
    return invoice


def summary(invoice: Invoice) -> tuple[str, str, str, str]:
    return (m(invoice.subtotal), m(invoice.discount), m(invoice.tax), m(invoice.total))


# === 1. Money and rounding =======================================================================


def sms_march(currency: str, rounding: str) -> InvoiceLine:
    """150 text messages at 0.0235 each in March 2026: exactly 3.525."""
    draft = contract(
        "2026-03-01",
        "2026-03-31",
        metered("sms", per_unit("0.0235")),
        currency=currency,
        rounding=rounding,
        usage=[use("sms", "2026-03-12", "150")],
    )
    (invoice,) = schedule(draft)
    (line,) = invoice.lines
    return line


def test_money_one_rounding_to_the_currencys_minor_unit() -> None:
    # 150 × 0.0235 = 3.525 exactly, rounded once at the end.
    line = sms_march("USD", "HALF_UP")
    assert (str(line.unit_price), m(line.amount)) == ("0.0235", "3.53")  # rate kept as written
    assert m(sms_march("USD", "HALF_EVEN").amount) == "3.52"  # tie → even cent
    assert m(sms_march("KWD", "HALF_UP").amount) == "3.525"  # 3 minor digits: no rounding
    assert m(sms_march("CLF", "HALF_UP").amount) == "3.5250"  # 4 minor digits
    assert m(sms_march("JPY", "HALF_UP").amount) == "4"  # no minor digits


def test_money_decimals_must_be_exact() -> None:
    draft = contract(
        "2026-03-01", "2026-03-31", fixed("platform", {"type": "FLAT_FEE", "price": 0.1})
    )
    with pytest.raises(InvalidArgument) as raised:
        parse_draft(draft)
    assert [(p.field, p.code) for p in raised.value.problems] == [
        ("lineItems[0].priceVersions[0].model.price", "float_not_allowed")
    ]


def test_money_invoice_totals_are_sums_of_rounded_lines() -> None:
    # Three lines of 10.05 at 7.5 % tax: 0.75375 each → 0.75; the invoice tax is 3 × 0.75 = 2.25,
    # not 7.5 % of 30.15 = 2.26125 → 2.26.
    draft = contract(
        "2026-05-01",
        "2026-05-31",
        fixed("maps", flat("10.05")),
        fixed("geocoding", flat("10.05")),
        fixed("routing", flat("10.05")),
        taxRate="7.5",
    )
    (invoice,) = schedule(draft)
    assert [m(line.tax) for line in invoice.lines] == ["0.75", "0.75", "0.75"]
    assert summary(invoice) == ("30.15", "0.00", "2.25", "32.40")


# === 2. Dates, periods, timezones ================================================================


def test_dates_inclusive_dates_and_stubs_at_both_ends() -> None:
    # 20 March – 9 June 2026, 300.00 a month anchored on the 1st, in advance, net 30.
    draft = contract(
        "2026-03-20",
        "2026-06-09",
        fixed("platform", flat("300"), anchor={"dayOfMonth": 1}),
    )
    invoices = schedule(draft)
    assert [amounts(i) for i in invoices] == [
        [("2026-03-20..2026-03-31", "116.13", "0.00")],  # 300 × 12/31 = 116.129…
        [("2026-04-01..2026-04-30", "300.00", "0.00")],
        [("2026-05-01..2026-05-31", "300.00", "0.00")],
        [("2026-06-01..2026-06-09", "90.00", "0.00")],  # 300 × 9/30
    ]
    assert totals(invoices) == [
        ("2026-03-20", "2026-04-19", "116.13"),
        ("2026-04-01", "2026-05-01", "300.00"),
        ("2026-05-01", "2026-05-31", "300.00"),
        ("2026-06-01", "2026-07-01", "90.00"),
    ]


def test_dates_end_of_month_anchors() -> None:
    # Starting 30 January 2027 without an anchor: boundaries on the 30th, or the last day of
    # a shorter month (28 February 2027), back on the 30th in March.
    draft = contract("2027-01-30", "2027-05-29", fixed("platform", flat("450")))
    invoices = schedule(draft)
    assert [amounts(i) for i in invoices] == [
        [("2027-01-30..2027-02-27", "450.00", "0.00")],
        [("2027-02-28..2027-03-29", "450.00", "0.00")],
        [("2027-03-30..2027-04-29", "450.00", "0.00")],
        [("2027-04-30..2027-05-29", "450.00", "0.00")],
    ]
    # lastDay in the leap year 2028: issued on Jan 31, Feb 29, Mar 31 and Apr 30.
    leap = contract(
        "2028-01-31", "2028-05-30", fixed("platform", flat("450"), anchor={"lastDay": True})
    )
    assert [i.issue_on.isoformat() for i in schedule(leap)] == [
        "2028-01-31",
        "2028-02-29",
        "2028-03-31",
        "2028-04-30",
    ]


def test_dates_quarterly_cycles_with_and_without_an_anchor_month() -> None:
    # 910.00 a quarter from 15 May 2026. Calendar quarters: the stub May 15 – Jun 30 is 47 of
    # Q2's 91 days, 910 × 47/91 = 470.00.
    calendar = {"dayOfMonth": 1, "month": 1}
    line = fixed("licence", flat("910"), billingCycle={"unit": "QUARTER"}, anchor=calendar)
    invoices = schedule(contract("2026-05-15", "2026-12-31", line))
    assert [amounts(i) for i in invoices] == [
        [("2026-05-15..2026-06-30", "470.00", "0.00")],
        [("2026-07-01..2026-09-30", "910.00", "0.00")],
        [("2026-10-01..2026-12-31", "910.00", "0.00")],
    ]
    # Without an anchor the quarters start on the 15th of May, August, November; the last
    # period Nov 15 – Dec 31 is 47 of the 92 days to Feb 14: 910 × 47/92 = 464.891… → 464.89.
    line = fixed("licence", flat("910"), billingCycle={"unit": "QUARTER"})
    invoices = schedule(contract("2026-05-15", "2026-12-31", line))
    assert [amounts(i) for i in invoices] == [
        [("2026-05-15..2026-08-14", "910.00", "0.00")],
        [("2026-08-15..2026-11-14", "910.00", "0.00")],
        [("2026-11-15..2026-12-31", "464.89", "0.00")],
    ]


def test_dates_weekly_cycle_on_a_weekday() -> None:
    # 70.00 a week, weeks starting Monday; the contract starts Wednesday 4 March 2026:
    # Mar 4–8 is 5 of 7 days, 50.00.
    line = fixed("support", flat("70"), billingCycle={"unit": "WEEK"}, anchor={"weekday": 1})
    invoices = schedule(contract("2026-03-04", "2026-03-22", line))
    assert [amounts(i) for i in invoices] == [
        [("2026-03-04..2026-03-08", "50.00", "0.00")],
        [("2026-03-09..2026-03-15", "70.00", "0.00")],
        [("2026-03-16..2026-03-22", "70.00", "0.00")],
    ]


def test_dates_the_contract_timezone_places_usage_in_a_period() -> None:
    # 500 calls at 23:30 on 28 February in Los Angeles (07:30 UTC on 1 March) and 200 calls
    # recorded with the plain date 2026-03-01, at 0.10 a call.
    def calls(timezone: str) -> list[tuple[str, str, str]]:
        draft = contract(
            "2026-02-01",
            "2026-03-31",
            metered("calls", per_unit("0.10")),
            timezone=timezone,
            usage=[
                use("calls", "2026-02-28T23:30:00-08:00", "500"),
                use("calls", "2026-03-01", "200"),
            ],
        )
        return totals(schedule(draft))

    assert calls("America/Los_Angeles") == [
        ("2026-03-01", "2026-03-31", "50.00"),  # February: the 500 calls
        ("2026-04-01", "2026-05-01", "20.00"),  # March: the 200 calls
    ]
    assert calls("UTC") == [
        ("2026-03-01", "2026-03-31", "0.00"),
        ("2026-04-01", "2026-05-01", "70.00"),  # both fall in March in UTC
    ]


def test_dates_a_day_without_midnight_starts_at_the_changeover() -> None:
    # Santiago skips 00:00–01:00 on 6 September 2026, so that day starts at 01:00 local, which
    # is 04:00 UTC. A contract starting that day takes usage from 04:00 UTC, not before.
    def draft(at: str) -> dict[str, Any]:
        return contract(
            "2026-09-06",
            "2026-09-30",
            metered("calls", per_unit("1")),
            timezone="America/Santiago",
            usage=[use("calls", at, "5")],
        )

    assert totals(schedule(draft("2026-09-06T04:00:00Z"))) == [("2026-10-01", "2026-10-31", "5.00")]
    assert totals(schedule(draft("2026-09-06"))) == [("2026-10-01", "2026-10-31", "5.00")]
    assert problem_codes(draft("2026-09-06T03:59:00Z")) == [("usage[0].at", "outside_contract")]


def test_dates_charge_timing_issue_and_due_dates() -> None:
    # July – September 2026, net 15. A one-time setup fee starting 10 July at net 0; hosting in
    # advance; support in arrears; API calls (usage, so in arrears): 20,000 in July at 0.01.
    draft = contract(
        "2026-07-01",
        "2026-09-30",
        fixed(
            "setup",
            flat("1200"),
            billingCycle={"unit": "ONE_TIME"},
            startDate="2026-07-10",
            netTermsDays=0,
        ),
        fixed("hosting", flat("900")),
        fixed("support", flat("400"), timing="IN_ARREARS"),
        metered("calls", per_unit("0.01")),
        netTermsDays=15,
        usage=[use("calls", "2026-07-15", "20000")],
    )
    invoices = schedule(draft)
    assert totals(invoices) == [
        ("2026-07-01", "2026-07-16", "900.00"),  # hosting for July
        ("2026-07-10", "2026-07-10", "1200.00"),  # setup, on the line's start, net 0
        ("2026-08-01", "2026-08-16", "1500.00"),  # hosting Aug + support Jul + calls Jul
        ("2026-09-01", "2026-09-16", "1300.00"),  # hosting Sep + support Aug + calls Aug (0)
        ("2026-10-01", "2026-10-16", "400.00"),  # support Sep + calls Sep (0)
    ]
    assert [(line.line_item_id, days(line)) for line in invoices[2].lines] == [
        ("hosting", "2026-08-01..2026-08-31"),
        ("support", "2026-07-01..2026-07-31"),
        ("calls", "2026-07-01..2026-07-31"),
    ]


# === 3. Pricing models ===========================================================================

LADDER = [
    {"from": "0", "to": "50", "price": "4.00"},
    {"from": "50", "to": "200", "price": "3.00", "flatFee": "15"},
    {"from": "200", "price": "2.00"},
]
BANDS = [
    {"from": "0", "to": "50", "price": "150"},
    {"from": "50", "to": "200", "price": "400"},
    {"from": "200", "price": "900"},
]


def priced(model: dict[str, Any], quantity: str) -> tuple[str, str]:
    """(fixed twin, usage twin): what `quantity` costs for March 2026 as a contracted quantity
    and as metered usage."""
    fixed_draft = contract(
        "2026-03-01", "2026-03-31", fixed("item", model, quantities=qty("2026-03-01", quantity))
    )
    usage_draft = contract(
        "2026-03-01",
        "2026-03-31",
        metered("item", model),
        usage=[use("item", "2026-03-09", quantity)],
    )
    ((fixed_invoice,), (usage_invoice,)) = schedule(fixed_draft), schedule(usage_draft)
    return m(fixed_invoice.total), m(usage_invoice.total)


def test_pricing_flat_fee() -> None:
    # The fixed twin: 500.00 a period, with no quantity and no unit price on the line.
    (invoice,) = schedule(contract("2026-03-01", "2026-03-31", fixed("platform", flat("500"))))
    (line,) = invoice.lines
    assert (m(line.amount), line.quantity, line.unit_price) == ("500.00", None, None)


def test_pricing_flat_fee_usage_twin() -> None:
    # BILLING-SEMANTICS §3: every model has a usage twin; a flat fee's is `price` per period
    # whatever the usage, billed in arrears: 500.00 for March on Apr 1.
    draft = contract(
        "2026-03-01",
        "2026-03-31",
        metered("calls", flat("500")),
        usage=[use("calls", "2026-03-09", "120")],
    )
    (invoice,) = schedule(draft)
    assert (invoice.issue_on.isoformat(), m(invoice.total)) == ("2026-04-01", "500.00")


def test_pricing_flat_fee_usage_twin_bills_once_per_period_at_the_closing_price() -> None:
    # A stub from Mar 11 and a price change on Mar 21: still one fee for the period, not
    # prorated, at the version in effect on Mar 31 (650.00), shared between the two segments.
    line = metered(
        "calls",
        flat("500"),
        startDate="2026-03-11",
        priceVersions=[
            {"startDate": "2026-03-11", "endDate": "2026-03-20", "model": flat("500")},
            {"startDate": "2026-03-21", "model": flat("650")},
        ],
    )
    draft = contract("2026-03-11", "2026-03-31", line, usage=[use("calls", "2026-03-12", "5")])
    (invoice,) = schedule(draft)
    assert m(invoice.subtotal) == "650.00"
    assert len(invoice.lines) == 2


def test_pricing_per_unit() -> None:
    assert priced(per_unit("4.00"), "120") == ("480.00", "480.00")  # 120 × 4.00


def test_pricing_package() -> None:
    package = {"type": "PACKAGE", "price": "40.00", "packageSize": "25"}
    assert priced(package, "120") == ("200.00", "200.00")  # ceil(120/25) = 5 packages
    assert priced(package, "100") == ("160.00", "160.00")  # exactly 4 packages
    assert priced(package, "100.5") == ("200.00", "200.00")  # 4.02 → 5 packages
    assert priced(package, "0") == ("0.00", "0.00")
    odd_size = {"type": "PACKAGE", "price": "40.00", "packageSize": "2.5"}
    draft = contract(
        "2026-03-01", "2026-03-31", fixed("item", odd_size, quantities=qty("2026-03-01", "1"))
    )
    assert problem_codes(draft) == [("lineItems[0].priceVersions[0].model.packageSize", "invalid")]


def test_pricing_tiered() -> None:
    tiered = {"type": "TIERED", "tiers": LADDER}
    assert priced(tiered, "120") == ("425.00", "425.00")  # 50 × 4 + 70 × 3 + 15
    assert priced(tiered, "50") == ("200.00", "200.00")  # 50 is on row 1's `to`: no flat fee
    assert priced(tiered, "250") == ("765.00", "765.00")  # 200 + 150 × 3 + 15 + 50 × 2


def test_pricing_volume() -> None:
    volume = {"type": "VOLUME", "tiers": LADDER}
    assert priced(volume, "120") == ("375.00", "375.00")  # 120 × 3 + 15
    assert priced(volume, "50") == ("200.00", "200.00")  # 50 × 4 (lower row)
    assert priced(volume, "250") == ("500.00", "500.00")  # 250 × 2
    assert priced(volume, "0") == ("0.00", "0.00")


def test_pricing_stairstep() -> None:
    stairstep = {"type": "STAIRSTEP", "tiers": BANDS}
    assert priced(stairstep, "120") == ("400.00", "400.00")
    assert priced(stairstep, "50") == ("150.00", "150.00")
    assert priced(stairstep, "0") == ("0.00", "0.00")
    with_fee = {"type": "STAIRSTEP", "tiers": [{**BANDS[0], "flatFee": "5"}, *BANDS[1:]]}
    draft = contract(
        "2026-03-01", "2026-03-31", fixed("item", with_fee, quantities=qty("2026-03-01", "1"))
    )
    assert problem_codes(draft) == [
        ("lineItems[0].priceVersions[0].model.tiers[0].flatFee", "invalid")
    ]


# === 4. Proration and segments ===================================================================


def test_proration_a_price_change_splits_the_period() -> None:
    # 10 seats at 30.00 a month, 33.00 from 21 April 2026; billed in advance on April 1.
    versions = [
        {"endDate": "2026-04-20", "model": per_unit("30.00")},
        {"startDate": "2026-04-21", "model": per_unit("33.00")},
    ]
    line = fixed("seats", per_unit("0"), priceVersions=versions, quantities=qty("2026-04-01", "10"))
    (invoice,) = schedule(contract("2026-04-01", "2026-04-30", line))
    assert invoice.issue_on.isoformat() == "2026-04-01"
    assert amounts(invoice) == [
        ("2026-04-01..2026-04-20", "200.00", "0.00"),  # 10 × 30 × 20/30
        ("2026-04-21..2026-04-30", "110.00", "0.00"),  # 10 × 33 × 10/30
    ]


def test_proration_actual_days_and_thirty_360() -> None:
    # 600.00 a month; one line starts 11 January, the other 15 February 2026.
    def stubs(proration: str) -> list[str]:
        draft = contract(
            "2026-01-01",
            "2026-03-31",
            fixed("analytics", flat("600"), startDate="2026-01-11", anchor={"dayOfMonth": 1}),
            fixed("archive", flat("600"), startDate="2026-02-15", anchor={"dayOfMonth": 1}),
            proration=proration,
        )
        invoices = schedule(draft)
        return [m(invoice.total) for invoice in invoices]

    # Issued Jan 11 (analytics stub), Feb 1 (analytics), Feb 15 (archive stub), Mar 1 (both).
    assert stubs("ACTUAL_DAYS") == [
        "406.45",  # 600 × 21/31 = 406.451…
        "600.00",
        "300.00",  # 600 × 14/28
        "1200.00",
    ]
    assert stubs("THIRTY_360") == [
        "400.00",  # Jan 11 → Feb 1 counts 20 of 30 days
        "600.00",
        "320.00",  # Feb 15 → Mar 1 counts 16 of 30 days
        "1200.00",
    ]


def test_proration_usage_tiers_per_segment_or_at_the_closing_version() -> None:
    # June 2026. Until Jun 15: 0.05 up to 1,000 calls, then 0.03; from Jun 16: 0.04, then 0.02.
    # 800 calls on Jun 10 and 900 on Jun 25.
    def june(reset: str) -> list[tuple[str, str, str]]:
        versions = [
            {
                "endDate": "2026-06-15",
                "model": {
                    "type": "TIERED",
                    "tiers": [
                        {"from": "0", "to": "1000", "price": "0.05"},
                        {"from": "1000", "price": "0.03"},
                    ],
                },
            },
            {
                "startDate": "2026-06-16",
                "model": {
                    "type": "TIERED",
                    "tiers": [
                        {"from": "0", "to": "1000", "price": "0.04"},
                        {"from": "1000", "price": "0.02"},
                    ],
                },
            },
        ]
        draft = contract(
            "2026-06-01",
            "2026-06-30",
            metered("calls", per_unit("0"), priceVersions=versions),
            usageTierReset=reset,
            usage=[use("calls", "2026-06-10", "800"), use("calls", "2026-06-25", "900")],
        )
        (invoice,) = schedule(draft)
        return amounts(invoice)

    assert june("PER_SEGMENT") == [
        ("2026-06-01..2026-06-15", "40.00", "0.00"),  # 800 × 0.05
        ("2026-06-16..2026-06-30", "36.00", "0.00"),  # 900 × 0.04: the ladder starts again
    ]
    # 1,700 calls at the closing version: 1000 × 0.04 + 700 × 0.02 = 54.00, shared by calls:
    # 54 × 800/1700 = 25.411… and 54 × 900/1700 = 28.588….
    assert june("PERIOD_END_VERSION") == [
        ("2026-06-01..2026-06-15", "25.41", "0.00"),
        ("2026-06-16..2026-06-30", "28.59", "0.00"),
    ]


def test_proration_each_segment_is_rounded_on_its_own() -> None:
    # 100.00 a month with 10 % off April 11–20: April is cut into three 10-day segments worth
    # 33.333… each, and each line rounds to 33.33.
    line = fixed(
        "platform",
        flat("100"),
        discounts=[
            {"type": "PERCENT", "value": "10", "startDate": "2026-04-11", "endDate": "2026-04-20"}
        ],
    )
    (invoice,) = schedule(contract("2026-04-01", "2026-04-30", line))
    assert amounts(invoice) == [
        ("2026-04-01..2026-04-10", "33.33", "0.00"),
        ("2026-04-11..2026-04-20", "33.33", "3.33"),
        ("2026-04-21..2026-04-30", "33.33", "0.00"),
    ]
    assert summary(invoice) == ("99.99", "3.33", "0.00", "96.66")


def test_proration_price_versions_must_cover_the_line() -> None:
    versions = [
        {"endDate": "2026-04-10", "model": per_unit("30.00")},
        {"startDate": "2026-04-15", "model": per_unit("33.00")},
    ]
    line = fixed("seats", per_unit("0"), priceVersions=versions, quantities=qty("2026-04-01", "10"))
    assert problem_codes(contract("2026-04-01", "2026-04-30", line)) == [
        ("lineItems[0].priceVersions[1].startDate", "gap")
    ]


def seat_contract(timing: str, **fields: Any) -> dict[str, Any]:
    """40 seats at 20.00 a month from 1 September 2026, 25 seats from 21 September."""
    quantities = [
        {"effectiveDate": "2026-09-01", "quantity": "40"},
        {"effectiveDate": "2026-09-21", "quantity": "25"},
    ]
    line = fixed("seats", per_unit("20.00"), quantities=quantities, timing=timing)
    return contract("2026-09-01", "2026-10-31", line, **fields)


def test_quantities_in_advance_change_settled_by_an_adjustment() -> None:
    invoices = schedule(seat_contract("IN_ADVANCE"))
    assert [amounts(i) for i in invoices] == [
        [("2026-09-01..2026-09-30", "800.00", "0.00")],  # 40 × 20, the quantity on Sep 1
        [
            ("2026-09-01..2026-09-30", "-100.00", "0.00"),  # (25 − 40) × 20 × 10/30
            ("2026-10-01..2026-10-31", "500.00", "0.00"),  # 25 × 20
        ],
    ]
    adjustment = invoices[1].lines[0]
    assert (adjustment.kind.value, str(adjustment.quantity)) == ("ADJUSTMENT", "-5")
    assert adjustment.description == "Seats quantity adjustment (Sep 1 – Sep 30, 2026)"
    assert m(invoices[1].total) == "400.00"


def test_quantities_in_arrears_bill_each_quantity_for_its_days() -> None:
    invoices = schedule(seat_contract("IN_ARREARS"))
    assert [amounts(i) for i in invoices] == [
        [
            ("2026-09-01..2026-09-20", "533.33", "0.00"),  # 40 × 20 × 20/30 = 533.333…
            ("2026-09-21..2026-09-30", "166.67", "0.00"),  # 25 × 20 × 10/30 = 166.666…
        ],
        [("2026-10-01..2026-10-31", "500.00", "0.00")],
    ]
    assert totals(invoices) == [
        ("2026-10-01", "2026-10-31", "700.00"),
        ("2026-11-01", "2026-12-01", "500.00"),
    ]


def test_optional_items_bill_only_inside_their_activations() -> None:
    # Premium support 300.00 a month, active Nov 10–24, 2026: 15 of 30 days = 150.00 on the
    # Nov 1 invoice. Burst capacity at 1.00 a unit, active the same days: of 100 units on Nov 5
    # and 40 on Nov 15 only the 40 are billed.
    window = [{"startDate": "2026-11-10", "endDate": "2026-11-24"}]
    draft = contract(
        "2026-11-01",
        "2026-11-30",
        fixed("premium-support", flat("300"), optional=True, activations=window),
        metered("burst", per_unit("1.00"), optional=True, activations=window),
        usage=[use("burst", "2026-11-05", "100"), use("burst", "2026-11-15", "40")],
    )
    invoices = schedule(draft)
    assert [(i.issue_on.isoformat(), amounts(i)) for i in invoices] == [
        ("2026-11-01", [("2026-11-10..2026-11-24", "150.00", "0.00")]),
        ("2026-12-01", [("2026-11-10..2026-11-24", "40.00", "0.00")]),
    ]


# === 5. Discounts ================================================================================


def test_discounts_on_a_line_apply_free_units_then_percent_then_amount() -> None:
    # 12 seats at 25.00 in August 2026, 2 seats free, 10 % off, then 30.00 off:
    # 10 × 25 = 250.00; 10 % → 25.00; 30.00 more → discount 55.00, net 195.00.
    discounts = [
        {"type": "AMOUNT", "value": "30"},
        {"type": "PERCENT", "value": "10"},
        {"type": "FREE_UNITS", "value": "2"},
    ]
    line = fixed(
        "seats", per_unit("25.00"), quantities=qty("2026-08-01", "12"), discounts=discounts
    )
    (invoice,) = schedule(contract("2026-08-01", "2026-08-31", line))
    (charge,) = invoice.lines
    assert (str(charge.quantity), m(charge.amount), m(charge.discount)) == ("10", "250.00", "55.00")
    assert m(invoice.total) == "195.00"


def test_discounts_amount_off_is_prorated_and_stops_at_zero() -> None:
    # Reporting 200.00 a month with 150.00 off, from 11 June 2026 (a 20-of-30-day stub):
    # 133.33 − 100.00. Archive 80.00 a month with 100.00 off: never below zero.
    draft = contract(
        "2026-06-11",
        "2026-07-31",
        fixed(
            "reporting",
            flat("200"),
            anchor={"dayOfMonth": 1},
            discounts=[{"type": "AMOUNT", "value": "150"}],
        ),
        fixed(
            "archive",
            flat("80"),
            anchor={"dayOfMonth": 1},
            discounts=[{"type": "AMOUNT", "value": "100"}],
        ),
    )
    invoices = schedule(draft)
    assert [amounts(i) for i in invoices] == [
        [
            ("2026-06-11..2026-06-30", "133.33", "100.00"),  # 200 × 20/30; 150 × 20/30
            ("2026-06-11..2026-06-30", "53.33", "53.33"),  # 80 × 20/30, all of it off
        ],
        [
            ("2026-07-01..2026-07-31", "200.00", "150.00"),
            ("2026-07-01..2026-07-31", "80.00", "80.00"),
        ],
    ]
    assert [m(i.total) for i in invoices] == ["33.33", "50.00"]


def test_discounts_a_window_cuts_the_period() -> None:
    # 310.00 a month with 50 % off July 1–10, 2026: 100.00 (10/31) half off, then 210.00.
    line = fixed(
        "platform",
        flat("310"),
        discounts=[
            {"type": "PERCENT", "value": "50", "startDate": "2026-07-01", "endDate": "2026-07-10"}
        ],
    )
    (invoice,) = schedule(contract("2026-07-01", "2026-07-31", line))
    assert amounts(invoice) == [
        ("2026-07-01..2026-07-10", "100.00", "50.00"),
        ("2026-07-11..2026-07-31", "210.00", "0.00"),
    ]


def test_discounts_free_units_on_usage_are_one_allowance_per_period() -> None:
    # 1,000 free units a month; 0.50 a unit until Aug 15, 2026, then 0.40. Usage: 600 on Aug 5,
    # 900 on Aug 20. The allowance covers the 600 first, then 400 of the 900: 500 × 0.40.
    versions = [
        {"endDate": "2026-08-15", "model": per_unit("0.50")},
        {"startDate": "2026-08-16", "model": per_unit("0.40")},
    ]
    draft = contract(
        "2026-08-01",
        "2026-08-31",
        metered(
            "storage",
            per_unit("0"),
            priceVersions=versions,
            discounts=[{"type": "FREE_UNITS", "value": "1000"}],
        ),
        usage=[use("storage", "2026-08-05", "600"), use("storage", "2026-08-20", "900")],
    )
    (invoice,) = schedule(draft)
    assert [(str(line.quantity), m(line.amount)) for line in invoice.lines] == [
        ("0", "0.00"),
        ("500", "200.00"),
    ]


def test_discounts_contract_level_after_line_discounts_shared_by_largest_remainder() -> None:
    # Three 100.00 lines; seats has 20 % off of its own (net 80.00). Contract: 5 % off, then
    # 10.00 off. Base 280.00 → 5 % = 14.00 → 266.00 → 10.00 → 256.00: 24.00 off, shared
    # 100 : 80 : 100 → 8.571…, 6.857…, 8.571… → 8.57 + 6.86 + 8.57 (the largest remainder,
    # 0.714 cent, takes the last cent). Tax 10 % on each net.
    draft = contract(
        "2026-10-01",
        "2026-10-31",
        fixed("platform", flat("100")),
        fixed("seats", flat("100"), discounts=[{"type": "PERCENT", "value": "20"}]),
        fixed("support", flat("100")),
        taxRate="10",
        discounts=[{"type": "AMOUNT", "value": "10"}, {"type": "PERCENT", "value": "5"}],
    )
    (invoice,) = schedule(draft)
    assert [(m(line.discount), m(line.net), m(line.tax)) for line in invoice.lines] == [
        ("8.57", "91.43", "9.14"),
        ("26.86", "73.14", "7.31"),  # 20.00 of its own + 6.86
        ("8.57", "91.43", "9.14"),
    ]
    assert summary(invoice) == ("300.00", "44.00", "25.59", "281.59")


def test_discounts_contract_level_credit_lines_take_no_share() -> None:
    # The Oct 1 invoice of the seat example (500.00 and a −100.00 adjustment) with 10 % off the
    # contract: 10 % of 400.00 = 40.00, all of it on the 500.00 line.
    invoices = schedule(seat_contract("IN_ADVANCE", discounts=[{"type": "PERCENT", "value": "10"}]))
    october = by_issue(invoices, "2026-10-01")
    assert [(m(line.amount), m(line.discount)) for line in october.lines] == [
        ("-100.00", "0.00"),
        ("500.00", "40.00"),
    ]
    assert m(october.total) == "360.00"
    assert m(by_issue(invoices, "2026-09-01").total) == "720.00"  # 800 − 80


def test_discounts_contract_amount_applies_to_each_invoice() -> None:
    # 50.00 off the contract; support is invoiced separately, so January 2026 has two invoices
    # and each of them gets the 50.00.
    draft = contract(
        "2026-01-01",
        "2026-01-31",
        fixed("platform", flat("2000")),
        fixed("support", flat("500"), separateInvoice=True),
        discounts=[{"type": "AMOUNT", "value": "50"}],
    )
    assert [(i.billing_group, m(i.discount), m(i.total)) for i in schedule(draft)] == [
        ("default", "50.00", "1950.00"),
        ("support", "50.00", "450.00"),
    ]


def test_discounts_contract_level_reaches_true_up_lines() -> None:
    # 500.00 a month committed on the API line, 400 units at 1.00 used in April 2026: a 100.00
    # true-up. 10 % off the contract takes 40.00 from the charge and 10.00 from the true-up.
    line = metered("api", per_unit("1.00"), commitment={"type": "AMOUNT", "perPeriod": "500"})
    draft = contract(
        "2026-04-01",
        "2026-04-30",
        line,
        discounts=[{"type": "PERCENT", "value": "10"}],
        usage=[use("api", "2026-04-15", "400")],
    )
    (invoice,) = schedule(draft)
    assert [(line.kind.value, m(line.amount), m(line.discount)) for line in invoice.lines] == [
        ("CHARGE", "400.00", "40.00"),
        ("COMMITMENT_TRUE_UP", "100.00", "10.00"),
    ]
    assert m(invoice.total) == "450.00"


def test_discounts_contract_window_is_judged_by_issue_date() -> None:
    # 10 % off the contract for invoices issued in September 2026. Hosting 500.00 a month in
    # advance, transfer in arrears: 1,000.00 of August usage on Sep 1, 1,200.00 of September's
    # on Oct 1.
    draft = contract(
        "2026-08-01",
        "2026-09-30",
        fixed("hosting", flat("500")),
        metered("transfer", per_unit("1")),
        discounts=[
            {"type": "PERCENT", "value": "10", "startDate": "2026-09-01", "endDate": "2026-09-30"}
        ],
        usage=[use("transfer", "2026-08-20", "1000"), use("transfer", "2026-09-20", "1200")],
    )
    invoices = schedule(draft)
    assert [(i.issue_on.isoformat(), summary(i)) for i in invoices] == [
        ("2026-08-01", ("500.00", "0.00", "0.00", "500.00")),
        ("2026-09-01", ("1500.00", "150.00", "0.00", "1350.00")),  # Sep fee + Aug usage
        ("2026-10-01", ("1200.00", "0.00", "0.00", "1200.00")),  # issued after the window
    ]


# === 6. Minimum commitments ======================================================================


def true_ups(invoices: list[Invoice]) -> list[str]:
    """The amount of each invoice's true-up line, "-" when it has none (no shortfall)."""
    found = []
    for invoice in invoices:
        lines = [line for line in invoice.lines if line.kind.value == "COMMITMENT_TRUE_UP"]
        found.append(m(lines[0].amount) if lines else "-")
    return found


def spend_contract(commitment: dict[str, Any], *spend: str) -> list[Invoice]:
    """A usage line at 1.00 a unit, April – June 2026, with the given monthly spend."""
    usage = [
        use("api", day, amount)
        for day, amount in zip(("2026-04-15", "2026-05-15", "2026-06-15"), spend, strict=True)
    ]
    line = metered("api", per_unit("1.00"), commitment=commitment)
    return schedule(contract("2026-04-01", "2026-06-30", line, usage=usage))


def test_commitment_greedy_and_cumulative() -> None:
    # 1,820.00 over Apr–Jun 2026 (91 days, 20.00 a day): shares 600, 620, 600.
    greedy = {"type": "AMOUNT", "mode": "GREEDY", "total": "1820"}
    cumulative = {"type": "AMOUNT", "mode": "CUMULATIVE", "total": "1820"}
    # Spend 700, 300, 650: May misses its own 620 by 320 (greedy); cumulatively May is
    # 1,220 − 1,000 = 220 short, and June's 650 leaves nothing more.
    assert true_ups(spend_contract(greedy, "700", "300", "650")) == ["-", "320.00", "-"]
    assert true_ups(spend_contract(cumulative, "700", "300", "650")) == ["-", "220.00", "-"]
    # Spend 250, 1100, 100: April is 350 short; June would be 500 short of its share, but only
    # 1,820 − (250 + 1,100 + 100) − 350 = 20 of the total is left to meet.
    assert true_ups(spend_contract(greedy, "250", "1100", "100")) == ["350.00", "-", "20.00"]
    assert true_ups(spend_contract(cumulative, "250", "1100", "100")) == ["350.00", "-", "20.00"]
    # A true-up bills on the invoice issued when its period closes, after the period's charge.
    invoice = spend_contract(greedy, "700", "300", "650")[1]
    assert invoice.issue_on.isoformat() == "2026-06-01"
    assert [(line.kind.value, days(line)) for line in invoice.lines] == [
        ("CHARGE", "2026-05-01..2026-05-31"),
        ("COMMITMENT_TRUE_UP", "2026-05-01..2026-05-31"),
    ]


def test_commitment_per_period_amount_has_no_total_to_cap_it() -> None:
    # 600.00 per month, spend 250, 1100, 100. Greedy: 350, 0, 500 (June must meet its own
    # 600). Cumulative: June's 1,800 − 1,450 − 350 = 0.
    greedy = {"type": "AMOUNT", "mode": "GREEDY", "perPeriod": "600"}
    cumulative = {"type": "AMOUNT", "mode": "CUMULATIVE", "perPeriod": "600"}
    assert true_ups(spend_contract(greedy, "250", "1100", "100")) == ["350.00", "-", "500.00"]
    assert true_ups(spend_contract(cumulative, "250", "1100", "100")) == ["350.00", "-", "-"]


def test_commitment_total_over_uneven_periods_adds_up_to_the_cent() -> None:
    # 1,000.00 over Jul–Sep 2026 (92 days), no spend: shares 336.956…, 336.956…, 326.086….
    def run(mode: str) -> list[str]:
        line = metered(
            "api", per_unit("1.00"), commitment={"type": "AMOUNT", "mode": mode, "total": "1000"}
        )
        return true_ups(schedule(contract("2026-07-01", "2026-09-30", line)))

    # Greedy: each month its own share, the last capped at 1,000 − 673.92 = 326.08.
    assert run("GREEDY") == ["336.96", "336.96", "326.08"]
    # Cumulative: Aug 673.913… − 336.96 = 336.953… → 336.95; Sep 1,000 − 673.91 = 326.09.
    assert run("CUMULATIVE") == ["336.96", "336.95", "326.09"]


def test_commitment_amount_counts_spend_after_discounts() -> None:
    # 500.00 a month committed; 400 units at 1.00 with 20 % off spend 320.00, so the true-up
    # is 180.00, and the line's discount does not reduce it.
    line = metered(
        "api",
        per_unit("1.00"),
        discounts=[{"type": "PERCENT", "value": "20"}],
        commitment={"type": "AMOUNT", "perPeriod": "500"},
    )
    draft = contract("2026-04-01", "2026-04-30", line, usage=[use("api", "2026-04-15", "400")])
    (invoice,) = schedule(draft)
    assert [(line.kind.value, m(line.amount), m(line.discount)) for line in invoice.lines] == [
        ("CHARGE", "400.00", "80.00"),
        ("COMMITMENT_TRUE_UP", "180.00", "0.00"),
    ]


def test_commitment_quantity_shortfall_priced_as_the_missing_units() -> None:
    # 150 units a month committed, tiered 2.00 up to 100 then 1.00; 80 used. The 70 missing
    # units cost price(150) − price(80) = 250 − 160 = 90.00.
    tiered = {
        "type": "TIERED",
        "tiers": [{"from": "0", "to": "100", "price": "2.00"}, {"from": "100", "price": "1.00"}],
    }
    line = metered("api", tiered, commitment={"type": "QUANTITY", "perPeriod": "150"})
    draft = contract("2026-04-01", "2026-04-30", line, usage=[use("api", "2026-04-15", "80")])
    (invoice,) = schedule(draft)
    true_up = invoice.lines[1]
    assert (str(true_up.quantity), m(true_up.amount)) == ("70", "90.00")
    # Volume 4.00 up to 50, then 3.00; 60 committed, 48 used: 60 × 3 = 180 < 48 × 4 = 192, so
    # the 12 missing units are priced at 0.00, never below.
    volume = {
        "type": "VOLUME",
        "tiers": [{"from": "0", "to": "50", "price": "4.00"}, {"from": "50", "price": "3.00"}],
    }
    line = metered("api", volume, commitment={"type": "QUANTITY", "perPeriod": "60"})
    draft = contract("2026-04-01", "2026-04-30", line, usage=[use("api", "2026-04-15", "48")])
    (invoice,) = schedule(draft)
    assert [(str(line.quantity), m(line.amount)) for line in invoice.lines] == [
        ("48", "192.00"),
        ("12", "0.00"),
    ]


def test_commitment_evaluated_per_quarter_on_a_monthly_line() -> None:
    # 3,000.00 a quarter on a line billed monthly: 800 + 1,500 + 400 = 2,700, so 300.00 on
    # the invoice of Apr 1, 2026 that closes the quarter.
    line = metered(
        "api",
        per_unit("1.00"),
        commitment={"type": "AMOUNT", "perPeriod": "3000", "billingCycle": {"unit": "QUARTER"}},
    )
    usage = [
        use("api", "2026-01-20", "800"),
        use("api", "2026-02-20", "1500"),
        use("api", "2026-03-20", "400"),
    ]
    assert true_ups(schedule(contract("2026-01-01", "2026-03-31", line, usage=usage))) == [
        "-",
        "-",
        "300.00",
    ]


def test_commitment_window_evaluates_whole_periods_only() -> None:
    # 500.00 a month from 15 April 2026 on a line billed by calendar month, no usage: April
    # is only partly inside the window and is not evaluated; May and June are.
    line = metered(
        "api",
        per_unit("1.00"),
        anchor={"dayOfMonth": 1},
        commitment={"type": "AMOUNT", "perPeriod": "500", "startDate": "2026-04-15"},
    )
    assert true_ups(schedule(contract("2026-04-01", "2026-06-30", line))) == [
        "-",
        "500.00",
        "500.00",
    ]


def test_commitment_contract_level() -> None:
    # 10,000.00 over January – June 2026 across the contract. The licence (1,200.00 a month,
    # tax exempt) spends 7,200.00; the API line spends nothing and has a line commitment of
    # 300.00 a month, whose true-ups are not spend. The contract true-up of 2,800.00 comes on
    # the Jul 1 invoice, taxed at the contract's 10 %.
    draft = contract(
        "2026-01-01",
        "2026-06-30",
        fixed("licence", flat("1200"), taxRate="0"),
        metered("api", per_unit("1.00"), commitment={"type": "AMOUNT", "perPeriod": "300"}),
        taxRate="10",
        commitment={"type": "AMOUNT", "total": "10000"},
    )
    july = by_issue(schedule(draft), "2026-07-01")
    assert [
        (line.line_item_id, line.kind.value, m(line.amount), m(line.tax)) for line in july.lines
    ] == [
        ("api", "CHARGE", "0.00", "0.00"),
        ("api", "COMMITMENT_TRUE_UP", "300.00", "30.00"),
        (None, "COMMITMENT_TRUE_UP", "2800.00", "280.00"),
    ]
    assert m(july.total) == "3410.00"


# === 7. Tax ======================================================================================


def test_tax_rate_of_the_line_else_the_contract_on_the_net() -> None:
    # Contract rate 20 %. Platform 1,000.00 with 10 % off: 20 % of 900.00 = 180.00. Books at
    # their own 5.5 %: 45.50 × 5.5 % = 2.5025 → 2.50. Training exempt at 0 %.
    draft = contract(
        "2026-02-01",
        "2026-02-28",
        fixed("platform", flat("1000"), discounts=[{"type": "PERCENT", "value": "10"}]),
        fixed("books", flat("45.50"), taxRate="5.5"),
        fixed("training", flat("800"), taxRate="0"),
        taxRate="20",
    )
    (invoice,) = schedule(draft)
    assert [(str(line.tax_rate), m(line.tax)) for line in invoice.lines] == [
        ("20", "180.00"),
        ("5.5", "2.50"),
        ("0", "0.00"),
    ]
    assert summary(invoice) == ("1845.50", "100.00", "182.50", "1928.00")


# === 8. Invoices =================================================================================


def billing_group_contract() -> dict[str, Any]:
    return contract(
        "2026-01-01",
        "2026-02-28",
        fixed("platform", flat("2000")),
        fixed("support", flat("500"), separateInvoice=True),
        fixed("hardware-lease", flat("300"), netTermsDays=60),
    )


def test_invoices_one_per_billing_group_issue_date_and_net_terms() -> None:
    invoices = schedule(billing_group_contract())
    assert [
        (i.number, i.billing_group, i.issue_on.isoformat(), i.due_on.isoformat(), m(i.total))
        for i in invoices
    ] == [
        ("DRAFT-0001", "default", "2026-01-01", "2026-01-31", "2000.00"),
        ("DRAFT-0002", "default", "2026-01-01", "2026-03-02", "300.00"),
        ("DRAFT-0003", "support", "2026-01-01", "2026-01-31", "500.00"),
        ("DRAFT-0004", "default", "2026-02-01", "2026-03-03", "2000.00"),
        ("DRAFT-0005", "default", "2026-02-01", "2026-04-02", "300.00"),
        ("DRAFT-0006", "support", "2026-02-01", "2026-03-03", "500.00"),
    ]
    # Selecting invoices never renumbers them.
    later = schedule(billing_group_contract(), as_of_on=invoices[3].issue_on, count=2)
    assert [i.number for i in later] == ["DRAFT-0004", "DRAFT-0005"]


def test_invoices_open_ended_contract_up_to_a_horizon() -> None:
    # No end date; horizon 1 March 2026. The fee bills for January and February; March starts
    # on the horizon and is not billed. February's usage is still billed, on Mar 1.
    draft = contract(
        "2026-01-01",
        None,
        fixed("platform", flat("1000")),
        metered("api", per_unit("0.02")),
        usage=[use("api", "2026-01-10", "5000"), use("api", "2026-02-10", "7500")],
    )
    assert problem_codes(draft) == [("horizon", "required")]
    invoices = schedule(draft, horizon_on=date(2026, 3, 1))
    assert [(i.issue_on.isoformat(), [m(line.amount) for line in i.lines]) for i in invoices] == [
        ("2026-01-01", ["1000.00"]),
        ("2026-02-01", ["1000.00", "100.00"]),  # February fee, January usage 5,000 × 0.02
        ("2026-03-01", ["150.00"]),  # February usage 7,500 × 0.02
    ]


# === 9. Corrections after approval (the recomputation the billing runs will use) =================


def test_corrections_late_usage_gives_a_positive_delta() -> None:
    # January 2026's usage invoice (issued Feb 1) bills 5,000 calls at 0.20 = 1,000.00. 750 more
    # calls stamped in January arrive after it was approved: January recomputes to 1,150.00.
    def january(*late: dict[str, Any]) -> str:
        draft = contract(
            "2026-01-01",
            "2026-01-31",
            metered("api", per_unit("0.20")),
            usage=[use("api", "2026-01-08", "5000"), *late],
        )
        (invoice,) = schedule(draft)
        return m(invoice.total)

    assert january() == "1000.00"
    assert january(use("api", "2026-01-29T18:00:00Z", "750")) == "1150.00"  # delta +150.00


def test_corrections_backdated_quantity_gives_a_negative_delta() -> None:
    # 20 seats at 50.00 billed for January 2026 (1,000.00); the customer's count is corrected
    # back to 18 from Jan 1: January recomputes to 900.00, a delta of −100.00.
    def january(seats: str) -> str:
        line = fixed("seats", per_unit("50.00"), quantities=qty("2026-01-01", seats))
        (invoice,) = schedule(contract("2026-01-01", "2026-01-31", line))
        return m(invoice.total)

    assert (january("20"), january("18")) == ("1000.00", "900.00")


# === 10. Usage for billing =======================================================================


def test_usage_records_belong_to_the_half_open_period_containing_them() -> None:
    # 0.10 a unit: 300 units one second before February and 200 at 00:00 on Feb 1 (UTC).
    draft = contract(
        "2026-01-01",
        "2026-02-28",
        metered("events", per_unit("0.10")),
        usage=[
            use("events", "2026-01-31T23:59:59Z", "300"),
            use("events", "2026-02-01T00:00:00Z", "200"),
        ],
    )
    assert [(i.issue_on.isoformat(), m(i.total)) for i in schedule(draft)] == [
        ("2026-02-01", "30.00"),
        ("2026-03-01", "20.00"),
    ]
