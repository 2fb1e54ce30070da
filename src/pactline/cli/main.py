from __future__ import annotations

import click

from pactline import __version__
from pactline.cli import billing, contracts, db, demo, keys, serve


@click.group(help="pactline: self-hosted monetization platform for sales-led B2B SaaS.")
def cli() -> None:
    pass


@cli.command(help="Print pactline's version.")
def version() -> None:
    click.echo(__version__)


cli.add_command(db.db)
cli.add_command(keys.keys)
cli.add_command(demo.demo)
cli.add_command(serve.serve)
cli.add_command(serve.worker)
cli.add_command(serve.openapi)
cli.add_command(contracts.contracts)
cli.add_command(billing.billing)
