"""Billable contracts for invoicing tests: a monthly platform fee in advance and API calls by
usage in arrears, for one customer, in US dollars, UTC, net 30."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from pactline.domain.billable_contracts import BillableContract
from pactline.domain.calendar import BillingCycle, CycleUnit
from pactline.domain.contracts import ChargeType, ContractTerms, LineItem, PriceVersion
from pactline.domain.corrections import CorrectionPolicy, NegativeCorrection, PositiveCorrection
from pactline.domain.currency import currency
from pactline.domain.periods import ChargeTiming
from pactline.domain.rating import FlatFee, PerUnit

MONTHLY = BillingCycle(CycleUnit.MONTH)
JAN1 = date(2026, 1, 1)
LEGAL_ENTITY = "acme-gmbh"


def at(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def fee(line_id: str = "platform", price: str = "1000.00", start_on: date = JAN1) -> LineItem:
    return LineItem(
        id=line_id,
        name=line_id.title(),
        charge_type=ChargeType.FIXED,
        price_versions=(PriceVersion(start_on, FlatFee(Decimal(price))),),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ADVANCE,
    )


def calls(line_id: str = "api", price: str = "0.20", feature_id: str = "calls") -> LineItem:
    return LineItem(
        id=line_id,
        name="API calls",
        charge_type=ChargeType.USAGE,
        price_versions=(PriceVersion(JAN1, PerUnit(Decimal(price))),),
        billing_cycle=MONTHLY,
        timing=ChargeTiming.IN_ARREARS,
        metered_feature_id=feature_id,
    )


def billable(
    *lines: LineItem,
    contract_id: str = "ct-1",
    customer_id: str = "acme",
    end_on: date | None = date(2026, 12, 31),
    positive: PositiveCorrection = PositiveCorrection.BACKDATED_INVOICE,
    negative: NegativeCorrection = NegativeCorrection.CARRY_FORWARD,
    consolidate: bool = False,
    code: str = "USD",
) -> BillableContract:
    terms = ContractTerms(
        id=contract_id,
        name=f"Contract {contract_id}",
        customer_id=customer_id,
        currency=currency(code),
        timezone="UTC",
        start_on=JAN1,
        end_on=end_on,
        line_items=lines or (fee(),),
    )
    return BillableContract(
        contract_id=contract_id,
        customer_id=customer_id,
        legal_entity_id=LEGAL_ENTITY,
        terms=terms,
        corrections=CorrectionPolicy(positive, negative),
        consolidate=consolidate,
    )
