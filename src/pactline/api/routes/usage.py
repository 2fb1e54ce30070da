"""Usage reports (v1 and v2 shapes) and usage history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from pactline.api.deps import ContainerDep, ServerKey
from pactline.api.envelope import Envelope
from pactline.api.filters import parse_instant
from pactline.api.schemas.usage import UsageHistoryOut, UsageOut, UsageReportIn, UsageReportV2Out

router = APIRouter(tags=["usage"])


@router.post("/api/v1/usage", status_code=status.HTTP_201_CREATED)
def report_usage(
    body: UsageReportIn, caller: ServerKey, app: ContainerDep
) -> Envelope[list[UsageOut]]:
    """Up to 1,000 measurements, all or nothing; a repeated `idempotencyKey` (7 days) returns
    the first record without counting it again."""
    reported = app.usage.report_usage(caller, body.to_reports())
    return Envelope(data=[UsageOut.of(r) for r in reported])


@router.post("/api/v2/usage", status_code=status.HTTP_201_CREATED)
def report_usage_v2(
    body: UsageReportIn, caller: ServerKey, app: ContainerDep
) -> Envelope[UsageReportV2Out]:
    reported = app.usage.report_usage(caller, body.to_reports())
    return Envelope(data=UsageReportV2Out(usages=[UsageOut.of(r) for r in reported]))


@router.get("/api/v1/usage/{customer_id}/history/{feature_id}")
def usage_history(
    customer_id: str,
    feature_id: str,
    caller: ServerKey,
    app: ContainerDep,
    start_date: Annotated[
        str | None, Query(alias="startDate", description="Default: 30 days before endDate")
    ] = None,
    end_date: Annotated[str | None, Query(alias="endDate", description="Default: now")] = None,
    group_by: Annotated[
        str | None, Query(alias="groupBy", description="A dimension: one series per value")
    ] = None,
    resource_id: Annotated[str | None, Query(alias="resourceId")] = None,
) -> Envelope[UsageHistoryOut]:
    history = app.usage.history(
        caller,
        customer_id,
        feature_id,
        None if start_date is None else parse_instant("startDate", start_date),
        None if end_date is None else parse_instant("endDate", end_date),
        group_by or None,
        resource_id,
    )
    return Envelope(data=UsageHistoryOut.of(history))
