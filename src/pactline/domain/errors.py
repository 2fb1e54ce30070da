"""Domain errors: a stable machine-readable code, a human message, structured details.

No HTTP here; `pactline.api.errors` maps each class to a status code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    code = "DomainError"

    def __init__(self, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = dict(details or {})


@dataclass(frozen=True)
class FieldProblem:
    """One invalid input: where it is (a dotted path) and why it is wrong."""

    field: str
    message: str
    code: str = "invalid"


class InvalidArgument(DomainError):
    code = "InvalidArgument"

    def __init__(self, problems: Sequence[FieldProblem], message: str | None = None) -> None:
        self.problems = tuple(problems)
        summary = message or "; ".join(f"{p.field}: {p.message}" for p in self.problems)
        super().__init__(
            summary,
            {
                "errors": [
                    {"field": p.field, "message": p.message, "code": p.code} for p in self.problems
                ]
            },
        )

    @classmethod
    def single(cls, field: str, message: str, code: str = "invalid") -> InvalidArgument:
        return cls([FieldProblem(field, message, code)])


class Unauthenticated(DomainError):
    code = "Unauthenticated"


class PermissionDenied(DomainError):
    code = "PermissionDenied"


class EntityNotFound(DomainError):
    code = "EntityNotFound"

    def __init__(self, entity: str, entity_id: str) -> None:
        super().__init__(
            f"{entity} '{entity_id}' was not found", {"entity": entity, "id": entity_id}
        )


class DuplicatedEntityNotAllowed(DomainError):
    """A permanent conflict: retrying the same request will never succeed."""

    code = "DuplicatedEntityNotAllowed"

    def __init__(self, entity: str, entity_id: str) -> None:
        super().__init__(
            f"{entity} '{entity_id}' already exists", {"entity": entity, "id": entity_id}
        )


class StaleVersion(DomainError):
    """An update named a version that is no longer current (someone else saved first)."""

    code = "StaleVersion"

    def __init__(self, entity: str, entity_id: str, expected: int, current: int | None) -> None:
        super().__init__(
            f"{entity} '{entity_id}' was changed by someone else "
            f"(you sent version {expected}, current is {current}); reload and retry",
            {"entity": entity, "id": entity_id, "sentVersion": expected, "currentVersion": current},
        )


class IdempotencyKeyReused(DomainError):
    code = "IdempotencyKeyReused"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Idempotency-Key '{key}' was already used with a different request",
            {"idempotencyKey": key},
        )


class IdempotentRequestInProgress(DomainError):
    code = "IdempotentRequestInProgress"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"A request with Idempotency-Key '{key}' is still being processed; retry shortly",
            {"idempotencyKey": key},
        )


class PayloadTooLarge(DomainError):
    code = "PayloadTooLarge"


class StateConflict(DomainError):
    """The resource's current state forbids the request (e.g. editing an active contract as a
    draft); permanent until the state changes, so a blind retry will not help."""

    code = "StateConflict"

    def __init__(self, entity: str, entity_id: str, state: str, message: str) -> None:
        super().__init__(message, {"entity": entity, "id": entity_id, "state": state})


class SubscriptionOnAnotherContract(StateConflict):
    """A subscription belongs to at most one contract."""

    code = "SubscriptionOnAnotherContract"

    def __init__(self, subscription_id: str, contract_id: str) -> None:
        super().__init__(
            "Subscription",
            subscription_id,
            "ON_CONTRACT",
            f"subscription '{subscription_id}' is already on contract '{contract_id}'; "
            "detach it there first",
        )
        self.details["contractId"] = contract_id
