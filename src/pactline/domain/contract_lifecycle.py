"""How a contract moves: activation (with its completeness checks), amendment, cancellation,
archiving, expiry and renewal. Every function returns the next state; none reads a clock.

Every change to a stored contract goes through `saved`, which bumps the version: optimistic
concurrency compares it, so two edits based on the same read cannot both win.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pactline.domain.calendar import CycleUnit, days_in_month
from pactline.domain.contract_records import LIVE, MAX_RENEWAL_MONTHS, Contract, ContractStatus
from pactline.domain.contract_validation import validate_terms
from pactline.domain.contracts import (
    ChargeType,
    Commitment,
    ContractTerms,
    DateWindow,
    LineItem,
    PriceVersion,
    QuantityChange,
)
from pactline.domain.errors import FieldProblem, InvalidArgument, StateConflict
from pactline.domain.legal_entities import LegalEntity
from pactline.domain.periods import contract_span
from pactline.domain.usage_filters import describe, may_overlap

ENTITY = "Contract"
TERMS = "terms"  # where the terms sit in a request; problems of them are named under it


def saved(contract: Contract, at: datetime, **changes: Any) -> Contract:
    """The contract with `changes`, one version later."""
    return replace(contract, **changes, version=contract.version + 1, updated_at=at)


def require_status(contract: Contract, allowed: Collection[ContractStatus], action: str) -> None:
    """StateConflict (409) unless the contract is in one of the `allowed` statuses."""
    if contract.status not in allowed:
        wanted = " or ".join(sorted(s.value for s in allowed))
        raise StateConflict(
            ENTITY,
            contract.id,
            contract.status.value,
            f"contract '{contract.id}' is {contract.status.value}; {action} needs {wanted}",
        )


def with_terms(contract: Contract, terms: ContractTerms) -> ContractTerms:
    """`terms` named as the contract: its id, name and customer always win."""
    return replace(terms, id=contract.id, name=contract.name, customer_id=contract.customer_id)


def storage_problems(terms: ContractTerms) -> list[FieldProblem]:
    """What even a draft may not hold: a timezone that does not exist, or an end before the
    start, would leave the contract without a span to read or list it by."""
    keep = {("timezone", "unknown_timezone"), ("endDate", "end_before_start")}
    return [_under_terms(p) for p in validate_terms(terms) if (p.field, p.code) in keep]


def require_storable(terms: ContractTerms) -> None:
    problems = storage_problems(terms)
    if problems:
        raise InvalidArgument(problems)


# --- activation -------------------------------------------------------------------------------


def activation_problems(
    contract: Contract,
    legal_entity: LegalEntity | None,
    metered: Collection[str],
    others: Sequence[Contract] = (),
) -> list[FieldProblem]:
    """Every reason the contract cannot go live: each rule of the rating engine on its terms
    (at least one line item among them), usage lines the usage store can bill (`metered`:
    the environment's metered feature ids) and no other contract of the customer bills
    (`others`), and a legal entity that can be paid."""
    problems = [_under_terms(p) for p in validate_terms(contract.terms)]
    problems.extend(usage_mapping_problems(contract.terms, metered, others))
    if contract.legal_entity_id is None:
        message = "a contract needs the legal entity that bills it"
        problems.append(FieldProblem("legalEntityId", message, "required"))
    elif legal_entity is None:
        message = f"no legal entity '{contract.legal_entity_id}'"
        problems.append(FieldProblem("legalEntityId", message, "not_found"))
    elif not legal_entity.has_payment_account:
        message = (
            f"legal entity '{legal_entity.id}' has no payment account (bank transfer details "
            "or an Airwallex account): invoices could not say where to pay"
        )
        problems.append(FieldProblem("legalEntityId", message, "no_payment_account"))
    return problems


def usage_mapping_problems(
    terms: ContractTerms, metered: Collection[str], others: Sequence[Contract] = ()
) -> list[FieldProblem]:
    """Usage lines bill the usage store's quantity of their feature: the feature must be a
    metered one, and two lines billing one feature at the same time would bill it twice,
    whether both are lines of these terms or one is a line of another contract of the
    customer (`others`)."""
    elsewhere = _billed_elsewhere(terms, others)
    problems: list[FieldProblem] = []
    seen: list[tuple[LineItem, date, date | None]] = []
    for index, line in enumerate(terms.line_items):
        feature = line.metered_feature_id
        if line.charge_type is not ChargeType.USAGE or feature is None:
            continue
        path = f"{TERMS}.lineItems[{index}].meteredFeatureId"
        if feature not in metered:
            message = f"no metered feature '{feature}': its usage could not be billed"
            problems.append(FieldProblem(path, message, "unknown_metered_feature"))
        start_on, end_on = terms.line_start(line), terms.line_end(line)
        for other, other_start, other_end in seen:
            apart = (end_on is not None and end_on < other_start) or (
                other_end is not None and other_end < start_on
            )
            if _bill_same_usage(other, line) and not apart:
                message = (
                    f"line '{other.id}' already bills {_billed(other)} on some of the same "
                    f"days: its usage would be billed twice{_APART_HINT}"
                )
                problems.append(FieldProblem(path, message, "feature_billed_twice"))
                break
        seen.append((line, start_on, end_on))
        problems.extend(elsewhere.get(index, ()))
    return problems


def _billed_elsewhere(
    terms: ContractTerms, others: Sequence[Contract]
) -> dict[int, list[FieldProblem]]:
    """By line index, a problem for each usage line whose feature a line of another contract
    bills at some of the same instants (contracts may keep different timezones)."""
    billed = [
        (other, line, span)
        for other in others
        if other.id != terms.id
        for line, span in usage_spans(other)
    ]
    problems: dict[int, list[FieldProblem]] = {}
    for index, line in enumerate(terms.line_items):
        if not billed or line.charge_type is not ChargeType.USAGE or not line.metered_feature_id:
            continue
        try:
            start_at, end_at = _line_span(terms, line)
        except InvalidArgument:  # dates or timezone the terms' own rules report
            continue
        for other, other_line, (other_start, other_end) in billed:
            overlap = (end_at is None or other_start < end_at) and (
                other_end is None or start_at < other_end
            )
            if _bill_same_usage(other_line, line) and overlap:
                until = "on" if other_end is None else f"until {other_end.isoformat()}"
                message = (
                    f"contract '{other.id}' (line '{other_line.id}') already bills "
                    f"{_billed(other_line)} from {other_start.isoformat()} {until}: "
                    f"its usage would be billed twice{_APART_HINT}"
                )
                path = f"{TERMS}.lineItems[{index}].meteredFeatureId"
                problems[index] = [FieldProblem(path, message, "feature_billed_twice")]
                break
    return problems


_APART_HINT = " (usage filters keep lines apart when they pin a dimension to different values)"


def _bill_same_usage(first: LineItem, second: LineItem) -> bool:
    """Whether some usage could count for both lines (BILLING-SEMANTICS §10)."""
    return first.metered_feature_id == second.metered_feature_id and may_overlap(
        first.usage_filter, second.usage_filter
    )


def _billed(line: LineItem) -> str:
    if not line.usage_filter:
        return f"'{line.metered_feature_id}'"
    return f"'{line.metered_feature_id}' where {describe(line.usage_filter)}"


def usage_spans(contract: Contract) -> list[tuple[LineItem, tuple[datetime, datetime | None]]]:
    """The instants each usage line of a contract that went live bills usage over: the line's
    days, cut short where the contract ended early (canceled). None for a draft."""
    if contract.activated_at is None:
        return []
    spans = []
    for line in contract.terms.line_items:
        if line.charge_type is not ChargeType.USAGE or line.metered_feature_id is None:
            continue
        start_at, end_at = _line_span(contract.terms, line)
        if contract.ended_at is not None and (end_at is None or contract.ended_at < end_at):
            end_at = contract.ended_at
        if end_at is None or start_at < end_at:
            spans.append((line, (start_at, end_at)))
    return spans


def _line_span(terms: ContractTerms, line: LineItem) -> tuple[datetime, datetime | None]:
    return contract_span(terms.line_start(line), terms.line_end(line), terms.timezone)


def activated(
    contract: Contract,
    legal_entity: LegalEntity | None,
    metered: Collection[str],
    at: datetime,
    others: Sequence[Contract] = (),
) -> Contract:
    """Live, unless a problem stands (`others`: the customer's other contracts)."""
    require_status(contract, {ContractStatus.DRAFT}, "activation")
    problems = activation_problems(contract, legal_entity, metered, others)
    if problems:
        raise InvalidArgument(
            problems, f"contract '{contract.id}' cannot be activated: {_listing(problems)}"
        )
    return saved(contract, at, status=ContractStatus.ACTIVE, activated_at=at)


# --- amendment --------------------------------------------------------------------------------


def amended(
    contract: Contract,
    terms: ContractTerms,
    effective_on: date,
    metered: Collection[str],
    at: datetime,
    others: Sequence[Contract] = (),
) -> Contract:
    """An active contract with new terms, effective on `effective_on` (recorded, not enforced:
    a backdated change to approved periods is settled as a correction, BILLING-SEMANTICS §9).
    `others`: the customer's other contracts, whose usage lines the new terms must not bill."""
    require_status(contract, {ContractStatus.ACTIVE}, "an amendment")
    terms = with_terms(contract, terms)
    before = contract.terms
    problems = [_under_terms(p) for p in validate_terms(terms)]
    problems.extend(usage_mapping_problems(terms, metered, others))
    if terms.currency != before.currency:
        message = "cannot change once the contract is active (invoices exist in it)"
        problems.append(FieldProblem(f"{TERMS}.currency", message, "immutable"))
    if terms.start_on != before.start_on:
        message = "cannot change once the contract is active (its first period is billed)"
        problems.append(FieldProblem(f"{TERMS}.startDate", message, "immutable"))
    if effective_on < terms.start_on or (terms.end_on is not None and effective_on > terms.end_on):
        message = "must be inside the contract's term"
        problems.append(FieldProblem("effectiveDate", message, "outside_contract"))
    if problems:
        raise InvalidArgument(problems)
    return saved(contract, at, terms=terms)


# --- ending -----------------------------------------------------------------------------------


def canceled(contract: Contract, at: datetime) -> Contract:
    require_status(contract, LIVE, "cancellation")
    return saved(contract, at, status=ContractStatus.CANCELED, ended_at=at)


def archived(contract: Contract, at: datetime) -> Contract:
    """Archived; an archived contract is returned unchanged (a retried archive)."""
    if contract.status is ContractStatus.ARCHIVED:
        return contract
    ended = contract.ended_at or at
    return saved(contract, at, status=ContractStatus.ARCHIVED, ended_at=ended)


def is_due_to_expire(contract: Contract, at: datetime) -> bool:
    return (
        contract.status is ContractStatus.ACTIVE and contract.status_at(at) is not contract.status
    )


def expired(contract: Contract, at: datetime) -> Contract:
    """Recorded EXPIRED as of the instant its term ended."""
    ends = contract.ends_at
    assert ends is not None, "only a contract with an end expires"
    assert is_due_to_expire(contract, at), "only a due contract expires"
    return saved(contract, at, status=ContractStatus.EXPIRED, ended_at=ends)


# --- renewal ----------------------------------------------------------------------------------


def renewal_problems(contract: Contract, term_months: int) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if contract.terms.end_on is None:
        message = "an open-ended contract runs on; only a contract with an end date renews"
        problems.append(FieldProblem("endDate", message, "open_ended"))
    if isinstance(term_months, bool) or not 1 <= term_months <= MAX_RENEWAL_MONTHS:
        message = f"must be between 1 and {MAX_RENEWAL_MONTHS} months"
        problems.append(FieldProblem("termMonths", message, "out_of_range"))
    if contract.renewed_by_id is not None:
        message = f"was already renewed as contract '{contract.renewed_by_id}'"
        problems.append(FieldProblem("id", message, "already_renewed"))
    return problems


def renewal(contract: Contract, new_id: str, term_months: int, at: datetime) -> Contract:
    """A new DRAFT contract for the term after this one, at its latest prices and quantities."""
    require_status(contract, {ContractStatus.ACTIVE, ContractStatus.EXPIRED}, "a renewal")
    problems = renewal_problems(contract, term_months)
    if problems:
        raise InvalidArgument(problems)
    last_day = contract.terms.end_on
    assert last_day is not None
    start = last_day + timedelta(days=1)
    end = add_months(start, term_months) - timedelta(days=1)
    terms = renewal_terms(contract.terms, start, end)
    return Contract(
        id=new_id,
        environment_id=contract.environment_id,
        customer_id=contract.customer_id,
        name=contract.name,
        status=ContractStatus.DRAFT,
        terms=replace(terms, id=new_id),
        created_at=at,
        updated_at=at,
        po_number=contract.po_number,
        legal_entity_id=contract.legal_entity_id,
        metadata=dict(contract.metadata),
        tags=contract.tags,
        renewal=contract.renewal,
        corrections=contract.corrections,
        billing_enabled=contract.billing_enabled,
        renewed_from_id=contract.id,
    )


def renewal_terms(terms: ContractTerms, start_on: date, end_on: date) -> ContractTerms:
    """The terms for `[start_on, end_on]` at the prices and quantities in force on the last
    day of `terms`. One-time charges, lines that ended early and optional items not active
    on that day are not renewed; discounts are negotiated per term and are dropped."""
    last_day = terms.end_on
    assert last_day is not None, "only a term with an end renews"
    lines: list[LineItem] = []
    for line in terms.line_items:
        line_end = terms.line_end(line)
        if line.billing_cycle.unit is CycleUnit.ONE_TIME:
            continue
        if line_end is not None and line_end < last_day:
            continue
        if line.optional and not any(w.contains(last_day) for w in line.activations):
            continue
        version = _in_force(line.price_versions, last_day)
        if version is None:
            continue
        quantity = _quantity_on(line.quantities, last_day)
        lines.append(
            replace(
                line,
                start_on=None,
                end_on=None,
                price_versions=(PriceVersion(start_on, version.model),),
                quantities=() if quantity is None else (QuantityChange(start_on, quantity),),
                activations=(DateWindow(),) if line.optional else (),
                discounts=(),
                commitment=_renewed(line.commitment),
            )
        )
    return replace(
        terms,
        start_on=start_on,
        end_on=end_on,
        line_items=tuple(lines),
        discounts=(),
        commitment=_renewed(terms.commitment),
    )


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the month lacks is its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


def _in_force(versions: tuple[PriceVersion, ...], day: date) -> PriceVersion | None:
    started = [v for v in versions if v.start_on <= day]
    return started[-1] if started else None


def _quantity_on(changes: tuple[QuantityChange, ...], day: date) -> Decimal | None:
    started = [c for c in changes if c.effective_on <= day]
    return started[-1].quantity if started else None


def _renewed(commitment: Commitment | None) -> Commitment | None:
    # The window was the old term's; by default a commitment spans its line (or contract).
    return None if commitment is None else replace(commitment, window=DateWindow())


def _under_terms(problem: FieldProblem) -> FieldProblem:
    field = f"{TERMS}.{problem.field}" if problem.field else TERMS
    return FieldProblem(field, problem.message, problem.code)


def _listing(problems: list[FieldProblem]) -> str:
    return "; ".join(f"{p.field}: {p.message} [{p.code}]" for p in problems)
