"""Database fixtures: integration and API tests run once on SQLite and once on PostgreSQL.

SQLite: each test gets a copy of a database file migrated once per run.
PostgreSQL: one schema per run, migrated once; each test starts from truncated tables.
With CI=true an unreachable PostgreSQL fails the run instead of skipping.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pactline.adapters.db import migrate
from pactline.adapters.db.engine import build_engine, normalize_url
from pactline.adapters.db.schema import Base
from pactline.adapters.webhook_sender import HttpWebhookSender
from pactline.bootstrap import Container, build_container
from pactline.config import Settings
from tests.support import SettableClock

POSTGRES_URL = os.environ.get(
    "PACTLINE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = build_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    admin_url = normalize_url(POSTGRES_URL)
    admin = create_engine(admin_url)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        admin.dispose()
        message = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc}"
        if IN_CI:
            pytest.fail(message + " (CI requires it)", pytrace=False)
        pytest.skip(message)
    schema = f"pactline_test_{secrets.token_hex(4)}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={schema}"})
    schema_url = url.render_as_string(hide_password=False)
    engine = build_engine(schema_url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield schema_url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "pactline.db"
        shutil.copyfile(template, target)
        return f"sqlite:///{quote(str(target))}"
    url: str = request.getfixturevalue("postgres_schema_url")
    _truncate_postgres(url)
    return url


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock()


@pytest.fixture
def container(database_url: str, clock: SettableClock) -> Iterator[Container]:
    settings = Settings(database_url=database_url, embedded_worker=False, _env_file=None)
    app = build_container(settings, clock=clock, sender=HttpWebhookSender(timeout_seconds=2))
    app.tenancy.ensure_default_account()
    try:
        yield app
    finally:
        app.close()
