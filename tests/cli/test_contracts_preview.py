"""`pactline contracts preview|schema`, run as a user runs them, against the API and the docs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from pactline.api.schemas.contract_draft import draft_json_schema, parse_draft
from pactline.api.schemas.invoice_schedule import preview_schedule
from pactline.bootstrap import Container
from pactline.domain.tenancy import KeyKind
from tests.support import ApiServer

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLES = sorted((DOCS / "examples").glob("*.json"))
# Open-ended examples need a horizon; the docs preview them with this one.
HORIZON = {"evergreen-jpy.json": "2026-07-01"}


def run(tmp_path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACTLINE_")}
    # A database the command must not need: the test checks that it was never created.
    env["PACTLINE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'unused.db'}"
    return subprocess.run(  # noqa: S603 - fixed argv, our own program
        [sys.executable, "-m", "pactline", "contracts", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def api(container: Container) -> Iterator[httpx.Client]:
    secret = container.tenancy.create_key("sandbox", KeyKind.SERVER).secret
    with (
        ApiServer(container) as server,
        httpx.Client(base_url=server.url, headers={"X-API-KEY": secret}, timeout=10) as client,
    ):
        yield client


def _options(example: Path) -> list[str]:
    horizon = HORIZON.get(example.name)
    return [] if horizon is None else ["--horizon", horizon]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_preview_prints_what_the_api_returns_without_a_database(
    tmp_path: Path, api: httpx.Client, example: Path
) -> None:
    result = run(tmp_path, "preview", str(example.relative_to(ROOT)), *_options(example))
    assert (result.returncode, result.stderr) == (0, "")
    params = {"horizon": HORIZON[example.name]} if example.name in HORIZON else {}
    response = api.post(
        "/api/v1/contracts/preview", params=params, json=json.loads(example.read_text())
    )
    assert response.status_code == 200, response.text
    assert json.loads(result.stdout) == response.json()
    assert response.json()["data"]["invoices"]
    assert not [path for path in tmp_path.iterdir() if path.name.startswith("unused.db")]


def test_as_of_and_count_select_the_same_invoices_as_the_api(
    tmp_path: Path, api: httpx.Client
) -> None:
    example = DOCS / "examples" / "saas-annual.json"
    result = run(tmp_path, "preview", str(example), "--as-of", "2026-03-15", "--count", "2")
    response = api.post(
        "/api/v1/contracts/preview",
        params={"asOf": "2026-03-15", "count": 2},
        json=json.loads(example.read_text()),
    )
    invoices = json.loads(result.stdout)["data"]["invoices"]
    assert invoices == response.json()["data"]["invoices"]
    assert [(i["number"], i["issueDate"]) for i in invoices] == [
        ("DRAFT-0004", "2026-04-01"),
        ("DRAFT-0005", "2026-05-01"),
    ]


def test_every_problem_goes_to_stderr_with_its_path_and_code(tmp_path: Path) -> None:
    draft = json.loads((DOCS / "examples" / "saas-annual.json").read_text())
    draft["taxRate"] = "150"
    draft["lineItems"][2]["quantities"][1]["quantity"] = "-5"
    draft["lineItems"][3]["timing"] = "IN_ADVANCE"
    draft["usage"][0]["lineItemId"] = "seats"
    result = run(tmp_path, "preview", "-", stdin=json.dumps(draft))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "taxRate: must be a percentage between 0 and 100 [out_of_range]",
        "lineItems[2].quantities[1].quantity: must be zero or more [out_of_range]",
        "lineItems[3].timing: usage is billed in arrears [usage_in_advance]",
        "usage[0].lineItemId: names the FIXED line item 'seats'; usage is billed only on "
        "USAGE line items [not_usage]",
    ]


def test_a_float_and_a_missing_field_are_reported_together(tmp_path: Path) -> None:
    draft = json.loads((DOCS / "examples" / "saas-annual.json").read_text())
    draft["lineItems"][2]["priceVersions"][0]["model"]["price"] = 45.5
    del draft["lineItems"][0]["name"]
    result = run(tmp_path, "preview", "-", stdin=json.dumps(draft))
    assert result.returncode == 1
    assert [re.sub(r": .*\[", " [", line) for line in result.stderr.splitlines()] == [
        "lineItems[0].name [missing]",
        "lineItems[2].priceVersions[0].model.price [float_not_allowed]",
    ]


def test_a_file_that_is_not_json_is_a_clear_error(tmp_path: Path) -> None:
    result = run(tmp_path, "preview", "-", stdin='{"name": "x",')
    assert result.returncode == 1
    assert result.stderr.startswith("body: is not valid JSON: ")
    assert result.stderr.rstrip().endswith("[json_invalid]")


def test_an_open_ended_draft_without_a_horizon_says_so(tmp_path: Path) -> None:
    result = run(tmp_path, "preview", "docs/examples/evergreen-jpy.json")
    assert (result.returncode, result.stdout) == (1, "")
    assert (
        result.stderr == "horizon: is required for an open-ended contract (no endDate) [required]\n"
    )


def test_the_committed_schema_is_the_one_the_model_generates(tmp_path: Path) -> None:
    result = run(tmp_path, "schema")
    assert result.returncode == 0, result.stderr
    committed = (DOCS / "contract-draft.schema.json").read_text()
    assert result.stdout == committed, "run `make contract-schema` and commit the result"
    assert json.loads(committed) == draft_json_schema()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_every_example_is_a_valid_draft(example: Path) -> None:
    draft = parse_draft(json.loads(example.read_text()))
    horizon = HORIZON.get(example.name)
    schedule = preview_schedule(
        draft, horizon_on=None if horizon is None else date.fromisoformat(horizon)
    )
    assert schedule.invoices


def test_the_format_docs_reference_every_example_and_only_existing_ones() -> None:
    text = (DOCS / "contract-format.md").read_text()
    referenced = set(re.findall(r"examples/([\w-]+\.json)", text))
    assert len(EXAMPLES) >= 2
    assert referenced == {example.name for example in EXAMPLES}
