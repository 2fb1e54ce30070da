"""`Idempotency-Key` on POST: the first response is kept 24 h and given again to retries.

Same key + same request (method, path, body) → the stored response, marked
`Idempotent-Replayed: true`. Same key + a different request → 409 IdempotencyKeyReused.
Responses with status ≥ 500 are not kept, so a retry after a server failure runs again.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pactline.api.errors import domain_error_response
from pactline.bootstrap import Container
from pactline.domain.errors import DomainError, PayloadTooLarge, Unauthenticated
from pactline.domain.idempotency import StoredResponse, fingerprint
from pactline.services.idempotency import Replay

HEADER = b"idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
REPLAYED_HEADERS = {b"content-type", b"etag", b"location"}
MAX_BODY_BYTES = 10 * 1024 * 1024


class IdempotencyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        container: Callable[[], Container],
        pure_paths: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self._container = container
        # POSTs that compute without writing (previews): nothing to protect, nothing to store.
        self._pure_paths = pure_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] in self._pure_paths
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key_bytes = headers.get(HEADER)
        if key_bytes is None:
            await self.app(scope, receive, send)
            return
        key = key_bytes.decode("latin-1")
        body = await _read_body(receive)
        if body is None:
            too_large = PayloadTooLarge(
                f"request bodies are limited to {MAX_BODY_BYTES} bytes", {"limit": MAX_BODY_BYTES}
            )
            await domain_error_response(too_large)(scope, _replaying(b""), send)
            return
        replay_receive = _replaying(body)
        container = self._container()
        try:
            principal = await run_in_threadpool(
                container.tenancy.authenticate,
                headers.get(b"x-api-key", b"").decode("latin-1") or None,
            )
        except Unauthenticated:
            await self.app(scope, replay_receive, send)  # the route answers 401 itself
            return
        environment_id = principal.environment_id
        try:
            claim = await run_in_threadpool(
                container.idempotency.claim,
                environment_id,
                key,
                fingerprint(
                    "POST", f"{scope['path']}?{scope.get('query_string', b'').decode()}", body
                ),
            )
        except DomainError as error:
            await domain_error_response(error)(scope, replay_receive, send)
            return
        if isinstance(claim, Replay):
            await _send_stored(claim.response, send)
            return

        messages: list[Message] = []

        async def capture(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, replay_receive, capture)
        except BaseException:
            await run_in_threadpool(container.idempotency.release, environment_id, key)
            raise
        start = next(m for m in messages if m["type"] == "http.response.start")
        status = int(start["status"])
        if status >= 500:
            await run_in_threadpool(container.idempotency.release, environment_id, key)
        else:
            body_out = b"".join(
                m.get("body", b"") for m in messages if m["type"] == "http.response.body"
            )
            stored = StoredResponse(
                status_code=status,
                body=body_out,
                headers=tuple(
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in start.get("headers", [])
                    if name.lower() in REPLAYED_HEADERS
                ),
            )
            await run_in_threadpool(container.idempotency.complete, environment_id, key, stored)
        for message in messages:
            await send(message)


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None once it exceeds MAX_BODY_BYTES (it must be held in memory)."""
    chunks = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _send_stored(response: StoredResponse, send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": [
                *(
                    (name.encode("latin-1"), value.encode("latin-1"))
                    for name, value in response.headers
                ),
                (b"content-length", str(len(response.body)).encode()),
                (REPLAYED_HEADER.lower().encode(), b"true"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": response.body})
