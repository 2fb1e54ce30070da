"""Orders in pactline's own shapes (Stigg has no Order API), in the conventions of the rest of
the API: camelCase, decimals as strings out and exact decimals in (a string, an integer, or —
these routes parse JSON exactly — a number with a fraction), dates as YYYY-MM-DD.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.api.schemas.contract_draft import DateText, DecimalText
from pactline.domain.errors import InvalidArgument
from pactline.domain.order_checklist import Checklist, Missing, Step
from pactline.domain.orders import (
    Order,
    OrderLine,
    OrderLineKind,
    OrderSource,
    OrderType,
    SourceKind,
    ValueSnapshot,
)
from pactline.services.orders import NewOrder, OrderView

TypeName = Literal["INITIAL", "UPSELL", "RENEWAL"]
StatusName = Literal["NEW", "FULFILLED", "CANCELED"]
SourceKindName = Literal["PDF", "CRM"]
LineKindName = Literal["RECURRING", "USAGE", "ONE_TIME"]
StepNameText = Literal["CONTRACT", "SUBSCRIPTIONS", "METERING"]


# --- requests ----------------------------------------------------------------------------------


class SourceIn(CamelModel):
    kind: SourceKindName = Field(description="PDF: an upload reference or URL; CRM: a record id")
    reference: str = Field(description="e.g. a Salesforce opportunity id, or the PDF's URL")

    def to_domain(self) -> OrderSource:
        return OrderSource(SourceKind(self.kind), self.reference)


class OrderLineIn(CamelModel):
    name: str
    kind: LineKindName
    currency: str = Field(description="ISO 4217 code, any case; one currency per order")
    quantity: DecimalText | None = None
    unit_price: DecimalText | None = Field(None, description="Exact: the rate as written")
    plan_id: str | None = Field(None, description="The CUSTOM plan the line is delivered through")
    feature_id: str | None = Field(None, description="USAGE lines: the metered feature priced")

    def to_domain(self) -> OrderLine:
        return OrderLine(
            name=self.name,
            kind=OrderLineKind(self.kind),
            currency=self.currency.upper(),
            quantity=self.quantity,
            unit_price=self.unit_price,
            plan_id=self.plan_id,
            feature_id=self.feature_id,
        )


class OrderCreate(CamelModel):
    id: str | None = Field(None, description="Your id; makes the call idempotent")
    customer_id: str
    contract_id: str | None = Field(None, description="May be set later, while the order is NEW")
    type: TypeName
    source: SourceIn
    signed_date: DateText
    lines: list[OrderLineIn]

    def fingerprint(self) -> str:
        """The request, independent of key order and spacing: a retry has the same one."""
        # Python mode: dates and decimals are dumped as parsed (1 and "1" alike).
        document = self.model_dump(by_alias=True, exclude_unset=True)
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def to_domain(self) -> NewOrder:
        return NewOrder(
            customer_id=self.customer_id,
            type=OrderType(self.type),
            source=self.source.to_domain(),
            signed_on=self.signed_date,
            lines=tuple(line.to_domain() for line in self.lines),
            id=self.id,
            contract_id=self.contract_id,
            fingerprint=self.fingerprint(),
        )


class OrderUpdate(CamelModel):
    """Corrections of a NEW order; only the fields sent change (`contractId: null` clears it)."""

    contract_id: str | None = None
    source: SourceIn | None = None
    signed_date: DateText | None = None
    lines: list[OrderLineIn] | None = Field(None, description="Replaces the lines whole")
    version: int | None = Field(None, description="The version read; or send If-Match")

    def changes(self) -> dict[str, Any]:
        sent = self.model_fields_set - {"version"}
        changes: dict[str, Any] = {}
        if "contract_id" in sent:
            changes["contract_id"] = self.contract_id
        for field, name in (
            ("source", "source"),
            ("signed_date", "signedDate"),
            ("lines", "lines"),
        ):
            if field in sent and getattr(self, field) is None:
                raise InvalidArgument.single(name, "cannot be cleared", "required")
        if self.source is not None:
            changes["source"] = self.source.to_domain()
        if self.signed_date is not None:
            changes["signed_on"] = self.signed_date
        if self.lines is not None:
            changes["lines"] = tuple(line.to_domain() for line in self.lines)
        return changes


class CancelIn(CamelModel):
    version: int | None = None


# --- responses ---------------------------------------------------------------------------------


class SourceOut(OutModel):
    kind: SourceKindName
    reference: str


class OrderLineOut(OutModel):
    name: str
    kind: LineKindName
    currency: str
    quantity: str | None
    unit_price: str | None
    plan_id: str | None
    feature_id: str | None

    @classmethod
    def of(cls, line: OrderLine) -> OrderLineOut:
        return cls(
            name=line.name,
            kind=_literal(line.kind.value),
            currency=line.currency,
            quantity=_text(line.quantity),
            unit_price=_text(line.unit_price),
            plan_id=line.plan_id,
            feature_id=line.feature_id,
        )


class ValueOut(OutModel):
    """The contract's value, as GET /api/v1/contracts/{id}/billing/summary gives it."""

    currency: str
    start_date: date
    end_date: date | None = Field(description="The last day valued (a year for open-ended)")
    fixed: str = Field(description="FIXED line items, net of discounts, before tax")
    usage_minimums: str = Field(description="USAGE lines' flat fees and minimum commitments")
    committed: str = Field(description="fixed + usageMinimums")
    tcv: str | None = Field(description="Total contract value; null when open-ended")
    acv: str = Field(description="Annual contract value: TCV per year of term")
    usage_line_item_ids: list[str] = Field(description="Billed on actual usage on top")
    invoices: int

    @classmethod
    def of(cls, value: ValueSnapshot) -> ValueOut:
        return cls(
            currency=value.currency,
            start_date=value.start_on,
            end_date=value.end_on,
            fixed=format(value.fixed, "f"),
            usage_minimums=format(value.usage_minimums, "f"),
            committed=format(value.committed, "f"),
            tcv=_text(value.tcv),
            acv=format(value.acv, "f"),
            usage_line_item_ids=list(value.usage_line_item_ids),
            invoices=value.invoices,
        )


class OrderOut(OutModel):
    id: str
    customer_id: str
    contract_id: str | None
    type: TypeName
    status: StatusName
    source: SourceOut
    signed_date: date
    lines: list[OrderLineOut]
    version: int
    created_at: datetime
    updated_at: datetime
    fulfilled_at: datetime | None
    canceled_at: datetime | None
    value: ValueOut | None = Field(description="The contract's value when it was fulfilled")

    @classmethod
    def of(cls, order: Order) -> OrderOut:
        return cls(**cls.fields_of(order))

    @staticmethod
    def fields_of(order: Order) -> dict[str, Any]:
        return {
            "id": order.id,
            "customer_id": order.customer_id,
            "contract_id": order.contract_id,
            "type": order.type.value,
            "status": order.status.value,
            "source": SourceOut(
                kind=_literal(order.source.kind.value), reference=order.source.reference
            ),
            "signed_date": order.signed_on,
            "lines": [OrderLineOut.of(line) for line in order.lines],
            "version": order.version,
            "created_at": order.created_at,
            "updated_at": order.updated_at,
            "fulfilled_at": order.fulfilled_at,
            "canceled_at": order.canceled_at,
            "value": None if order.value is None else ValueOut.of(order.value),
        }


class MissingOut(OutModel):
    code: str
    message: str
    ref: str | None = Field(description="The contract, plan, feature or line item concerned")

    @classmethod
    def of(cls, missing: Missing) -> MissingOut:
        return cls(code=missing.code, message=missing.message, ref=missing.ref)


class StepOut(OutModel):
    name: StepNameText
    done: bool
    applicable: bool = Field(description="False: nothing to do for this order (counts as done)")
    missing: list[MissingOut]

    @classmethod
    def of(cls, step: Step) -> StepOut:
        return cls(
            name=_literal(step.name.value),
            done=step.done,
            applicable=step.applicable,
            missing=[MissingOut.of(m) for m in step.missing],
        )


class ChecklistOut(OutModel):
    done: bool
    steps: list[StepOut]

    @classmethod
    def of(cls, checklist: Checklist) -> ChecklistOut:
        return cls(done=checklist.done, steps=[StepOut.of(s) for s in checklist.steps])


class OrderDetailOut(OrderOut):
    """One order with its checklist as of now and its contract's current value."""

    checklist: ChecklistOut
    contract_value: ValueOut | None = Field(
        description="The contract's value now; null without a contract or while its terms "
        "cannot be rated"
    )

    @classmethod
    def of_view(cls, view: OrderView) -> OrderDetailOut:
        current = view.contract_value
        return cls(
            **OrderOut.fields_of(view.order),
            checklist=ChecklistOut.of(view.checklist),
            contract_value=None if current is None else ValueOut.of(current),
        )


def _text(value: Any) -> str | None:
    return None if value is None else format(value, "f")


def _literal(value: str) -> Any:
    # The enums' values are the Literal names above; pydantic checks them on the way out.
    return value
