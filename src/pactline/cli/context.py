"""Building the container for a command, and turning domain errors into clean exits."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from pydantic import ValidationError

from pactline.bootstrap import Container, build_container
from pactline.config import Settings
from pactline.domain.errors import DomainError


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            click.echo(f"configuration error: {error['msg']}", err=True)
        sys.exit(2)


@contextmanager
def container(upgrade: bool = True) -> Iterator[Container]:
    """The app's services; by default the database is first brought to the code's schema,
    so every command works on a fresh install (cheap when already at head)."""
    app = build_container(load_settings())
    try:
        if upgrade:
            app.upgrade_database()
        yield app
    except DomainError as error:
        click.echo(f"error [{error.code}]: {error.message}", err=True)
        sys.exit(1)
    finally:
        app.close()
