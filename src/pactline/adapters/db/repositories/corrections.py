"""Corrections of approved periods: each one's delta and what became of it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pactline.adapters.db.repositories.invoice_rows import (
    currency_of,
    lines_document,
    lines_of_document,
)
from pactline.adapters.db.schema import InvoiceCorrectionRow
from pactline.domain.corrections import Correction, CorrectionEffect, CorrectionOutcome
from pactline.domain.money import Money


class SqlCorrectionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, correction: Correction) -> bool:
        try:
            with self._session.begin_nested():
                self._session.execute(
                    insert(InvoiceCorrectionRow).values(
                        environment_id=correction.environment_id,
                        id=correction.id,
                        customer_id=correction.customer_id,
                        scope_key=correction.scope_key,
                        billing_group_key=correction.billing_group_key,
                        issue_on=correction.issue_on,
                        number=correction.number,
                        invoice_id=correction.invoice_id,
                        currency=correction.currency.code,
                        lines=lines_document(correction.lines),
                        outcomes=_outcomes_document(correction.outcomes),
                        has_pending=any(o.pending for o in correction.outcomes),
                        created_at=correction.created_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    def for_scopes(self, environment_id: str, scope_keys: Collection[str]) -> Sequence[Correction]:
        if not scope_keys:
            return []
        rows = self._session.scalars(
            select(InvoiceCorrectionRow)
            .where(
                InvoiceCorrectionRow.environment_id == environment_id,
                InvoiceCorrectionRow.scope_key.in_(sorted(scope_keys)),
            )
            .order_by(InvoiceCorrectionRow.issue_on, InvoiceCorrectionRow.number)
        )
        return [_correction_of(row) for row in rows]

    def update_outcomes(self, correction: Correction) -> None:
        row = InvoiceCorrectionRow
        self._session.execute(
            update(row)
            .where(row.environment_id == correction.environment_id, row.id == correction.id)
            .values(
                outcomes=_outcomes_document(correction.outcomes),
                has_pending=any(o.pending for o in correction.outcomes),
            )
            .execution_options(synchronize_session=False)
        )


def _outcomes_document(outcomes: Sequence[CorrectionOutcome]) -> list[dict[str, Any]]:
    return [
        {
            "contractId": o.contract_id,
            "effect": o.effect.value,
            "total": o.total.to_minor_units(),
            "documentId": o.document_id,
            "appliedInvoiceId": o.applied_invoice_id,
        }
        for o in outcomes
    ]


def _correction_of(row: InvoiceCorrectionRow) -> Correction:
    unit = currency_of(row.currency, row.issue_on)
    return Correction(
        id=row.id,
        environment_id=row.environment_id,
        customer_id=row.customer_id,
        scope_key=row.scope_key,
        billing_group_key=row.billing_group_key,
        issue_on=row.issue_on,
        number=row.number,
        invoice_id=row.invoice_id,
        currency=unit,
        lines=lines_of_document(row.lines, unit),
        outcomes=tuple(
            CorrectionOutcome(
                contract_id=item["contractId"],
                effect=CorrectionEffect(item["effect"]),
                total=Money.from_minor_units(item["total"], unit),
                document_id=item["documentId"],
                applied_invoice_id=item["appliedInvoiceId"],
            )
            for item in row.outcomes
        ),
        created_at=row.created_at,
    )


__all__ = ["SqlCorrectionRepository"]
