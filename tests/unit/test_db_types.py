"""Column types: aware UTC instants and exact decimals, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal

import pytest
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.engine import Dialect

from pactline.adapters.db.types import DecimalText, UtcDateTime

SQLITE = sqlite.dialect()
POSTGRES = psycopg.dialect()  # type: ignore[no-untyped-call]
PLUS_TWO = timezone(timedelta(hours=2))


class _NoOffset(tzinfo):
    """A tzinfo that does not know its offset: still a naive datetime."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgresql"])
@pytest.mark.parametrize(
    "naive",
    [
        datetime(2026, 1, 15, 9, 30),  # noqa: DTZ001 - the naive value under test
        datetime(2026, 1, 15, 9, 30, tzinfo=_NoOffset()),
    ],
    ids=["no-tzinfo", "tzinfo-without-offset"],
)
def test_utc_datetime_refuses_a_naive_datetime(dialect: Dialect, naive: datetime) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        UtcDateTime().process_bind_param(naive, dialect)


def test_utc_datetime_stores_plus_two_hours_as_naive_utc_on_sqlite() -> None:
    bound = UtcDateTime().process_bind_param(datetime(2026, 1, 15, 11, 30, tzinfo=PLUS_TWO), SQLITE)

    assert bound == datetime(2026, 1, 15, 9, 30)  # noqa: DTZ001 - SQLite keeps no zone
    assert bound is not None
    assert bound.tzinfo is None


def test_utc_datetime_stores_plus_two_hours_as_aware_utc_on_postgresql() -> None:
    bound = UtcDateTime().process_bind_param(
        datetime(2026, 1, 15, 11, 30, tzinfo=PLUS_TWO), POSTGRES
    )

    assert bound == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert bound is not None
    assert bound.tzinfo is UTC


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgresql"])
def test_utc_datetime_binds_none_as_none(dialect: Dialect) -> None:
    assert UtcDateTime().process_bind_param(None, dialect) is None
    assert UtcDateTime().process_result_value(None, dialect) is None


def test_utc_datetime_reattaches_utc_to_what_sqlite_returns() -> None:
    read = UtcDateTime().process_result_value(
        datetime(2026, 1, 15, 9, 30),  # noqa: DTZ001 - SQLite returns naive values
        SQLITE,
    )

    assert read == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert read is not None
    assert read.tzinfo is UTC


def test_utc_datetime_converts_what_postgresql_returns_to_utc() -> None:
    read = UtcDateTime().process_result_value(
        datetime(2026, 1, 15, 11, 30, tzinfo=PLUS_TWO), POSTGRES
    )

    assert read == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
    assert read is not None
    assert read.tzinfo is UTC


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgresql"])
def test_utc_datetime_round_trips_an_instant(dialect: Dialect) -> None:
    column = UtcDateTime()
    instant = datetime(2026, 1, 15, 11, 30, 0, 123_456, tzinfo=PLUS_TWO)

    read = column.process_result_value(column.process_bind_param(instant, dialect), dialect)

    assert read == instant
    assert read is not None
    assert read.utcoffset() == timedelta(0)


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgresql"])
@pytest.mark.parametrize("value", [0.006, 1, True, "0.0060"], ids=["float", "int", "bool", "str"])
def test_decimal_text_refuses_anything_but_decimal(dialect: Dialect, value: object) -> None:
    with pytest.raises(TypeError, match="DecimalText accepts Decimal only"):
        DecimalText().process_bind_param(value, dialect)  # type: ignore[arg-type]


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgresql"])
@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_decimal_text_refuses_non_finite_decimals(dialect: Dialect, value: str) -> None:
    with pytest.raises(ValueError, match="is not a finite decimal"):
        DecimalText().process_bind_param(Decimal(value), dialect)


def test_decimal_text_stores_exact_text_on_sqlite() -> None:
    assert DecimalText().process_bind_param(Decimal("0.0060"), SQLITE) == "0.0060"


def test_decimal_text_stores_the_decimal_itself_on_postgresql() -> None:
    bound = DecimalText().process_bind_param(Decimal("0.0060"), POSTGRES)

    assert isinstance(bound, Decimal)
    assert str(bound) == "0.0060"


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgresql"])
@pytest.mark.parametrize("text", ["0.0060", "123456789012345678901234567890.000000001", "-1E+3"])
def test_decimal_text_round_trips_a_decimal_exactly(dialect: Dialect, text: str) -> None:
    column = DecimalText()

    read = column.process_result_value(column.process_bind_param(Decimal(text), dialect), dialect)

    assert isinstance(read, Decimal)
    assert str(read) == text
    assert read.as_tuple() == Decimal(text).as_tuple()


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgresql"])
def test_decimal_text_binds_none_as_none(dialect: Dialect) -> None:
    assert DecimalText().process_bind_param(None, dialect) is None
    assert DecimalText().process_result_value(None, dialect) is None


def test_decimal_text_is_numeric_on_postgresql_and_text_on_sqlite() -> None:
    assert DecimalText().load_dialect_impl(POSTGRES).__visit_name__ == "numeric"
    assert DecimalText().load_dialect_impl(SQLITE).__visit_name__ == "text"
