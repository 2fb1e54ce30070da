"""The table from domain errors to HTTP statuses, and validation field paths."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

import pactline.domain
from pactline.api.errors import STATUS_BY_ERROR, _field_path, status_for
from pactline.domain import errors as e


def _all_domain_error_classes() -> set[type[e.DomainError]]:
    for module in pkgutil.walk_packages(pactline.domain.__path__, "pactline.domain."):
        importlib.import_module(module.name)
    found: set[type[e.DomainError]] = set()
    pending: list[type[e.DomainError]] = [e.DomainError]
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_the_walk_finds_the_known_domain_errors() -> None:
    assert {
        e.InvalidArgument,
        e.Unauthenticated,
        e.PermissionDenied,
        e.EntityNotFound,
        e.DuplicatedEntityNotAllowed,
        e.StaleVersion,
        e.IdempotencyKeyReused,
        e.IdempotentRequestInProgress,
    } <= _all_domain_error_classes()


def test_every_domain_error_has_an_explicit_status() -> None:
    missing = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _all_domain_error_classes()
        if cls not in STATUS_BY_ERROR
    )

    assert missing == []


@pytest.mark.parametrize(
    ("error_class", "status"),
    [
        (e.InvalidArgument, 400),
        (e.Unauthenticated, 401),
        (e.PermissionDenied, 403),
        (e.EntityNotFound, 404),
        (e.DuplicatedEntityNotAllowed, 409),
        (e.StaleVersion, 409),
        (e.IdempotencyKeyReused, 409),
        (e.IdempotentRequestInProgress, 409),
    ],
)
def test_each_domain_error_maps_to_its_status(
    error_class: type[e.DomainError], status: int
) -> None:
    assert STATUS_BY_ERROR[error_class] == status


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (e.InvalidArgument.single("limit", "bad"), 400),
        (e.Unauthenticated("no key"), 401),
        (e.PermissionDenied("client key"), 403),
        (e.EntityNotFound("WebhookEndpoint", "whe_1"), 404),
        (e.DuplicatedEntityNotAllowed("Customer", "cus_1"), 409),
        (e.StaleVersion("WebhookEndpoint", "whe_1", 1, 2), 409),
        (e.IdempotencyKeyReused("k"), 409),
        (e.IdempotentRequestInProgress("k"), 409),
    ],
)
def test_status_for_an_error_instance(error: e.DomainError, status: int) -> None:
    assert status_for(error) == status


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (("body", "eventTypes", 0), "eventTypes[0]"),
        (("query", "limit"), "limit"),
        (("path", "endpoint_id"), "endpoint_id"),
        (("header", "if-match"), "if-match"),
        (("body", "customer", "address", "city"), "customer.address.city"),
        (("body", "lines", 2, "amount"), "lines[2].amount"),
        (("body",), "body"),
        ((), "body"),
    ],
)
def test_field_path_renders_a_validation_location(location: tuple[Any, ...], path: str) -> None:
    assert _field_path(location) == path
