"""Contracts: one row each with its terms as a JSON document, one row per subscription held,
and the amendment history.

Statuses are derived from an instant (`Contract.status_at`); `_status_condition` is the same rule
in SQL over the stored status and the derived `ends_at` column written with every save.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    false,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pactline.adapters.db.pagination import keyset_page
from pactline.adapters.db.repositories.catalog import created_within
from pactline.adapters.db.schema import (
    ContractAmendmentRow,
    ContractRow,
    ContractSubscriptionRow,
)
from pactline.adapters.db.terms_json import terms_from_json, terms_to_json
from pactline.domain.contract_amendments import Amendment, TermChange
from pactline.domain.contract_records import (
    Contract,
    ContractStatus,
    RenewalPolicy,
)
from pactline.domain.corrections import CorrectionPolicy, NegativeCorrection, PositiveCorrection
from pactline.domain.errors import DuplicatedEntityNotAllowed, SubscriptionOnAnotherContract
from pactline.domain.pagination import Page, PageRequest
from pactline.services.ports import ContractQuery, DateRange

C = ContractRow
M = ContractSubscriptionRow


def _billable(environment_id: str, ended_since: datetime) -> Select[Any]:
    return select(C).where(
        C.environment_id == environment_id,
        C.billing_enabled.is_(True),
        C.activated_at.is_not(None),
        or_(C.ended_at.is_(None), C.ended_at >= ended_since),
    )


class SqlContractRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, contract: Contract) -> None:
        self._session.add(C(**_values(contract)))
        try:
            self._session.flush()
        except IntegrityError:  # a concurrent request created it first
            raise DuplicatedEntityNotAllowed("Contract", contract.id) from None
        self._write_members(contract)

    def get(
        self, environment_id: str, contract_id: str, for_update: bool = False
    ) -> Contract | None:
        row = self._session.get(
            C, (environment_id, contract_id), populate_existing=True, with_for_update=for_update
        )
        return None if row is None else self._load([row])[0]

    def update(self, contract: Contract, expected_version: int) -> bool:
        values = _values(contract)
        del values["environment_id"], values["id"]
        result = self._session.execute(
            update(C)
            .where(
                C.environment_id == contract.environment_id,
                C.id == contract.id,
                C.version == expected_version,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        self._session.execute(
            delete(M).where(
                M.environment_id == contract.environment_id, M.contract_id == contract.id
            )
        )
        self._write_members(contract)
        return True

    def holding(self, environment_id: str, subscription_ids: Collection[str]) -> dict[str, str]:
        if not subscription_ids:
            return {}
        statement = select(M.subscription_id, M.contract_id).where(
            M.environment_id == environment_id, M.subscription_id.in_(sorted(subscription_ids))
        )
        return {row.subscription_id: row.contract_id for row in self._session.execute(statement)}

    def billable(
        self, environment_id: str, ended_since: datetime, customer_id: str | None = None
    ) -> Sequence[Contract]:
        statement = _billable(environment_id, ended_since)
        if customer_id is not None:
            statement = statement.where(C.customer_id == customer_id)
        return self._load(list(self._session.scalars(statement.order_by(C.created_at, C.id))))

    def billable_page(
        self, environment_id: str, ended_since: datetime, after: tuple[str, str] | None, limit: int
    ) -> Sequence[Contract]:
        statement = _billable(environment_id, ended_since)
        if after is not None:
            statement = statement.where(tuple_(C.customer_id, C.id) > tuple_(*after))
        statement = statement.order_by(C.customer_id, C.id).limit(limit)
        return self._load(list(self._session.scalars(statement)))

    def due_to_expire(self, at: datetime, limit: int) -> Sequence[Contract]:
        statement = (
            select(C)
            .where(C.status == ContractStatus.ACTIVE.value, C.ends_at <= at)
            .order_by(C.ends_at, C.environment_id, C.id)
            .limit(limit)
        )
        return self._load(list(self._session.scalars(statement)))

    # --- amendments ------------------------------------------------------------------------

    def add_amendment(self, amendment: Amendment) -> None:
        self._session.add(
            ContractAmendmentRow(
                environment_id=amendment.environment_id,
                id=amendment.id,
                contract_id=amendment.contract_id,
                number=amendment.number,
                actor=amendment.actor,
                effective_on=amendment.effective_on,
                version_before=amendment.version_before,
                version_after=amendment.version_after,
                changes=[
                    {"path": c.path, "before": c.before, "after": c.after}
                    for c in amendment.changes
                ],
                created_at=amendment.created_at,
                order_id=amendment.order_id,
            )
        )
        self._session.flush()

    def amendment_count(self, environment_id: str, contract_id: str) -> int:
        statement = select(func.count()).where(
            ContractAmendmentRow.environment_id == environment_id,
            ContractAmendmentRow.contract_id == contract_id,
        )
        return int(self._session.scalar(statement) or 0)

    def amendments(
        self, environment_id: str, contract_id: str, page: PageRequest
    ) -> Page[Amendment]:
        row = ContractAmendmentRow
        statement = select(row).where(
            row.environment_id == environment_id, row.contract_id == contract_id
        )
        return keyset_page(self._session, statement, row.created_at, row.id, page, _amendment)

    def list(self, environment_id: str, query: ContractQuery, page: PageRequest) -> Page[Contract]:
        statement = select(C).where(C.environment_id == environment_id)
        if query.customer_id is not None:
            statement = statement.where(C.customer_id == query.customer_id)
        if query.name is not None:
            statement = statement.where(C.name == query.name)
        if query.currency is not None:
            statement = statement.where(C.currency == query.currency)
        if query.legal_entity_id is not None:
            statement = statement.where(C.legal_entity_id == query.legal_entity_id)
        if query.statuses:
            wanted = [_status_condition(status, query.at) for status in query.statuses]
            statement = statement.where(or_(false(), *wanted))
        statement = statement.where(
            *_within(C.start_on, query.start), *_within(C.end_on, query.end)
        )
        statement = created_within(statement, C.created_at, query.created)
        found: Page[ContractRow] = keyset_page(
            self._session, statement, C.created_at, C.id, page, _row
        )
        return Page(items=self._load(list(found.items)), next=found.next, prev=found.prev)

    # --- mapping ---------------------------------------------------------------------------

    def _write_members(self, contract: Contract) -> None:
        for position, subscription_id in enumerate(contract.subscription_ids):
            self._session.add(
                M(
                    environment_id=contract.environment_id,
                    contract_id=contract.id,
                    subscription_id=subscription_id,
                    position=position,
                )
            )
        try:
            self._session.flush()
        except IntegrityError:
            # The service checks first; this is a concurrent attach winning the race, caught by
            # uq_contract_subscriptions_subscription. The session is unusable now, so the
            # holder cannot be looked up.
            joined = ", ".join(contract.subscription_ids)
            raise SubscriptionOnAnotherContract(joined, "another contract") from None

    def _load(self, rows: Sequence[ContractRow]) -> Sequence[Contract]:
        held: dict[tuple[str, str], list[str]] = {}
        by_environment: dict[str, list[str]] = {}
        for row in rows:
            by_environment.setdefault(row.environment_id, []).append(row.id)
        for env, contract_ids in by_environment.items():
            statement = (
                select(M)
                .where(M.environment_id == env, M.contract_id.in_(contract_ids))
                .order_by(M.contract_id, M.position)
            )
            for member in self._session.scalars(statement):
                held.setdefault((env, member.contract_id), []).append(member.subscription_id)
        return [_contract(row, tuple(held.get((row.environment_id, row.id), ()))) for row in rows]


def _row(row: ContractRow) -> ContractRow:
    return row


def _status_condition(status: ContractStatus, at: datetime) -> ColumnElement[bool]:
    active = C.status == ContractStatus.ACTIVE.value
    condition: ColumnElement[bool] = C.status == status.value
    if status is ContractStatus.ACTIVE:
        condition = and_(active, or_(C.ends_at.is_(None), C.ends_at > at))
    elif status is ContractStatus.EXPIRED:
        condition = or_(condition, and_(active, C.ends_at <= at))
    return condition


def _within(column: Any, bounds: DateRange) -> list[ColumnElement[bool]]:
    conditions = []
    if bounds.gte is not None:
        conditions.append(column >= bounds.gte)
    if bounds.lte is not None:
        conditions.append(column <= bounds.lte)
    return conditions


def _values(contract: Contract) -> dict[str, Any]:
    terms = contract.terms
    return {
        "environment_id": contract.environment_id,
        "id": contract.id,
        "customer_id": contract.customer_id,
        "name": contract.name,
        "po_number": contract.po_number,
        "legal_entity_id": contract.legal_entity_id,
        "status": contract.status.value,
        "currency": terms.currency.code,
        "timezone": terms.timezone,
        "start_on": terms.start_on,
        "end_on": terms.end_on,
        "ends_at": contract.ends_at,
        "terms": terms_to_json(terms),
        "version": contract.version,
        "billing_enabled": contract.billing_enabled,
        "auto_renew": contract.renewal.auto_renew,
        "renewal_term_months": contract.renewal.term_months,
        "undercharge_policy": contract.corrections.positive.value,
        "overcharge_policy": contract.corrections.negative.value,
        "metadata_": dict(contract.metadata),
        "tags": list(contract.tags),
        "renewed_from_id": contract.renewed_from_id,
        "renewed_by_id": contract.renewed_by_id,
        "request_fingerprint": contract.request_fingerprint,
        "activated_at": contract.activated_at,
        "ended_at": contract.ended_at,
        "created_at": contract.created_at,
        "updated_at": contract.updated_at,
    }


def _contract(row: ContractRow, subscription_ids: tuple[str, ...]) -> Contract:
    return Contract(
        id=row.id,
        environment_id=row.environment_id,
        customer_id=row.customer_id,
        name=row.name,
        status=ContractStatus(row.status),
        terms=terms_from_json(row.terms, row.id, row.name, row.customer_id),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        po_number=row.po_number,
        legal_entity_id=row.legal_entity_id,
        subscription_ids=subscription_ids,
        metadata=dict(row.metadata_),
        tags=tuple(row.tags),
        renewal=RenewalPolicy(row.auto_renew, row.renewal_term_months),
        corrections=CorrectionPolicy(
            PositiveCorrection(row.undercharge_policy), NegativeCorrection(row.overcharge_policy)
        ),
        billing_enabled=row.billing_enabled,
        activated_at=row.activated_at,
        ended_at=row.ended_at,
        renewed_from_id=row.renewed_from_id,
        renewed_by_id=row.renewed_by_id,
        request_fingerprint=row.request_fingerprint,
    )


def _amendment(row: ContractAmendmentRow) -> Amendment:
    return Amendment(
        id=row.id,
        environment_id=row.environment_id,
        contract_id=row.contract_id,
        number=row.number,
        actor=row.actor,
        created_at=row.created_at,
        effective_on=row.effective_on,
        version_before=row.version_before,
        version_after=row.version_after,
        changes=tuple(TermChange(c["path"], c["before"], c["after"]) for c in row.changes),
        order_id=row.order_id,
    )
