"""Orders: their own rules, their transitions, and the fulfilment checklist computed from facts
(contract, amendments, subscriptions, features) with what is missing named by stable codes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pactline.domain.calendar import BillingCycle, CycleUnit
from pactline.domain.catalog import Feature, FeatureStatus, FeatureType, MeterType
from pactline.domain.charges import BillingPeriod, PricingType
from pactline.domain.contract_amendments import Amendment
from pactline.domain.contract_records import Contract, ContractStatus
from pactline.domain.contract_value import contract_value
from pactline.domain.contracts import ChargeType, ContractTerms, LineItem, PriceVersion
from pactline.domain.currency import currency
from pactline.domain.errors import StateConflict
from pactline.domain.order_checklist import FulfilmentFacts, StepName, checklist
from pactline.domain.orders import (
    Order,
    OrderLine,
    OrderLineKind,
    OrderSource,
    OrderStatus,
    OrderType,
    SourceKind,
    ValueSnapshot,
    canceled,
    edited,
    fulfilled,
    order_problems,
)
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating import FlatFee, PerUnit
from pactline.domain.subscriptions import PaymentCollectionMethod, Subscription

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
ENV = "env-1"
MONTHLY = BillingCycle(CycleUnit.MONTH)


def platform() -> LineItem:
    return LineItem(
        id="platform",
        name="Platform",
        charge_type=ChargeType.FIXED,
        price_versions=(PriceVersion(date(2026, 2, 1), FlatFee(Decimal("1000"))),),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ADVANCE,
    )


def api_calls(feature_id: str | None = "calls") -> LineItem:
    return LineItem(
        id="api",
        name="API calls",
        charge_type=ChargeType.USAGE,
        price_versions=(PriceVersion(date(2026, 2, 1), PerUnit(Decimal("0.002"))),),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ARREARS,
        metered_feature_id=feature_id,
    )


def contract(
    *lines: LineItem,
    status: ContractStatus = ContractStatus.ACTIVE,
    customer_id: str = "acme",
    **more: object,
) -> Contract:
    terms = ContractTerms(
        id="c-1",
        name="Acme",
        customer_id=customer_id,
        currency=currency("USD"),
        timezone="UTC",
        start_on=date(2026, 2, 1),
        end_on=date(2027, 1, 31),
        line_items=lines or (platform(),),
    )
    record = Contract(
        id="c-1",
        environment_id=ENV,
        customer_id=customer_id,
        name="Acme",
        status=status,
        terms=terms,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(record, **more)  # type: ignore[arg-type]


def line(kind: OrderLineKind = OrderLineKind.RECURRING, **more: object) -> OrderLine:
    base = OrderLine(name="Platform", kind=kind, currency="USD", quantity=Decimal(1))
    return replace(base, **more)  # type: ignore[arg-type]


def order(*lines: OrderLine, type_: OrderType = OrderType.INITIAL, **more: object) -> Order:
    base = Order(
        id="o-1",
        environment_id=ENV,
        customer_id="acme",
        type=type_,
        source=OrderSource(SourceKind.CRM, "006Dn00000ABCDE"),
        signed_on=date(2026, 1, 10),
        lines=lines or (line(),),
        status=OrderStatus.NEW,
        created_at=NOW,
        updated_at=NOW,
        contract_id="c-1",
    )
    return replace(base, **more)  # type: ignore[arg-type]


def subscription(sub_id: str, plan_id: str = "enterprise", **more: object) -> Subscription:
    base = Subscription(
        id=sub_id,
        environment_id=ENV,
        customer_id="acme",
        plan_id=plan_id,
        plan_version=1,
        product_id="analytics",
        pricing_type=PricingType.CUSTOM,
        billing_period=BillingPeriod.MONTHLY,
        currency="usd",
        payment_collection_method=PaymentCollectionMethod.INVOICE,
        start_at=NOW,
        created_at=NOW,
        updated_at=NOW,
    )
    return replace(base, **more)  # type: ignore[arg-type]


def feature(feature_id: str = "calls", meter: MeterType = MeterType.INCREMENTAL) -> Feature:
    return Feature(
        id=feature_id,
        environment_id=ENV,
        display_name=feature_id,
        feature_type=FeatureType.NUMBER,
        status=FeatureStatus.ACTIVE,
        meter_type=meter,
        created_at=NOW,
        updated_at=NOW,
    )


def amendment(at: datetime, order_id: str | None = None) -> Amendment:
    return Amendment(
        id="amd-1",
        environment_id=ENV,
        contract_id="c-1",
        number=1,
        actor="key-1",
        created_at=at,
        effective_on=date(2026, 3, 1),
        version_before=2,
        version_after=3,
        changes=(),
        order_id=order_id,
    )


def missing(the_order: Order, facts: FulfilmentFacts) -> dict[str, list[str]]:
    """Each step's missing codes (done steps: an empty list)."""
    return {s.name.value: [m.code for m in s.missing] for s in checklist(the_order, facts).steps}


# --- the order's own rules ----------------------------------------------------------------------


def test_a_well_formed_order_has_no_problems() -> None:
    assert order_problems(order(), NOW) == []


def test_problems_name_each_field_with_a_stable_code() -> None:
    bad = order(
        line(name=" ", quantity=Decimal(0), unit_price=Decimal("-1")),
        line(OrderLineKind.ONE_TIME, currency="EUR", feature_id="calls"),
        line(currency="XXY"),
        id="a/b",
        source=OrderSource(SourceKind.PDF, "  "),
        signed_on=date(2026, 1, 17),
    )
    found = [(p.field, p.code) for p in order_problems(bad, NOW)]
    assert found == [
        ("id", "invalid"),
        ("source.reference", "invalid"),
        ("signedDate", "in_future"),
        ("lines[0].name", "invalid"),
        ("lines[0].quantity", "out_of_range"),
        ("lines[0].unitPrice", "out_of_range"),
        ("lines[1].currency", "currency_mismatch"),
        ("lines[1].featureId", "not_allowed"),
        ("lines[2].currency", "unknown_currency"),
    ]


def test_an_order_needs_a_line_and_may_be_dated_today_anywhere_on_earth() -> None:
    assert [(p.field, p.code) for p in order_problems(order(lines=()), NOW)] == [
        ("lines", "required")
    ]
    # 09:30 UTC on the 15th is already the 15th's evening at UTC+14, never the 16th.
    assert order_problems(order(signed_on=date(2026, 1, 15)), NOW) == []
    late = NOW.replace(hour=11)
    assert order_problems(order(signed_on=date(2026, 1, 16)), late) == []


# --- transitions --------------------------------------------------------------------------------


def test_only_a_new_order_is_edited_or_canceled_and_each_change_bumps_the_version() -> None:
    new = order()
    later = NOW + timedelta(hours=1)
    changed = edited(new, {"contract_id": "c-2"}, later)
    assert (changed.contract_id, changed.version, changed.updated_at) == ("c-2", 2, later)
    value = ValueSnapshot.of(contract_value(contract().terms))
    done = fulfilled(new, value, later)
    assert (done.status, done.fulfilled_at, done.value, done.version) == (
        OrderStatus.FULFILLED,
        later,
        value,
        2,
    )
    with pytest.raises(StateConflict):
        edited(done, {"contract_id": "c-2"}, later)
    with pytest.raises(StateConflict):
        canceled(done, later)
    gone = canceled(new, later)
    assert (gone.status, gone.canceled_at) == (OrderStatus.CANCELED, later)
    assert canceled(gone, later + timedelta(hours=1)) is gone


def test_the_value_snapshot_keeps_the_currencys_minor_digits() -> None:
    value = ValueSnapshot.of(contract_value(contract().terms))
    assert (value.currency, value.fixed, value.tcv, value.acv) == (
        "USD",
        Decimal("12000.00"),
        Decimal("12000.00"),
        Decimal("12000.00"),
    )
    assert str(value.fixed) == "12000.00"


# --- 1. contract --------------------------------------------------------------------------------


def test_an_initial_order_waits_for_its_contract_to_exist_and_be_active() -> None:
    assert missing(order(contract_id=None), FulfilmentFacts(NOW))["CONTRACT"] == ["no_contract"]
    assert missing(order(), FulfilmentFacts(NOW))["CONTRACT"] == ["contract_not_found"]
    draft = contract(status=ContractStatus.DRAFT)
    assert missing(order(), FulfilmentFacts(NOW, draft))["CONTRACT"] == ["contract_draft"]
    ended = contract(status=ContractStatus.CANCELED)
    assert missing(order(), FulfilmentFacts(NOW, ended))["CONTRACT"] == ["contract_not_active"]
    others = contract(customer_id="globex")
    assert missing(order(), FulfilmentFacts(NOW, others))["CONTRACT"] == ["other_customer"]
    result = checklist(order(), FulfilmentFacts(NOW, contract()))
    assert result.done
    assert [(s.name, s.done, s.applicable) for s in result.steps] == [
        (StepName.CONTRACT, True, True),
        (StepName.SUBSCRIPTIONS, True, False),
        (StepName.METERING, True, False),
    ]


def test_an_active_contract_past_its_end_no_longer_fulfils() -> None:
    later = datetime(2027, 2, 1, 12, tzinfo=UTC)
    assert missing(order(), FulfilmentFacts(later, contract()))["CONTRACT"] == [
        "contract_not_active"
    ]


def test_an_upsell_needs_an_amendment_made_for_it() -> None:
    upsell = order(type_=OrderType.UPSELL, created_at=NOW)
    active = contract()
    before = amendment(NOW - timedelta(days=1))
    assert missing(upsell, FulfilmentFacts(NOW, active, (before,)))["CONTRACT"] == ["not_amended"]
    since = amendment(NOW + timedelta(minutes=5))
    assert missing(upsell, FulfilmentFacts(NOW, active, (since,)))["CONTRACT"] == []
    # An amendment naming the order counts whenever it was made; one naming another does not.
    named = amendment(NOW - timedelta(days=1), order_id="o-1")
    assert missing(upsell, FulfilmentFacts(NOW, active, (named,)))["CONTRACT"] == []
    other = amendment(NOW + timedelta(minutes=5), order_id="o-2")
    assert missing(upsell, FulfilmentFacts(NOW, active, (other,)))["CONTRACT"] == ["not_amended"]
    draft = contract(status=ContractStatus.DRAFT)
    assert missing(upsell, FulfilmentFacts(NOW, draft))["CONTRACT"] == [
        "contract_draft",
        "not_amended",
    ]


def test_a_renewal_needs_the_contract_to_renew_another() -> None:
    renewal = order(type_=OrderType.RENEWAL)
    assert missing(renewal, FulfilmentFacts(NOW, contract()))["CONTRACT"] == ["not_a_renewal"]
    renewing = contract(renewed_from_id="c-0")
    assert missing(renewal, FulfilmentFacts(NOW, renewing))["CONTRACT"] == []


# --- 2. subscriptions ---------------------------------------------------------------------------


def test_every_plan_needs_a_live_subscription_on_the_contract() -> None:
    sold = order(line(plan_id="enterprise"), line(name="CRM", plan_id="crm-custom"))
    attached = contract(subscription_ids=("sub-1",))
    facts = FulfilmentFacts(NOW, attached, subscriptions=(subscription("sub-1"),))
    result = checklist(sold, facts)
    step = result.steps[1]
    assert (step.name, step.done) == (StepName.SUBSCRIPTIONS, False)
    assert [(m.code, m.ref) for m in step.missing] == [("not_provisioned", "crm-custom")]
    crm = subscription("sub-2", "crm-custom")
    facts = replace(facts, subscriptions=(subscription("sub-1"), crm))
    assert missing(sold, facts)["SUBSCRIPTIONS"] == ["not_attached"]
    both = contract(subscription_ids=("sub-1", "sub-2"))
    assert missing(sold, replace(facts, contract=both))["SUBSCRIPTIONS"] == []
    ended = replace(crm, end_at=NOW - timedelta(seconds=1))
    facts = FulfilmentFacts(NOW, both, subscriptions=(subscription("sub-1"), ended))
    assert missing(sold, facts)["SUBSCRIPTIONS"] == ["not_provisioned"]


# --- 3. metering --------------------------------------------------------------------------------


def test_usage_items_need_metered_features_and_usage_lines_a_usage_item() -> None:
    usage = line(OrderLineKind.USAGE, name="API calls", quantity=None, feature_id="calls")
    sold = order(line(), usage)
    assert missing(sold, FulfilmentFacts(NOW))["METERING"] == ["no_contract"]
    fixed_only = contract(platform())
    assert missing(sold, FulfilmentFacts(NOW, fixed_only))["METERING"] == ["no_usage_items"]
    unmapped = contract(platform(), api_calls(None))
    assert missing(sold, FulfilmentFacts(NOW, unmapped))["METERING"] == [
        "item_unmapped",
        "feature_unmapped",
    ]
    mapped = contract(platform(), api_calls())
    assert missing(sold, FulfilmentFacts(NOW, mapped))["METERING"] == ["feature_not_found"]
    plain = {"calls": feature(meter=MeterType.NONE)}
    facts = FulfilmentFacts(NOW, mapped, features=plain)
    assert missing(sold, facts)["METERING"] == ["feature_not_metered"]
    facts = FulfilmentFacts(NOW, mapped, features={"calls": feature()})
    assert checklist(sold, facts).done


def test_a_contract_usage_item_is_checked_even_when_the_order_sells_no_usage() -> None:
    mapped = contract(platform(), api_calls())
    step = checklist(order(), FulfilmentFacts(NOW, mapped)).steps[2]
    assert (step.applicable, step.done) == (True, False)
    assert [(m.code, m.ref) for m in step.missing] == [("feature_not_found", "calls")]
