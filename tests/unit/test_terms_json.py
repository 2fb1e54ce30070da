"""Contract terms survive the stored JSON document exactly, and so does the draft format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pactline.adapters.db.terms_json import terms_from_json, terms_to_json
from pactline.api.schemas.contract_draft import parse_draft
from pactline.api.schemas.draft_terms import terms_from_draft
from pactline.api.schemas.terms_draft import draft_document, terms_from_document

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "docs" / "examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_stored_terms_read_back_equal_to_what_was_written(path: Path) -> None:
    document = json.loads(path.read_text())
    document.pop("usage", None)
    terms, _ = terms_from_draft(parse_draft(document))

    stored = json.loads(json.dumps(terms_to_json(terms)))  # through text, as the database does
    again = terms_from_json(stored, terms.id, terms.name, terms.customer_id)

    assert again == terms


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_terms_written_as_a_draft_parse_back_to_the_same_terms(path: Path) -> None:
    document = json.loads(path.read_text())
    document.pop("usage", None)
    terms, _ = terms_from_draft(parse_draft(document))

    assert terms_from_document(draft_document(terms)) == terms


def test_a_document_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        terms_from_json({"format": 99}, "c", "n", "acme")
