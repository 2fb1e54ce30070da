"""Where usage quantities come from: the usage store for saved contracts, inline for previews."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from pactline.domain.contracts import LineItem


class UsageSource(Protocol):
    def quantity(self, line: LineItem, start_at: datetime, end_at: datetime) -> Decimal:
        """The line's metered quantity for the instants `start_at <= t < end_at`."""
        ...


@dataclass(frozen=True)
class UsageRecord:
    line_item_id: str
    at: datetime  # aware
    quantity: Decimal


class InlineUsage:
    """Usage supplied with a draft for a preview: quantities at instants, summed per range."""

    def __init__(self, records: Iterable[UsageRecord]) -> None:
        self._by_line: dict[str, list[UsageRecord]] = {}
        for record in records:
            self._by_line.setdefault(record.line_item_id, []).append(record)

    def quantity(self, line: LineItem, start_at: datetime, end_at: datetime) -> Decimal:
        return sum(
            (r.quantity for r in self._by_line.get(line.id, ()) if start_at <= r.at < end_at),
            Decimal(0),
        )


NO_USAGE = InlineUsage(())
