"""Identifiers for records that pactline names itself (callers name customers, plans...).

Ids sort by creation time (a millisecond timestamp first), so keyset pagination on
(created_at, id) and on id alone agree.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, rem = divmod(value, 32)
        chars.append(_ALPHABET[rem])
    return "".join(reversed(chars))


def new_id(prefix: str, at: datetime) -> str:
    """`prefix_` + 10 chars of millisecond time + 16 chars (80 bits) of randomness."""
    # Integer arithmetic on the timedelta: float timestamps lose the odd millisecond.
    millis = (at - _EPOCH) // timedelta(milliseconds=1)
    return f"{prefix}_{_encode(millis, 10)}{_encode(secrets.randbits(80), 16)}"
