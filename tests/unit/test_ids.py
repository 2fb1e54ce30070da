"""Ids: a prefix, a fixed length, and a millisecond time part that sorts by creation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pactline.domain.ids import new_id

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
AT = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
)
INSTANTS = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=ZONES,
)
# Instants on whole milliseconds: the values most likely to hit a rounding edge.
MILLISECOND_INSTANTS = st.integers(
    min_value=(datetime(2000, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1),
    max_value=(datetime(2100, 1, 1, tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1),
).map(lambda millis: EPOCH + timedelta(milliseconds=millis))


def _exact_millis(at: datetime) -> int:
    return (at - EPOCH) // timedelta(milliseconds=1)


def _decode(chars: str) -> int:
    value = 0
    for char in chars:
        value = value * 32 + ALPHABET.index(char)
    return value


def _time_part(identifier: str, prefix: str) -> str:
    return identifier[len(prefix) + 1 : len(prefix) + 11]


@pytest.mark.parametrize("prefix", ["whe", "evt", "acct"])
def test_new_id_is_the_prefix_and_26_crockford_characters(prefix: str) -> None:
    identifier = new_id(prefix, AT)

    assert len(identifier) == len(prefix) + 1 + 26
    assert re.fullmatch(rf"{prefix}_[{ALPHABET}]{{26}}", identifier) is not None


def test_new_id_differs_between_calls_at_the_same_instant() -> None:
    assert new_id("evt", AT) != new_id("evt", AT)


def test_new_id_time_part_is_the_unix_millisecond() -> None:
    at = datetime(2026, 1, 15, 9, 30, 0, 123_000, tzinfo=UTC)

    assert _decode(_time_part(new_id("evt", at), "evt")) == 1_768_469_400_123


@given(at=MILLISECOND_INSTANTS | INSTANTS)
@example(at=datetime(2004, 9, 10, 7, 31, 58, 366_000, tzinfo=UTC))
@example(at=datetime(2038, 3, 9, 13, 22, 34, 943_000, tzinfo=UTC))
def test_new_id_time_part_is_the_exact_millisecond_of_the_instant(at: datetime) -> None:
    assert _decode(_time_part(new_id("evt", at), "evt")) == _exact_millis(at)


@given(first=INSTANTS | MILLISECOND_INSTANTS, second=INSTANTS | MILLISECOND_INSTANTS)
@example(
    first=datetime(2004, 9, 10, 7, 31, 58, 365_000, tzinfo=UTC),
    second=datetime(2004, 9, 10, 7, 31, 58, 366_000, tzinfo=UTC),
)
def test_ids_made_at_increasing_instants_sort_in_that_order(
    first: datetime, second: datetime
) -> None:
    earlier, later = sorted((first, second))
    if _exact_millis(earlier) == _exact_millis(later):
        # Within one millisecond only the random part differs: no order is promised.
        assert _time_part(new_id("evt", earlier), "evt") == _time_part(new_id("evt", later), "evt")
        return

    earlier_id, later_id = new_id("evt", earlier), new_id("evt", later)

    assert _time_part(earlier_id, "evt") < _time_part(later_id, "evt")
    assert earlier_id < later_id
