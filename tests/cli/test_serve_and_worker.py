"""`pactline serve` and `pactline worker` as real processes: the relay delivers webhooks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import WebhookReceiver, free_port


def _env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACTLINE_")}
    env["PACTLINE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'served.db'}"
    env["PACTLINE_WORKER_INTERVAL_SECONDS"] = "0.2"
    env.update({f"PACTLINE_{name.upper()}": value for name, value in settings.items()})
    return env


def _start(tmp_path: Path, *args: str, **settings: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - fixed argv, our own program
        [sys.executable, "-m", "pactline", *args],
        cwd=tmp_path,
        env=_env(tmp_path, **settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


def _wait_until(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _demo_key(tmp_path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pactline", "demo", "--key-file", "var/demo-api-key"],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    running = WebhookReceiver().start()
    yield running
    running.stop()


def _ping_through(base_url: str, key: str, receiver: WebhookReceiver) -> None:
    headers = {"X-API-KEY": key}
    assert _wait_until(lambda: _answers(f"{base_url}/health")), "server did not come up"
    endpoint = httpx.post(
        f"{base_url}/api/v1/webhook-endpoints",
        json={"url": receiver.url, "eventTypes": ["ping"]},
        headers=headers,
    ).json()["data"]
    ping = httpx.post(f"{base_url}/api/v1/webhook-endpoints/{endpoint['id']}/ping", headers=headers)
    assert ping.status_code == 202
    assert _wait_until(lambda: len(receiver.received) == 1), "the event was not delivered"
    assert receiver.received[0].json()["id"] == ping.json()["data"]["eventId"]


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_serve_prints_where_to_go_and_delivers_events_in_process(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    key = _demo_key(tmp_path)
    port = free_port()
    server = _start(tmp_path, "serve", "--demo-key-file", "var/demo-api-key", port=str(port))
    try:
        _ping_through(f"http://127.0.0.1:{port}", key, receiver)
    finally:
        output = _stop(server)
    assert f"pactline is serving on http://127.0.0.1:{port}" in output
    assert f"demo sandbox server key: {key}" in output
    assert '"logger": "pactline.http"' in output  # one structured line per request


def test_a_separate_worker_delivers_when_the_server_does_not(
    tmp_path: Path, receiver: WebhookReceiver
) -> None:
    key = _demo_key(tmp_path)
    port = free_port()
    server = _start(tmp_path, "serve", port=str(port), embedded_worker="false")
    worker = None
    try:
        base_url = f"http://127.0.0.1:{port}"
        assert _wait_until(lambda: _answers(f"{base_url}/health"))
        headers = {"X-API-KEY": key}
        endpoint = httpx.post(
            f"{base_url}/api/v1/webhook-endpoints",
            json={"url": receiver.url, "eventTypes": ["ping"]},
            headers=headers,
        ).json()["data"]
        httpx.post(f"{base_url}/api/v1/webhook-endpoints/{endpoint['id']}/ping", headers=headers)
        time.sleep(1.0)
        assert receiver.received == []  # nobody relays yet
        worker = _start(tmp_path, "worker")
        assert _wait_until(lambda: len(receiver.received) == 1)
    finally:
        if worker is not None:
            _stop(worker)
        _stop(server)
