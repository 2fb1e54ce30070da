"""Billing runs rate a contract only up to the run's day (`invoice_schedule(issued_by=...)`).
On every reviewed golden contract, for every issue date and the day before it, that must give
exactly the full schedule's invoices issued by then: same lines, amounts and numbers."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pactline.api.schemas.contract_draft import parse_draft
from pactline.api.schemas.draft_terms import terms_from_draft
from pactline.domain.billable_contracts import UPCOMING_HORIZON, first_invoice
from pactline.domain.contracts import LineItem
from pactline.domain.rating.schedule import invoice_schedule, schedule_usage_windows
from pactline.domain.rating.usage import NO_USAGE, InlineUsage

from .test_golden import DRAFTS


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda p: p.name.removesuffix(".draft.json"))
def test_a_schedule_cut_at_a_day_is_the_full_schedule_up_to_that_day(draft: Path) -> None:
    options_path = draft.with_name(draft.name.replace(".draft.json", ".options.json"))
    options = json.loads(options_path.read_text()) if options_path.exists() else {}
    horizon = date.fromisoformat(options["horizon"]) if "horizon" in options else None
    terms, records = terms_from_draft(parse_draft(json.loads(draft.read_text())))
    usage = InlineUsage(records)
    full = invoice_schedule(terms, usage, horizon_on=horizon)
    days = sorted({i.issue_on for i in full} | {i.issue_on - timedelta(days=1) for i in full})
    if horizon is not None:  # beyond the horizon the full schedule is itself cut short
        days = [day for day in days if day < horizon]
    assert len(days) >= 4
    for day in days:
        expected = [i for i in full if i.issue_on <= day]
        assert invoice_schedule(terms, usage, issued_by=day) == expected, day


class _Recording:
    """Answers from the draft's usage and writes down every window asked."""

    def __init__(self, usage: InlineUsage) -> None:
        self._usage = usage
        self.asked: list[tuple[str, datetime, datetime]] = []

    def quantity(self, line: LineItem, start_at: datetime, end_at: datetime) -> Decimal:
        self.asked.append((line.id, start_at, end_at))
        return self._usage.quantity(line, start_at, end_at)


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda p: p.name.removesuffix(".draft.json"))
def test_the_usage_windows_named_up_front_are_the_ones_rating_reads(draft: Path) -> None:
    # Billing runs read these windows before rating, and rate each contract once with them.
    terms, records = terms_from_draft(parse_draft(json.loads(draft.read_text())))
    full = invoice_schedule(terms, NO_USAGE, horizon_on=terms.start_on + timedelta(days=800))
    for day in sorted({i.issue_on for i in full}):
        recording = _Recording(InlineUsage(records))
        invoice_schedule(terms, recording, issued_by=day)
        named = [
            (line.id, start, end)
            for line, start, end in schedule_usage_windows(terms, issued_by=day)
        ]
        assert named == recording.asked, day


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda p: p.name.removesuffix(".draft.json"))
def test_the_first_invoice_is_the_full_schedules_first(draft: Path) -> None:
    # What activation drafts at once, found without rating the whole term.
    terms, _ = terms_from_draft(parse_draft(json.loads(draft.read_text())))
    horizon = None if terms.end_on is not None else terms.start_on + UPCOMING_HORIZON
    assert first_invoice(terms) == invoice_schedule(terms, NO_USAGE, horizon_on=horizon)[0]
