"""Pricing models (BILLING-SEMANTICS §3): exact amounts, tier ladders, free units, true-ups."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.errors import FieldProblem, InvalidArgument
from pactline.domain.rating import (
    FlatFee,
    Graduated,
    ModelKind,
    Package,
    PerUnit,
    PricingModel,
    Stairstep,
    Tier,
    Volume,
    after_free_units,
    extra_units_price,
    require_valid_tiers,
    validate_tiers,
)

# The worked example of BILLING-SEMANTICS §3: rows 0-100 at 2.00, 100-open at 1.50.
WORKED = (
    Tier(Decimal(0), Decimal(100), Decimal("2.00")),
    Tier(Decimal(100), None, Decimal("1.50")),
)

# Computed by hand below; flat fees on the first two rows.
THREE_ROWS = (
    Tier(Decimal(0), Decimal(10), Decimal("5.00"), Decimal("1.00")),
    Tier(Decimal(10), Decimal(50), Decimal("3.00"), Decimal("2.50")),
    Tier(Decimal(50), None, Decimal("0.50")),
)
STAIRS = (
    Tier(Decimal(0), Decimal(10), Decimal("100.00")),
    Tier(Decimal(10), Decimal(50), Decimal("250.00")),
    Tier(Decimal(50), None, Decimal("400.00")),
)


def fields(problems: list[FieldProblem]) -> list[str]:
    return [problem.field for problem in problems]


# --- the worked example and exact values -----------------------------------------------


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (PerUnit(Decimal("2.00")), Decimal("260.00")),
        (Package(Decimal("2.00"), Decimal(50)), Decimal("6.00")),
        (Graduated(WORKED), Decimal("245.00")),
        (Volume(WORKED), Decimal("195.00")),
        (Stairstep(WORKED), Decimal("1.50")),
        (FlatFee(Decimal("99.00")), Decimal("99.00")),
    ],
    ids=["per-unit", "package", "graduated", "volume", "stairstep", "flat-fee"],
)
def test_worked_example_at_130(model: PricingModel, expected: Decimal) -> None:
    assert model.amount(Decimal(130)) == expected


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (Graduated(WORKED), Decimal("200.00")),
        (Volume(WORKED), Decimal("200.00")),
        (Stairstep(WORKED), Decimal("2.00")),
    ],
    ids=["graduated", "volume", "stairstep"],
)
def test_quantity_on_an_edge_belongs_to_the_lower_row(
    model: PricingModel, expected: Decimal
) -> None:
    assert model.amount(Decimal(100)) == expected


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (Graduated(WORKED), Decimal("200.015")),
        (Volume(WORKED), Decimal("150.015")),
        (Stairstep(WORKED), Decimal("1.50")),
    ],
    ids=["graduated", "volume", "stairstep"],
)
def test_just_above_an_edge_reaches_the_upper_row(model: PricingModel, expected: Decimal) -> None:
    assert model.amount(Decimal("100.01")) == expected


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (FlatFee(Decimal("99.00")), Decimal("99.00")),
        (PerUnit(Decimal("2.00")), Decimal(0)),
        (Package(Decimal("2.00"), Decimal(50)), Decimal(0)),
        (Graduated(THREE_ROWS), Decimal(0)),
        (Volume(THREE_ROWS), Decimal(0)),
        (Stairstep(STAIRS), Decimal(0)),
    ],
    ids=["flat-fee", "per-unit", "package", "graduated", "volume", "stairstep"],
)
def test_quantity_zero(model: PricingModel, expected: Decimal) -> None:
    # A flat fee is owed for the period even with nothing used; the others cost nothing,
    # and no row's flat fee applies because no row has units.
    assert model.amount(Decimal(0)) == expected


@pytest.mark.parametrize(
    ("quantity", "graduated", "volume"),
    [
        # 5.5 * 5.00 + 1.00
        (Decimal("5.5"), Decimal("28.50"), Decimal("28.50")),
        # on the first edge: the first row only, with its flat fee
        (Decimal(10), Decimal("51.00"), Decimal("51.00")),
        # (10 * 5.00 + 1.00) + (0.001 * 3.00 + 2.50); volume: 10.001 * 3.00 + 2.50
        (Decimal("10.001"), Decimal("53.503"), Decimal("32.503")),
        # (51.00) + (20 * 3.00 + 2.50); volume: 30 * 3.00 + 2.50
        (Decimal(30), Decimal("113.50"), Decimal("92.50")),
        # (51.00) + (40 * 3.00 + 2.50) = 173.50 on the second edge
        (Decimal(50), Decimal("173.50"), Decimal("152.50")),
        # 173.50 + 25.5 * 0.50; volume: 75.5 * 0.50 (the open row has no flat fee)
        (Decimal("75.5"), Decimal("186.25"), Decimal("37.75")),
    ],
)
def test_three_row_ladder_by_hand(quantity: Decimal, graduated: Decimal, volume: Decimal) -> None:
    assert Graduated(THREE_ROWS).amount(quantity) == graduated
    assert Volume(THREE_ROWS).amount(quantity) == volume


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (Decimal("0.001"), Decimal("100.00")),
        (Decimal(10), Decimal("100.00")),
        (Decimal(11), Decimal("250.00")),
        (Decimal(50), Decimal("250.00")),
        (Decimal("50.5"), Decimal("400.00")),
        (Decimal(10**9), Decimal("400.00")),
    ],
)
def test_stairstep_band_fees(quantity: Decimal, expected: Decimal) -> None:
    assert Stairstep(STAIRS).amount(quantity) == expected


def test_per_tier_flat_fee_is_added_once_per_row_with_units() -> None:
    ladder = (
        Tier(Decimal(0), Decimal(1000), Decimal(0), Decimal("10.00")),
        Tier(Decimal(1000), None, Decimal("0.01"), Decimal("25.00")),
    )
    assert Graduated(ladder).amount(Decimal(1)) == Decimal("10.00")
    assert Graduated(ladder).amount(Decimal(1000)) == Decimal("10.00")
    assert Graduated(ladder).amount(Decimal(1001)) == Decimal("35.01")
    assert Volume(ladder).amount(Decimal(1)) == Decimal("10.00")
    assert Volume(ladder).amount(Decimal(1001)) == Decimal("35.01")


def test_tiny_rate_is_exact() -> None:
    assert PerUnit(Decimal("0.0060")).amount(Decimal(1_234_567)) == Decimal("7407.4020")
    assert str(PerUnit(Decimal("0.0060")).amount(Decimal(1_234_567))) == "7407.4020"


def test_tiny_rates_in_a_ladder_are_exact() -> None:
    ladder = (
        Tier(Decimal(0), Decimal(1_000_000), Decimal("0.0060")),
        Tier(Decimal(1_000_000), None, Decimal("0.0045")),
    )
    # 6000.0000 + 234567 * 0.0045 = 6000 + 1055.5515
    assert Graduated(ladder).amount(Decimal(1_234_567)) == Decimal("7055.5515")
    assert Volume(ladder).amount(Decimal(1_234_567)) == Decimal("5555.5515")


def test_nothing_is_rounded_beyond_the_default_28_digits() -> None:
    # 31 significant digits: the default decimal context would round this silently.
    quantity = Decimal(10**30 + 1)
    assert PerUnit(Decimal("0.0000001")).amount(quantity) == Decimal(
        "100000000000000000000000.0000001"
    )
    ladder = (
        Tier(Decimal(0), Decimal(1), Decimal(0)),
        Tier(Decimal(1), None, Decimal("0.0000001")),
    )
    assert Graduated(ladder).amount(quantity) == Decimal("100000000000000000000000")


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        (Decimal(1), Decimal("2.00")),
        (Decimal(50), Decimal("2.00")),
        (Decimal(51), Decimal("4.00")),
        (Decimal(100), Decimal("4.00")),
        (Decimal("100.5"), Decimal("6.00")),  # a started package is a whole package
        (Decimal("0.0001"), Decimal("2.00")),
    ],
)
def test_package_rounds_up_to_whole_packages(quantity: Decimal, expected: Decimal) -> None:
    assert Package(Decimal("2.00"), Decimal(50)).amount(quantity) == expected


def test_package_size_may_be_written_with_decimals_if_whole() -> None:
    assert Package(Decimal("2.00"), Decimal("50.00")).amount(Decimal(130)) == Decimal("6.00")


def test_flat_fee_ignores_quantity() -> None:
    assert FlatFee(Decimal("99.00")).amount(Decimal(10**6)) == Decimal("99.00")


def test_integers_are_exact_so_they_are_accepted() -> None:
    assert PerUnit(Decimal("2.00")).amount(3) == Decimal("6.00")  # type: ignore[arg-type]
    assert Tier(0, None, 2) == Tier(Decimal(0), None, Decimal(2))  # type: ignore[arg-type]


# --- free units and quantity commitments -----------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "free", "expected"),
    [
        (Decimal(130), Decimal(100), Decimal(30)),
        (Decimal(100), Decimal(100), Decimal(0)),
        (Decimal(50), Decimal(100), Decimal(0)),
        (Decimal("10.5"), Decimal(0), Decimal("10.5")),
        (Decimal(0), Decimal(0), Decimal(0)),
    ],
)
def test_after_free_units(quantity: Decimal, free: Decimal, expected: Decimal) -> None:
    assert after_free_units(quantity, free) == expected


def test_after_free_units_refuses_negatives() -> None:
    with pytest.raises(InvalidArgument) as caught:
        after_free_units(Decimal(10), Decimal(-1))
    assert fields(list(caught.value.problems)) == ["freeUnits"]
    with pytest.raises(InvalidArgument) as caught:
        after_free_units(Decimal(-1), Decimal(0))
    assert fields(list(caught.value.problems)) == ["quantity"]


@pytest.mark.parametrize(
    ("model", "actual", "shortfall", "expected"),
    [
        # 120 units cost 230.00, 80 cost 160.00
        (Graduated(WORKED), Decimal(80), Decimal(40), Decimal("70.00")),
        (PerUnit(Decimal("2.00")), Decimal(80), Decimal(40), Decimal("80.00")),
        # 3 packages instead of 2
        (Package(Decimal("2.00"), Decimal(50)), Decimal(80), Decimal(40), Decimal("2.00")),
        (Graduated(WORKED), Decimal(80), Decimal(0), Decimal(0)),
        # volume is not monotonic: 110 units (165.00) cost less than 90 (180.00)
        (Volume(WORKED), Decimal(90), Decimal(20), Decimal(0)),
        (Volume(WORKED), Decimal(110), Decimal(20), Decimal("30.00")),
        (FlatFee(Decimal("99.00")), Decimal(80), Decimal(40), Decimal(0)),
        (Stairstep(STAIRS), Decimal(5), Decimal(10), Decimal("150.00")),
    ],
)
def test_extra_units_price(
    model: PricingModel, actual: Decimal, shortfall: Decimal, expected: Decimal
) -> None:
    assert extra_units_price(model, actual, shortfall) == expected


@pytest.mark.parametrize(
    ("actual", "shortfall", "field"), [(-1, 1, "actual"), (1, -1, "shortfall")]
)
def test_extra_units_price_refuses_negatives(actual: int, shortfall: int, field: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        extra_units_price(PerUnit(Decimal(1)), Decimal(actual), Decimal(shortfall))
    assert fields(list(caught.value.problems)) == [field]


# --- kinds -------------------------------------------------------------------------------


def test_model_kinds() -> None:
    assert [kind.value for kind in ModelKind] == [
        "FLAT_FEE",
        "FLAT_RATE",
        "PACKAGE",
        "TIERED",
        "VOLUME",
        "STAIRSTEP",
    ]
    assert FlatFee(Decimal(1)).kind is ModelKind.FLAT_FEE
    assert PerUnit(Decimal(1)).kind is ModelKind.FLAT_RATE
    assert Package(Decimal(1), Decimal(1)).kind is ModelKind.PACKAGE
    assert Graduated(WORKED).kind is ModelKind.TIERED
    assert Volume(WORKED).kind is ModelKind.VOLUME
    assert Stairstep(WORKED).kind is ModelKind.STAIRSTEP


def test_models_are_frozen_and_hashable_even_from_a_list() -> None:
    model = Graduated(list(WORKED))
    assert model.tiers == WORKED
    assert hash(model) == hash(Graduated(WORKED))
    with pytest.raises(AttributeError):
        model.tiers = ()  # type: ignore[misc]


# --- tier validation ---------------------------------------------------------------------


def test_a_valid_ladder_has_no_problems() -> None:
    assert validate_tiers(WORKED) == []
    assert validate_tiers(THREE_ROWS) == []
    assert validate_tiers([Tier(Decimal(0), None, Decimal(0))]) == []
    require_valid_tiers(WORKED)


def test_empty_ladder() -> None:
    assert validate_tiers([]) == [FieldProblem("tiers", "must have at least one row", "required")]


@pytest.mark.parametrize(
    ("ladder", "expected"),
    [
        pytest.param(
            [Tier(Decimal(1), Decimal(100), Decimal(2)), Tier(Decimal(100), None, Decimal(1))],
            [FieldProblem("tiers[0].from", "must be 0 in the first row")],
            id="first-from-not-zero",
        ),
        pytest.param(
            [Tier(Decimal(0), Decimal(100), Decimal(2)), Tier(Decimal(101), None, Decimal(1))],
            [
                FieldProblem(
                    "tiers[1].from",
                    "must equal the previous row's to (100): "
                    "rows must be contiguous, with no gap or overlap",
                )
            ],
            id="gap",
        ),
        pytest.param(
            [
                Tier(Decimal(0), Decimal(100), Decimal(2)),
                Tier(Decimal(100), Decimal(200), Decimal(1)),
                Tier(Decimal(150), None, Decimal(1)),
            ],
            [
                FieldProblem(
                    "tiers[2].from",
                    "must equal the previous row's to (200): "
                    "rows must be contiguous, with no gap or overlap",
                )
            ],
            id="overlap",
        ),
        pytest.param(
            [
                Tier(Decimal(0), Decimal(100), Decimal(2)),
                Tier(Decimal(100), Decimal(90), Decimal(1)),
                Tier(Decimal(90), None, Decimal(1)),
            ],
            [FieldProblem("tiers[1].to", "must be greater than from")],
            id="to-below-from",
        ),
        pytest.param(
            [Tier(Decimal(0), Decimal(0), Decimal(2)), Tier(Decimal(0), None, Decimal(1))],
            [FieldProblem("tiers[0].to", "must be greater than from")],
            id="empty-row",
        ),
        pytest.param(
            [Tier(Decimal(0), None, Decimal(2)), Tier(Decimal(100), None, Decimal(1))],
            [FieldProblem("tiers[0].to", "only the last row may be open-ended (to = null)")],
            id="open-row-before-the-last",
        ),
        pytest.param(
            [
                Tier(Decimal(0), Decimal(100), Decimal(2)),
                Tier(Decimal(100), Decimal(200), Decimal(1)),
            ],
            [
                FieldProblem(
                    "tiers[1].to", "must be null in the last row, so that every quantity has a row"
                )
            ],
            id="closed-top",
        ),
        pytest.param(
            [
                Tier(Decimal(0), Decimal(100), Decimal("-0.01")),
                Tier(Decimal(100), None, Decimal(1)),
            ],
            [FieldProblem("tiers[0].price", "must be zero or more")],
            id="negative-price",
        ),
        pytest.param(
            [
                Tier(Decimal(0), Decimal(100), Decimal(2)),
                Tier(Decimal(100), None, Decimal(1), Decimal(-5)),
            ],
            [FieldProblem("tiers[1].flatFee", "must be zero or more")],
            id="negative-flat-fee",
        ),
        pytest.param(
            [
                Tier(Decimal(0), Decimal(100), Decimal("NaN")),
                Tier(Decimal(100), None, Decimal(1), Decimal("Infinity")),
            ],
            [
                FieldProblem("tiers[0].price", "must be a finite number"),
                FieldProblem("tiers[1].flatFee", "must be a finite number"),
            ],
            id="not-finite",
        ),
        pytest.param(
            [
                Tier(Decimal(0), Decimal("Infinity"), Decimal(2)),
                Tier(Decimal("Infinity"), None, Decimal(1)),
            ],
            [
                FieldProblem("tiers[0].to", "must be a finite number"),
                FieldProblem("tiers[1].from", "must be a finite number"),
            ],
            id="infinite-edge",
        ),
    ],
)
def test_each_tier_problem_with_its_field_path(
    ladder: list[Tier], expected: list[FieldProblem]
) -> None:
    assert validate_tiers(ladder) == expected


def test_every_problem_is_reported_at_once_under_the_given_field() -> None:
    ladder = [
        Tier(Decimal(5), Decimal(100), Decimal(-1)),
        Tier(Decimal(90), Decimal(80), Decimal(1), Decimal(-1)),
        Tier(Decimal(80), Decimal(200), Decimal(1)),
    ]
    with pytest.raises(InvalidArgument) as caught:
        require_valid_tiers(ladder, "priceVersions[0].tiers")
    assert fields(list(caught.value.problems)) == [
        "priceVersions[0].tiers[0].from",
        "priceVersions[0].tiers[0].price",
        "priceVersions[0].tiers[1].from",
        "priceVersions[0].tiers[1].to",
        "priceVersions[0].tiers[1].flatFee",
        "priceVersions[0].tiers[2].to",
    ]
    assert caught.value.details["errors"][0]["field"] == "priceVersions[0].tiers[0].from"


@pytest.mark.parametrize("model_class", [Graduated, Volume, Stairstep])
def test_tiered_models_validate_their_ladder(model_class: Any) -> None:
    with pytest.raises(InvalidArgument) as caught:
        model_class([Tier(Decimal(0), Decimal(100), Decimal(2))])
    assert fields(list(caught.value.problems)) == ["tiers[0].to"]
    with pytest.raises(InvalidArgument) as caught:
        model_class([])
    assert fields(list(caught.value.problems)) == ["tiers"]


def test_stairstep_refuses_a_flat_fee_on_top_of_the_band_fee() -> None:
    with pytest.raises(InvalidArgument) as caught:
        Stairstep(
            [
                Tier(Decimal(0), Decimal(10), Decimal(100)),
                Tier(Decimal(10), None, Decimal(200), Decimal(5)),
            ]
        )
    assert fields(list(caught.value.problems)) == ["tiers[1].flatFee"]


@pytest.mark.parametrize(
    "build",
    [
        lambda price: FlatFee(price),
        lambda price: PerUnit(price),
        lambda price: Package(price, Decimal(10)),
    ],
    ids=["flat-fee", "per-unit", "package"],
)
@pytest.mark.parametrize("price", [Decimal("-0.01"), Decimal("NaN"), Decimal("-Infinity")])
def test_models_refuse_a_negative_or_non_finite_price(build: Any, price: Decimal) -> None:
    with pytest.raises(InvalidArgument) as caught:
        build(price)
    assert fields(list(caught.value.problems)) == ["price"]


@pytest.mark.parametrize(
    "size", [Decimal(0), Decimal(-50), Decimal("2.5"), Decimal("Infinity"), Decimal("NaN")]
)
def test_package_size_must_be_a_whole_number_of_one_or_more(size: Decimal) -> None:
    with pytest.raises(InvalidArgument) as caught:
        Package(Decimal(1), size)
    assert fields(list(caught.value.problems)) == ["packageSize"]


@pytest.mark.parametrize(
    "model",
    [
        FlatFee(Decimal(1)),
        PerUnit(Decimal(1)),
        Package(Decimal(1), Decimal(1)),
        Graduated(WORKED),
        Volume(WORKED),
        Stairstep(WORKED),
    ],
    ids=["flat-fee", "per-unit", "package", "graduated", "volume", "stairstep"],
)
@pytest.mark.parametrize(
    "quantity", [Decimal(-1), Decimal("-0.0001"), Decimal("NaN"), Decimal("Infinity")]
)
def test_quantity_must_be_finite_and_not_negative(model: PricingModel, quantity: Decimal) -> None:
    with pytest.raises(InvalidArgument) as caught:
        model.amount(quantity)
    assert fields(list(caught.value.problems)) == ["quantity"]


# --- floats are refused ------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: Tier(0.0, None, Decimal(1)),  # type: ignore[arg-type]
        lambda: Tier(Decimal(0), 100.0, Decimal(1)),  # type: ignore[arg-type]
        lambda: Tier(Decimal(0), None, 0.1),  # type: ignore[arg-type]
        lambda: Tier(Decimal(0), None, Decimal(1), 0.5),  # type: ignore[arg-type]
        lambda: FlatFee(9.99),  # type: ignore[arg-type]
        lambda: PerUnit(0.006),  # type: ignore[arg-type]
        lambda: Package(Decimal(2), 50.0),  # type: ignore[arg-type]
        lambda: PerUnit(Decimal(1)).amount(1.5),  # type: ignore[arg-type]
        lambda: Graduated(WORKED).amount(130.0),  # type: ignore[arg-type]
        lambda: FlatFee(Decimal(1)).amount(0.0),  # type: ignore[arg-type]
        lambda: after_free_units(1.0, Decimal(0)),  # type: ignore[arg-type]
        lambda: after_free_units(Decimal(1), 0.5),  # type: ignore[arg-type]
        lambda: extra_units_price(PerUnit(Decimal(1)), 1.0, Decimal(1)),  # type: ignore[arg-type]
        lambda: PerUnit(True),  # type: ignore[arg-type]
        lambda: PerUnit("2.00"),  # type: ignore[arg-type]
        lambda: Graduated([(0, None, 1)]),  # type: ignore[list-item]
    ],
)
def test_floats_and_other_inexact_inputs_are_refused(call: Any) -> None:
    with pytest.raises(TypeError):
        call()


# --- properties --------------------------------------------------------------------------

quantities = st.decimals(
    min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False
)
prices = st.decimals(min_value=0, max_value=10**4, places=4, allow_nan=False, allow_infinity=False)
edges = st.decimals(
    min_value=Decimal("0.01"), max_value=10**6, places=2, allow_nan=False, allow_infinity=False
)


@st.composite
def ladders(draw: st.DrawFn, flat_fees: bool = True) -> tuple[Tier, ...]:
    tops = sorted(draw(st.lists(edges, unique=True, max_size=5)))
    bottoms = [Decimal(0), *tops]
    return tuple(
        Tier(bottom, top, draw(prices), draw(prices) if flat_fees else Decimal(0))
        for bottom, top in zip(bottoms, [*tops, None], strict=True)
    )


models: st.SearchStrategy[PricingModel] = st.one_of(
    st.builds(FlatFee, prices),
    st.builds(PerUnit, prices),
    st.builds(Package, prices, st.integers(min_value=1, max_value=1000).map(Decimal)),
    ladders().map(Graduated),
    ladders().map(Volume),
    ladders(flat_fees=False).map(Stairstep),
)


@given(ladders(), quantities, quantities)
def test_graduated_is_monotonic(ladder: tuple[Tier, ...], q1: Decimal, q2: Decimal) -> None:
    low, high = sorted((q1, q2))
    model = Graduated(ladder)
    assert model.amount(low) <= model.amount(high)


@given(prices, quantities)
def test_graduated_with_one_open_row_is_per_unit(price: Decimal, quantity: Decimal) -> None:
    assert Graduated([Tier(Decimal(0), None, price)]).amount(quantity) == PerUnit(price).amount(
        quantity
    )


@given(prices, prices, quantities)
def test_volume_with_one_row_is_per_unit_plus_flat_fee(
    price: Decimal, fee: Decimal, quantity: Decimal
) -> None:
    expected = PerUnit(price).amount(quantity) + (fee if quantity > 0 else Decimal(0))
    assert Volume([Tier(Decimal(0), None, price, fee)]).amount(quantity) == expected


@given(prices.filter(lambda price: price > 0), st.integers(1, 1000).map(Decimal), quantities)
def test_package_amount_is_a_whole_number_of_packages(
    price: Decimal, size: Decimal, quantity: Decimal
) -> None:
    packages = Package(price, size).amount(quantity) / price
    assert packages == packages.to_integral_value()
    assert (packages - 1) * size < quantity <= packages * size


@given(models, quantities)
def test_amounts_are_never_negative(model: PricingModel, quantity: Decimal) -> None:
    assert model.amount(quantity) >= 0


@given(models, quantities, quantities)
def test_extra_units_price_is_never_negative(
    model: PricingModel, actual: Decimal, shortfall: Decimal
) -> None:
    assert extra_units_price(model, actual, shortfall) >= 0


@given(quantities, quantities)
def test_free_units_never_leave_a_negative_quantity(quantity: Decimal, free: Decimal) -> None:
    left = after_free_units(quantity, free)
    assert left >= 0
    assert left <= quantity
