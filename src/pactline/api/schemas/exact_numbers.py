"""Exact JSON numbers at the edge, for Stigg endpoints whose amounts are JSON numbers.

Requests: routers built with `route_class=ExactJsonRoute` parse the body with
`json.loads(parse_float=Decimal)`, so `49.99` reaches a `Decimal` field as exactly 49.99 (the
default parser would make it the nearest binary float first). Responses: `Number` fields hold
a Decimal and are written as a JSON number (an integer when the value is whole).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic import PlainSerializer


def as_number(value: Decimal) -> int | float:
    """A Decimal as the JSON number it prints as (whole values stay integers)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)  # repr() of the float prints the decimal's digits (up to 15 of them)


Number = Annotated[Decimal, PlainSerializer(as_number, return_type=int | float)]

# Fractional or exponent JSON numbers beyond this magnitude are refused as malformed: 1e999999999
# would parse to a Decimal that no amount, limit or quantity needs and that is slow to expand.
MAX_EXPONENT = 40


def _exact(text: str) -> Decimal:
    value = Decimal(text)
    if value and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        raise json.JSONDecodeError(f"number {text} is out of range", text, 0)
    return value


class ExactJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            self._json = json.loads(body, parse_float=_exact, parse_constant=Decimal)
        return self._json


class ExactJsonRoute(APIRoute):
    """An APIRoute whose JSON body keeps fractional numbers as exact Decimals."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def exact_handler(request: Request) -> Response:
            return await handler(ExactJsonRequest(request.scope, request.receive))

        return exact_handler
