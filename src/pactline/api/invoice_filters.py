"""Query parameters shared by the invoice lists: states, date ranges and the sort order."""

from __future__ import annotations

from datetime import date

from pactline.api.filters import parse_instant
from pactline.domain.errors import InvalidArgument
from pactline.domain.invoice_lifecycle import OPEN, InvoiceStatus
from pactline.services.ports import InvoiceOrder

# Stigg's three states, each the pactline statuses it stands for.
_STIGG_STATES = {
    "OPEN": frozenset({InvoiceStatus.DRAFT, *OPEN}),
    "PAID": frozenset({InvoiceStatus.PAID}),
    "CANCELED": frozenset({InvoiceStatus.VOID}),
}


def statuses(field: str, text: str | None) -> frozenset[InvoiceStatus]:
    """Comma-separated pactline statuses or Stigg states (OPEN, PAID, CANCELED)."""
    found: set[InvoiceStatus] = set()
    for item in (part.strip() for part in (text or "").split(",")):
        if not item:
            continue
        if item in _STIGG_STATES:
            found |= _STIGG_STATES[item]
            continue
        try:
            found.add(InvoiceStatus(item))
        except ValueError:
            allowed = ", ".join([*(s.value for s in InvoiceStatus), "OPEN", "CANCELED"])
            raise InvalidArgument.single(field, f"values must be among: {allowed}") from None
    return frozenset(found)


def day(field: str, text: str | None) -> date | None:
    """A date, or the UTC date of a date-time."""
    return None if text is None else parse_instant(field, text).date()


def order(order_by: str | None, order_dir: str | None) -> tuple[InvoiceOrder, bool]:
    try:
        by = InvoiceOrder(order_by or InvoiceOrder.ISSUE_DATE.value)
    except ValueError:
        raise InvalidArgument.single(
            "orderBy", "must be one of: issueDate, dueDate, total"
        ) from None
    direction = (order_dir or "ASC").upper()
    if direction not in ("ASC", "DESC"):
        raise InvalidArgument.single("orderDir", "must be ASC or DESC")
    return by, direction == "DESC"
