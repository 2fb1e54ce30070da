"""Sends one webhook over HTTP and reports what came back; never raises for network trouble."""

from __future__ import annotations

import time

import httpx

from pactline.domain.webhooks import AttemptOutcome

MAX_ERROR_LENGTH = 500


class HttpWebhookSender:
    def __init__(self, timeout_seconds: float = 10.0) -> None:
        # No redirects: a receiver that moved must be re-registered, not silently followed.
        self._client = httpx.Client(timeout=timeout_seconds, follow_redirects=False)

    def send(self, url: str, body: bytes, headers: dict[str, str]) -> AttemptOutcome:
        started = time.perf_counter()
        try:
            response = self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return AttemptOutcome(
                status_code=None,
                error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH],
                duration_ms=_elapsed_ms(started),
            )
        error = None if response.is_success else response.text[:MAX_ERROR_LENGTH]
        return AttemptOutcome(response.status_code, error, _elapsed_ms(started))

    def close(self) -> None:
        self._client.close()


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
