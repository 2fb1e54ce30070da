"""Currencies: ISO 4217 minor-unit exponents and the dated validity of replaced codes."""

from __future__ import annotations

from datetime import date

import pytest

from pactline.domain.currency import (
    TABLE_AS_OF,
    Currency,
    UnknownCurrency,
    active_currencies,
    currency,
)
from pactline.domain.errors import FieldProblem, InvalidArgument


@pytest.mark.parametrize(
    ("code", "minor_units"),
    [
        ("USD", 2),
        ("EUR", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("JOD", 3),
        ("OMR", 3),
        ("TND", 3),
        ("CLF", 4),
        ("ISK", 0),
        ("VND", 0),
        ("UYW", 4),
        ("UYI", 0),
        ("COU", 2),
        ("CHE", 2),
        ("XOF", 0),
        ("SLE", 2),
        ("ZWG", 2),
        ("XCG", 2),
    ],
)
def test_each_currency_has_its_iso_4217_exponent(code: str, minor_units: int) -> None:
    assert currency(code).minor_units == minor_units
    assert currency(code).code == code


def test_lookup_ignores_case() -> None:
    assert currency("usd") == currency("USD") == Currency("USD", 2, "US Dollar")
    assert currency("Kwd") is currency("KWD")


@pytest.mark.parametrize(
    "code", ["XYZ", "", "US", "USDD", "XAU", "XAG", "XPT", "XPD", "XTS", "XXX", "XDR", "XBA"]
)
def test_codes_outside_the_table_are_unknown(code: str) -> None:
    with pytest.raises(UnknownCurrency) as raised:
        currency(code)

    assert raised.value.problems == (
        FieldProblem("currency", f"{code!r} is not an ISO 4217 currency code", "unknown_currency"),
    )


def test_non_ascii_letters_that_upper_case_to_a_code_are_unknown() -> None:
    with pytest.raises(UnknownCurrency):
        currency("\u0131ls")  # dotless i upper-cases to I, which would make "ILS"


def test_unknown_currency_is_an_invalid_argument_naming_the_currency_field() -> None:
    with pytest.raises(InvalidArgument) as raised:
        currency("ABC")

    assert isinstance(raised.value, UnknownCurrency)
    assert raised.value.code == "InvalidArgument"
    assert raised.value.details == {
        "errors": [
            {
                "field": "currency",
                "message": "'ABC' is not an ISO 4217 currency code",
                "code": "unknown_currency",
            }
        ]
    }


def test_kuna_is_valid_until_croatia_adopted_the_euro() -> None:
    assert currency("HRK", on=date(2022, 12, 31)) == Currency("HRK", 2, "Kuna")

    with pytest.raises(UnknownCurrency) as raised:
        currency("HRK", on=date(2023, 1, 1))

    assert raised.value.message == (
        "currency: 'HRK' is not valid on 2023-01-01 (valid before 2023-01-01)"
    )


def test_a_replaced_code_is_not_active_by_default() -> None:
    with pytest.raises(UnknownCurrency) as raised:
        currency("HRK")

    assert raised.value.message == (
        "currency: 'HRK' is not an active currency (valid before 2023-01-01)"
    )


@pytest.mark.parametrize(
    ("old", "new", "last_old_day", "first_new_day"),
    [
        ("MRO", "MRU", date(2017, 12, 31), date(2018, 1, 1)),
        ("STD", "STN", date(2017, 12, 31), date(2018, 1, 1)),
        ("VEF", "VES", date(2018, 8, 19), date(2018, 8, 20)),
        ("SLL", "SLE", date(2023, 12, 31), date(2022, 7, 1)),
        ("ZWL", "ZWG", date(2024, 8, 31), date(2024, 4, 5)),
        ("ANG", "XCG", date(2025, 6, 30), date(2025, 3, 31)),
        ("BYR", "BYN", date(2016, 12, 31), date(2016, 7, 1)),
    ],
)
def test_a_replaced_code_and_its_successor_have_dated_windows(
    old: str, new: str, last_old_day: date, first_new_day: date
) -> None:
    assert currency(old, on=last_old_day).code == old
    assert currency(new, on=first_new_day).code == new
    assert currency(new).code == new

    with pytest.raises(UnknownCurrency):
        currency(old, on=date.fromordinal(last_old_day.toordinal() + 1))
    with pytest.raises(UnknownCurrency):
        currency(new, on=date.fromordinal(first_new_day.toordinal() - 1))
    with pytest.raises(UnknownCurrency):
        currency(old)


def test_sierra_leone_old_and_new_leone_overlap_during_the_transition() -> None:
    on = date(2023, 6, 1)

    assert (currency("SLL", on=on).minor_units, currency("SLE", on=on).minor_units) == (2, 2)


def test_lev_ends_when_bulgaria_adopts_the_euro() -> None:
    assert currency("BGN", on=date(2025, 12, 31)).code == "BGN"
    with pytest.raises(UnknownCurrency):
        currency("BGN", on=date(2026, 1, 1))


def test_codes_without_a_window_are_valid_on_any_date() -> None:
    assert currency("USD", on=date(1990, 1, 1)) is currency("USD", on=date(2100, 1, 1))


def test_active_currencies_lists_each_code_valid_on_the_date_in_code_order() -> None:
    today = active_currencies()
    codes = [c.code for c in today]

    assert codes == sorted(codes)
    assert {"USD", "EUR", "JPY", "CLF", "SLE", "ZWG", "XCG"} <= set(codes)
    assert {"HRK", "SLL", "ZWL", "MRO", "STD", "VEF", "BYR", "ANG", "BGN"}.isdisjoint(codes)
    assert all(currency(c.code) is c for c in today)
    assert today == active_currencies(TABLE_AS_OF)


def test_active_currencies_on_a_past_date_includes_the_codes_then_in_use() -> None:
    codes = {c.code for c in active_currencies(date(2022, 12, 31))}

    assert {"HRK", "SLL", "SLE", "ZWL", "ANG", "BGN"} <= codes
    assert {"ZWG", "XCG", "MRO"}.isdisjoint(codes)


@pytest.mark.parametrize(
    ("code", "minor_units", "error"),
    [
        ("usd", 2, ValueError),
        ("US", 2, ValueError),
        ("USD", -1, ValueError),
        ("USD", True, TypeError),
    ],
)
def test_a_currency_refuses_a_malformed_code_or_exponent(
    code: str, minor_units: int, error: type[Exception]
) -> None:
    with pytest.raises(error):
        Currency(code, minor_units, "Test")


def test_a_currency_prints_as_its_code() -> None:
    assert str(currency("CHF")) == "CHF"
