"""Bulk reads and writes for high-volume tables, without per-row ORM or Core overhead.

Writes: COPY FROM STDIN on PostgreSQL, the driver's executemany (C code) on SQLite. Values go
through the columns' own type rules (aware UTC instants, exact decimals, JSON), converted
column by column and memoised per distinct value, since a batch shares its instants and most
of its values. Rows keep their order, so serial keys follow it. Reads: a statement's rows
converted the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Column, Dialect, Table, text
from sqlalchemy.orm import Session

from pactline.adapters.db.types import DecimalText, UtcDateTime

Convert = Callable[[Any], Any]


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_many(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows that all name the same columns."""
    if rows:
        names = list(rows[0])
        insert_rows(session, table, names, [tuple(row[n] for n in names) for row in rows])


def insert_rows(
    session: Session, table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows given as values in the order of `names` (no mapping per row)."""
    if not rows:
        return
    columns = [table.c[name] for name in names]
    dialect = session.get_bind().dialect
    # Only names from the table's metadata go into the SQL text; values are parameters.
    listed = ", ".join(c.name for c in columns)
    if dialect.name == "postgresql":
        values = _columnwise(rows, [_pg_converter(c, dialect) for c in columns])
        driver = session.connection().connection.driver_connection
        assert driver is not None
        copy_sql = f"COPY {table.name} ({listed}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in values:
                copy.write_row(row)
        return
    converters = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({listed}) VALUES ({marks})"  # noqa: S608
    session.connection().exec_driver_sql(sql, _columnwise(rows, converters))


def fetch(
    session: Session, sql: str, params: Mapping[str, Any], columns: Sequence[Column[Any]]
) -> list[tuple[Any, ...]]:
    """The rows of a statement whose result columns are `columns`, converted by their types."""
    dialect = session.get_bind().dialect
    raw = session.execute(text(sql), dict(params)).all()
    if not raw:
        return []
    if dialect.name == "postgresql":  # psycopg returns instants and decimals itself
        converters = [_pg_result(c, dialect) for c in columns]
    else:
        converters = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
    return _columnwise(raw, converters)


def _columnwise(
    rows: Sequence[Sequence[Any]], converters: Sequence[Convert | None]
) -> list[tuple[Any, ...]]:
    """The rows with each value converted by its column's converter (None: as it is)."""
    if all(convert is None for convert in converters):
        return [tuple(row) for row in rows]
    columns = zip(*rows, strict=True)
    converted = [
        values if convert is None else map(_memoised(convert), values)
        for convert, values in zip(converters, columns, strict=True)
    ]
    return list(zip(*converted, strict=True))


def _pg_converter(column: Column[Any], dialect: Dialect) -> Convert | None:
    """psycopg adapts instants and decimals itself; the column types' checks still apply."""
    kind = column.type
    if isinstance(kind, JSON):
        return json.dumps
    if isinstance(kind, UtcDateTime | DecimalText):
        return lambda value: kind.process_bind_param(value, dialect)
    return None


def _pg_result(column: Column[Any], dialect: Dialect) -> Convert | None:
    kind = column.type
    if isinstance(kind, UtcDateTime | DecimalText):
        return lambda value: kind.process_result_value(value, dialect)
    return None


def _memoised(processor: Convert) -> Convert:
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value is None:
            return None
        try:
            return seen[value]
        except KeyError:
            converted = seen[value] = processor(value)
            return converted
        except TypeError:  # unhashable: JSON documents
            return processor(value)

    return convert
