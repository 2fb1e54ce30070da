"""Orders: one row each, lines and value snapshot as JSON with decimals written as strings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pactline.adapters.db.pagination import keyset_page
from pactline.adapters.db.repositories.catalog import created_within
from pactline.adapters.db.schema import OrderRow
from pactline.domain.errors import DuplicatedEntityNotAllowed
from pactline.domain.orders import (
    ENTITY,
    Order,
    OrderLine,
    OrderLineKind,
    OrderSource,
    OrderStatus,
    OrderType,
    SourceKind,
    ValueSnapshot,
)
from pactline.domain.pagination import Page, PageRequest
from pactline.services.ports import OrderQuery

R = OrderRow


class SqlOrderRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, order: Order) -> None:
        self._session.add(R(**_values(order)))
        try:
            self._session.flush()
        except IntegrityError:  # a concurrent request created it first
            raise DuplicatedEntityNotAllowed(ENTITY, order.id) from None

    def get(self, environment_id: str, order_id: str, for_update: bool = False) -> Order | None:
        row = self._session.get(
            R, (environment_id, order_id), populate_existing=True, with_for_update=for_update
        )
        return None if row is None else _order(row)

    def update(self, order: Order, expected_version: int) -> bool:
        values = _values(order)
        del values["environment_id"], values["id"]
        result = self._session.execute(
            update(R)
            .where(
                R.environment_id == order.environment_id,
                R.id == order.id,
                R.version == expected_version,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def list(self, environment_id: str, query: OrderQuery, page: PageRequest) -> Page[Order]:
        statement = select(R).where(R.environment_id == environment_id)
        if query.customer_id is not None:
            statement = statement.where(R.customer_id == query.customer_id)
        if query.contract_id is not None:
            statement = statement.where(R.contract_id == query.contract_id)
        if query.statuses:
            statement = statement.where(R.status.in_(sorted(s.value for s in query.statuses)))
        if query.types:
            statement = statement.where(R.type.in_(sorted(t.value for t in query.types)))
        statement = created_within(statement, R.created_at, query.created)
        return keyset_page(self._session, statement, R.created_at, R.id, page, _order)

    def open_for_contract(self, environment_id: str, contract_id: str) -> Sequence[Order]:
        statement = (
            select(R)
            .where(
                R.environment_id == environment_id,
                R.contract_id == contract_id,
                R.status == OrderStatus.NEW.value,
            )
            .order_by(R.created_at, R.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return [_order(row) for row in self._session.scalars(statement)]


# --- mapping -----------------------------------------------------------------------------------


def _values(order: Order) -> dict[str, Any]:
    return {
        "environment_id": order.environment_id,
        "id": order.id,
        "customer_id": order.customer_id,
        "contract_id": order.contract_id,
        "type": order.type.value,
        "status": order.status.value,
        "source_kind": order.source.kind.value,
        "source_reference": order.source.reference,
        "signed_on": order.signed_on,
        "lines": [_line_json(line) for line in order.lines],
        "value": None if order.value is None else _value_json(order.value),
        "version": order.version,
        "request_fingerprint": order.request_fingerprint,
        "fulfilled_at": order.fulfilled_at,
        "canceled_at": order.canceled_at,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


def _order(row: OrderRow) -> Order:
    return Order(
        id=row.id,
        environment_id=row.environment_id,
        customer_id=row.customer_id,
        type=OrderType(row.type),
        source=OrderSource(SourceKind(row.source_kind), row.source_reference),
        signed_on=row.signed_on,
        lines=tuple(_line(data) for data in row.lines),
        status=OrderStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        contract_id=row.contract_id,
        fulfilled_at=row.fulfilled_at,
        canceled_at=row.canceled_at,
        value=None if row.value is None else _value(row.value),
        request_fingerprint=row.request_fingerprint,
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _line_json(line: OrderLine) -> dict[str, Any]:
    return {
        "name": line.name,
        "kind": line.kind.value,
        "currency": line.currency,
        "quantity": _text(line.quantity),
        "unitPrice": _text(line.unit_price),
        "planId": line.plan_id,
        "featureId": line.feature_id,
    }


def _line(data: dict[str, Any]) -> OrderLine:
    return OrderLine(
        name=data["name"],
        kind=OrderLineKind(data["kind"]),
        currency=data["currency"],
        quantity=_decimal(data.get("quantity")),
        unit_price=_decimal(data.get("unitPrice")),
        plan_id=data.get("planId"),
        feature_id=data.get("featureId"),
    )


def _value_json(value: ValueSnapshot) -> dict[str, Any]:
    return {
        "currency": value.currency,
        "startDate": value.start_on.isoformat(),
        "endDate": None if value.end_on is None else value.end_on.isoformat(),
        "fixed": _text(value.fixed),
        "usageMinimums": _text(value.usage_minimums),
        "committed": _text(value.committed),
        "tcv": _text(value.tcv),
        "acv": _text(value.acv),
        "usageLineItemIds": list(value.usage_line_item_ids),
        "invoices": value.invoices,
    }


def _value(data: dict[str, Any]) -> ValueSnapshot:
    end = data.get("endDate")
    return ValueSnapshot(
        currency=data["currency"],
        start_on=date.fromisoformat(data["startDate"]),
        end_on=None if end is None else date.fromisoformat(end),
        fixed=Decimal(data["fixed"]),
        usage_minimums=Decimal(data["usageMinimums"]),
        committed=Decimal(data["committed"]),
        tcv=_decimal(data.get("tcv")),
        acv=Decimal(data["acv"]),
        usage_line_item_ids=tuple(data["usageLineItemIds"]),
        invoices=int(data["invoices"]),
    )
