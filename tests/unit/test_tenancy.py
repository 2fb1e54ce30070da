"""API key secrets: their shape, strength, hash and display prefix."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pactline.domain.tenancy import KeyKind, display_prefix, generate_secret, hash_secret


@pytest.mark.parametrize(("kind", "prefix"), [(KeyKind.SERVER, "pls_"), (KeyKind.CLIENT, "plc_")])
def test_generate_secret_starts_with_the_prefix_of_its_kind(kind: KeyKind, prefix: str) -> None:
    secret = generate_secret(kind)

    assert secret.startswith(prefix)
    assert re.fullmatch(r"[A-Za-z0-9_-]+", secret[len(prefix) :]) is not None


@pytest.mark.parametrize("kind", list(KeyKind))
def test_generate_secret_carries_at_least_128_random_bits(kind: KeyKind) -> None:
    token = generate_secret(kind)[len("pls_") :]

    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))

    assert len(raw) >= 16


@pytest.mark.parametrize("kind", list(KeyKind))
def test_generate_secret_differs_between_calls(kind: KeyKind) -> None:
    assert generate_secret(kind) != generate_secret(kind)


def test_hash_secret_is_the_known_sha256_hex_digest() -> None:
    assert hash_secret("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@given(st.text())
def test_hash_secret_is_deterministic_64_hex_and_equals_hashlib_sha256(secret: str) -> None:
    digest = hash_secret(secret)

    assert digest == hash_secret(secret)
    assert re.fullmatch(r"[0-9a-f]{64}", digest) is not None
    assert digest == hashlib.sha256(secret.encode("utf-8")).hexdigest()


def test_hash_secret_differs_for_different_secrets() -> None:
    assert hash_secret("pls_a") != hash_secret("pls_b")


def test_display_prefix_is_the_first_ten_characters() -> None:
    assert display_prefix("pls_abcdefghijklmnop") == "pls_abcdef"


@pytest.mark.parametrize("kind", list(KeyKind))
def test_display_prefix_of_a_generated_secret_keeps_the_kind_prefix(kind: KeyKind) -> None:
    secret = generate_secret(kind)

    shown = display_prefix(secret)

    assert shown == secret[:10]
    assert len(shown) == 10
    assert shown[:4] == {KeyKind.SERVER: "pls_", KeyKind.CLIENT: "plc_"}[kind]
