"""Even an unexpected crash answers with the error body and the request id."""

from __future__ import annotations

import asyncio

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from pactline.api.request_log import RequestLogMiddleware


async def _crash(_: Request) -> PlainTextResponse:
    raise RuntimeError("boom")


async def _fine(_: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def _get(path: str, headers: dict[str, str]) -> httpx.Response:
    # Installed as in the real app: inside Starlette's own outermost error handler.
    app = Starlette(
        routes=[Route("/crash", _crash), Route("/ok", _fine)],
        middleware=[Middleware(RequestLogMiddleware)],
    )

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(call())


def test_a_crash_is_a_500_with_the_request_id_in_header_and_body() -> None:
    response = _get("/crash", {"X-Request-Id": "req-42"})
    assert response.status_code == 500
    assert response.headers["X-Request-Id"] == "req-42"
    assert response.json() == {
        "code": "InternalError",
        "message": "An unexpected error occurred. Quote the request id when reporting it.",
        "details": {"requestId": "req-42"},
    }


def test_a_normal_response_keeps_its_body_and_gains_the_id() -> None:
    response = _get("/ok", {"X-Request-Id": "req-43"})
    assert (response.status_code, response.text, response.headers["X-Request-Id"]) == (
        200,
        "ok",
        "req-43",
    )
