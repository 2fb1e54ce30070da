from __future__ import annotations

import click

from pactline.cli.context import container
from pactline.domain.tenancy import KeyKind


@click.group(help="API keys (shown once when created, stored hashed).")
def keys() -> None:
    pass


@keys.command(help="Create a key and print it; it cannot be shown again.")
@click.option("--environment", default="sandbox", show_default=True)
@click.option(
    "--kind", type=click.Choice([k.value for k in KeyKind]), default="server", show_default=True
)
@click.option("--label", default="", help="A note to tell keys apart")
def create(environment: str, kind: str, label: str) -> None:
    with container() as app:
        app.tenancy.ensure_default_account()
        created = app.tenancy.create_key(environment, KeyKind(kind), label)
        click.echo(
            f"created {created.key.kind.value} key {created.key.id} "
            f"in environment '{created.environment.slug}'",
            err=True,
        )
        click.echo(created.secret)


@keys.command(name="list", help="List keys (never their secrets).")
@click.option("--environment", default=None)
def list_keys(environment: str | None) -> None:
    with container() as app:
        for key, env in app.tenancy.list_keys(environment):
            state = "revoked" if key.revoked_at else "active"
            click.echo(
                f"{key.id}\t{env.slug}\t{key.kind.value}\t{key.display_prefix}…\t{state}"
                f"\t{key.created_at.isoformat()}\t{key.label}"
            )


@keys.command(help="Revoke a key by id; requests with it are refused from then on.")
@click.argument("key_id")
def revoke(key_id: str) -> None:
    with container() as app:
        key = app.tenancy.revoke_key(key_id)
        click.echo(f"revoked {key.id}")
