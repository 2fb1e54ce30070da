"""Saved contracts as billing runs and invoice look-ahead see them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from pactline.domain.billable_contracts import BillableContract, billable
from pactline.domain.contract_records import Contract
from pactline.services.ports import UnitOfWorkFactory

# An ended contract still issues its last invoices (usage in arrears) up to one billing cycle
# after it ends; no cycle is longer than a year.
FINAL_INVOICES_WINDOW = timedelta(days=400)

PAGE = 1000  # contracts read at a time by a run


class SavedContracts:
    """The `BillableContractSource` of billing runs, read from the contracts store."""

    def __init__(self, uow: UnitOfWorkFactory, page: int = PAGE) -> None:
        self._uow = uow
        self._page = page

    def active(self, environment_id: str, at: datetime) -> Iterator[BillableContract]:
        """Read a page at a time, so a run over many contracts holds one page of them; each
        customer's contracts are given together, oldest first, as consolidation needs."""
        ended_since = at - FINAL_INVOICES_WINDOW
        with self._uow(read_only=True) as uow:
            consolidating = uow.customers.consolidating(environment_id)
        after: tuple[str, str] | None = None
        held: list[Contract] = []  # the last customer's, which the next page may continue
        while True:
            with self._uow(read_only=True) as uow:
                page = uow.contracts.billable_page(environment_id, ended_since, after, self._page)
            if not page:
                break
            after = (page[-1].customer_id, page[-1].id)
            held.extend(page)
            last = held[-1].customer_id
            done = [c for c in held if c.customer_id != last]
            held = [c for c in held if c.customer_id == last]
            yield from _billable(_oldest_first(done), consolidating)
        yield from _billable(_oldest_first(held), consolidating)

    def for_customer(
        self, environment_id: str, customer_id: str, at: datetime
    ) -> Sequence[BillableContract]:
        with self._uow() as uow:
            saved = uow.contracts.billable(environment_id, at - FINAL_INVOICES_WINDOW, customer_id)
            consolidating = uow.customers.consolidating(environment_id)
        return _billable(saved, consolidating)


def _oldest_first(contracts: list[Contract]) -> list[Contract]:
    """By customer, then as `billable` orders one customer's: creation, then id."""
    return sorted(contracts, key=lambda c: (c.customer_id, c.created_at, c.id))


def _billable(saved: Sequence[Contract], consolidating: set[str]) -> list[BillableContract]:
    found = (billable(c, c.customer_id in consolidating) for c in saved)
    return [contract for contract in found if contract is not None]
