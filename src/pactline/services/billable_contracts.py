"""Saved contracts as billing runs and invoice look-ahead see them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pactline.domain.billable_contracts import BillableContract, billable
from pactline.domain.contract_records import Contract
from pactline.services.ports import UnitOfWorkFactory

# An ended contract still issues its last invoices (usage in arrears) up to one billing cycle
# after it ends; no cycle is longer than a year.
FINAL_INVOICES_WINDOW = timedelta(days=400)


class SavedContracts:
    """The `BillableContractSource` of billing runs, read from the contracts store."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    def active(self, environment_id: str, at: datetime) -> Sequence[BillableContract]:
        with self._uow() as uow:
            saved = uow.contracts.billable(environment_id, at - FINAL_INVOICES_WINDOW)
            consolidating = uow.customers.consolidating(environment_id)
        return _billable(saved, consolidating)

    def for_customer(
        self, environment_id: str, customer_id: str, at: datetime
    ) -> Sequence[BillableContract]:
        with self._uow() as uow:
            saved = uow.contracts.billable(environment_id, at - FINAL_INVOICES_WINDOW, customer_id)
            consolidating = uow.customers.consolidating(environment_id)
        return _billable(saved, consolidating)


def _billable(saved: Sequence[Contract], consolidating: set[str]) -> list[BillableContract]:
    found = (billable(c, c.customer_id in consolidating) for c in saved)
    return [contract for contract in found if contract is not None]
