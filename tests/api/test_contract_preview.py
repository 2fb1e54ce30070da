"""POST /api/v1/contracts/preview, and the draft format behind it (docs/contract-format.md).

The HTTP tests run against the real server; the format tests call the shared schema code
directly, which is what both the endpoint and `pactline contracts preview` use.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from pactline.adapters.db.schema import Base
from pactline.api.schemas.contract_draft import parse_draft
from pactline.api.schemas.draft_terms import terms_from_draft
from pactline.api.schemas.invoice_schedule import preview_schedule
from pactline.bootstrap import Container
from pactline.domain.contracts import ChargeType
from pactline.domain.currency import Currency, active_currencies
from pactline.domain.errors import InvalidArgument
from pactline.domain.money import Money, RoundingPolicy, money_text
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating.models import FlatFee, Graduated, Package, PerUnit, Stairstep, Volume
from pactline.domain.rating.tiers import Tier
from tests.api.conftest import Keys

PREVIEW = "/api/v1/contracts/preview"

# Two months in New York, 8.25 % tax and 10 % off every invoice (contract level):
# a platform fee in advance and tiered API calls in arrears.
DRAFT: dict[str, Any] = {
    "name": "Preview test",
    "customerId": "cus_1",
    "currency": "USD",
    "timezone": "America/New_York",
    "startDate": "2026-01-01",
    "endDate": "2026-02-28",
    "taxRate": "8.25",
    "discounts": [{"type": "PERCENT", "value": "10"}],
    "lineItems": [
        {
            "id": "platform",
            "name": "Platform",
            "chargeType": "FIXED",
            "billingCycle": {"unit": "MONTH"},
            "priceVersions": [{"model": {"type": "FLAT_FEE", "price": "999.99"}}],
        },
        {
            "id": "api",
            "name": "API calls",
            "chargeType": "USAGE",
            "meteredFeatureId": "api-calls",
            "billingCycle": {"unit": "MONTH"},
            "priceVersions": [
                {
                    "model": {
                        "type": "TIERED",
                        "tiers": [
                            {"from": 0, "to": 1000, "price": "0.10"},
                            {"from": 1000, "price": "0.025"},
                        ],
                    }
                }
            ],
        },
    ],
    "usage": [
        # 23:30 in New York on Jan 31 and 04:59:59Z on Feb 1 are both still January there;
        # the plain date Feb 1 means 00:00 in New York, so February.
        {"lineItemId": "api", "at": "2026-01-31T23:30:00-05:00", "quantity": 1000},
        {"lineItemId": "api", "at": "2026-02-01T04:59:59Z", "quantity": 333},
        {"lineItemId": "api", "at": "2026-02-01", "quantity": "10"},
    ],
}


def _line(
    description: str, item: str, start: str, end: str, last: str, **amounts: str | None
) -> dict[str, Any]:
    return {
        "kind": "CHARGE",
        "description": description,
        "lineItemId": item,
        "periodStart": start,
        "periodEnd": end,
        "periodEndInclusive": last,
        "quantity": None,
        "unitPrice": None,
        "taxRate": "8.25",
        **amounts,
    }


PLATFORM_JAN = _line(
    "Platform (Jan 1 – Jan 31, 2026)",
    "platform",
    "2026-01-01",
    "2026-02-01",
    "2026-01-31",
    # 10 % of 999.99 = 99.999 → 100.00; tax 8.25 % of 899.99 = 74.249175 → 74.25
    amount="999.99",
    discount="100.00",
    tax="74.25",
    total="974.24",
)
EXPECTED_INVOICES = [
    {
        "number": "DRAFT-0001",
        "billingGroup": "default",
        "currency": "USD",
        "issueDate": "2026-01-01",
        "dueDate": "2026-01-31",  # + 30 days
        "periodStart": "2026-01-01",
        "periodEnd": "2026-02-01",
        "periodEndInclusive": "2026-01-31",
        "lines": [PLATFORM_JAN],
        "subtotal": "999.99",
        "discount": "100.00",
        "tax": "74.25",
        "total": "974.24",
    },
    {
        "number": "DRAFT-0002",
        "billingGroup": "default",
        "currency": "USD",
        "issueDate": "2026-02-01",
        "dueDate": "2026-03-03",
        "periodStart": "2026-01-01",
        "periodEnd": "2026-03-01",
        "periodEndInclusive": "2026-02-28",
        "lines": [
            {
                **PLATFORM_JAN,
                "description": "Platform (Feb 1 – Feb 28, 2026)",
                "periodStart": "2026-02-01",
                "periodEnd": "2026-03-01",
                "periodEndInclusive": "2026-02-28",
            },
            # January: 1000 + 333 = 1333 calls → 1000 × 0.10 + 333 × 0.025 = 108.325 → 108.33
            # (half up). 10 % of 999.99 + 108.33 = 110.832 → 110.83 = 11083 cents, shared
            # 9999.72 : 1083.28 → 9999 + 1083, the last cent to the larger remainder (.72):
            # 100.00 and 10.83. Tax 8.25 % of 97.50 = 8.04375 → 8.04.
            _line(
                "API calls (Jan 1 – Jan 31, 2026)",
                "api",
                "2026-01-01",
                "2026-02-01",
                "2026-01-31",
                quantity="1333",
                amount="108.33",
                discount="10.83",
                tax="8.04",
                total="105.54",
            ),
        ],
        "subtotal": "1108.32",  # 999.99 + 108.33
        "discount": "110.83",  # 100.00 + 10.83
        "tax": "82.29",  # 74.25 + 8.04
        "total": "1079.78",  # 1108.32 − 110.83 + 82.29
    },
    {
        "number": "DRAFT-0003",
        "billingGroup": "default",
        "currency": "USD",
        "issueDate": "2026-03-01",
        "dueDate": "2026-03-31",
        "periodStart": "2026-02-01",
        "periodEnd": "2026-03-01",
        "periodEndInclusive": "2026-02-28",
        "lines": [
            # 10 × 0.10 = 1.00; 10 % off = 0.10; tax 8.25 % of 0.90 = 0.07425 → 0.07
            _line(
                "API calls (Feb 1 – Feb 28, 2026)",
                "api",
                "2026-02-01",
                "2026-03-01",
                "2026-02-28",
                quantity="10",
                amount="1.00",
                discount="0.10",
                tax="0.07",
                total="0.97",
            )
        ],
        "subtotal": "1.00",
        "discount": "0.10",
        "tax": "0.07",
        "total": "0.97",
    },
]


def _draft(**changes: Any) -> dict[str, Any]:
    draft = copy.deepcopy(DRAFT)
    draft.update(changes)
    return draft


def _errors(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "InvalidArgument"
    return [(error["field"], error["code"]) for error in body["details"]["errors"]]


def _database_rows(container: Container) -> dict[str, list[tuple[Any, ...]]]:
    with container.engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


# --- over HTTP ---------------------------------------------------------------------------------


def test_a_valid_draft_previews_its_invoices_to_the_cent(api: httpx.Client) -> None:
    response = api.post(PREVIEW, json=DRAFT)
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"invoices": EXPECTED_INVOICES}}


def test_as_of_and_count_pick_invoices_without_renumbering_them(api: httpx.Client) -> None:
    response = api.post(PREVIEW, params={"asOf": "2026-01-02", "count": 1}, json=DRAFT)
    assert response.json()["data"]["invoices"] == [EXPECTED_INVOICES[1]]


def test_a_draft_with_several_problems_lists_every_one_with_its_path(api: httpx.Client) -> None:
    draft = _draft(timezone="Mars/Olympus", endDate="2025-12-31")
    platform, usage_line = draft["lineItems"]
    platform["anchor"] = {"dayOfMonth": 5, "lastDay": True}
    platform["priceVersions"][0]["model"] = {"type": "PACKAGE", "price": "5"}
    platform["quantities"] = [{"effectiveDate": "2026-01-01", "quantity": 3}]
    usage_line["timing"] = "IN_ADVANCE"
    usage_line["priceVersions"][0]["model"]["tiers"][1]["from"] = "999"
    draft["usage"][0]["lineItemId"] = "platform"
    draft["usage"][1]["lineItemId"] = "nothing"

    assert _errors(api.post(PREVIEW, json=draft)) == [
        ("timezone", "unknown_timezone"),
        ("endDate", "end_before_start"),
        ("lineItems[0].priceVersions[0].model.packageSize", "required"),
        ("lineItems[0].anchor.lastDay", "invalid"),
        ("lineItems[1].priceVersions[0].model.tiers[1].from", "invalid"),
        ("lineItems[1].timing", "usage_in_advance"),
        ("usage[0].lineItemId", "not_usage"),
        ("usage[1].lineItemId", "unknown"),
    ]


def test_a_float_amount_is_refused_naming_the_field(api: httpx.Client) -> None:
    draft = _draft()
    draft["lineItems"][0]["priceVersions"][0]["model"]["price"] = 999.99
    response = api.post(PREVIEW, json=draft)
    assert _errors(response) == [("lineItems[0].priceVersions[0].model.price", "float_not_allowed")]
    assert "999.99" in response.json()["details"]["errors"][0]["message"]


def test_shape_problems_are_all_reported_at_once(api: httpx.Client) -> None:
    draft = _draft(startDate="2026-1-1", currency=840, rounding="HALF_DOWN")
    del draft["customerId"]
    draft["lineItems"][1]["billing_cycle"] = {"unit": "MONTH"}
    assert sorted(_errors(api.post(PREVIEW, json=draft))) == [
        ("currency", "string_type"),
        ("customerId", "missing"),
        ("lineItems[1].billing_cycle", "extra_forbidden"),
        ("rounding", "literal_error"),
        ("startDate", "date_format"),
    ]


def test_an_open_ended_draft_needs_a_horizon(api: httpx.Client) -> None:
    assert _errors(api.post(PREVIEW, json=_draft(endDate=None))) == [("horizon", "required")]
    # Periods starting before Feb 15: January and February; February's usage bills Mar 1.
    response = api.post(PREVIEW, params={"horizon": "2026-02-15"}, json=_draft(endDate=None))
    assert response.json()["data"]["invoices"] == EXPECTED_INVOICES


@pytest.mark.parametrize(
    ("params", "field"),
    [({"count": 0}, "count"), ({"count": 501}, "count"), ({"asOf": "2026-02-30"}, "asOf")],
)
def test_query_parameters_are_validated(
    api: httpx.Client, params: dict[str, object], field: str
) -> None:
    assert [path for path, _ in _errors(api.post(PREVIEW, params=params, json=DRAFT))] == [field]


def test_a_client_key_may_not_preview(server_url: str, keys: Keys) -> None:
    with httpx.Client(base_url=server_url, headers={"X-API-KEY": keys.sandbox_client}) as client:
        response = client.post(PREVIEW, json=DRAFT)
    assert response.status_code == 403
    assert response.json()["code"] == "PermissionDenied"


def test_a_preview_without_a_key_is_unauthenticated(anonymous: httpx.Client) -> None:
    assert anonymous.post(PREVIEW, json=DRAFT).status_code == 401


def test_previews_write_nothing(api: httpx.Client, container: Container) -> None:
    before = _database_rows(container)
    assert api.post(PREVIEW, json=DRAFT).status_code == 200
    assert api.post(PREVIEW, json=_draft(currency="XYZ")).status_code == 400
    # Not even an idempotency record: a pure computation has nothing to replay.
    replayable = api.post(PREVIEW, json=DRAFT, headers={"Idempotency-Key": "preview-1"})
    assert replayable.status_code == 200
    assert "Idempotent-Replayed" not in replayable.headers
    # The snapshot does see rows: the fixture's keys, and the events their creation queued.
    assert before["api_keys"]
    assert before["outbox_events"]
    assert _database_rows(container) == before


# --- the draft format, in process ----------------------------------------------------------


def test_settings_reach_the_engine_half_even_rounds_the_tie_to_even() -> None:
    # 108.325 is a tie: half up gives 108.33 (above), half even 108.32.
    invoices = preview_schedule(parse_draft(_draft(rounding="HALF_EVEN"))).invoices
    assert invoices[1].lines[1].amount == "108.32"


def test_draft_fields_map_to_the_terms_with_their_documented_defaults() -> None:
    terms, usage = terms_from_draft(parse_draft(DRAFT))
    platform, api_calls = terms.line_items
    assert (terms.id, terms.net_terms_days, terms.rounding) == ("draft", 30, RoundingPolicy.HALF_UP)
    assert (platform.charge_type, platform.timing) == (ChargeType.FIXED, ChargeTiming.IN_ADVANCE)
    assert (api_calls.charge_type, api_calls.timing) == (ChargeType.USAGE, ChargeTiming.IN_ARREARS)
    assert platform.price_versions[0].start_on == date(2026, 1, 1)  # the line's start
    assert [(record.at, record.quantity) for record in usage] == [
        (datetime(2026, 2, 1, 4, 30, tzinfo=UTC), Decimal(1000)),
        (datetime(2026, 2, 1, 4, 59, 59, tzinfo=UTC), Decimal(333)),
        (datetime(2026, 2, 1, 5, 0, tzinfo=UTC), Decimal(10)),  # New York midnight (EST)
    ]


LADDER = (Tier(Decimal(0), None, Decimal(2)),)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ({"type": "FLAT_FEE", "price": "5"}, FlatFee(Decimal(5))),
        ({"type": "PER_UNIT", "price": "0.006"}, PerUnit(Decimal("0.006"))),
        (
            {"type": "PACKAGE", "price": "5", "packageSize": 100},
            Package(Decimal(5), Decimal(100)),
        ),
        ({"type": "TIERED", "tiers": [{"from": 0, "price": "2"}]}, Graduated(LADDER)),
        ({"type": "VOLUME", "tiers": [{"from": 0, "price": "2"}]}, Volume(LADDER)),
        ({"type": "STAIRSTEP", "tiers": [{"from": 0, "price": "2"}]}, Stairstep(LADDER)),
    ],
)
def test_each_model_type_builds_its_pricing_model(model: dict[str, Any], expected: object) -> None:
    draft = _draft(usage=[])
    draft["lineItems"][1]["priceVersions"][0]["model"] = model
    built = terms_from_draft(parse_draft(draft))[0].line_items[1].price_versions[0].model
    assert built == expected


def test_model_fields_another_type_needs_are_reported_missing_or_unused() -> None:
    draft = _draft()
    draft["lineItems"][1]["priceVersions"][0]["model"]["price"] = "1"
    draft["lineItems"][1]["priceVersions"][0]["model"]["type"] = "PACKAGE"
    with pytest.raises(InvalidArgument) as raised:
        terms_from_draft(parse_draft(draft))
    assert [(p.field, p.code) for p in raised.value.problems] == [
        ("lineItems[1].priceVersions[0].model.packageSize", "required"),
        ("lineItems[1].priceVersions[0].model.tiers", "not_allowed"),
    ]


@pytest.mark.parametrize(
    ("line", "model", "expected"),
    [
        # Were the flat fee replaced by a per-unit stand-in, the line would also be told it
        # lacks quantities.
        (0, {"type": "FLAT_FEE", "price": "-1"}, [("price", "invalid")]),
        # A usage line takes a flat fee too (its usage twin); only the price is wrong here.
        (1, {"type": "FLAT_FEE", "price": "-1"}, [("price", "invalid")]),
        (1, {"type": "PACKAGE", "price": "2"}, [("packageSize", "required")]),
    ],
)
def test_a_model_that_cannot_be_built_is_judged_as_its_own_kind(
    line: int, model: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    draft = _draft()
    draft["lineItems"][line]["priceVersions"][0]["model"] = model
    with pytest.raises(InvalidArgument) as raised:
        terms_from_draft(parse_draft(draft))
    prefix = f"lineItems[{line}].priceVersions[0].model."
    assert [(p.field, p.code) for p in raised.value.problems] == [
        (prefix + field, code) for field, code in expected
    ]


@pytest.mark.parametrize(
    ("at", "code"),
    [
        ("2026-01-15T10:00:00", "datetime_offset"),
        ("2026-02-30", "date_value"),
        ("15/01/2026", "datetime_format"),
        (1768471200, "datetime_format"),
    ],
)
def test_usage_times_need_an_offset_or_a_plain_date(at: object, code: str) -> None:
    draft = _draft(usage=[{"lineItemId": "api", "at": at, "quantity": 1}])
    with pytest.raises(InvalidArgument) as raised:
        parse_draft(draft)
    assert [(p.field, p.code) for p in raised.value.problems] == [("usage[0].at", code)]


def test_usage_outside_the_contract_is_reported() -> None:
    # Mar 1 00:00 in New York is the contract's first instant after its last day, Feb 28.
    usage = [{"lineItemId": "api", "at": "2026-03-01T05:00:00Z", "quantity": 1}]
    with pytest.raises(InvalidArgument) as raised:
        terms_from_draft(parse_draft(_draft(usage=usage)))
    assert [(p.field, p.code) for p in raised.value.problems] == [
        ("usage[0].at", "outside_contract")
    ]


@given(
    st.integers(min_value=0, max_value=12).flatmap(
        lambda places: st.decimals(
            min_value=-(10**15), max_value=10**15, places=places, allow_nan=False
        )
    )
)
def test_any_decimal_written_as_text_reads_back_exactly(value: Decimal) -> None:
    text = format(value, "f")
    draft = _draft(usage=[{"lineItemId": "api", "at": "2026-01-05", "quantity": text}])
    parsed = parse_draft(draft).usage[0].quantity
    assert (parsed, str(parsed)) == (Decimal(text), str(Decimal(text)))


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_json_float_is_refused_even_a_whole_one(value: float) -> None:
    draft = _draft(taxRate=value)
    with pytest.raises(InvalidArgument) as raised:
        parse_draft(draft)
    assert [(p.field, p.code) for p in raised.value.problems] == [("taxRate", "float_not_allowed")]


@given(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.sampled_from(active_currencies()),
)
def test_amounts_are_written_with_exactly_the_currencys_minor_digits(
    units: int, currency: Currency
) -> None:
    money = Money.from_minor_units(units, currency)
    text = money_text(money)
    fraction = text.partition(".")[2]
    assert len(fraction) == currency.minor_units
    assert ("." in text) == (currency.minor_units > 0)
    assert Decimal(text) == money.amount


@given(st.permutations(DRAFT["usage"]))
def test_the_order_of_usage_records_does_not_change_the_preview(usage: list[Any]) -> None:
    shuffled = preview_schedule(parse_draft(_draft(usage=usage)))
    assert shuffled == preview_schedule(parse_draft(DRAFT))
    assert shuffled.model_dump(by_alias=True, mode="json")["invoices"] == EXPECTED_INVOICES
