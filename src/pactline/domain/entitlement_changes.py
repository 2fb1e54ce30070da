"""Entitlement changes: what every process's entitlement cache must forget after a commit.

The process that commits a change forgets it in its own cache at once; the change is also
written to a feed in the same transaction, so that other processes (more servers, the worker,
the command line) forget it when they next read the feed (docs/adr/0007-entitlement-cache.md).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class ChangeScope(enum.Enum):
    CUSTOMER = "CUSTOMER"  # a customer's subscriptions, grants or own fields
    ENVIRONMENT = "ENVIRONMENT"  # the catalog: features, plan and add-on versions
    USAGE = "USAGE"  # the usage of some (customer, feature) series


@dataclass(frozen=True)
class EntitlementChange:
    environment_id: str
    scope: ChangeScope
    customer_id: str | None = None
    series: tuple[tuple[str, str], ...] = ()  # (customer id, feature id), for USAGE

    @classmethod
    def customer(cls, environment_id: str, customer_id: str) -> EntitlementChange:
        return cls(environment_id, ChangeScope.CUSTOMER, customer_id=customer_id)

    @classmethod
    def environment(cls, environment_id: str) -> EntitlementChange:
        return cls(environment_id, ChangeScope.ENVIRONMENT)

    @classmethod
    def usage(cls, environment_id: str, series: Iterable[tuple[str, str]]) -> EntitlementChange:
        return cls(environment_id, ChangeScope.USAGE, series=tuple(sorted(set(series))))


@dataclass(frozen=True)
class FedChange:
    """A change as read back from the feed: its position and the process that wrote it."""

    seq: int
    origin: str
    change: EntitlementChange
