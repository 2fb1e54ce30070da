"""`pactline billing run --as-of T`: draft every invoice due by T, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click

from pactline.cli.context import container


class _InstantType(click.ParamType[datetime]):
    name = "ISO-8601"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date or date-time", param, ctx)
        # A date alone, or no offset, is UTC: the run must not depend on the machine's zone.
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@click.group(help="Billing runs.")
def billing() -> None:
    pass


@billing.command(
    help="Draft every invoice the active contracts have issued by --as-of (held for review), "
    "refresh changed drafts and correct approved periods. Running it again changes nothing."
)
@click.option("--as-of", "as_of", type=_InstantType(), required=True)
@click.option("--environment", default=None, help="Only this environment (slug); default: all")
def run(as_of: datetime, environment: str | None) -> None:
    with container() as app:
        expired = app.contracts.expire_due(as_of)
        if expired:
            click.echo(f"{len(expired)} contracts expired")
        for env in app.tenancy.environments():
            if environment is not None and env.slug != environment:
                continue
            summary = app.billing_runs.run_due(env.id, as_of)
            click.echo(
                f"{env.slug}: {summary.contracts} contracts, {summary.drafted} drafted, "
                f"{summary.refreshed} refreshed, {summary.corrected} corrected, "
                f"{summary.superseded} superseded, {len(summary.failed)} failed"
            )
            for contract_id, reason in sorted(summary.failed.items()):
                click.echo(f"  {contract_id}: {reason}", err=True)
