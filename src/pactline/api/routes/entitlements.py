"""Entitlement checks and a customer's effective entitlements. Client keys may call both.

The check is the hot path of the API. `FastChecks` answers a check before the request
reaches routing and FastAPI's parameter handling (a third of the cost of a request, and the
event loop's, which every request shares): from the cache, or with one database read per
customer at a time. Anything else (an unknown key, any parameter it does not take, any error)
goes on to the documented route below, which answers the same with the same code. Keys are
remembered for a few seconds (`known_keys`; see docs/adr/0007-entitlement-cache.md).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from pactline.api.envelope import Envelope
from pactline.api.known_keys import KnownKeys
from pactline.api.schemas.entitlements import (
    CheckedEntitlementOut,
    EffectiveEntitlementsOut,
    effective_entitlements_json,
    entitlement_json,
)
from pactline.api.schemas.exact_numbers import MAX_EXPONENT
from pactline.api.single_flight import SingleFlight
from pactline.bootstrap import Container
from pactline.domain.entitlement_check import CheckResult
from pactline.domain.errors import DomainError, FieldProblem, InvalidArgument
from pactline.domain.tenancy import Principal

router = APIRouter(prefix="/api/v1/customers", tags=["entitlements"])


def _container(request: Request) -> Container:
    app: Container = request.app.state.container
    return app


async def reader(
    request: Request, x_api_key: Annotated[str | None, Header(alias="X-API-KEY")] = None
) -> Principal:
    """Any key of the environment (server or client), remembered for a few seconds."""
    keys: KnownKeys = request.app.state.known_keys
    principal = await keys.principal(x_api_key)
    request.state.principal = principal
    return principal


Reader = Annotated[Principal, Depends(reader)]


@router.get("/{customer_id}/entitlements/check", response_model=Envelope[CheckedEntitlementOut])
async def check_entitlement(
    request: Request,
    customer_id: str,
    caller: Reader,
    feature_id: Annotated[str | None, Query(alias="featureId")] = None,
    requested_usage: Annotated[
        str | None,
        Query(alias="requestedUsage", description="Usage to add to the current usage (≥ 0)"),
    ] = None,
    requested_values: Annotated[
        str | None,
        Query(alias="requestedValues", description="Enum values wanted (comma-separated)"),
    ] = None,
    currency_id: Annotated[
        str | None, Query(alias="currencyId", description="Credit checks: not supported")
    ] = None,
    resource_id: Annotated[
        str | None, Query(alias="resourceId", description="Resources: not supported")
    ] = None,
) -> Response:
    """May the customer use the feature now? Unknown customers and features are answered in
    the data (`isGranted: false` with `accessDeniedReason`), not with 404."""
    problems = _unsupported(currency_id=currency_id, resource_id=resource_id)
    if not feature_id:
        problems.append(FieldProblem("featureId", "is required", "required"))
    usage = _requested_usage(requested_usage, problems)
    if problems:
        raise InvalidArgument(problems)
    assert feature_id is not None
    values = [v for v in (requested_values or "").split(",") if v]
    service = _container(request).entitlements
    result = service.cached_check(caller, customer_id, feature_id, usage, values)
    if result is None:
        result = await run_in_threadpool(
            service.check, caller, customer_id, feature_id, usage, values
        )
    return Response(_body({"data": entitlement_json(result)}), media_type="application/json")


@router.get("/{customer_id}/entitlements", response_model=Envelope[EffectiveEntitlementsOut])
async def effective_entitlements(
    request: Request,
    customer_id: str,
    caller: Reader,
    resource_id: Annotated[
        str | None, Query(alias="resourceId", description="Resources: not supported")
    ] = None,
) -> Response:
    """Every feature the customer is entitled to now, each as a check without a request."""
    problems = _unsupported(resource_id=resource_id)
    if problems:
        raise InvalidArgument(problems)
    service = _container(request).entitlements
    view = await run_in_threadpool(service.entitlements, caller, customer_id)
    return Response(
        _body({"data": effective_entitlements_json(view)}), media_type="application/json"
    )


def _unsupported(**params: str | None) -> list[FieldProblem]:
    names = {"currency_id": "currencyId", "resource_id": "resourceId"}
    messages = {
        "currency_id": "credit entitlements are not supported; check a feature (featureId)",
        "resource_id": "resource-scoped entitlements are not supported",
    }
    return [
        FieldProblem(names[name], messages[name], "not_supported")
        for name, value in params.items()
        if value is not None
    ]


def _requested_usage(text: str | None, problems: list[FieldProblem]) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value.adjusted() > MAX_EXPONENT:
        problems.append(FieldProblem("requestedUsage", "must be a number, 0 or more", "invalid"))
        return None
    return value


# --- the fast lane ----------------------------------------------------------------------------

_CHECK_PATH = re.compile(r"^/api/v1/customers/([^/]+)/entitlements/check$")
_FAST_PARAMS = frozenset({"featureId", "requestedUsage", "requestedValues"})
_JSON_HEADERS = [(b"content-type", b"application/json")]


class FastChecks:
    """ASGI middleware: a check answered without routing (see the module doc). Install it
    innermost, so that request ids, logging and every other middleware still apply."""

    def __init__(self, app: ASGIApp, container: Container, keys: KnownKeys) -> None:
        self.app = app
        self._container = container
        self._keys = keys
        self._reads = SingleFlight()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = None
        if scope["type"] == "http" and scope["method"] == "GET":
            body = await self._answer(scope)
        if body is None:
            await self.app(scope, receive, send)
            return
        headers = [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _answer(self, scope: Scope) -> bytes | None:
        """The response body, or None to leave the request to the route."""
        match = _CHECK_PATH.match(scope["path"])
        if match is None:
            return None
        secret = next((v for k, v in scope["headers"] if k == b"x-api-key"), None)
        params = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
        if not secret or not params.keys() <= _FAST_PARAMS:
            return None
        feature_id = params.get("featureId")
        problems: list[FieldProblem] = []
        usage = _requested_usage(params.get("requestedUsage"), problems)
        if not feature_id or problems:
            return None
        values = [v for v in params.get("requestedValues", "").split(",") if v]
        try:
            caller = await self._keys.principal(secret.decode("latin-1"))
            result = await self._check(caller, match[1], feature_id, usage, values)
        except DomainError:
            return None  # the route answers with the documented error
        return _body({"data": entitlement_json(result)})

    async def _check(
        self,
        caller: Principal,
        customer_id: str,
        feature_id: str,
        usage: Decimal | None,
        values: list[str],
    ) -> CheckResult:
        """From the cache; else one database read per customer at a time: a customer's first
        checks come together (a page load), and each would read the same rows."""
        service = self._container.entitlements
        return await self._reads.run(
            (caller.environment_id, customer_id),
            lambda: service.cached_check(caller, customer_id, feature_id, usage, values),
            lambda: run_in_threadpool(
                service.check, caller, customer_id, feature_id, usage, values
            ),
        )


def _body(payload: dict[str, Any]) -> bytes:
    """JSON as `JSONResponse` renders it, so both lanes answer byte for byte the same."""
    return json.dumps(
        payload, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")
