"""Golden invoices: each draft in cases/ must produce exactly the schedule reviewed by hand.

`cases/NAME.draft.json` is a contract draft (docs/contract-format.md), with optional preview
options (`horizon`, `count`) in `NAME.options.json`; `NAME.expected.json`
is its schedule as `pactline contracts preview` prints it; `NAME.md` shows the hand
computation that the expected file was checked against. An expected file is only ever
changed together with its hand computation.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pactline.api.schemas.contract_draft import parse_draft
from pactline.api.schemas.invoice_schedule import preview_schedule

CASES = Path(__file__).parent / "cases"
DRAFTS = sorted(CASES.glob("*.draft.json"))


def _schedule(draft_path: Path) -> dict[str, Any]:
    """What `pactline contracts preview` prints, with the options of NAME.options.json."""
    options_path = draft_path.with_name(draft_path.name.replace(".draft.json", ".options.json"))
    options = json.loads(options_path.read_text()) if options_path.exists() else {}
    horizon = options.get("horizon")
    out = preview_schedule(
        parse_draft(json.loads(draft_path.read_text())),
        as_of_on=None,
        horizon_on=date.fromisoformat(horizon) if horizon else None,
        count=options.get("count"),
    )
    return {"data": json.loads(out.model_dump_json(by_alias=True))}


def test_there_are_at_least_ten_reviewed_cases() -> None:
    assert len(DRAFTS) >= 10
    for draft in DRAFTS:
        stem = draft.name.removesuffix(".draft.json")
        assert (CASES / f"{stem}.expected.json").exists(), stem
        assert (CASES / f"{stem}.md").exists(), stem


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda p: p.name.removesuffix(".draft.json"))
def test_the_draft_produces_the_reviewed_schedule(draft: Path) -> None:
    expected = json.loads((CASES / draft.name.replace(".draft.json", ".expected.json")).read_text())
    assert _schedule(draft) == expected
