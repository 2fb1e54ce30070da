from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from pactline.bootstrap import Container
from pactline.domain.tenancy import KeyKind
from tests.support import ApiServer


@dataclass(frozen=True)
class Keys:
    sandbox_server: str
    sandbox_client: str
    production_server: str


@pytest.fixture
def server(container: Container) -> Iterator[ApiServer]:
    with ApiServer(container) as running:
        yield running


@pytest.fixture
def server_url(server: ApiServer) -> str:
    return server.url


@pytest.fixture
def keys(container: Container) -> Keys:
    return Keys(
        sandbox_server=container.tenancy.create_key("sandbox", KeyKind.SERVER).secret,
        sandbox_client=container.tenancy.create_key("sandbox", KeyKind.CLIENT).secret,
        production_server=container.tenancy.create_key("production", KeyKind.SERVER).secret,
    )


def _client(server: ApiServer, key: str | None) -> httpx.Client:
    headers = {"X-API-KEY": key} if key else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10)


@pytest.fixture
def api(server: ApiServer, keys: Keys) -> Iterator[httpx.Client]:
    """A client of the sandbox environment with a server key."""
    with _client(server, keys.sandbox_server) as client:
        yield client


@pytest.fixture
def production_api(server: ApiServer, keys: Keys) -> Iterator[httpx.Client]:
    with _client(server, keys.production_server) as client:
        yield client


@pytest.fixture
def anonymous(server: ApiServer) -> Iterator[httpx.Client]:
    with _client(server, None) as client:
        yield client
