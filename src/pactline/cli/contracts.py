"""`pactline contracts`: preview a contract draft's invoices, print the draft's JSON Schema.

Neither command needs a database: a preview is pure computation on the file's contents.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import Any, NoReturn, TextIO

import click

from pactline.api.envelope import Envelope
from pactline.api.schemas.contract_draft import draft_json_schema, parse_draft
from pactline.api.schemas.invoice_schedule import MAX_PREVIEW_COUNT, preview_schedule
from pactline.domain.errors import DomainError, FieldProblem, InvalidArgument


class _DateType(click.ParamType[date]):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date written YYYY-MM-DD", param, ctx)


DATE = _DateType()


@click.group(help="Contract drafts: preview the invoices they produce (no database needed).")
def contracts() -> None:
    pass


@contracts.command(
    help="Print the invoice schedule of the draft in FILE ('-' for stdin) as JSON, the same "
    "body that POST /api/v1/contracts/preview returns. The format is in "
    "docs/contract-format.md. Problems go to stderr as 'path: message [code]', exit status 1."
)
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--as-of", "as_of", type=DATE, help="Only invoices issued on or after this date")
@click.option(
    "--horizon",
    type=DATE,
    help="Bill periods starting before this date; required when the draft has no endDate",
)
@click.option(
    "--count", type=click.IntRange(1, MAX_PREVIEW_COUNT), help="At most this many invoices"
)
def preview(file: TextIO, as_of: date | None, horizon: date | None, count: int | None) -> None:
    try:
        data = json.load(file)
    except json.JSONDecodeError as error:
        _fail([FieldProblem("body", f"is not valid JSON: {error}", "json_invalid")])
    except UnicodeDecodeError:
        _fail([FieldProblem("body", "is not UTF-8 text", "json_invalid")])
    try:
        schedule = preview_schedule(
            parse_draft(data), as_of_on=as_of, horizon_on=horizon, count=count
        )
    except InvalidArgument as error:
        _fail(error.problems)
    except DomainError as error:
        click.echo(f"error [{error.code}]: {error.message}", err=True)
        sys.exit(1)
    body = Envelope(data=schedule).model_dump(mode="json", by_alias=True)
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))


@contracts.command(
    help="Print the JSON Schema of a contract draft (committed as docs/contract-draft.schema.json)."
)
def schema() -> None:
    click.echo(json.dumps(draft_json_schema(), indent=2, ensure_ascii=False))


def _fail(problems: Sequence[FieldProblem]) -> NoReturn:
    for problem in problems:
        click.echo(f"{problem.field}: {problem.message} [{problem.code}]", err=True)
    sys.exit(1)
