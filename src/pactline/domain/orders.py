"""Orders: signed order forms, and the record that keeps finance and provisioning in step.

An order records what a customer signed: where the form is (a PDF upload or a CRM record),
when it was signed, its type (INITIAL, UPSELL, RENEWAL), the contract it belongs to and its
lines as sold. Its status moves NEW → FULFILLED by itself once every step of its checklist
(domain/order_checklist.py) is done, and stays FULFILLED; a NEW order may be CANCELED. On
fulfilment the contract's value is snapshot on the order, so a contract's orders tell how its
value grew.

While NEW the order may be corrected (contract, source, signed date, lines); afterwards it is
a record of what happened and changes no more. Every change bumps `version`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pactline.domain.catalog import validate_id
from pactline.domain.contract_value import ContractValue
from pactline.domain.currency import UnknownCurrency, currency
from pactline.domain.errors import FieldProblem, StateConflict
from pactline.domain.money import Money

ENTITY = "Order"
MAX_LINES = 200
MAX_NAME_LENGTH = 500
MAX_REFERENCE_LENGTH = 2000
# No place on earth is past this offset from UTC: a date later than today there is not signed yet.
_LATEST_OFFSET = timedelta(hours=14)


class OrderType(enum.Enum):
    INITIAL = "INITIAL"  # the first deal: a new contract
    UPSELL = "UPSELL"  # an expansion during the term: an amendment of the contract
    RENEWAL = "RENEWAL"  # a new term: the contract that renews the previous one


class OrderStatus(enum.Enum):
    NEW = "NEW"  # signed; some step of its checklist is not done yet
    FULFILLED = "FULFILLED"  # every step was done (for good, whatever happens later)
    CANCELED = "CANCELED"  # withdrawn before it was fulfilled


class SourceKind(enum.Enum):
    PDF = "PDF"  # reference: the upload reference or URL of the signed PDF
    CRM = "CRM"  # reference: the CRM record id, e.g. a Salesforce opportunity id


class OrderLineKind(enum.Enum):
    RECURRING = "RECURRING"  # billed every period (a subscription fee, seats)
    USAGE = "USAGE"  # priced on metered usage
    ONE_TIME = "ONE_TIME"  # billed once (set-up, training)


@dataclass(frozen=True)
class OrderSource:
    kind: SourceKind
    reference: str


@dataclass(frozen=True)
class OrderLine:
    """One line of the form as sold. Prices are rates: they keep the precision written."""

    name: str
    kind: OrderLineKind
    currency: str  # upper-case ISO 4217
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    plan_id: str | None = None  # the CUSTOM plan the line is delivered through
    feature_id: str | None = None  # USAGE lines: the metered feature it prices


@dataclass(frozen=True)
class ValueSnapshot:
    """The contract's value (domain/contract_value.py) as it stood when the order was
    fulfilled; amounts are rounded to the currency's minor unit."""

    currency: str
    start_on: date
    end_on: date | None
    fixed: Decimal
    usage_minimums: Decimal
    committed: Decimal
    tcv: Decimal | None
    acv: Decimal
    usage_line_item_ids: tuple[str, ...]
    invoices: int

    @classmethod
    def of(cls, value: ContractValue) -> ValueSnapshot:
        return cls(
            currency=value.currency.code,
            start_on=value.start_on,
            end_on=value.end_on,
            fixed=_amount(value.fixed),
            usage_minimums=_amount(value.usage_minimums),
            committed=_amount(value.committed),
            tcv=None if value.tcv is None else _amount(value.tcv),
            acv=_amount(value.acv),
            usage_line_item_ids=value.usage_line_item_ids,
            invoices=value.invoices,
        )


def _amount(money: Money) -> Decimal:
    # Rebuilt from minor units: the exponent is the currency's (1.5 → 1.50).
    return Money.from_minor_units(money.to_minor_units(), money.currency).amount


@dataclass(frozen=True)
class Order:
    id: str
    environment_id: str
    customer_id: str
    type: OrderType
    source: OrderSource
    signed_on: date
    lines: tuple[OrderLine, ...]
    status: OrderStatus
    created_at: datetime
    updated_at: datetime
    version: int = 1
    contract_id: str | None = None
    fulfilled_at: datetime | None = None
    canceled_at: datetime | None = None
    value: ValueSnapshot | None = None  # at fulfilment
    # The create request that made it, so a retry with the same order id is recognised.
    request_fingerprint: str | None = None

    @property
    def plan_ids(self) -> tuple[str, ...]:
        """The plans the lines are delivered through, each once, in line order."""
        return tuple(dict.fromkeys(line.plan_id for line in self.lines if line.plan_id))

    @property
    def usage_feature_ids(self) -> tuple[str, ...]:
        found = (line.feature_id for line in self.lines if line.kind is OrderLineKind.USAGE)
        return tuple(dict.fromkeys(f for f in found if f))


# --- rules -------------------------------------------------------------------------------------

# What PATCH may change, and only while the order is NEW.
EDITABLE = frozenset({"contract_id", "source", "signed_on", "lines"})


def order_problems(order: Order, now: datetime) -> list[FieldProblem]:
    """Every problem of the order's own fields, named by their API field."""
    problems = validate_id(order.id)
    if "/" in order.id or order.id in (".", ".."):
        problems.append(FieldProblem("id", "must not contain '/' or be '.' or '..'", "invalid"))
    if order.contract_id is not None:
        problems += validate_id(order.contract_id, "contractId")
    reference = order.source.reference
    if not reference.strip() or len(reference) > MAX_REFERENCE_LENGTH:
        message = f"must be 1 to {MAX_REFERENCE_LENGTH} characters, not blank"
        problems.append(FieldProblem("source.reference", message, "invalid"))
    if order.signed_on > (now + _LATEST_OFFSET).date():
        problems.append(FieldProblem("signedDate", "must not be in the future", "in_future"))
    problems += _lines_problems(order.lines, order.signed_on)
    return problems


def _lines_problems(lines: tuple[OrderLine, ...], signed_on: date) -> list[FieldProblem]:
    if not lines:
        return [FieldProblem("lines", "an order has at least one line", "required")]
    if len(lines) > MAX_LINES:
        return [FieldProblem("lines", f"at most {MAX_LINES} lines", "too_many")]
    problems: list[FieldProblem] = []
    first_currency = lines[0].currency
    for index, line in enumerate(lines):
        at = f"lines[{index}]"
        if not line.name.strip() or len(line.name) > MAX_NAME_LENGTH:
            message = f"must be 1 to {MAX_NAME_LENGTH} characters, not blank"
            problems.append(FieldProblem(f"{at}.name", message, "invalid"))
        if line.quantity is not None and not (line.quantity.is_finite() and line.quantity > 0):
            problems.append(FieldProblem(f"{at}.quantity", "must be above 0", "out_of_range"))
        price = line.unit_price
        if price is not None and not (price.is_finite() and price >= 0):
            problems.append(FieldProblem(f"{at}.unitPrice", "must be 0 or more", "out_of_range"))
        try:
            currency(line.currency, on=signed_on)
        except UnknownCurrency as error:
            message = error.problems[0].message
            problems.append(FieldProblem(f"{at}.currency", message, "unknown_currency"))
        else:
            if line.currency != first_currency:
                message = f"the order is in {first_currency}: one currency per order"
                problems.append(FieldProblem(f"{at}.currency", message, "currency_mismatch"))
        if line.feature_id is not None and line.kind is not OrderLineKind.USAGE:
            message = "only USAGE lines name a metered feature"
            problems.append(FieldProblem(f"{at}.featureId", message, "not_allowed"))
        for name, value in (("planId", line.plan_id), ("featureId", line.feature_id)):
            if value is not None:
                problems += validate_id(value, f"{at}.{name}")
    return problems


def require_new(order: Order, action: str) -> None:
    """StateConflict (409) unless the order is NEW: a fulfilled or canceled order is history."""
    if order.status is not OrderStatus.NEW:
        raise StateConflict(
            ENTITY,
            order.id,
            order.status.value,
            f"order '{order.id}' is {order.status.value}; {action} needs a NEW order",
        )


# --- transitions --------------------------------------------------------------------------------


def edited(order: Order, changes: dict[str, Any], at: datetime) -> Order:
    """The NEW order with `changes` (EDITABLE attribute names), one version later."""
    require_new(order, "a change")
    return replace(order, **changes, version=order.version + 1, updated_at=at)


def fulfilled(order: Order, value: ValueSnapshot | None, at: datetime) -> Order:
    return replace(
        order,
        status=OrderStatus.FULFILLED,
        fulfilled_at=at,
        value=value,
        version=order.version + 1,
        updated_at=at,
    )


def canceled(order: Order, at: datetime) -> Order:
    """Canceled; a canceled order is returned unchanged (a retried cancel)."""
    if order.status is OrderStatus.CANCELED:
        return order
    require_new(order, "cancellation")
    return replace(
        order,
        status=OrderStatus.CANCELED,
        canceled_at=at,
        version=order.version + 1,
        updated_at=at,
    )
