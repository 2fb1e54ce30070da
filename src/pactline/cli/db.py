from __future__ import annotations

import sys

import click

from pactline.adapters.db import migrate
from pactline.cli.context import container


@click.group(help="Database schema.")
def db() -> None:
    pass


@db.command(help="Apply all migrations (creates the SQLite file if needed).")
def upgrade() -> None:
    with container() as app:  # the context applies the migrations
        click.echo(f"database at revision {migrate.current_revision(app.engine)}")


@db.command(help="Fail if the models and the migrations disagree (run on a migrated database).")
def check() -> None:
    with container() as app:
        drift = migrate.model_drift(app.engine)
        if drift:
            click.echo("models and migrations disagree:", err=True)
            for item in drift:
                click.echo(f"  {item}", err=True)
            sys.exit(1)
        click.echo(f"models match migrations ({app.engine.dialect.name})")


@db.command(help="Autogenerate a migration from the models (review it before committing).")
@click.option("-m", "--message", required=True)
def revision(message: str) -> None:
    with container() as app:
        migrate.revise(app.engine, message)
