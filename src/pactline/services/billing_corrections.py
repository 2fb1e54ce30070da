"""Applying corrections of approved periods, inside a billing run's unit of work.

The correction row is written first, under its unique (period, number): a run that loses the
race to another writes nothing else. Its effects follow in the same transaction: a back-dated
draft, a carry-forward credit, a credit note, or a line waiting for the next draft.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from pactline.domain.corrections import (
    Correction,
    CorrectionEffect,
    CorrectionOutcome,
    CorrectionPolicy,
    billed_lines,
    delta_lines,
    plan_corrections,
)
from pactline.domain.credit_balances import CreditEntryKind
from pactline.domain.credit_notes import (
    CreditNote,
    CreditReason,
    correction_credit_lines,
    credited_by,
    left_to_credit,
)
from pactline.domain.ids import new_id
from pactline.domain.invoice_lifecycle import (
    DocumentKind,
    InvoiceStatus,
    PeriodRef,
    StoredInvoice,
    StoredLine,
    with_correction_lines,
)
from pactline.services.credit_ledger import record_credit
from pactline.services.invoice_events import (
    INVOICE_DRAFTED,
    INVOICE_UPDATED,
    credit_note_event,
    invoice_event,
    save_invoice,
)
from pactline.services.ports import UnitOfWork


def correct_period(
    uow: UnitOfWork,
    invoice: StoredInvoice,
    recomputed: Sequence[StoredLine],
    earlier: Sequence[Correction],
    policies: Mapping[str, CorrectionPolicy],
    today: date,
    now: datetime,
) -> Correction | None:
    """Bill the difference between what `invoice`'s period billed and what it now computes.

    None when nothing differs, or when another run corrected the period first.
    """
    ref = PeriodRef(invoice.id, invoice.period_start_on, invoice.period_end_on)
    delta = delta_lines(billed_lines(invoice.basis, earlier), recomputed, ref)
    if not delta:
        return None
    correction = Correction(
        id=new_id("cor", now),
        environment_id=invoice.environment_id,
        customer_id=invoice.customer_id,
        scope_key=invoice.scope_key,
        billing_group_key=invoice.billing_group_key,
        issue_on=invoice.issue_on,
        number=max((c.number for c in earlier), default=0) + 1,
        invoice_id=invoice.id,
        currency=invoice.currency,
        lines=delta,
        outcomes=tuple(plan_corrections(delta, policies, invoice.currency)),
        created_at=now,
    )
    if not uow.corrections.add(correction):
        return None
    outcomes = list(correction.outcomes)
    backdated = [o for o in outcomes if o.effect is CorrectionEffect.BACKDATED_INVOICE]
    if backdated:
        draft = _backdated_invoice(invoice, correction, backdated, today, now)
        created = uow.invoices.add(draft)
        assert created, "the correction's number is claimed, so its invoice is new"
        invoice_event(uow, draft, INVOICE_DRAFTED, now, correctsInvoiceId=invoice.id)
        outcomes = [
            _with_document(o, draft.id, CorrectionEffect.BACKDATED_INVOICE) for o in outcomes
        ]
    for index, outcome in enumerate(outcomes):
        if outcome.effect is CorrectionEffect.CARRY_FORWARD:
            over = -outcome.total
            record_credit(uow, invoice, over, CreditEntryKind.OVERCHARGE, now, correction.id)
        elif outcome.effect is CorrectionEffect.CREDIT_NOTE:
            note_id = _credit_note(uow, invoice.id, correction, outcome, today, now)
            outcomes[index] = replace(outcome, document_id=note_id)
    if tuple(outcomes) != correction.outcomes:
        correction = replace(correction, outcomes=tuple(outcomes))
        uow.corrections.update_outcomes(correction)
    return correction


def _with_document(
    outcome: CorrectionOutcome, document_id: str, effect: CorrectionEffect
) -> CorrectionOutcome:
    return replace(outcome, document_id=document_id) if outcome.effect is effect else outcome


def _backdated_invoice(
    invoice: StoredInvoice,
    correction: Correction,
    outcomes: Sequence[CorrectionOutcome],
    today: date,
    now: datetime,
) -> StoredInvoice:
    """A draft dated on the corrected invoice's issue date, due its net terms from today."""
    lines = tuple(line for o in outcomes for line in correction.lines_of(o.contract_id))
    net_days = (invoice.due_on - invoice.issue_on).days
    return StoredInvoice(
        id=new_id("inv", now),
        environment_id=invoice.environment_id,
        customer_id=invoice.customer_id,
        contract_id=invoice.contract_id,
        legal_entity_id=invoice.legal_entity_id,
        scope_key=invoice.scope_key,
        billing_group=invoice.billing_group,
        billing_group_key=invoice.billing_group_key,
        correction_number=correction.number,
        currency=invoice.currency,
        rounding=invoice.rounding,
        issue_on=invoice.issue_on,
        due_on=max(today, invoice.issue_on) + timedelta(days=net_days),
        period_start_on=min(s.line.period_start_on for s in lines),
        period_end_on=max(s.line.period_end_on for s in lines),
        status=InvoiceStatus.DRAFT,
        number=None,
        lines=lines,
        basis=(),
        created_at=now,
        updated_at=now,
        corrects=PeriodRef(invoice.id, invoice.period_start_on, invoice.period_end_on),
    )


def _credit_note(
    uow: UnitOfWork,
    invoice_id: str,
    correction: Correction,
    outcome: CorrectionOutcome,
    today: date,
    now: datetime,
) -> str | None:
    """A credit note for the over-charge, as far as the invoice has anything left to credit;
    the rest (and what the invoice no longer owed) goes to the carry-forward balance."""
    environment_id = correction.environment_id
    invoice = uow.invoices.get(environment_id, invoice_id, for_update=True)
    assert invoice is not None
    notes = uow.credit_notes.for_invoice(environment_id, invoice_id)
    lines, rest = correction_credit_lines(
        correction.lines_of(outcome.contract_id), left_to_credit(invoice, notes)
    )
    record_credit(uow, invoice, rest, CreditEntryKind.OVERCHARGE, now, correction.id)
    if not lines:
        return None
    note = CreditNote(
        id=new_id("cn", now),
        environment_id=environment_id,
        invoice_id=invoice_id,
        customer_id=invoice.customer_id,
        legal_entity_id=invoice.legal_entity_id,
        number=uow.document_numbers.next(
            environment_id, invoice.legal_entity_id, DocumentKind.CREDIT_NOTE
        ),
        reason=CreditReason.OTHER,
        issue_on=today,
        currency=invoice.currency,
        lines=lines,
        created_at=now,
        memo=(
            f"Correction of {invoice.period_start_on.isoformat()} to "
            f"{(invoice.period_end_on - timedelta(days=1)).isoformat()}"
        ),
        correction_id=correction.id,
    )
    uow.credit_notes.add(note)
    credit_note_event(uow, note, now)
    after, excess = credited_by(invoice, note, now)
    save_invoice(uow, after, invoice.version)
    invoice_event(uow, after, INVOICE_UPDATED, now, creditNoteId=note.id)
    excess_kind = CreditEntryKind.CREDIT_NOTE_EXCESS
    record_credit(uow, invoice, excess, excess_kind, now, correction.id)
    return note.id


def attach_pending(
    uow: UnitOfWork,
    corrections: Sequence[Correction],
    drafts: MutableMapping[str, StoredInvoice],
    now: datetime,
) -> list[Correction]:
    """Put each waiting NEXT_INVOICE correction on the first draft issued after its period;
    `drafts` (the scope's period drafts, by id) is kept current. The corrections placed."""
    placed = []
    for correction in corrections:
        waiting = [o for o in correction.outcomes if o.pending]
        if not waiting:
            continue
        # A draft edited by hand is held as its editor left it.
        later = [
            d
            for d in drafts.values()
            if d.status is InvoiceStatus.DRAFT and not d.edited and d.issue_on > correction.issue_on
        ]
        if not later:
            continue  # the next invoice is not due yet: a later run places it
        target = min(later, key=lambda d: (d.issue_on, d.billing_group_key, d.id))
        lines = tuple(line for o in waiting for line in correction.lines_of(o.contract_id))
        updated = with_correction_lines(target, lines, now)
        save_invoice(uow, updated, target.version)
        invoice_event(uow, updated, INVOICE_UPDATED, now, correctionId=correction.id)
        drafts[target.id] = updated
        correction = correction.placed_on(target.id)
        uow.corrections.update_outcomes(correction)
        placed.append(correction)
    return placed


def released(
    uow: UnitOfWork, corrections: Sequence[Correction], invoice_id: str
) -> list[Correction]:
    """The corrections, those carried by the draft `invoice_id` (being voided) pending again,
    so the next draft carries them instead of losing them with it."""
    result = []
    for correction in corrections:
        if any(o.applied_invoice_id == invoice_id for o in correction.outcomes):
            correction = correction.released_from(invoice_id)
            uow.corrections.update_outcomes(correction)
        result.append(correction)
    return result
