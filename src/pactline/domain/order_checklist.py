"""What fulfilling an order takes, and what is still missing: a pure function of the facts.

Three steps, each done or not, with what is missing named by a stable code:

1. CONTRACT — the billing contract exists for the order's customer and is ACTIVE; an INITIAL
   order needs no more, an UPSELL needs an amendment made for it (one naming the order, or one
   naming no order made since the order was recorded), a RENEWAL needs the contract to be the
   renewal of another one.
2. SUBSCRIPTIONS — every plan a line is delivered through has a live subscription of the
   customer on the contract. Not applicable when no line names a plan.
3. METERING — every usage-priced line item of the contract names a metered feature that exists
   and is metered, and every usage line of the order that names a feature is priced by one of
   them. Not applicable when neither the order nor the contract has usage lines.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from pactline.domain.catalog import Feature
from pactline.domain.contract_amendments import Amendment
from pactline.domain.contract_records import Contract, ContractStatus
from pactline.domain.contracts import ChargeType
from pactline.domain.orders import Order, OrderLineKind, OrderType
from pactline.domain.subscriptions import Subscription


class StepName(enum.Enum):
    CONTRACT = "CONTRACT"
    SUBSCRIPTIONS = "SUBSCRIPTIONS"
    METERING = "METERING"


@dataclass(frozen=True)
class Missing:
    code: str
    message: str
    ref: str | None = None  # the contract, plan, feature or line item it is about


@dataclass(frozen=True)
class Step:
    name: StepName
    done: bool
    missing: tuple[Missing, ...] = ()
    applicable: bool = True


@dataclass(frozen=True)
class Checklist:
    steps: tuple[Step, ...]

    @property
    def done(self) -> bool:
        return all(step.done for step in self.steps)


@dataclass(frozen=True)
class FulfilmentFacts:
    """What the checklist reads. `contract` is None when the order names none or it does not
    exist; `amendments` are the contract's; `subscriptions` the customer's (ended ones too);
    `features` those the order and the contract's usage lines name, by id (absent: no such)."""

    at: datetime
    contract: Contract | None = None
    amendments: Sequence[Amendment] = ()
    subscriptions: Sequence[Subscription] = ()
    features: Mapping[str, Feature] | None = None


def checklist(order: Order, facts: FulfilmentFacts) -> Checklist:
    return Checklist(
        (
            _contract_step(order, facts),
            _subscriptions_step(order, facts),
            _metering_step(order, facts),
        )
    )


def _step(name: StepName, missing: list[Missing]) -> Step:
    return Step(name, not missing, tuple(missing))


# --- 1. contract --------------------------------------------------------------------------------


def _contract_step(order: Order, facts: FulfilmentFacts) -> Step:
    contract = facts.contract
    missing: list[Missing] = []
    if order.contract_id is None:
        message = "the order names no contract (set its contractId)"
        return _step(StepName.CONTRACT, [Missing("no_contract", message)])
    if contract is None:
        message = f"contract '{order.contract_id}' does not exist yet"
        return _step(StepName.CONTRACT, [Missing("contract_not_found", message, order.contract_id)])
    if contract.customer_id != order.customer_id:
        message = (
            f"contract '{contract.id}' is customer '{contract.customer_id}''s, not the order's "
            f"'{order.customer_id}'"
        )
        return _step(StepName.CONTRACT, [Missing("other_customer", message, contract.id)])
    status = contract.status_at(facts.at)
    if status is ContractStatus.DRAFT:
        message = f"contract '{contract.id}' is still DRAFT: publish it"
        missing.append(Missing("contract_draft", message, contract.id))
    elif status is not ContractStatus.ACTIVE:
        message = f"contract '{contract.id}' is {status.value}, not ACTIVE"
        missing.append(Missing("contract_not_active", message, contract.id))
    if order.type is OrderType.UPSELL and not any(_made_for(a, order) for a in facts.amendments):
        message = (
            f"contract '{contract.id}' has no amendment for the order: none names it and none "
            "was made since it was recorded"
        )
        missing.append(Missing("not_amended", message, contract.id))
    if order.type is OrderType.RENEWAL and contract.renewed_from_id is None:
        message = f"contract '{contract.id}' does not renew another contract"
        missing.append(Missing("not_a_renewal", message, contract.id))
    return _step(StepName.CONTRACT, missing)


def _made_for(amendment: Amendment, order: Order) -> bool:
    if amendment.contract_id != order.contract_id:
        return False
    if amendment.order_id is not None:
        return amendment.order_id == order.id
    return amendment.created_at >= order.created_at


# --- 2. subscriptions ---------------------------------------------------------------------------


def _subscriptions_step(order: Order, facts: FulfilmentFacts) -> Step:
    plans = order.plan_ids
    if not plans:
        return Step(StepName.SUBSCRIPTIONS, True, applicable=False)
    contract = facts.contract
    members = frozenset(contract.subscription_ids) if contract is not None else frozenset()
    where = f"contract '{contract.id}'" if contract is not None else "the order's contract"
    missing: list[Missing] = []
    for plan_id in plans:
        live = [
            s
            for s in facts.subscriptions
            if s.plan_id == plan_id and s.customer_id == order.customer_id and not s.ended(facts.at)
        ]
        if any(s.id in members for s in live):
            continue
        if live:
            message = f"subscription '{live[0].id}' to plan '{plan_id}' is not on {where}"
            missing.append(Missing("not_attached", message, plan_id))
        else:
            message = f"customer '{order.customer_id}' has no live subscription to plan '{plan_id}'"
            missing.append(Missing("not_provisioned", message, plan_id))
    return _step(StepName.SUBSCRIPTIONS, missing)


# --- 3. metering --------------------------------------------------------------------------------


def _metering_step(order: Order, facts: FulfilmentFacts) -> Step:
    contract = facts.contract
    usage_lines = [line for line in order.lines if line.kind is OrderLineKind.USAGE]
    usage_items = []
    if contract is not None and contract.customer_id == order.customer_id:
        usage_items = [
            item for item in contract.terms.line_items if item.charge_type is ChargeType.USAGE
        ]
    if not usage_lines and not usage_items:
        return Step(StepName.METERING, True, applicable=False)
    if contract is None or contract.customer_id != order.customer_id:
        message = "the order has usage lines but no contract whose line items could price them"
        return _step(StepName.METERING, [Missing("no_contract", message, order.contract_id)])
    features = facts.features or {}
    missing: list[Missing] = []
    for item in usage_items:
        feature_id = item.metered_feature_id
        if feature_id is None:
            message = f"usage line item '{item.id}' names no metered feature"
            missing.append(Missing("item_unmapped", message, item.id))
            continue
        feature = features.get(feature_id)
        if feature is None:
            message = (
                f"usage line item '{item.id}' names feature '{feature_id}', which does not exist"
            )
            missing.append(Missing("feature_not_found", message, feature_id))
        elif not feature.metered:
            message = (
                f"usage line item '{item.id}' names feature '{feature_id}', which is not metered"
            )
            missing.append(Missing("feature_not_metered", message, feature_id))
    mapped = {item.metered_feature_id for item in usage_items}
    if usage_lines and not usage_items:
        message = f"contract '{contract.id}' has no usage-priced line item for the order's usage"
        missing.append(Missing("no_usage_items", message, contract.id))
    for line in usage_lines:
        if usage_items and line.feature_id is not None and line.feature_id not in mapped:
            message = (
                f"order line '{line.name}' (feature '{line.feature_id}') is priced by no usage "
                f"line item of contract '{contract.id}'"
            )
            missing.append(Missing("feature_unmapped", message, line.feature_id))
    return _step(StepName.METERING, missing)
