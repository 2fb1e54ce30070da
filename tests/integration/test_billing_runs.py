"""Billing runs on SQLite and PostgreSQL: drafts exactly once under overlapping runs, refresh on
late usage, the four correction policies with exact amounts, consolidation, and gapless
numbers under concurrent approvals.

Contracts (tests/invoicing_support.py): a 1,000.00 monthly platform fee in advance and API
calls at 0.20 in arrears, from 1 January 2026. January's calls bill on the 1 February invoice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from pactline.adapters.db import migrate
from pactline.bootstrap import Container
from pactline.domain.billable_contracts import BillableContract
from pactline.domain.catalog import (
    Aggregation,
    Condition,
    FeatureType,
    Meter,
    MeterFilter,
    MeterType,
    Operation,
)
from pactline.domain.contracts import LineItem
from pactline.domain.corrections import Correction, NegativeCorrection, PositiveCorrection
from pactline.domain.credit_balances import CreditEntry, CreditEntryKind
from pactline.domain.fluctuating_usage import FluctuatingUsage
from pactline.domain.invoice_lifecycle import (
    InvoiceStatus,
    LineChange,
    LineSource,
    StoredInvoice,
)
from pactline.domain.metering import DimensionValue, UpdateBehavior
from pactline.domain.money import Money
from pactline.domain.pagination import PageRequest
from pactline.domain.tenancy import KeyKind, Principal
from pactline.services.billing_runs import RunSummary
from pactline.services.catalog import NewFeature
from pactline.services.customers import NewCustomer
from pactline.services.ports import InvoiceQuery
from pactline.services.usage import EventReport, UsageReport
from tests.invoicing_support import LEGAL_ENTITY, billable, calls, fee
from tests.support import SettableClock

FEB1, MAR1 = date(2026, 2, 1), date(2026, 3, 1)
RUN_FEB = datetime(2026, 2, 1, 6, tzinfo=UTC)
RUN_MAR = datetime(2026, 3, 1, 6, tzinfo=UTC)


@pytest.fixture
def caller(container: Container, clock: SettableClock) -> Principal:
    clock.set(datetime(2026, 2, 1, 6, tzinfo=UTC))
    principal = container.tenancy.authenticate(
        container.tenancy.create_key("sandbox", KeyKind.SERVER).secret
    )
    container.customers.provision(principal, NewCustomer(id="acme"))
    container.catalog.create_feature(
        principal,
        NewFeature(
            id="calls",
            display_name="API calls",
            feature_type=FeatureType.NUMBER,
            meter_type=MeterType.INCREMENTAL,
        ),
    )
    return principal


def report(container: Container, caller: Principal, value: int, at: datetime) -> None:
    container.usage.report_usage(
        caller, [UsageReport("acme", "calls", Decimal(value), occurred_at=at)]
    )


def invoices(container: Container, caller: Principal) -> list[StoredInvoice]:
    query = InvoiceQuery(customer_id="acme")
    found = container.invoices.list_invoices(caller, query, PageRequest(limit=100)).items
    return sorted(found, key=lambda i: (i.issue_on, i.correction_number, i.billing_group_key))


def shape(invoice: StoredInvoice) -> tuple[date, str, str, list[tuple[str, str]]]:
    return (
        invoice.issue_on,
        invoice.status.value,
        str(invoice.total.amount),
        [(s.line.line_item_id or "", str(s.line.total.amount)) for s in invoice.lines],
    )


def run(
    container: Container, caller: Principal, at: datetime, *contracts: BillableContract
) -> RunSummary:
    return container.billing_runs.run(caller.environment_id, at, contracts)


def approve_all(container: Container, caller: Principal) -> None:
    drafts = [i.id for i in invoices(container, caller) if i.status is InvoiceStatus.DRAFT]
    container.invoices.approve_many(caller, drafts)


def events(container: Container, event_type: str) -> list[dict[str, object]]:
    with container.uow() as uow:
        found = uow.outbox.undispatched(10_000)
    return [dict(e.data) for e in found if e.type == event_type]


def test_a_run_drafts_every_invoice_due_and_a_second_run_creates_nothing(
    container: Container, caller: Principal
) -> None:
    report(container, caller, 5000, datetime(2026, 1, 10, tzinfo=UTC))
    contract = billable(fee(), calls())

    first = run(container, caller, RUN_FEB, contract)
    second = run(container, caller, RUN_FEB, contract)

    assert (first.drafted, second.drafted, second.refreshed, second.unchanged) == (2, 0, 0, 2)
    assert [shape(i) for i in invoices(container, caller)] == [
        (date(2026, 1, 1), "DRAFT", "1000.00", [("platform", "1000.00")]),
        (FEB1, "DRAFT", "2000.00", [("platform", "1000.00"), ("api", "1000.00")]),
    ]
    assert len(events(container, "invoice.drafted")) == 2


def test_two_overlapping_runs_draft_each_invoice_exactly_once(
    container: Container, caller: Principal
) -> None:
    for n in range(2, 12):
        container.customers.provision(caller, NewCustomer(id=f"acme-{n}"))
    contracts = [billable(fee(), contract_id="ct-1")] + [
        billable(fee(), contract_id=f"ct-{n}", customer_id=f"acme-{n}") for n in range(2, 12)
    ]
    summaries: list[RunSummary] = []
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def one_run() -> None:
        try:
            start.wait()
            summaries.append(container.billing_runs.run(caller.environment_id, RUN_FEB, contracts))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert failures == []
    found = container.invoices.list_invoices(caller, InvoiceQuery(), PageRequest(limit=100))
    assert len(found.items) == 22  # 11 contracts × (January, February)
    assert sum(s.drafted for s in summaries) == 22
    assert len(events(container, "invoice.drafted")) == 22


def test_a_period_another_run_wrote_first_is_not_written_again(
    container: Container, caller: Principal
) -> None:
    # What a losing run does when it inserts its drafts: the period already stored writes
    # nothing (neither invoice nor lines), the other draft of the same batch is written.
    run(container, caller, RUN_FEB, billable(fee()))
    (january, february) = invoices(container, caller)
    rival = replace(february, id="inv_rival")
    march = replace(february, id="inv_march", issue_on=MAR1)
    with container.uow() as uow:
        assert uow.invoices.add_all([rival, march]) == {"inv_march"}
        uow.commit()
    stored = invoices(container, caller)
    assert [(i.id, i.issue_on) for i in stored] == [
        (january.id, date(2026, 1, 1)),
        (february.id, FEB1),
        ("inv_march", MAR1),
    ]
    assert stored[2].lines == february.lines
    assert stored[1].lines == february.lines


def test_late_usage_refreshes_a_draft(container: Container, caller: Principal) -> None:
    report(container, caller, 5000, datetime(2026, 1, 10, tzinfo=UTC))
    contract = billable(fee(), calls())
    run(container, caller, RUN_FEB, contract)

    report(container, caller, 750, datetime(2026, 1, 29, 18, tzinfo=UTC))
    again = run(container, caller, RUN_FEB, contract)

    assert (again.refreshed, again.drafted, again.corrected) == (1, 0, 0)
    assert shape(invoices(container, caller)[1]) == (
        FEB1,
        "DRAFT",
        "2150.00",
        [("platform", "1000.00"), ("api", "1150.00")],
    )
    assert [e["total"] for e in events(container, "invoice.updated")] == ["2150.00"]


def _approved_february(
    container: Container, caller: Principal, contract: BillableContract
) -> StoredInvoice:
    report(container, caller, 5000, datetime(2026, 1, 10, tzinfo=UTC))
    run(container, caller, RUN_FEB, contract)
    approve_all(container, caller)
    return invoices(container, caller)[1]


def test_late_usage_after_approval_becomes_a_backdated_invoice(
    container: Container, caller: Principal
) -> None:
    contract = billable(fee(), calls())
    february = _approved_february(container, caller, contract)
    report(container, caller, 750, datetime(2026, 1, 29, 18, tzinfo=UTC))

    summary = run(container, caller, RUN_FEB, contract)
    again = run(container, caller, RUN_FEB, contract)

    assert (summary.corrected, again.corrected, again.drafted) == (1, 0, 0)
    correction = invoices(container, caller)[2]
    assert shape(correction) == (FEB1, "DRAFT", "150.00", [("api", "150.00")])
    assert correction.correction_number == 1
    assert correction.corrects is not None
    assert (correction.corrects.invoice_id, correction.corrects.start_on) == (
        february.id,
        date(2026, 1, 1),
    )
    assert correction.lines[0].line.quantity == Decimal(750)
    assert container.invoices.get(caller, february.id).total.amount == Decimal("2000.00")


def test_late_usage_after_approval_can_move_to_the_next_invoice(
    container: Container, caller: Principal
) -> None:
    contract = billable(fee(), calls(), positive=PositiveCorrection.NEXT_INVOICE)
    february = _approved_february(container, caller, contract)
    report(container, caller, 750, datetime(2026, 1, 29, 18, tzinfo=UTC))

    run(container, caller, RUN_MAR, contract)
    run(container, caller, RUN_MAR, contract)

    march = invoices(container, caller)[2]
    assert shape(march) == (
        MAR1,
        "DRAFT",
        "1150.00",
        [("platform", "1000.00"), ("api", "0.00"), ("api", "150.00")],
    )
    moved = march.lines[2]
    assert moved.source is LineSource.CORRECTION
    assert moved.corrects is not None
    assert (moved.corrects.invoice_id, moved.line.period_start_on) == (
        february.id,
        date(2026, 1, 1),
    )


def test_a_correction_on_a_superseded_draft_waits_for_the_next_draft(
    container: Container, caller: Principal
) -> None:
    contract = billable(fee(), calls(), positive=PositiveCorrection.NEXT_INVOICE)
    _approved_february(container, caller, contract)
    report(container, caller, 750, datetime(2026, 1, 29, 18, tzinfo=UTC))
    run(container, caller, RUN_MAR, contract)  # March's draft carries January's 150.00
    cut = run(container, caller, RUN_MAR, _without_march(contract))

    assert cut.superseded == 1
    assert shape(invoices(container, caller)[2])[1] == "VOID"
    (correction,) = _corrections(container, caller)
    assert [o.applied_invoice_id for o in correction.outcomes] == [None]  # pending again

    run(container, caller, RUN_MAR, contract)  # the March invoice is produced again

    march = invoices(container, caller)[2]
    assert shape(march) == (
        MAR1,
        "DRAFT",
        "1150.00",
        [("platform", "1000.00"), ("api", "0.00"), ("api", "150.00")],
    )
    (correction,) = _corrections(container, caller)
    assert [o.applied_invoice_id for o in correction.outcomes] == [march.id]


def test_a_draft_edited_by_hand_is_neither_corrected_nor_superseded(
    container: Container, caller: Principal
) -> None:
    contract = billable(fee(), calls(), positive=PositiveCorrection.NEXT_INVOICE)
    _approved_february(container, caller, contract)
    run(container, caller, RUN_MAR, contract)
    march = invoices(container, caller)[2]
    container.invoices.edit(
        caller,
        march.id,
        march.version,
        [LineChange(position=1, amount=Decimal("900.00"))],
        "goodwill on the platform fee",
    )
    report(container, caller, 750, datetime(2026, 1, 29, 18, tzinfo=UTC))

    again = run(container, caller, RUN_MAR, contract)

    assert (again.corrected, again.held) == (1, 1)
    edited = invoices(container, caller)[2]
    assert shape(edited) == (
        MAR1,
        "DRAFT",
        "900.00",
        [("platform", "900.00"), ("api", "0.00")],
    )
    (correction,) = _corrections(container, caller)
    assert [o.applied_invoice_id for o in correction.outcomes] == [None]  # waits, not lost

    # No longer produced, yet kept as its editor left it: voided by hand if unwanted.
    cut = run(container, caller, RUN_MAR, _without_march(contract))
    assert (cut.superseded, cut.held) == (0, 1)
    assert shape(invoices(container, caller)[2])[1] == "DRAFT"


def _without_march(contract: BillableContract) -> BillableContract:
    """Cut short: the fee ends in February, the calls in January, so no March invoice."""
    lines = (replace(fee(), end_on=date(2026, 2, 28)), replace(calls(), end_on=date(2026, 1, 31)))
    return replace(contract, terms=replace(contract.terms, line_items=lines))


def _corrections(container: Container, caller: Principal) -> list[Correction]:
    with container.uow() as uow:
        return list(uow.corrections.for_scopes(caller.environment_id, ["ct-1"]))


def test_an_overcharge_is_carried_forward_and_applied_at_the_next_approval(
    container: Container, caller: Principal, clock: SettableClock
) -> None:
    contract = billable(fee(), calls())
    _approved_february(container, caller, contract)
    # Twenty seats' worth of calls were wrongly reported: January had 500 fewer.
    report(container, caller, -500, datetime(2026, 1, 20, tzinfo=UTC))

    run(container, caller, RUN_MAR, contract)
    with container.uow() as uow:
        balance = uow.credit_balances.balance(
            caller.environment_id, "acme", LEGAL_ENTITY, invoices(container, caller)[0].currency
        )
    assert balance == Decimal("100.00")

    march = invoices(container, caller)[2]
    clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    approved = container.invoices.approve(caller, march.id)

    assert (approved.total.amount, approved.credit_taken.amount, approved.amount_due.amount) == (
        Decimal("1000.00"),
        Decimal("100.00"),
        Decimal("900.00"),
    )
    with container.uow() as uow:
        entries = uow.credit_balances.entries(caller.environment_id, "acme")
        left = uow.credit_balances.balance(
            caller.environment_id, "acme", LEGAL_ENTITY, approved.currency
        )
    assert [(e.kind, e.amount.amount) for e in entries] == [
        (CreditEntryKind.OVERCHARGE, Decimal("100.00")),
        (CreditEntryKind.APPLIED, Decimal("-100.00")),
    ]
    assert left == Decimal(0)


def _overcharged_with_a_second_entity(
    container: Container, caller: Principal
) -> tuple[BillableContract, BillableContract]:
    """acme-gmbh (ct-1) owes 100.00 after an overcharge; acme-inc bills ct-2, 50.00 a month."""
    gmbh = billable(fee(), calls())
    inc = replace(billable(fee("support", "50.00"), contract_id="ct-2"), legal_entity_id="acme-inc")
    _approved_february(container, caller, gmbh)
    report(container, caller, -500, datetime(2026, 1, 20, tzinfo=UTC))
    run(container, caller, RUN_MAR, gmbh, inc)
    return gmbh, inc


def _balances(container: Container, caller: Principal) -> dict[str, Decimal]:
    with container.uow() as uow:
        usd = invoices(container, caller)[0].currency
        return uow.credit_balances.balances(caller.environment_id, "acme", usd)


def test_an_entitys_credit_is_taken_only_by_that_entitys_invoices(
    container: Container, caller: Principal, clock: SettableClock
) -> None:
    _overcharged_with_a_second_entity(container, caller)
    assert _balances(container, caller) == {LEGAL_ENTITY: Decimal("100.00")}
    clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    drafts = [i for i in invoices(container, caller) if i.status is InvoiceStatus.DRAFT]
    other = [i.id for i in drafts if i.legal_entity_id == "acme-inc"]

    taken_by_other = container.invoices.approve_many(caller, other)
    (march,) = [i for i in drafts if i.legal_entity_id == LEGAL_ENTITY]
    approved = container.invoices.approve(caller, march.id)

    assert [(i.total.amount, i.credit_taken.amount) for i in taken_by_other] == [
        (Decimal("50.00"), Decimal(0))
    ] * 3
    assert (approved.total.amount, approved.credit_taken.amount) == (
        Decimal("1000.00"),
        Decimal("100.00"),
    )
    assert _balances(container, caller) == {LEGAL_ENTITY: Decimal("0.00")}


def test_the_migration_to_credit_per_entity_keeps_each_entitys_ledger(
    container: Container, caller: Principal, clock: SettableClock
) -> None:
    _overcharged_with_a_second_entity(container, caller)
    clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    (jan_inc, *_) = [i for i in invoices(container, caller) if i.legal_entity_id == "acme-inc"]
    with container.uow() as uow:  # a credit note's excess, say: owed by acme-inc
        uow.credit_balances.record(
            CreditEntry(
                id="cre-by-hand",
                environment_id=caller.environment_id,
                customer_id="acme",
                legal_entity_id="acme-inc",
                amount=Money(Decimal("30.00"), jan_inc.currency),
                kind=CreditEntryKind.CREDIT_NOTE_EXCESS,
                created_at=clock.now(),
                invoice_id=jan_inc.id,
            )
        )
        uow.commit()

    migrate.downgrade(container.engine, "0012")
    with container.engine.connect() as connection:
        merged = connection.execute(
            text("SELECT customer_id, currency, balance_minor FROM credit_balances")
        ).all()
    migrate.upgrade(container.engine)

    assert [tuple(row) for row in merged] == [("acme", "USD", 13000)]
    assert _balances(container, caller) == {
        LEGAL_ENTITY: Decimal("100.00"),
        "acme-inc": Decimal("30.00"),
    }


def test_an_overcharge_can_become_a_credit_note_against_the_original(
    container: Container, caller: Principal
) -> None:
    contract = billable(fee(), calls(), negative=NegativeCorrection.CREDIT_NOTE)
    february = _approved_february(container, caller, contract)
    cheaper = replace(
        contract, terms=replace(contract.terms, line_items=(fee(price="900.00"), calls()))
    )

    summary = run(container, caller, RUN_FEB, cheaper)

    assert summary.corrected == 2  # January's and February's fee, each 100.00 too much
    notes = container.invoices.credit_notes(caller, february.id)
    assert [(n.number, n.total.amount, n.reason.value) for n in notes] == [
        ("CN-000002", Decimal("100.00"), "OTHER")
    ]
    after = container.invoices.get(caller, february.id)
    assert (after.credit_noted.amount, after.amount_due.amount) == (
        Decimal("100.00"),
        Decimal("1900.00"),
    )
    assert len(events(container, "credit_note.issued")) == 2


def test_manual_credit_notes_full_and_partial(container: Container, caller: Principal) -> None:
    from pactline.domain.credit_notes import CreditReason, CreditRequest, LineCredit

    contract = billable(fee(), calls())
    february = _approved_february(container, caller, contract)

    partial = container.invoices.issue_credit_note(
        caller,
        february.id,
        CreditRequest(CreditReason.WAIVER, FEB1, lines=(LineCredit(2, Decimal("250.00")),)),
    )
    full = container.invoices.issue_credit_note(
        caller, february.id, CreditRequest(CreditReason.CANCELLATION, FEB1)
    )

    assert [(partial.number, partial.total.amount), (full.number, full.total.amount)] == [
        ("CN-000001", Decimal("250.00")),
        ("CN-000002", Decimal("1750.00")),
    ]
    after = container.invoices.get(caller, february.id)
    assert (after.status, after.amount_due.amount) == (InvoiceStatus.PAID, Decimal("0.00"))


def test_a_draft_no_longer_produced_is_voided_and_comes_back_when_it_is(
    container: Container, caller: Principal
) -> None:
    contract = billable(fee(), calls())
    run(container, caller, RUN_FEB, contract)
    without_fee = replace(contract, terms=replace(contract.terms, line_items=(calls(),)))

    gone = run(container, caller, RUN_FEB, without_fee)
    back = run(container, caller, RUN_FEB, contract)

    assert (gone.superseded, gone.refreshed, back.refreshed) == (1, 1, 2)
    assert [i.status for i in invoices(container, caller)] == [InvoiceStatus.DRAFT] * 2


def test_consolidated_contracts_share_one_invoice_per_issue_date(
    container: Container, caller: Principal
) -> None:
    first = billable(fee(), contract_id="ct-1", consolidate=True)
    second = billable(fee("support", "250.00"), contract_id="ct-2", consolidate=True)

    run(container, caller, RUN_FEB, first, second)

    found = invoices(container, caller)
    assert [shape(i) for i in found] == [
        (date(2026, 1, 1), "DRAFT", "1250.00", [("platform", "1000.00"), ("support", "250.00")]),
        (FEB1, "DRAFT", "1250.00", [("platform", "1000.00"), ("support", "250.00")]),
    ]
    assert found[0].contract_id is None
    by_contract = container.invoices.list_invoices(
        caller, InvoiceQuery(contract_id="ct-2"), PageRequest()
    )
    assert len(by_contract.items) == 2


def test_concurrent_approvals_number_invoices_without_gaps(
    container: Container, caller: Principal
) -> None:
    for n in range(2, 13):
        container.customers.provision(caller, NewCustomer(id=f"acme-{n}"))
    contracts = [
        billable(fee(), contract_id=f"ct-{n}", customer_id=f"acme-{n}") for n in range(2, 13)
    ]
    run(container, caller, RUN_FEB, *contracts)
    drafts = [
        i.id
        for i in container.invoices.list_invoices(
            caller, InvoiceQuery(), PageRequest(limit=100)
        ).items
    ]
    assert len(drafts) == 22
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def approver(ids: list[str]) -> Callable[[], None]:
        def approve() -> None:
            start.wait()
            for invoice_id in ids:
                try:
                    container.invoices.approve(caller, invoice_id)
                except BaseException as error:
                    failures.append(error)

        return approve

    threads = [threading.Thread(target=approver(drafts[i::4])) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert failures == []
    numbers = sorted(
        i.number or ""
        for i in container.invoices.list_invoices(
            caller, InvoiceQuery(), PageRequest(limit=100)
        ).items
    )
    assert numbers == [f"INV-{n:06d}" for n in range(1, 23)]


@pytest.mark.parametrize(
    ("measure", "quantity", "amount"),
    [
        (FluctuatingUsage.PEAK, "15", "675.00"),
        (FluctuatingUsage.LAST, "12", "540.00"),
        # (8 × 15 days + 15 × 4.25 days + 12 × 11.75 days) / 31 days = 10.4758064…, rounded to
        # six places; 10.475806 × 45.00 = 471.41127 → 471.41.
        (FluctuatingUsage.TIME_WEIGHTED_AVERAGE, "10.475806", "471.41"),
    ],
)
def test_a_fluctuating_feature_bills_as_the_contract_measures_its_levels(
    container: Container, caller: Principal, measure: FluctuatingUsage, quantity: str, amount: str
) -> None:
    container.catalog.create_feature(
        caller,
        NewFeature(
            id="seats",
            display_name="Seats",
            feature_type=FeatureType.NUMBER,
            meter_type=MeterType.FLUCTUATING,
        ),
    )
    levels = [  # 8 seats since December, 15 from 16 January, 12 from 20 January 06:00
        (datetime(2025, 12, 20, tzinfo=UTC), UpdateBehavior.SET, 8),
        (datetime(2026, 1, 16, tzinfo=UTC), UpdateBehavior.SET, 15),
        (datetime(2026, 1, 20, 6, tzinfo=UTC), UpdateBehavior.DELTA, -3),
        (datetime(2026, 2, 3, tzinfo=UTC), UpdateBehavior.SET, 40),  # February's
    ]
    container.usage.report_usage(
        caller,
        [UsageReport("acme", "seats", Decimal(v), b, occurred_at=t) for t, b, v in levels],
    )
    seats = replace(calls("seats", "45.00", "seats"), name="Seats")
    contract = billable(fee(), seats)
    contract = replace(contract, terms=replace(contract.terms, fluctuating_usage=measure))

    run(container, caller, RUN_FEB, contract)

    [february] = [i for i in invoices(container, caller) if i.issue_on == FEB1]
    [line] = [s.line for s in february.lines if s.line.line_item_id == "seats"]
    assert (str(line.quantity), str(line.amount.amount)) == (quantity, amount)


def _filtered(line: LineItem, *conditions: Condition) -> LineItem:
    return replace(line, usage_filter=conditions)


def test_usage_lines_filtered_by_dimensions_bill_only_their_share(
    container: Container, caller: Principal
) -> None:
    container.catalog.create_feature(
        caller,
        NewFeature(
            id="requests",
            display_name="Requests",
            feature_type=FeatureType.NUMBER,
            meter_type=MeterType.INCREMENTAL,
            meter=Meter(
                Aggregation.SUM,
                "units",
                (MeterFilter((Condition("eventName", Operation.EQUALS, "request"),)),),
            ),
        ),
    )
    eu, us = {"region": "eu"}, {"region": "us"}
    reported = [  # reported usage of `calls`, with dimensions
        (datetime(2025, 12, 28, tzinfo=UTC), UpdateBehavior.DELTA, 25, eu),  # before January
        (datetime(2026, 1, 5, tzinfo=UTC), UpdateBehavior.DELTA, 100, eu),
        (datetime(2026, 1, 10, tzinfo=UTC), UpdateBehavior.DELTA, 40, us),
        (datetime(2026, 1, 12, tzinfo=UTC), UpdateBehavior.DELTA, 7, {}),  # neither line's
        (datetime(2026, 1, 20, tzinfo=UTC), UpdateBehavior.SET, 50, us),  # restarts us at 50
        (datetime(2026, 1, 25, tzinfo=UTC), UpdateBehavior.DELTA, 5, us),
        (datetime(2026, 2, 2, tzinfo=UTC), UpdateBehavior.DELTA, 30, eu),  # February's
    ]
    container.usage.report_usage(
        caller,
        [
            UsageReport("acme", "calls", Decimal(v), b, occurred_at=t, dimensions=d)
            for t, b, v, d in reported
        ],
    )
    sent: list[tuple[datetime, dict[str, DimensionValue]]] = [  # counted by SUM of units
        (datetime(2026, 1, 3, tzinfo=UTC), {"region": "eu", "units": 5}),
        (datetime(2026, 1, 4, tzinfo=UTC), {"region": "us", "units": 2}),
        (datetime(2026, 1, 6, tzinfo=UTC), {"units": 9}),
        (datetime(2026, 1, 31, 23, tzinfo=UTC), {"region": "eu", "units": 1}),
        (datetime(2026, 2, 1, 1, tzinfo=UTC), {"region": "eu", "units": 70}),  # February's
    ]
    container.usage.report_events(
        caller,
        [
            EventReport("acme", "request", f"req-{n}", occurred_at=t, dimensions=d)
            for n, (t, d) in enumerate(sent)
        ],
    )
    region = "region"
    contract = billable(
        fee(),
        _filtered(calls("calls-eu", "0.20"), Condition(region, Operation.EQUALS, "eu")),
        _filtered(calls("calls-us", "0.10"), Condition(region, Operation.IN, values=("us", "ca"))),
        _filtered(
            calls("requests-eu", "1.00", "requests"),
            Condition("dimensions.region", Operation.EQUALS, "eu"),
        ),
        _filtered(calls("requests-rest", "0.50", "requests"), Condition(region, Operation.IS_NULL)),
    )

    run(container, caller, RUN_FEB, contract)

    [february] = [i for i in invoices(container, caller) if i.issue_on == FEB1]
    assert [
        (s.line.line_item_id, str(s.line.quantity), str(s.line.total.amount))
        for s in february.lines
    ] == [
        ("platform", "None", "1000.00"),  # a flat fee has no quantity
        ("calls-eu", "100", "20.00"),  # not December's 25 nor February's 30
        ("calls-us", "55", "5.50"),  # the SET of 50, then 5 more
        ("requests-eu", "6", "6.00"),  # 5 + 1
        ("requests-rest", "9", "4.50"),  # the event without a region
    ]
    assert str(february.total.amount) == "1036.00"
