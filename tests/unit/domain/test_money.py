"""Money: exact arithmetic in one currency, rounding by a named policy, and allocation."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.currency import Currency, currency
from pactline.domain.errors import DomainError, FieldProblem, InvalidArgument
from pactline.domain.money import CurrencyMismatch, Money, RoundingPolicy, allocate

USD = currency("USD")
EUR = currency("EUR")
JPY = currency("JPY")
KWD = currency("KWD")
CLF = currency("CLF")
HALF_UP = RoundingPolicy.HALF_UP
HALF_EVEN = RoundingPolicy.HALF_EVEN


def m(amount: str, cur: Currency = USD) -> Money:
    return Money(Decimal(amount), cur)


def amounts(shares: list[Money]) -> list[str]:
    return [str(share.amount) for share in shares]


# --- construction -------------------------------------------------------------------------


def test_a_float_amount_is_refused() -> None:
    with pytest.raises(TypeError):
        Money(12.5, USD)  # type: ignore[arg-type]


def test_an_int_amount_becomes_a_decimal() -> None:
    money = Money(12, USD)  # type: ignore[arg-type]

    assert type(money.amount) is Decimal
    assert money == m("12")


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_non_finite_amounts_are_refused(amount: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        Money(Decimal(amount), USD)


@pytest.mark.parametrize("amount", [True, "12.50", None])
def test_non_numeric_amounts_are_refused(amount: Any) -> None:
    with pytest.raises(TypeError):
        Money(amount, USD)


def test_the_currency_must_be_a_currency() -> None:
    with pytest.raises(TypeError):
        Money(Decimal(1), "USD")  # type: ignore[arg-type]


def test_negative_zero_is_stored_as_zero() -> None:
    assert str(m("-0.00")) == "USD 0.00"
    assert not m("-0.00").amount.is_signed()


def test_zero_has_the_minor_unit_precision_of_its_currency() -> None:
    assert [str(Money.zero(c)) for c in (USD, JPY, KWD, CLF)] == [
        "USD 0.00",
        "JPY 0",
        "KWD 0.000",
        "CLF 0.0000",
    ]
    assert Money.zero(USD).is_zero()
    assert not m("0.01").is_zero()


# --- arithmetic ---------------------------------------------------------------------------


def test_adding_and_subtracting_the_same_currency_is_exact() -> None:
    assert m("0.1") + m("0.2") == m("0.3")
    assert m("10.00") - m("0.0060") == m("9.9940")
    assert -m("2.50") == m("-2.50")


def test_arithmetic_never_rounds_through_the_decimal_context() -> None:
    # 30 significant digits: the default context (28 digits, half-even) would round this.
    big = m("123456789012345678901234567.891")

    with localcontext() as context:
        context.prec = 5
        assert (big + m("0.001")).amount == Decimal("123456789012345678901234567.892")
        assert (big * 3).amount == Decimal("370370367037037036703703703.673")


@pytest.mark.parametrize(
    "operation",
    [
        lambda: m("1") + m("1", EUR),
        lambda: m("1") - m("1", EUR),
        lambda: m("1") < m("1", EUR),
        lambda: m("1") <= m("1", EUR),
        lambda: m("1") > m("1", EUR),
        lambda: m("1") >= m("1", EUR),
    ],
)
def test_mixing_currencies_raises_currency_mismatch(operation: Any) -> None:
    with pytest.raises(CurrencyMismatch) as raised:
        operation()

    assert isinstance(raised.value, DomainError)
    assert raised.value.code == "CurrencyMismatch"
    assert raised.value.details == {"left": "USD", "right": "EUR"}
    assert raised.value.message == "cannot combine amounts in USD and EUR"


def test_equal_amounts_in_different_currencies_are_not_equal() -> None:
    assert m("1") != m("1", EUR)


def test_comparisons_in_one_currency_compare_amounts() -> None:
    assert m("1.00") < m("1.01") <= m("1.010") < m("2")
    assert m("2") > m("1.99") >= m("1.990")
    assert m("1.0") == m("1.00")
    assert hash(m("1.0")) == hash(m("1.00"))


def test_money_times_a_decimal_or_int_from_either_side() -> None:
    assert m("0.0060") * Decimal("1500") == m("9.0000")
    assert Decimal("1500") * m("0.0060") == m("9")
    assert m("2.50") * 3 == m("7.50")
    assert 3 * m("2.50") == m("7.50")


@pytest.mark.parametrize("factor", [1.5, m("2"), True, "2"])
def test_money_times_a_float_money_or_other_type_is_a_type_error(factor: Any) -> None:
    with pytest.raises(TypeError):
        m("2.50") * factor
    with pytest.raises(TypeError):
        factor * m("2.50")


def test_adding_or_comparing_a_plain_number_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        m("1") + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        m("1") < 1  # type: ignore[operator]  # noqa: B015


# --- rounding -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "cur", "half_up", "half_even"),
    [
        ("2.345", USD, "2.35", "2.34"),
        ("-2.345", USD, "-2.35", "-2.34"),
        ("2.355", USD, "2.36", "2.36"),
        ("2.3449", USD, "2.34", "2.34"),
        ("0.5", JPY, "1", "0"),
        ("1.5", JPY, "2", "2"),
        ("1.2345", KWD, "1.235", "1.234"),
        ("1.23456", CLF, "1.2346", "1.2346"),
        ("1.23445", CLF, "1.2345", "1.2344"),
        ("7", USD, "7.00", "7.00"),
    ],
)
def test_rounding_to_the_minor_unit_by_policy(
    amount: str, cur: Currency, half_up: str, half_even: str
) -> None:
    assert str(m(amount, cur).rounded(HALF_UP).amount) == half_up
    assert str(m(amount, cur).rounded(HALF_EVEN).amount) == half_even


def test_half_up_is_the_default_policy() -> None:
    assert m("2.345").rounded() == m("2.35")


def test_rounding_ignores_the_decimal_context_rounding() -> None:
    with localcontext() as context:
        context.rounding = "ROUND_FLOOR"
        assert m("2.345").rounded(HALF_UP).amount == Decimal("2.35")


def test_policies_name_their_decimal_rounding_modes() -> None:
    assert (HALF_UP.decimal_rounding, HALF_EVEN.decimal_rounding) == (
        "ROUND_HALF_UP",
        "ROUND_HALF_EVEN",
    )


@pytest.mark.parametrize(
    ("money", "units"),
    [
        (m("12.50"), 1250),
        (m("12.5"), 1250),
        (m("-0.01"), -1),
        (m("1200", JPY), 1200),
        (m("1.234", KWD), 1234),
        (m("0.0001", CLF), 1),
        (m("1E+2"), 10000),
    ],
)
def test_to_and_from_minor_units(money: Money, units: int) -> None:
    assert money.to_minor_units() == units
    assert Money.from_minor_units(units, money.currency) == money


def test_to_minor_units_refuses_an_unrounded_amount() -> None:
    with pytest.raises(ValueError, match="round it first"):
        m("2.345").to_minor_units()
    with pytest.raises(
        ValueError, match=r"^JPY 0\.5 has digits below the JPY minor unit; round it first$"
    ):
        m("0.5", JPY).to_minor_units()


def test_from_minor_units_keeps_the_minor_unit_digits() -> None:
    assert str(Money.from_minor_units(1250, USD).amount) == "12.50"
    assert str(Money.from_minor_units(5, CLF).amount) == "0.0005"
    with pytest.raises(TypeError):
        Money.from_minor_units(12.5, USD)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (m("12.5"), "USD 12.50"),
        (m("12.500"), "USD 12.50"),
        (m("1E+3"), "USD 1000.00"),
        (m("0.0060"), "USD 0.0060"),
        (m("-3"), "USD -3.00"),
        (m("1E-10"), "USD 0.0000000001"),
        (m("1200", JPY), "JPY 1200"),
        (m("0.5", JPY), "JPY 0.5"),
        (m("1.2", CLF), "CLF 1.2000"),
    ],
)
def test_str_shows_minor_digits_when_rounded_and_full_precision_otherwise(
    money: Money, text: str
) -> None:
    assert str(money) == text


# --- allocation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (m("100.00"), [1, 1, 1], ["33.34", "33.33", "33.33"]),
        (m("0.05"), [1] * 6, ["0.01", "0.01", "0.01", "0.01", "0.01", "0.00"]),
        (m("-100.00"), [1, 1, 1], ["-33.34", "-33.33", "-33.33"]),
        (m("-0.05"), [1] * 6, ["-0.01", "-0.01", "-0.01", "-0.01", "-0.01", "0.00"]),
        # 10 yen over 1:2 → exact 3.33 and 6.67; floors 3 and 6; the unit goes to 0.67.
        (m("10", JPY), [1, 2], ["3", "7"]),
        (
            m("1000", JPY),
            [Decimal("0.5"), 0, Decimal("0.25"), Decimal("0.25")],
            ["500", "0", "250", "250"],
        ),
        # 1.00 over 3:0:1 → exact 0.75, 0, 0.25.
        (m("1.00"), [3, 0, 1], ["0.75", "0.00", "0.25"]),
        # 10.00 over 1:1:1:1:1:1:1 → 1.428571… each; floors 1.42 sum 9.94, so the first six
        # (tied remainders, lower index first) get one cent more.
        (m("10.00"), [1] * 7, ["1.43", "1.43", "1.43", "1.43", "1.43", "1.43", "1.42"]),
        # 100.005 rounds half-up to 100.01 first; 100.01 / 2 = 50.005 each → 50.01, 50.00.
        (m("100.005"), [1, 1], ["50.01", "50.00"]),
        # 0.02 over 1:5 → exact 0.00333… and 0.01666…; floors 0.00, 0.01; largest remainder wins.
        (m("0.02"), [1, 5], ["0.00", "0.02"]),
        (m("0.000", KWD), [1, 2], ["0.000", "0.000"]),
    ],
)
def test_allocation_examples_worked_by_hand(
    total: Money, weights: list[Decimal | int], expected: list[str]
) -> None:
    shares = allocate(total, weights, HALF_UP)

    assert amounts(shares) == expected
    assert {share.currency for share in shares} == {total.currency}


def test_allocation_rounds_the_total_with_the_policy_first() -> None:
    assert amounts(allocate(m("0.125"), [1], HALF_UP)) == ["0.13"]
    assert amounts(allocate(m("0.125"), [1], HALF_EVEN)) == ["0.12"]


def test_allocation_refuses_empty_weights() -> None:
    with pytest.raises(InvalidArgument) as raised:
        allocate(m("1"), [], HALF_UP)

    assert raised.value.problems == (FieldProblem("weights", "must not be empty", "empty"),)


def test_allocation_refuses_negative_weights_naming_each() -> None:
    with pytest.raises(InvalidArgument) as raised:
        allocate(m("1"), [1, -1, Decimal("-0.5")], HALF_UP)

    assert raised.value.problems == (
        FieldProblem("weights[1]", "must not be negative", "negative"),
        FieldProblem("weights[2]", "must not be negative", "negative"),
    )


def test_allocation_refuses_all_zero_weights() -> None:
    with pytest.raises(InvalidArgument) as raised:
        allocate(m("1"), [0, Decimal("0.00")], HALF_UP)

    assert raised.value.problems == (FieldProblem("weights", "must not all be zero", "all_zero"),)


def test_allocation_refuses_non_finite_and_float_weights() -> None:
    with pytest.raises(InvalidArgument) as raised:
        allocate(m("1"), [1, Decimal("NaN")], HALF_UP)
    assert raised.value.problems == (FieldProblem("weights[1]", "must be finite", "not_finite"),)

    with pytest.raises(TypeError):
        allocate(m("1"), [1, 0.5], HALF_UP)  # type: ignore[list-item]


# --- properties ---------------------------------------------------------------------------

CURRENCIES = st.sampled_from([USD, JPY, KWD, CLF, currency("UYW"), currency("BHD")])
AMOUNTS = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6, allow_nan=False
)
MONIES = st.builds(Money, AMOUNTS, CURRENCIES)
POLICIES = st.sampled_from(list(RoundingPolicy))
WEIGHTS = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=1000),
        st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False),
    ),
    min_size=1,
    max_size=12,
).filter(any)


def unit(cur: Currency) -> Decimal:
    return Decimal(1).scaleb(-cur.minor_units)


@given(total=MONIES, weights=WEIGHTS, policy=POLICIES)
def test_shares_sum_exactly_to_the_rounded_total(
    total: Money, weights: list[Decimal | int], policy: RoundingPolicy
) -> None:
    shares = allocate(total, weights, policy)

    assert sum(shares, Money.zero(total.currency)) == total.rounded(policy)
    assert len(shares) == len(weights)
    assert all(share.is_rounded() for share in shares)


@given(total=MONIES, weights=WEIGHTS, policy=POLICIES)
def test_each_share_is_within_one_minor_unit_of_its_exact_proportion(
    total: Money, weights: list[Decimal | int], policy: RoundingPolicy
) -> None:
    rounded = Fraction(total.rounded(policy).amount)
    weight_sum = sum(Fraction(w) for w in weights)
    one = Fraction(unit(total.currency))

    for share, weight in zip(allocate(total, weights, policy), weights, strict=True):
        exact = rounded * Fraction(weight) / weight_sum
        assert abs(Fraction(share.amount) - exact) < one
        if weight == 0:
            assert share.is_zero()


@given(total=MONIES, weights=WEIGHTS, policy=POLICIES)
def test_allocating_a_negative_total_mirrors_the_positive_one(
    total: Money, weights: list[Decimal | int], policy: RoundingPolicy
) -> None:
    assert allocate(-total, weights, policy) == [-s for s in allocate(total, weights, policy)]


@given(money=MONIES, policy=POLICIES)
def test_rounding_is_idempotent(money: Money, policy: RoundingPolicy) -> None:
    once = money.rounded(policy)

    assert once.rounded(policy) == once
    assert str(once.rounded(policy).amount) == str(once.amount)
    assert Money.from_minor_units(once.to_minor_units(), once.currency) == once


@given(money=MONIES)
def test_half_up_and_half_even_differ_by_at_most_one_minor_unit(money: Money) -> None:
    difference = abs((money.rounded(HALF_UP) - money.rounded(HALF_EVEN)).amount)

    assert difference in (0, unit(money.currency))
    assert difference <= unit(money.currency)
