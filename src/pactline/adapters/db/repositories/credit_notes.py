"""Credit notes, and carry-forward credit balances with their ledger."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pactline.adapters.db.pagination import keyset_page
from pactline.adapters.db.repositories.invoice_rows import currency_of
from pactline.adapters.db.schema import (
    CreditBalanceRow,
    CreditEntryRow,
    CreditNoteLineRow,
    CreditNoteRow,
    InvoiceLineRow,
    InvoiceRow,
)
from pactline.domain.credit_balances import CreditEntry, CreditEntryKind
from pactline.domain.credit_notes import CreditNote, CreditNoteLine, CreditReason
from pactline.domain.currency import Currency
from pactline.domain.money import Money
from pactline.domain.pagination import Page, PageRequest


class SqlCreditNoteRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, note: CreditNote) -> None:
        self._session.execute(
            insert(CreditNoteRow).values(
                environment_id=note.environment_id,
                id=note.id,
                invoice_id=note.invoice_id,
                customer_id=note.customer_id,
                legal_entity_id=note.legal_entity_id,
                number=note.number,
                reason=note.reason.value,
                issue_on=note.issue_on,
                currency=note.currency.code,
                total_minor=note.total.to_minor_units(),
                memo=note.memo,
                correction_id=note.correction_id,
                created_at=note.created_at,
            )
        )
        self._session.execute(
            insert(CreditNoteLineRow),
            [
                {
                    "environment_id": note.environment_id,
                    "credit_note_id": note.id,
                    "position": position,
                    "description": line.description,
                    "amount_minor": line.amount.to_minor_units(),
                    "invoice_line": line.invoice_line,
                }
                for position, line in enumerate(note.lines, start=1)
            ],
        )

    def for_invoice(self, environment_id: str, invoice_id: str) -> Sequence[CreditNote]:
        rows = list(
            self._session.scalars(
                select(CreditNoteRow)
                .where(
                    CreditNoteRow.environment_id == environment_id,
                    CreditNoteRow.invoice_id == invoice_id,
                )
                .order_by(CreditNoteRow.created_at, CreditNoteRow.number)
            )
        )
        return self._with_lines(rows)

    def list(
        self,
        environment_id: str,
        customer_id: str | None,
        invoice_id: str | None,
        page: PageRequest,
        contract_id: str | None = None,
    ) -> Page[CreditNote]:
        statement = select(CreditNoteRow).where(CreditNoteRow.environment_id == environment_id)
        if contract_id is not None:
            line = InvoiceLineRow
            billed = select(InvoiceRow.id).where(
                InvoiceRow.environment_id == environment_id,
                or_(
                    InvoiceRow.contract_id == contract_id,
                    exists().where(
                        line.environment_id == InvoiceRow.environment_id,
                        line.invoice_id == InvoiceRow.id,
                        line.contract_id == contract_id,
                    ),
                ),
            )
            statement = statement.where(CreditNoteRow.invoice_id.in_(billed))
        if customer_id is not None:
            statement = statement.where(CreditNoteRow.customer_id == customer_id)
        if invoice_id is not None:
            statement = statement.where(CreditNoteRow.invoice_id == invoice_id)
        found: Page[CreditNoteRow] = keyset_page(
            self._session,
            statement,
            CreditNoteRow.created_at,
            CreditNoteRow.id,
            page,
            _row,
        )
        return Page(items=self._with_lines(found.items), next=found.next, prev=found.prev)

    def _with_lines(self, rows: Sequence[CreditNoteRow]) -> Sequence[CreditNote]:
        if not rows:
            return []
        lines: dict[str, Sequence[CreditNoteLineRow]] = {}
        for line in self._session.scalars(
            select(CreditNoteLineRow)
            .where(
                CreditNoteLineRow.environment_id == rows[0].environment_id,
                CreditNoteLineRow.credit_note_id.in_([row.id for row in rows]),
            )
            .order_by(CreditNoteLineRow.position)
        ):
            lines[line.credit_note_id] = (*lines.get(line.credit_note_id, ()), line)
        return [_note_of(row, lines.get(row.id, ())) for row in rows]


def _row(row: CreditNoteRow) -> CreditNoteRow:
    return row


def _note_of(row: CreditNoteRow, lines: Sequence[CreditNoteLineRow]) -> CreditNote:
    unit = currency_of(row.currency, row.issue_on)
    return CreditNote(
        id=row.id,
        environment_id=row.environment_id,
        invoice_id=row.invoice_id,
        customer_id=row.customer_id,
        legal_entity_id=row.legal_entity_id,
        number=row.number,
        reason=CreditReason(row.reason),
        issue_on=row.issue_on,
        currency=unit,
        lines=tuple(
            CreditNoteLine(
                line.description,
                Money.from_minor_units(line.amount_minor, unit),
                line.invoice_line,
            )
            for line in lines
        ),
        created_at=row.created_at,
        memo=row.memo,
        correction_id=row.correction_id,
    )


class SqlCreditBalanceRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def balance(
        self,
        environment_id: str,
        customer_id: str,
        legal_entity_id: str,
        currency: Currency,
        for_update: bool = False,
    ) -> Decimal:
        statement = select(CreditBalanceRow.balance_minor).where(
            CreditBalanceRow.environment_id == environment_id,
            CreditBalanceRow.customer_id == customer_id,
            CreditBalanceRow.legal_entity_id == legal_entity_id,
            CreditBalanceRow.currency == currency.code,
        )
        if for_update:
            statement = statement.with_for_update()
        units = self._session.execute(statement).scalar_one_or_none()
        return Money.from_minor_units(units or 0, currency).amount

    def balances(
        self, environment_id: str, customer_id: str, currency: Currency
    ) -> dict[str, Decimal]:
        rows = self._session.execute(
            select(CreditBalanceRow.legal_entity_id, CreditBalanceRow.balance_minor)
            .where(
                CreditBalanceRow.environment_id == environment_id,
                CreditBalanceRow.customer_id == customer_id,
                CreditBalanceRow.currency == currency.code,
            )
            .order_by(CreditBalanceRow.legal_entity_id)
        )
        return {entity: Money.from_minor_units(units, currency).amount for entity, units in rows}

    def record(self, entry: CreditEntry) -> None:
        units = entry.amount.to_minor_units()
        code = entry.amount.currency.code
        self._session.execute(
            insert(CreditEntryRow).values(
                environment_id=entry.environment_id,
                id=entry.id,
                customer_id=entry.customer_id,
                legal_entity_id=entry.legal_entity_id,
                currency=code,
                amount_minor=units,
                kind=entry.kind.value,
                invoice_id=entry.invoice_id,
                correction_id=entry.correction_id,
                created_at=entry.created_at,
            )
        )
        row = CreditBalanceRow
        moved = self._session.execute(
            update(row)
            .where(
                row.environment_id == entry.environment_id,
                row.customer_id == entry.customer_id,
                row.legal_entity_id == entry.legal_entity_id,
                row.currency == code,
            )
            .values(balance_minor=row.balance_minor + units, updated_at=entry.created_at)
            .execution_options(synchronize_session=False)
        )
        if getattr(moved, "rowcount", 0) == 1:
            return
        try:
            with self._session.begin_nested():
                self._session.execute(
                    insert(row).values(
                        environment_id=entry.environment_id,
                        customer_id=entry.customer_id,
                        legal_entity_id=entry.legal_entity_id,
                        currency=code,
                        balance_minor=units,
                        updated_at=entry.created_at,
                    )
                )
        except IntegrityError:  # created meanwhile by another transaction: move it instead
            self._session.execute(
                update(row)
                .where(
                    row.environment_id == entry.environment_id,
                    row.customer_id == entry.customer_id,
                    row.legal_entity_id == entry.legal_entity_id,
                    row.currency == code,
                )
                .values(balance_minor=row.balance_minor + units, updated_at=entry.created_at)
                .execution_options(synchronize_session=False)
            )

    def entries(self, environment_id: str, customer_id: str) -> Sequence[CreditEntry]:
        rows = self._session.scalars(
            select(CreditEntryRow)
            .where(
                CreditEntryRow.environment_id == environment_id,
                CreditEntryRow.customer_id == customer_id,
            )
            .order_by(CreditEntryRow.created_at, CreditEntryRow.id)
        )
        return [
            CreditEntry(
                id=row.id,
                environment_id=row.environment_id,
                customer_id=row.customer_id,
                legal_entity_id=row.legal_entity_id,
                amount=Money.from_minor_units(
                    row.amount_minor, currency_of(row.currency, row.created_at.date())
                ),
                kind=CreditEntryKind(row.kind),
                created_at=row.created_at,
                invoice_id=row.invoice_id,
                correction_id=row.correction_id,
            )
            for row in rows
        ]


__all__ = ["SqlCreditBalanceRepository", "SqlCreditNoteRepository"]
