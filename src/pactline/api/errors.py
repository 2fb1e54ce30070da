"""The one table from domain errors to HTTP status codes, and the error body shape."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from pactline.domain import errors as e
from pactline.domain.currency import UnknownCurrency
from pactline.domain.invoice_lifecycle import InvoiceNotEditable, InvoiceTransitionNotAllowed
from pactline.domain.money import CurrencyMismatch

STATUS_BY_ERROR: dict[type[e.DomainError], int] = {
    e.DomainError: 400,
    e.InvalidArgument: 400,
    e.Unauthenticated: 401,
    e.PermissionDenied: 403,
    e.EntityNotFound: 404,
    e.DuplicatedEntityNotAllowed: 409,
    e.StaleVersion: 409,
    e.IdempotencyKeyReused: 409,
    e.IdempotentRequestInProgress: 409,
    e.PayloadTooLarge: 413,
    e.StateConflict: 409,
    e.SubscriptionOnAnotherContract: 409,
    InvoiceNotEditable: 409,
    InvoiceTransitionNotAllowed: 409,
    UnknownCurrency: 400,
    CurrencyMismatch: 400,
}

_HTTP_CODES = {
    404: "RouteNotFound",
    405: "MethodNotAllowed",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
}


def status_for(error: e.DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400  # pragma: no cover - DomainError itself is in the table


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


# Conflicts that no retry can resolve. Clients that retry 409s by themselves (the stigg SDK
# does) honour `x-should-retry: false` and stop at once.
PERMANENT_CONFLICTS = (
    e.DuplicatedEntityNotAllowed,
    e.StaleVersion,
    e.IdempotencyKeyReused,
    e.StateConflict,
    InvoiceNotEditable,
    InvoiceTransitionNotAllowed,
)


def domain_error_response(error: e.DomainError) -> JSONResponse:
    headers = {"x-should-retry": "false"} if isinstance(error, PERMANENT_CONFLICTS) else None
    return JSONResponse(
        error_body(error.code, error.message, error.details),
        status_code=status_for(error),
        headers=headers,
    )


def _field_path(location: tuple[Any, ...]) -> str:
    # ("body", "eventTypes", 0) → "eventTypes[0]"; ("query", "limit") → "limit"
    parts = (
        [str(p) for p in location[1:]]
        if location and location[0] in ("body", "query", "path", "header")
        else [str(p) for p in location]
    )
    path = ""
    for part in parts:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(e.DomainError)
    async def _domain(_: Request, error: e.DomainError) -> JSONResponse:
        return domain_error_response(error)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            e.FieldProblem(_field_path(tuple(item["loc"])), item["msg"], item["type"])
            for item in error.errors()
        ]
        return domain_error_response(e.InvalidArgument(problems))

    @app.exception_handler(HTTPException)
    async def _http(_: Request, error: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "HttpError")
        return JSONResponse(
            error_body(code, str(error.detail)),
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )
