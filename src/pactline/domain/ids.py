"""Identifiers for records that pactline names itself (callers name customers, plans...).

Ids sort by creation time (a millisecond timestamp first), so keyset pagination on
(created_at, id) and on id alone agree.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
# A translation table for random bytes: 256 is a multiple of 32, so letters stay equally likely.
_LETTER_OF_BYTE = (_ALPHABET * 8).encode()  # byte b -> _ALPHABET[b % 32]


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


def new_ids(prefix: str, at: datetime, count: int) -> list[str]:
    """`count` ids shaped like `new_id`'s, minted in one go (ingestion mints 1,000 at once):
    one random byte per character, translated in a single C-level pass."""
    head = new_id(prefix, at)[: len(prefix) + 11]
    tails = secrets.token_bytes(16 * count).translate(_LETTER_OF_BYTE).decode()
    return [head + tails[16 * i : 16 * i + 16] for i in range(count)]
