"""Invoices with their lines and payments, and the gapless document numbers."""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from pactline.adapters.db.bulk import insert_many
from pactline.adapters.db.repositories.invoice_rows import (
    invoice_of,
    invoice_values,
    line_values,
    payment_values,
)
from pactline.adapters.db.schema import (
    DocumentNumberRow,
    InvoiceLineRow,
    InvoicePaymentRow,
    InvoiceRow,
    LegalEntityRow,
)
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoice_lifecycle import (
    DEFAULT_PREFIX,
    DocumentKind,
    StoredInvoice,
    document_number,
)
from pactline.domain.pagination import Page, PageRequest
from pactline.services.ports import InvoiceOrder, InvoiceQuery

_INVOICES: Table = InvoiceRow.__table__  # type: ignore[assignment]
_LINES: Table = InvoiceLineRow.__table__  # type: ignore[assignment]
_PAYMENTS: Table = InvoicePaymentRow.__table__  # type: ignore[assignment]
# The columns of uq_invoices_period: one invoice per period (and per correction of it).
_PERIOD = ["environment_id", "scope_key", "billing_group_key", "issue_on", "correction_number"]

_SORT_COLUMN: dict[InvoiceOrder, InstrumentedAttribute[Any]] = {
    InvoiceOrder.ISSUE_DATE: InvoiceRow.issue_on,
    InvoiceOrder.DUE_DATE: InvoiceRow.due_on,
    InvoiceOrder.TOTAL: InvoiceRow.total_minor,
}


@functools.cache
def _insert_new_periods(dialect: str) -> Any:
    """One statement per dialect, its values bound at execution, so SQLAlchemy compiles it once
    and sends many invoices in one multi-row INSERT (its "insertmanyvalues").

    A period another run wrote first inserts nothing and raises nothing, so no savepoint (two
    more statements per invoice) is needed to survive losing that race. RETURNING, not
    rowcount: SQLAlchemy reports -1 for this insert on psycopg.
    """
    insert_into = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert_into(_INVOICES)
        .on_conflict_do_nothing(index_elements=_PERIOD)
        .returning(_INVOICES.c.id)
    )


class SqlInvoiceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, invoice: StoredInvoice) -> bool:
        return invoice.id in self.add_all([invoice])

    def add_all(self, invoices: Sequence[StoredInvoice]) -> set[str]:
        if not invoices:
            return set()
        dialect = self._session.get_bind().dialect.name
        found = self._session.execute(
            _insert_new_periods(dialect), [invoice_values(i) for i in invoices]
        )
        written = set(found.scalars())
        self._write_children([i for i in invoices if i.id in written])
        return written

    def get(
        self, environment_id: str, invoice_id: str, for_update: bool = False
    ) -> StoredInvoice | None:
        statement = select(InvoiceRow).where(
            InvoiceRow.environment_id == environment_id, InvoiceRow.id == invoice_id
        )
        if for_update:
            statement = statement.with_for_update()
        found = _load(self._session, statement.execution_options(populate_existing=True))
        return found[0] if found else None

    def by_ref(self, environment_id: str, customer_id: str, ref: str) -> StoredInvoice | None:
        found = _load(
            self._session,
            select(InvoiceRow)
            .where(
                InvoiceRow.environment_id == environment_id,
                InvoiceRow.customer_id == customer_id,
                or_(InvoiceRow.id == ref, InvoiceRow.number == ref),
            )
            .execution_options(populate_existing=True),
        )
        return found[0] if found else None

    def update(self, invoice: StoredInvoice, expected_version: int) -> bool:
        values = invoice_values(invoice)
        for key in ("environment_id", "id"):
            values.pop(key)
        result = self._session.execute(
            update(InvoiceRow)
            .where(
                InvoiceRow.environment_id == invoice.environment_id,
                InvoiceRow.id == invoice.id,
                InvoiceRow.version == expected_version,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            return False
        for table in (InvoiceLineRow, InvoicePaymentRow):
            self._session.execute(
                delete(table).where(
                    table.environment_id == invoice.environment_id,
                    table.invoice_id == invoice.id,
                )
            )
        self._write_children([invoice])
        return True

    def any_for_customer(self, environment_id: str, customer_id: str) -> bool:
        found = self._session.scalar(
            select(InvoiceRow.id)
            .where(
                InvoiceRow.environment_id == environment_id, InvoiceRow.customer_id == customer_id
            )
            .limit(1)
        )
        return found is not None

    def for_scopes(
        self, environment_id: str, scope_keys: Collection[str]
    ) -> Sequence[StoredInvoice]:
        if not scope_keys:
            return []
        return _load(
            self._session,
            select(InvoiceRow)
            .where(
                InvoiceRow.environment_id == environment_id,
                InvoiceRow.scope_key.in_(sorted(scope_keys)),
            )
            .order_by(InvoiceRow.issue_on, InvoiceRow.id),
        )

    def list(
        self, environment_id: str, query: InvoiceQuery, page: PageRequest
    ) -> Page[StoredInvoice]:
        statement = select(InvoiceRow).where(InvoiceRow.environment_id == environment_id)
        for condition in _filters(query):
            statement = statement.where(condition)
        column = _SORT_COLUMN[query.order_by]
        sort_key = tuple_(column, InvoiceRow.id)
        backwards = page.before is not None
        descending = query.descending != backwards
        if page.after is not None:
            position = _position(query.order_by, page.after)
            statement = statement.where(
                sort_key < position if query.descending else sort_key > position
            )
        if page.before is not None:
            position = _position(query.order_by, page.before)
            statement = statement.where(
                sort_key > position if query.descending else sort_key < position
            )
        order = (column.desc(), InvoiceRow.id.desc()) if descending else (column, InvoiceRow.id)
        rows = list(self._session.scalars(statement.order_by(*order).limit(page.limit + 1)))
        more = len(rows) > page.limit
        rows = rows[: page.limit]
        if backwards:
            rows.reverse()
        keys = [(_sort_text(row, query.order_by), row.id) for row in rows]
        if backwards:
            prev = keys[0] if more and keys else None
            nxt = keys[-1] if keys else None
        else:
            nxt = keys[-1] if more and keys else None
            prev = keys[0] if page.after is not None and keys else None
        return Page(items=_with_children(self._session, rows), next=nxt, prev=prev)

    # --- helpers ---------------------------------------------------------------------------

    def _write_children(self, invoices: Sequence[StoredInvoice]) -> None:
        # A billing run writes thousands of lines at once: COPY on PostgreSQL.
        insert_many(self._session, _LINES, [r for i in invoices for r in line_values(i)])
        insert_many(self._session, _PAYMENTS, [r for i in invoices for r in payment_values(i)])


class SqlDocumentNumbers:
    def __init__(self, session: Session) -> None:
        self._session = session

    def next(self, environment_id: str, legal_entity_id: str, kind: DocumentKind) -> str:
        row = DocumentNumberRow
        # UPDATE … RETURNING takes the row lock that serialises approvals of one legal entity
        # until commit (SQLite serialises every writer anyway).
        bump = (
            update(row)
            .where(
                row.environment_id == environment_id,
                row.legal_entity_id == legal_entity_id,
                row.kind == kind.value,
            )
            .values(last_number=row.last_number + 1)
            .returning(row.prefix, row.last_number)
            .execution_options(synchronize_session=False)
        )
        found = self._session.execute(bump).first()
        if found is None:
            prefix = DEFAULT_PREFIX[kind]
            if kind is DocumentKind.INVOICE:  # the legal entity's own prefix, when it has one
                chosen = self._session.scalar(
                    select(LegalEntityRow.invoice_number_prefix).where(
                        LegalEntityRow.environment_id == environment_id,
                        LegalEntityRow.id == legal_entity_id,
                    )
                )
                prefix = chosen or prefix
            try:
                with self._session.begin_nested():
                    self._session.execute(
                        insert(row).values(
                            environment_id=environment_id,
                            legal_entity_id=legal_entity_id,
                            kind=kind.value,
                            prefix=prefix,
                            last_number=1,
                        )
                    )
                return document_number(prefix, 1)
            except IntegrityError:  # another approval started the sequence first
                found = self._session.execute(bump).first()
                assert found is not None
        return document_number(found[0], found[1])


def _load(session: Session, statement: Select[Any]) -> list[StoredInvoice]:
    return _with_children(session, list(session.scalars(statement)))


def _with_children(session: Session, rows: Sequence[InvoiceRow]) -> list[StoredInvoice]:
    """The invoices of `rows` with their lines and payments: two reads for all of them."""
    if not rows:
        return []
    environment_id = rows[0].environment_id
    ids = [row.id for row in rows]
    lines: dict[str, list[InvoiceLineRow]] = {}
    payments: dict[str, list[InvoicePaymentRow]] = {}
    for chunk in _chunks(ids, 1000):
        for line in session.scalars(
            select(InvoiceLineRow).where(
                InvoiceLineRow.environment_id == environment_id,
                InvoiceLineRow.invoice_id.in_(chunk),
            )
        ):
            lines.setdefault(line.invoice_id, []).append(line)
        for payment in session.scalars(
            select(InvoicePaymentRow).where(
                InvoicePaymentRow.environment_id == environment_id,
                InvoicePaymentRow.invoice_id.in_(chunk),
            )
        ):
            payments.setdefault(payment.invoice_id, []).append(payment)
    return [invoice_of(row, lines.get(row.id, []), payments.get(row.id, [])) for row in rows]


def _filters(query: InvoiceQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.customer_id is not None:
        conditions.append(InvoiceRow.customer_id == query.customer_id)
    if query.contract_id is not None:
        line = InvoiceLineRow
        conditions.append(
            or_(
                InvoiceRow.contract_id == query.contract_id,
                and_(
                    InvoiceRow.contract_id.is_(None),
                    exists().where(
                        line.environment_id == InvoiceRow.environment_id,
                        line.invoice_id == InvoiceRow.id,
                        line.contract_id == query.contract_id,
                    ),
                ),
            )
        )
    if query.statuses:
        conditions.append(InvoiceRow.status.in_(sorted(s.value for s in query.statuses)))
    if query.issued_from is not None:
        conditions.append(InvoiceRow.issue_on >= query.issued_from)
    if query.issued_to is not None:
        conditions.append(InvoiceRow.issue_on <= query.issued_to)
    if query.due_from is not None:
        conditions.append(InvoiceRow.due_on >= query.due_from)
    if query.due_to is not None:
        conditions.append(InvoiceRow.due_on <= query.due_to)
    return conditions


def _sort_text(row: InvoiceRow, order: InvoiceOrder) -> str:
    if order is InvoiceOrder.TOTAL:
        return str(row.total_minor)
    value: date = row.issue_on if order is InvoiceOrder.ISSUE_DATE else row.due_on
    return value.isoformat()


def _position(order: InvoiceOrder, cursor: Sequence[str]) -> Any:
    column = _SORT_COLUMN[order]
    try:
        value, identifier = cursor
        typed: object = int(value) if order is InvoiceOrder.TOTAL else date.fromisoformat(value)
    except ValueError:
        # A cursor from a list with another order: refused, never half-understood.
        raise InvalidArgument.single("after", "is not a cursor of this list's order") from None
    return tuple_(
        bindparam(None, typed, type_=column.type),
        bindparam(None, identifier, type_=InvoiceRow.id.type),
    )


def _chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
