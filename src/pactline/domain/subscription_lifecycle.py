"""A subscription's trial, and how it ends: canceled now, at the end of its billing period or
on a date, or replaced by a newer subscription to the same product."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from pactline.domain.errors import FieldProblem
from pactline.domain.plans import TrialConfig, TrialEndBehavior, TrialUnits
from pactline.domain.subscriptions import (
    CancellationTime,
    CancelReason,
    Subscription,
    add_months,
)

# --- trials ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrialRequest:
    """Stigg's `trialOverrideConfiguration`."""

    is_trial: bool
    end_at: datetime | None = None
    end_behavior: TrialEndBehavior | None = None


@dataclass(frozen=True)
class Trial:
    end_at: datetime
    end_behavior: TrialEndBehavior


def trial_for(
    start_at: datetime,
    request: TrialRequest | None,
    default: TrialConfig | None,
    path: str = "trialOverrideConfiguration",
) -> tuple[Trial | None, list[FieldProblem]]:
    """The trial a new subscription gets: the override when given, else the plan's default."""
    if request is not None and not request.is_trial:
        if request.end_at is not None:
            problem = FieldProblem(f"{path}.trialEndDate", "needs isTrial true", "not_allowed")
            return None, [problem]
        return None, []
    if request is None and default is None:
        return None, []
    end_at = None if request is None else request.end_at
    if end_at is None and default is not None:
        if default.units is TrialUnits.DAY:
            end_at = start_at + timedelta(days=default.duration)
        else:
            end_at = add_months(start_at, default.duration)
    if end_at is None:
        message = "the plan has no default trial: give the trial's end date"
        return None, [FieldProblem(f"{path}.trialEndDate", message, "required")]
    if end_at <= start_at:
        message = "must be after the subscription's start"
        return None, [FieldProblem(f"{path}.trialEndDate", message, "out_of_range")]
    behavior = (
        (request.end_behavior if request is not None else None)
        or (default.end_behavior if default is not None else None)
        or TrialEndBehavior.CONVERT_TO_PAID
    )
    return Trial(end_at, behavior), []


# --- ending ---------------------------------------------------------------------------------


def canceled(
    subscription: Subscription,
    time: CancellationTime,
    end_date: datetime | None,
    at: datetime,
) -> tuple[Subscription, list[FieldProblem]]:
    """The subscription canceled at `at`; one that has ended already is returned unchanged."""
    if end_date is not None and time is not CancellationTime.SPECIFIC_DATE:
        return subscription, [
            FieldProblem("endDate", "is only for cancellationTime SPECIFIC_DATE", "not_allowed")
        ]
    if subscription.ended(at):
        return subscription, []
    if time is CancellationTime.IMMEDIATE:
        end, reason = at, CancelReason.IMMEDIATE
    elif time is CancellationTime.END_OF_BILLING_PERIOD:
        end = subscription.billing_period_at(at).end
        reason = CancelReason.SCHEDULED_CANCELLATION
    elif end_date is None:
        return subscription, [
            FieldProblem("endDate", "is required with cancellationTime SPECIFIC_DATE", "required")
        ]
    elif end_date < at:
        return subscription, [FieldProblem("endDate", "must not be in the past", "out_of_range")]
    else:
        end = end_date
        reason = CancelReason.IMMEDIATE if end_date == at else CancelReason.SCHEDULED_CANCELLATION
    return (
        replace(subscription, end_at=end, cancel_reason=reason, canceled_at=at, updated_at=at),
        [],
    )


def replaced(subscription: Subscription, new_start: datetime, at: datetime) -> Subscription:
    """A subscription ended by a newer one of the same product (which starts at `new_start`)."""
    return replace(
        subscription,
        end_at=new_start,
        cancel_reason=CancelReason.UPGRADE_OR_DOWNGRADE,
        canceled_at=at,
        updated_at=at,
    )
