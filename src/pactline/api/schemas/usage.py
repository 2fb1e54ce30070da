"""Usage reports, raw events and usage history in the shapes of Stigg's REST API (the SDK's
`UsageReportParams`, `EventReportParams`, `UsageReportResponse`, `UsageHistoryResponse`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

from pactline.api.envelope import CamelModel, OutModel
from pactline.api.filters import parse_instant
from pactline.api.schemas.exact_numbers import as_number
from pactline.domain.errors import InvalidArgument
from pactline.domain.metering import UpdateBehavior
from pactline.services.usage import EventReport, EventsReceipt, ReportedUsage, UsageReport
from pactline.services.usage_history import UsageHistory


def _instant(value: Any) -> Any:
    """ISO 8601 with `Z`, an offset, no offset (UTC) or a date alone, as everywhere else."""
    if isinstance(value, str):
        try:
            return parse_instant("", value)
        except InvalidArgument:
            raise ValueError("must be an ISO 8601 date or date-time") from None
    return value


Instant = Annotated[datetime, BeforeValidator(_instant)]
Dimensions = dict[str, str | bool | int | float]
Number = int | float


class UsageIn(CamelModel):
    customer_id: str
    feature_id: str
    value: Decimal
    update_behavior: Literal["DELTA", "SET"] = "DELTA"
    created_at: Instant | None = None
    dimensions: Dimensions | None = None
    idempotency_key: str | None = None
    resource_id: str | None = None


class UsageReportIn(CamelModel):
    usages: list[UsageIn]

    def to_reports(self) -> list[UsageReport]:
        return [
            UsageReport(
                customer_id=u.customer_id,
                feature_id=u.feature_id,
                value=u.value,
                behavior=UpdateBehavior(u.update_behavior),
                occurred_at=u.created_at,
                idempotency_key=u.idempotency_key,
                resource_id=u.resource_id,
                dimensions=u.dimensions,
            )
            for u in self.usages
        ]


class UsageOut(OutModel):
    id: str
    created_at: datetime  # when pactline recorded it
    customer_id: str
    feature_id: str
    timestamp: datetime  # when the usage counts (the request's createdAt)
    value: Number
    current_usage: Number | None
    next_reset_date: datetime | None
    resource_id: str | None
    usage_period_start: datetime | None
    usage_period_end: datetime | None

    @classmethod
    def of(cls, reported: ReportedUsage) -> UsageOut:
        record, period = reported.record, reported.period
        return cls(
            id=record.id,
            created_at=record.recorded_at,
            customer_id=record.customer_id,
            feature_id=record.feature_id,
            timestamp=record.occurred_at,
            value=as_number(record.value),
            current_usage=as_number(reported.current_usage),
            next_reset_date=None if period is None else period.end,
            resource_id=record.resource_id,
            usage_period_start=None if period is None else period.start,
            usage_period_end=None if period is None else period.end,
        )


class UsageReportV2Out(OutModel):
    usages: list[UsageOut]


class EventIn(CamelModel):
    customer_id: str
    event_name: str
    idempotency_key: str
    dimensions: Dimensions | None = None
    resource_id: str | None = None
    timestamp: Instant | None = None


class EventReportIn(CamelModel):
    events: list[EventIn]

    def to_reports(self) -> list[EventReport]:
        return [
            EventReport(
                customer_id=e.customer_id,
                event_name=e.event_name,
                idempotency_key=e.idempotency_key,
                occurred_at=e.timestamp,
                resource_id=e.resource_id,
                dimensions=e.dimensions,
            )
            for e in self.events
        ]


class EventsOut(OutModel):
    accepted: int  # stored and counted now
    duplicates: int  # idempotency keys seen in the last 7 days, skipped

    @classmethod
    def of(cls, receipt: EventsReceipt) -> EventsOut:
        return cls(accepted=receipt.accepted, duplicates=receipt.duplicates)


class MarkerOut(OutModel):
    timestamp: datetime
    type: Literal["PERIODIC_RESET", "SUBSCRIPTION_CHANGE_RESET"]


class PointOut(OutModel):
    is_reset_point: bool
    timestamp: datetime
    value: Number


class TagOut(OutModel):
    key: str
    value: str


class SeriesOut(OutModel):
    points: list[PointOut]
    tags: list[TagOut]


class UsageHistoryOut(OutModel):
    markers: list[MarkerOut]
    series: list[SeriesOut]

    @classmethod
    def of(cls, history: UsageHistory) -> UsageHistoryOut:
        return cls(
            markers=[MarkerOut(timestamp=at, type="PERIODIC_RESET") for at in history.resets],
            series=[
                SeriesOut(
                    points=[
                        PointOut(
                            is_reset_point=p.is_reset, timestamp=p.at, value=as_number(p.value)
                        )
                        for p in s.points
                    ],
                    tags=[TagOut(key=k, value=v) for k, v in s.tags],
                )
                for s in history.series
            ],
        )
