"""Accounts, their environments, and the API keys that act inside one environment."""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

DEFAULT_ENVIRONMENTS = ("production", "sandbox")


class KeyKind(enum.StrEnum):
    SERVER = "server"  # full access inside its environment
    CLIENT = "client"  # may only read entitlements (safe to ship in a browser or app)


_KEY_PREFIX = {KeyKind.SERVER: "pls", KeyKind.CLIENT: "plc"}


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class Environment:
    id: str
    account_id: str
    slug: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class ApiKey:
    id: str
    environment_id: str
    kind: KeyKind
    label: str
    display_prefix: str
    key_hash: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class Principal:
    """Who is calling: an active key, its kind and the environment it is scoped to."""

    key_id: str
    kind: KeyKind
    environment_id: str
    account_id: str


def generate_secret(kind: KeyKind) -> str:
    """A new key: a kind prefix and 192 random bits, URL-safe."""
    return f"{_KEY_PREFIX[kind]}_{secrets.token_urlsafe(24)}"


def hash_secret(secret: str) -> str:
    """Keys carry 192 random bits, so a plain SHA-256 cannot be brute-forced (see ADR 0003)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_prefix(secret: str) -> str:
    """What lists show so a person can tell keys apart without seeing them."""
    return secret[:10]
