"""Events reach a real receiver on loopback: signed, once, only after commit, and later if down."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from pactline.bootstrap import Container
from pactline.domain.webhooks import RETRY_DELAYS, verify
from pactline.services.events import record_event
from tests.support import SettableClock, WebhookReceiver


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    running = WebhookReceiver().start()
    yield running
    running.stop()


def _subscribe(api: httpx.Client, url: str, event_types: list[str]) -> dict[str, str]:
    response = api.post("/api/v1/webhook-endpoints", json={"url": url, "eventTypes": event_types})
    assert response.status_code == 201, response.text
    data: dict[str, str] = response.json()["data"]
    return data


def test_a_committed_event_is_delivered_signed_exactly_once(
    api: httpx.Client, container: Container, receiver: WebhookReceiver, clock: SettableClock
) -> None:
    endpoint = _subscribe(api, receiver.url, ["ping"])
    ping = api.post(f"/api/v1/webhook-endpoints/{endpoint['id']}/ping")
    assert ping.status_code == 202
    event_id = ping.json()["data"]["eventId"]

    first = container.relay.run_once()
    second = container.relay.run_once()

    assert (first.deliveries_attempted, first.deliveries_succeeded) == (1, 1)
    assert second.deliveries_attempted == 0
    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request.path == "/hooks"
    assert request.headers["Pactline-Event-Id"] == event_id
    assert request.headers["Pactline-Event-Type"] == "ping"
    assert verify(
        endpoint["secret"],
        request.headers["Pactline-Signature"],
        request.body,
        now=int(clock.now().timestamp()),
    )
    assert request.json() == {
        "id": event_id,
        "type": "ping",
        "environmentId": api.get("/api/v1/environment").json()["data"]["environmentId"],
        "createdAt": "2026-01-15T09:30:00Z",
        "data": {"endpointId": endpoint["id"]},
    }
    deliveries = api.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries").json()["data"]
    assert [(d["status"], d["attempts"], d["lastStatusCode"]) for d in deliveries] == [
        ("DELIVERED", 1, 200)
    ]


def test_nothing_is_delivered_for_rolled_back_work(
    api: httpx.Client, container: Container, receiver: WebhookReceiver
) -> None:
    _subscribe(api, receiver.url, ["*"])
    container.relay.run_once()
    receiver.received.clear()  # the endpoint's own creation event may not reach it; ignore
    environment_id = api.get("/api/v1/environment").json()["data"]["environmentId"]

    def failing_use_case() -> None:
        with container.uow() as uow:
            record_event(uow, environment_id, "test.rolled_back", {"n": 1}, container.clock.now())
            raise RuntimeError("the use case failed after recording its event")

    with pytest.raises(RuntimeError):
        failing_use_case()

    report = container.relay.run_once()
    assert report.events_dispatched == 0
    assert receiver.received == []


def test_a_receiver_that_is_down_gets_the_event_after_it_comes_back(
    api: httpx.Client, container: Container, receiver: WebhookReceiver, clock: SettableClock
) -> None:
    endpoint = _subscribe(api, receiver.url, ["ping"])
    receiver.stop()
    api.post(f"/api/v1/webhook-endpoints/{endpoint['id']}/ping")

    down = container.relay.run_once()
    assert (down.deliveries_attempted, down.deliveries_succeeded) == (1, 0)
    [pending] = api.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries").json()["data"]
    assert pending["status"] == "PENDING"
    assert pending["attempts"] == 1
    assert pending["lastStatusCode"] is None
    assert "ConnectError" in pending["lastError"]
    assert pending["nextAttemptAt"] == "2026-01-15T09:30:30Z"  # first retry delay: 30 s

    receiver.start()
    clock.advance(RETRY_DELAYS[0] - timedelta(seconds=1))
    assert container.relay.run_once().deliveries_attempted == 0  # not due yet
    clock.advance(timedelta(seconds=1))
    back = container.relay.run_once()

    assert (back.deliveries_attempted, back.deliveries_succeeded) == (1, 1)
    assert len(receiver.received) == 1
    assert receiver.received[0].json()["type"] == "ping"
    [delivered] = api.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries").json()["data"]
    assert (delivered["status"], delivered["attempts"]) == ("DELIVERED", 2)


def test_a_receiver_error_is_retried_then_given_up(
    api: httpx.Client, container: Container, receiver: WebhookReceiver, clock: SettableClock
) -> None:
    receiver.status = 500
    endpoint = _subscribe(api, receiver.url, ["ping"])
    api.post(f"/api/v1/webhook-endpoints/{endpoint['id']}/ping")
    container.relay.run_once()
    for delay in RETRY_DELAYS:
        clock.advance(delay)
        container.relay.run_once()

    assert len(receiver.received) == len(RETRY_DELAYS) + 1
    [failed] = api.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries").json()["data"]
    assert (failed["status"], failed["attempts"], failed["lastStatusCode"]) == (
        "FAILED",
        len(RETRY_DELAYS) + 1,
        500,
    )
    clock.advance(timedelta(days=7))
    assert container.relay.run_once().deliveries_attempted == 0


def test_endpoints_receive_only_the_types_they_subscribe_to(
    api: httpx.Client, container: Container, receiver: WebhookReceiver
) -> None:
    _subscribe(api, receiver.url, ["webhook_endpoint.updated"])
    other = _subscribe(api, "http://127.0.0.1:9/other", ["ping"])
    container.relay.run_once()
    api.patch(
        f"/api/v1/webhook-endpoints/{other['id']}", json={"description": "changed", "version": 1}
    )
    container.relay.run_once()
    types = [json.loads(r.body)["type"] for r in receiver.received]
    assert types == ["webhook_endpoint.updated"]


def test_an_endpoint_does_not_receive_events_from_before_it_existed(
    api: httpx.Client, container: Container, receiver: WebhookReceiver, clock: SettableClock
) -> None:
    environment_id = api.get("/api/v1/environment").json()["data"]["environmentId"]
    with container.uow() as uow:
        record_event(uow, environment_id, "test.earlier", {}, clock.now())
        uow.commit()
    clock.advance(timedelta(seconds=1))
    _subscribe(api, receiver.url, ["*"])
    container.relay.run_once()
    # Its own creation is the first thing it hears about; the earlier event never arrives.
    assert [r.json()["type"] for r in receiver.received] == ["webhook_endpoint.created"]


def test_disabling_an_endpoint_stops_its_retries_and_refuses_pings(
    api: httpx.Client, container: Container, receiver: WebhookReceiver, clock: SettableClock
) -> None:
    endpoint = _subscribe(api, receiver.url, ["ping"])
    path = f"/api/v1/webhook-endpoints/{endpoint['id']}"
    receiver.stop()
    api.post(f"{path}/ping")
    container.relay.run_once()
    disabled = api.patch(path, json={"enabled": False, "version": 1})
    assert disabled.status_code == 200

    receiver.start()
    clock.advance(RETRY_DELAYS[0])
    container.relay.run_once()

    assert receiver.received == []
    [delivery] = api.get(f"{path}/deliveries").json()["data"]
    assert (delivery["status"], delivery["attempts"], delivery["lastError"]) == (
        "FAILED",
        1,
        "endpoint disabled before delivery",
    )
    refused = api.post(f"{path}/ping")
    assert refused.status_code == 400
    assert refused.json()["details"]["errors"][0]["field"] == "enabled"
