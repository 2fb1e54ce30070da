"""The amendment history of an active contract: who changed its terms, when, effective from
which day, and what changed, as a structured diff.

The diff compares the terms field by field. Line items are matched by id, so a line's change is
reported under `lineItems[<id>]` whatever its position; a line added or removed is one change
with `before` or `after` null. Values are plain JSON data (decimal strings, ISO dates, enum
names) under the draft format's camelCase names, so a reader needs no knowledge of the code.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pactline.domain.contracts import ContractTerms, LineItem
from pactline.domain.currency import Currency
from pactline.domain.rating.models import FlatFee, Graduated, Package, PerUnit, Stairstep, Volume

# Named by the contract record itself; a change of them is not a change of terms.
_NOT_TERMS = frozenset({"id", "name", "customer_id", "line_items"})


@dataclass(frozen=True)
class TermChange:
    path: str  # e.g. "netTermsDays", "lineItems[seats].quantities"
    before: Any  # plain JSON data; None when the line was added
    after: Any  # plain JSON data; None when the line was removed


@dataclass(frozen=True)
class Amendment:
    id: str
    environment_id: str
    contract_id: str
    number: int  # 1, 2, … per contract
    actor: str  # the API key (or another principal) that made it
    created_at: datetime
    effective_on: date
    version_before: int
    version_after: int
    changes: tuple[TermChange, ...]
    order_id: str | None = None  # the order (an upsell) the amendment carries out


def terms_diff(before: ContractTerms, after: ContractTerms) -> tuple[TermChange, ...]:
    changes: list[TermChange] = []
    for spec in dataclasses.fields(ContractTerms):
        if spec.name in _NOT_TERMS:
            continue
        old, new = plain(getattr(before, spec.name)), plain(getattr(after, spec.name))
        if old != new:
            changes.append(TermChange(camel(spec.name), old, new))
    old_lines = {line.id: line for line in before.line_items}
    new_lines = {line.id: line for line in after.line_items}
    for line_id, line in old_lines.items():
        if line_id not in new_lines:
            changes.append(TermChange(f"lineItems[{line_id}]", plain(line), None))
        else:
            changes += _line_diff(line, new_lines[line_id])
    for line_id, line in new_lines.items():
        if line_id not in old_lines:
            changes.append(TermChange(f"lineItems[{line_id}]", None, plain(line)))
    return tuple(changes)


def _line_diff(before: LineItem, after: LineItem) -> list[TermChange]:
    changes = []
    for spec in dataclasses.fields(LineItem):
        old, new = plain(getattr(before, spec.name)), plain(getattr(after, spec.name))
        if old != new:
            changes.append(TermChange(f"lineItems[{before.id}].{camel(spec.name)}", old, new))
    return changes


def plain(value: Any) -> Any:
    """`value` as JSON data: dataclasses become objects (a pricing model also names its type),
    decimals strings, dates ISO text, enums their names."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, Currency):
        return value.code
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {camel(f.name): plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        kind = getattr(value, "kind", None)
        if isinstance(kind, enum.Enum) and "type" not in data:
            data = {"type": _MODEL_TYPES.get(type(value), kind.value), **data}
        return data
    return str(value)


# A pricing model's type as the draft format writes it.
_MODEL_TYPES: dict[type, str] = {
    FlatFee: "FLAT_FEE",
    PerUnit: "PER_UNIT",
    Package: "PACKAGE",
    Graduated: "TIERED",
    Volume: "VOLUME",
    Stairstep: "STAIRSTEP",
}
# Where the draft format calls a field otherwise than the code does.
_DRAFT_NAMES = {
    "start_on": "startDate",
    "end_on": "endDate",
    "effective_on": "effectiveDate",
    "cycle": "billingCycle",
    "kind": "type",
}


def camel(name: str) -> str:
    """`price_versions` → `priceVersions`, `start_on` → `startDate`, `from_` → `from`."""
    if name in _DRAFT_NAMES:
        return _DRAFT_NAMES[name]
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part.capitalize() for part in rest)
