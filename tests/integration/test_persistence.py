"""Column types, the unit of work and the migrations, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, Engine, MetaData, String, Table, insert, select
from sqlalchemy.exc import StatementError

from pactline.adapters.db import migrate
from pactline.adapters.db.types import DecimalText, MinorUnits, UtcDateTime
from pactline.bootstrap import Container
from pactline.domain.events import DomainEvent
from pactline.domain.tenancy import KeyKind

probe_metadata = MetaData()
probe = Table(
    "type_probe",
    probe_metadata,
    Column("id", String(10), primary_key=True),
    Column("at", UtcDateTime()),
    Column("rate", DecimalText()),
    Column("amount", MinorUnits()),
)


@pytest.fixture
def engine(container: Container) -> Iterator[Engine]:
    probe_metadata.create_all(container.engine)
    yield container.engine
    probe_metadata.drop_all(container.engine)


@pytest.mark.parametrize(
    "rate",
    [
        Decimal("0.0060"),
        Decimal("0"),
        Decimal("-12.5"),
        Decimal("12345678901234567890.123456789012"),
        Decimal("1E-12"),
    ],
)
def test_rates_round_trip_exactly(engine: Engine, rate: Decimal) -> None:
    with engine.begin() as connection:
        connection.execute(insert(probe).values(id="r", rate=rate))
    with engine.connect() as connection:
        stored = connection.execute(select(probe.c.rate)).scalar_one()
    assert isinstance(stored, Decimal)
    assert stored == rate


def test_instants_come_back_aware_in_utc(engine: Engine) -> None:
    paris = timezone(timedelta(hours=1))
    written = datetime(2026, 3, 1, 0, 30, 15, 123456, tzinfo=paris)
    with engine.begin() as connection:
        connection.execute(insert(probe).values(id="t", at=written))
    with engine.connect() as connection:
        stored = connection.execute(select(probe.c.at)).scalar_one()
    assert stored == datetime(2026, 2, 28, 23, 30, 15, 123456, tzinfo=UTC)
    assert stored.tzinfo == UTC


def test_naive_instants_are_refused(engine: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime"), engine.begin() as connection:
        connection.execute(insert(probe).values(id="n", at=datetime(2026, 1, 1)))  # noqa: DTZ001


def test_minor_units_hold_amounts_beyond_32_bits(engine: Engine) -> None:
    amount = 9_000_000_000_000_123  # 90 trillion dollars and 1.23, in cents
    with engine.begin() as connection:
        connection.execute(insert(probe).values(id="m", amount=amount))
    with engine.connect() as connection:
        assert connection.execute(select(probe.c.amount)).scalar_one() == amount


def test_a_unit_of_work_rolls_back_unless_committed(container: Container) -> None:
    account = container.tenancy.ensure_default_account()
    with container.uow() as uow:
        environment = uow.environments.by_slug(account.id, "sandbox")
        assert environment is not None
        uow.outbox.add_all([_event(environment.id, "evt_uncommitted")])
    with container.uow() as uow:
        assert uow.outbox.get("evt_uncommitted") is None
        uow.outbox.add_all([_event(environment.id, "evt_committed")])
        uow.commit()
    with container.uow() as uow:
        assert uow.outbox.get("evt_committed") is not None


def test_a_failure_inside_a_service_leaves_nothing_behind(container: Container) -> None:
    with pytest.raises(Exception, match="no environment 'staging'"):
        container.tenancy.create_key("staging", KeyKind.SERVER)
    assert container.tenancy.list_keys() == []


def test_models_and_migrations_agree(container: Container) -> None:
    assert migrate.current_revision(container.engine) == migrate.head_revision()
    assert migrate.model_drift(container.engine) == []


def test_ensuring_the_default_account_twice_changes_nothing(container: Container) -> None:
    first = container.tenancy.ensure_default_account()
    second = container.tenancy.ensure_default_account()
    assert first == second
    assert [e.slug for e in container.tenancy.environments()] == ["production", "sandbox"]


def _event(environment_id: str, event_id: str) -> DomainEvent:
    return DomainEvent(
        id=event_id,
        environment_id=environment_id,
        type="test.event",
        occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        data={},
    )
