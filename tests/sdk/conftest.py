"""The official stigg SDK pointed at a real pactline server, as a vendor's code would use it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from stigg import Stigg

from pactline.bootstrap import Container
from pactline.domain.tenancy import KeyKind
from tests.support import ApiServer


@pytest.fixture
def stigg(container: Container, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stigg]:
    key = container.tenancy.create_key("sandbox", KeyKind.SERVER, "sdk").secret
    with ApiServer(container) as server:
        monkeypatch.setenv("STIGG_BASE_URL", server.url)
        monkeypatch.setenv("STIGG_API_KEY", key)
        # Strict validation: a missing required field or a wrong type fails the test, instead of
        # the SDK's lenient default of reading it as None.
        client = Stigg(_strict_response_validation=True, max_retries=0)
        try:
            yield client
        finally:
            client.close()
