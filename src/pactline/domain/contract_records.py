"""A stored contract: who it is with, who bills it, its terms, its subscriptions and its status.

The commercial terms are the rating engine's `ContractTerms` (domain/contracts.py); this record
adds what the engine does not need: the legal entity, the purchase order, metadata and tags,
the status, renewal and correction settings, and a `version` for optimistic concurrency.

Status moves DRAFT → ACTIVE → EXPIRED (its end date passed) or CANCELED; ARCHIVED hides a
contract for good. A contract whose end has passed reads EXPIRED at once (`status_at`), before
the job that records it (`ContractService.expire_due`) has run, as subscriptions do.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from pactline.domain.contracts import ContractTerms
from pactline.domain.corrections import CorrectionPolicy
from pactline.domain.errors import FieldProblem
from pactline.domain.periods import contract_span

DEFAULT_RENEWAL_MONTHS = 12
MAX_RENEWAL_MONTHS = 120


class ContractStatus(enum.Enum):
    DRAFT = "DRAFT"  # being negotiated: terms may change freely, nothing is billed
    ACTIVE = "ACTIVE"  # published: billed; terms change only by amendment
    EXPIRED = "EXPIRED"  # its end date has passed
    CANCELED = "CANCELED"  # ended early; its subscriptions were canceled
    ARCHIVED = "ARCHIVED"  # put away; read-only for good


LIVE = frozenset({ContractStatus.DRAFT, ContractStatus.ACTIVE})


class StiggState(enum.Enum):
    """The contract states of Stigg's API, for `state` and `billingState`."""

    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    CANCELED = "CANCELED"
    END_BILLING = "END_BILLING"


_STIGG = {
    ContractStatus.DRAFT: StiggState.DRAFT,
    ContractStatus.ACTIVE: StiggState.ACTIVE,
    ContractStatus.EXPIRED: StiggState.END_BILLING,
    ContractStatus.CANCELED: StiggState.CANCELED,
    ContractStatus.ARCHIVED: StiggState.CANCELED,
}


@dataclass(frozen=True)
class RenewalPolicy:
    """With `auto_renew`, an expiring contract is followed by a new active term of
    `term_months` months at its latest prices and quantities."""

    auto_renew: bool = False
    term_months: int = DEFAULT_RENEWAL_MONTHS


@dataclass(frozen=True)
class Contract:
    id: str
    environment_id: str
    customer_id: str
    name: str
    status: ContractStatus
    terms: ContractTerms  # its id, name and customer id are always the contract's own
    created_at: datetime
    updated_at: datetime
    version: int = 1
    po_number: str | None = None
    legal_entity_id: str | None = None
    subscription_ids: tuple[str, ...] = ()
    metadata: Mapping[str, str] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    renewal: RenewalPolicy = field(default_factory=RenewalPolicy)
    corrections: CorrectionPolicy = field(default_factory=CorrectionPolicy)
    # False: the contract only provisions access (Stigg's `setupBilling: false`).
    billing_enabled: bool = True
    activated_at: datetime | None = None
    ended_at: datetime | None = None  # when it was canceled, expired or archived
    renewed_from_id: str | None = None
    renewed_by_id: str | None = None
    # The create request that made it, so a retry with the same contract id is recognised.
    request_fingerprint: str | None = None

    @property
    def currency_code(self) -> str:
        return self.terms.currency.code

    @property
    def starts_at(self) -> datetime:
        return contract_span(self.terms.start_on, self.terms.end_on, self.terms.timezone)[0]

    @property
    def ends_at(self) -> datetime | None:
        """The instant the term ends (the day after the end date, local midnight); None when
        open-ended."""
        return contract_span(self.terms.start_on, self.terms.end_on, self.terms.timezone)[1]

    def status_at(self, at: datetime) -> ContractStatus:
        ends = self.ends_at
        if self.status is ContractStatus.ACTIVE and ends is not None and ends <= at:
            return ContractStatus.EXPIRED
        return self.status

    def state_at(self, at: datetime) -> StiggState:
        return _STIGG[self.status_at(at)]

    def billing_state_at(self, at: datetime) -> StiggState | None:
        """None for a contract that only provisions access: it has no billing contract."""
        return self.state_at(at) if self.billing_enabled else None


MAX_NAME_LENGTH = 500
MAX_PO_NUMBER_LENGTH = 255
MAX_TAGS = 50
MAX_TAG_LENGTH = 100
MAX_METADATA_ENTRIES = 50


def record_problems(contract: Contract) -> list[FieldProblem]:
    """Problems of the fields the record adds to the terms, named by their API field."""
    problems: list[FieldProblem] = []
    if not contract.name.strip() or len(contract.name) > MAX_NAME_LENGTH:
        message = f"must be 1 to {MAX_NAME_LENGTH} characters, not blank"
        problems.append(FieldProblem("name", message, "invalid"))
    po = contract.po_number
    if po is not None and (not po.strip() or len(po) > MAX_PO_NUMBER_LENGTH):
        message = f"must be 1 to {MAX_PO_NUMBER_LENGTH} characters (send null to clear it)"
        problems.append(FieldProblem("poNumber", message, "invalid"))
    if len(contract.tags) > MAX_TAGS:
        problems.append(FieldProblem("tags", f"at most {MAX_TAGS} tags", "too_many"))
    for index, tag in enumerate(contract.tags):
        if not tag.strip() or len(tag) > MAX_TAG_LENGTH:
            message = f"must be 1 to {MAX_TAG_LENGTH} characters, not blank"
            problems.append(FieldProblem(f"tags[{index}]", message, "invalid"))
    if len(set(contract.tags)) != len(contract.tags):
        problems.append(FieldProblem("tags", "a tag is listed twice", "duplicate"))
    if len(contract.metadata) > MAX_METADATA_ENTRIES:
        message = f"at most {MAX_METADATA_ENTRIES} entries"
        problems.append(FieldProblem("metadata", message, "too_many"))
    months = contract.renewal.term_months
    if isinstance(months, bool) or not 1 <= months <= MAX_RENEWAL_MONTHS:
        message = f"must be between 1 and {MAX_RENEWAL_MONTHS} months"
        problems.append(FieldProblem("renewalTermMonths", message, "out_of_range"))
    return problems
