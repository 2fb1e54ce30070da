from __future__ import annotations

from pathlib import Path

import click

from pactline.api.app import create_app
from pactline.cli import demo_deal
from pactline.cli.context import container
from pactline.domain.tenancy import KeyKind


@click.command(
    help="Load demo data (idempotent): a sandbox server key and, into an empty sandbox, a "
    "sales-led demo deal. Prints the key."
)
@click.option(
    "--key-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("var/demo-api-key"),
    show_default=True,
    help="Where the demo key is kept so later runs can print it again (local use only).",
)
def demo(key_file: Path) -> None:
    with container() as app:
        app.tenancy.ensure_default_account()
        secret = key_file.read_text().strip() if key_file.exists() else ""
        if not secret or not app.tenancy.is_key_active(secret):
            secret = app.tenancy.create_key("sandbox", KeyKind.SERVER, "demo").secret
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secret + "\n")
            key_file.chmod(0o600)
        try:
            if demo_deal.load(create_app(app, run_worker=False), secret, app.clock.now()):
                click.echo("loaded the demo deal (customer acme)", err=True)
        except demo_deal.DemoLoadFailed as failure:
            click.echo(f"error: the demo deal did not load: {failure}", err=True)
            raise SystemExit(1) from failure
        click.echo(secret)
