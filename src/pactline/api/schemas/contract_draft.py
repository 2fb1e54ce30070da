"""The JSON contract draft (docs/contract-format.md) as pydantic models, shared by the API
and the CLI. They check its shape only (types, required fields, allowed values), reporting every
shape problem at once; `draft_terms` turns a well-shaped draft into the rating engine's terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, WithJsonSchema
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from pactline.api.schemas.catalog import OperationName
from pactline.domain.errors import FieldProblem, InvalidArgument

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DECIMAL_HINT = 'must be a decimal string such as "12.50" or a JSON integer'


def _decimal(value: object) -> Decimal:
    # json.loads has already turned 0.1 into the nearest binary float, which is not the
    # number the author wrote; refusing it is the only way to keep amounts exact.
    if isinstance(value, float):
        raise PydanticCustomError(
            "float_not_allowed",
            _DECIMAL_HINT + ", not a JSON number with a fraction or exponent ({sent})",
            {"sent": repr(value)},
        )
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value):
        return Decimal(value)
    raise PydanticCustomError(
        "decimal_parsing",
        _DECIMAL_HINT + ' (digits with an optional "-" and decimal point; no exponent)',
    )


def _date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_TEXT.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError("date_value", "is not a calendar date") from None
    raise PydanticCustomError("date_format", "must be a date written YYYY-MM-DD")


def _date_or_instant(value: object) -> date | datetime:
    """A plain date (local midnight, resolved later against the contract's timezone) or an
    aware instant in UTC."""
    if isinstance(value, str) and _DATE_TEXT.fullmatch(value):
        return _date(value)
    parsed: datetime | None = None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise PydanticCustomError(
            "datetime_format", "must be an ISO 8601 date-time with a UTC offset, or YYYY-MM-DD"
        )
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise PydanticCustomError(
            "datetime_offset",
            "must include a UTC offset (such as Z or +02:00); a plain YYYY-MM-DD date means "
            "midnight in the contract's timezone",
        )
    return parsed.astimezone(UTC)


DecimalText = Annotated[
    Decimal,
    PlainValidator(_decimal),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": "^" + _DECIMAL_TEXT.pattern + "$"},
                {"type": "integer"},
            ],
            "description": 'An exact decimal: a string such as "12.50" or an integer. '
            "JSON numbers with a fraction are refused (floats are not exact).",
        }
    ),
]
DateText = Annotated[
    date, PlainValidator(_date), WithJsonSchema({"type": "string", "format": "date"})
]
UsageTime = Annotated[
    date | datetime,
    PlainValidator(_date_or_instant),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
            ],
            "description": "An ISO 8601 date-time with a UTC offset, or a plain date meaning "
            "00:00 in the contract's timezone.",
        }
    ),
]
Whole = Annotated[int, Field(strict=True)]
Flag = Annotated[bool, Field(strict=True)]
Text = Annotated[str, Field(strict=True, min_length=1)]

ModelType = Literal["FLAT_FEE", "PER_UNIT", "PACKAGE", "TIERED", "VOLUME", "STAIRSTEP"]
CycleUnitName = Literal["WEEK", "MONTH", "QUARTER", "YEAR", "ONE_TIME"]


class DraftModel(BaseModel):
    """camelCase names only, and an unknown name is an error: a typo must not be ignored."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=False,
        extra="forbid",
        field_title_generator=lambda name, info: info.alias or name,
    )


def _doc(text: str, default: Any = ...) -> Any:
    """A described field; without a default it is required."""
    return Field(default, description=text)


class CycleIn(DraftModel):
    """A billing cycle: every `count` `unit`s."""

    unit: CycleUnitName
    count: Whole = Field(1, ge=1, description="Every `count` units; ignored for ONE_TIME")


class AnchorIn(DraftModel):
    """What cycle boundaries align to. Empty: the line item's start date."""

    day_of_month: Whole | None = Field(
        None, ge=1, le=31, description="1-31; in shorter months, their last day"
    )
    last_day: Flag = _doc("Boundaries on the last day of the month", False)
    month: Whole | None = Field(
        None, ge=1, le=12, description="QUARTER and YEAR cycles: a month boundaries fall in"
    )
    weekday: Whole | None = Field(
        None, ge=1, le=7, description="WEEK cycles only: ISO weekday, 1 Monday … 7 Sunday"
    )


class TierIn(DraftModel):
    """One row of a ladder; it covers quantities `from < q ≤ to`."""

    from_: DecimalText = Field(
        alias="from", description="0 in the first row, else the row above's to"
    )
    to: DecimalText | None = _doc("null (or absent) in the last row only", None)
    price: DecimalText = _doc("A rate per unit; for STAIRSTEP the band's fee")
    flat_fee: DecimalText | None = _doc("Added once when the row is reached (TIERED, VOLUME)", None)


class ModelIn(DraftModel):
    """A pricing model. Which of price, packageSize and tiers it needs depends on type."""

    type: ModelType
    price: DecimalText | None = _doc(
        "FLAT_FEE: per period; PER_UNIT, PACKAGE: per unit/package", None
    )
    package_size: DecimalText | None = _doc("PACKAGE only: units per package, a whole number", None)
    tiers: list[TierIn] | None = _doc("TIERED, VOLUME and STAIRSTEP only", None)


class PriceVersionIn(DraftModel):
    """A price in effect from startDate to endDate, both inclusive."""

    start_date: DateText | None = _doc("Default: the line item's start", None)
    end_date: DateText | None = _doc("Default: open; must be the day before the next version", None)
    model: ModelIn


class QuantityIn(DraftModel):
    """From effectiveDate on, the contracted quantity is `quantity`."""

    effective_date: DateText
    quantity: DecimalText


class WindowIn(DraftModel):
    """Inclusive dates; a missing side is unbounded."""

    start_date: DateText | None = None
    end_date: DateText | None = None


class DiscountIn(DraftModel):
    """A discount; contract level: PERCENT and AMOUNT only."""

    type: Literal["FREE_UNITS", "PERCENT", "AMOUNT"]
    value: DecimalText = _doc("Units per period, percent (0-100) or amount per period")
    start_date: DateText | None = _doc("Inclusive; default: from the start", None)
    end_date: DateText | None = _doc("Inclusive; default: to the end", None)


class CommitmentIn(DraftModel):
    """A minimum commitment: exactly one of total and perPeriod."""

    type: Literal["AMOUNT", "QUANTITY"] = _doc(
        "AMOUNT: spend after discounts, before tax; QUANTITY: units (line items only)"
    )
    mode: Literal["GREEDY", "CUMULATIVE"] = "GREEDY"
    total: DecimalText | None = _doc("Over the window, shared out by days", None)
    per_period: DecimalText | None = _doc("For each evaluation period", None)
    start_date: DateText | None = _doc("Window start; default: the line's (contract's) start", None)
    end_date: DateText | None = _doc("Window end; default: the line's (contract's) end", None)
    billing_cycle: CycleIn | None = _doc(
        "Evaluation periods; default: the line's billing cycle, or for the contract one "
        "period covering the whole window",
        None,
    )


class UsageConditionIn(DraftModel):
    """A condition on the dimensions of reported usage and raw events, as in meter filters."""

    field: Text = _doc("A dimension's name (`region` or `dimensions.region`)")
    operation: OperationName
    value: Annotated[str, Field(strict=True)] | None = _doc(
        "Compared as text; numerically for the ordering operations. None for IS_NULL, "
        "IS_NOT_NULL and IN",
        None,
    )
    values: list[Annotated[str, Field(strict=True)]] | None = _doc("IN only", None)


class LineItemIn(DraftModel):
    """One line item of the contract."""

    id: Text = _doc("Unique in the contract; usage and invoice lines refer to it")
    name: Text = _doc("Printed on invoice lines")
    charge_type: Literal["FIXED", "USAGE"] = _doc(
        "FIXED: a contracted quantity or a flat fee; USAGE: metered usage, in arrears"
    )
    metered_feature_id: Text | None = _doc("USAGE lines: the metered feature they bill", None)
    usage_filter: list[UsageConditionIn] = _doc(
        "USAGE lines: bill only the usage whose dimensions pass every condition (default: all)",
        [],
    )
    billing_cycle: CycleIn
    anchor: AnchorIn = Field(default_factory=AnchorIn)
    timing: Literal["IN_ADVANCE", "IN_ARREARS"] | None = _doc(
        "Default: IN_ADVANCE for FIXED lines, IN_ARREARS for USAGE lines", None
    )
    start_date: DateText | None = _doc("Inclusive; default: the contract's start", None)
    end_date: DateText | None = _doc("Inclusive; default: the contract's end", None)
    price_versions: list[PriceVersionIn]
    quantities: list[QuantityIn] = _doc(
        "FIXED lines priced by quantity: the first entry on the line's start", []
    )
    optional: Flag = _doc("Bills only inside its activations", False)
    activations: list[WindowIn] = _doc("Optional items only", [])
    discounts: list[DiscountIn] = []
    commitment: CommitmentIn | None = None
    tax_rate: DecimalText | None = _doc("Percent; default: the contract's taxRate", None)
    separate_invoice: Flag = _doc("Bill this line item on invoices of its own", False)
    net_terms_days: Whole | None = Field(
        None, ge=0, description="Default: the contract's netTermsDays"
    )


class UsageIn(DraftModel):
    """Usage of a USAGE line item at an instant, for the preview."""

    line_item_id: Text
    at: UsageTime
    quantity: DecimalText


class ContractDraft(DraftModel):
    """A contract draft: its terms, and for previews the usage to bill (docs/contract-format.md)."""

    id: Text = _doc("Default: draft", "draft")
    name: Text
    customer_id: Text
    currency: Annotated[str, Field(strict=True, pattern="^[A-Za-z]{3}$")] = _doc(
        "ISO 4217 code, valid on startDate; amounts round to its minor unit"
    )
    timezone: Text = _doc("IANA name; periods and plain usage dates are local to it", "UTC")
    start_date: DateText = _doc("Inclusive")
    end_date: DateText | None = _doc("Inclusive; null or absent: open-ended", None)
    net_terms_days: Whole = Field(30, ge=0, description="Due date = issue date + this")
    tax_rate: DecimalText | None = _doc("Percent, for lines without their own; default 0", None)
    rounding: Literal["HALF_UP", "HALF_EVEN"] = "HALF_UP"
    proration: Literal["ACTUAL_DAYS", "THIRTY_360"] = "ACTUAL_DAYS"
    usage_tier_reset: Literal["PER_SEGMENT", "PERIOD_END_VERSION"] = "PER_SEGMENT"
    fluctuating_usage: Literal["PEAK", "LAST", "TIME_WEIGHTED_AVERAGE"] = _doc(
        "What usage lines of a FLUCTUATING feature (seats) bill for a period: the highest level, "
        "the level at its close, or the time-weighted average (rounded to 6 places)",
        "PEAK",
    )
    discounts: list[DiscountIn] = _doc("After line discounts, on each invoice", [])
    commitment: CommitmentIn | None = _doc("Spend across all line items (type AMOUNT)", None)
    line_items: list[LineItemIn]
    usage: list[UsageIn] = _doc("Usage to bill in the preview", [])


def draft_json_schema() -> dict[str, Any]:
    """What is committed as docs/contract-draft.schema.json."""
    return {"$schema": JSON_SCHEMA_DIALECT, **ContractDraft.model_json_schema(by_alias=True)}


def field_path(location: Iterable[int | str]) -> str:
    """("lineItems", 0, "anchor") → "lineItems[0].anchor", as the API's error handler writes it."""
    path = ""
    for part in location:
        text = str(part)
        path += f"[{text}]" if text.isdigit() else (f".{text}" if path else text)
    return path or "body"


def parse_draft(data: object) -> ContractDraft:
    """The draft in `data` (parsed JSON), or InvalidArgument listing every shape problem."""
    try:
        return ContractDraft.model_validate(data)
    except ValidationError as error:
        raise InvalidArgument(
            [
                FieldProblem(field_path(item["loc"]), item["msg"], item["type"])
                for item in error.errors()
            ]
        ) from None
