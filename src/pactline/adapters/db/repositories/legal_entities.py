from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pactline.adapters.db.pagination import keyset_page
from pactline.adapters.db.schema import LegalEntityRow
from pactline.domain.errors import DuplicatedEntityNotAllowed
from pactline.domain.legal_entities import BankTransfer, LegalEntity
from pactline.domain.pagination import Page, PageRequest


class SqlLegalEntityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, entity: LegalEntity) -> None:
        self._session.add(LegalEntityRow(**_values(entity)))
        try:
            self._session.flush()
        except IntegrityError:  # a concurrent request took the id first
            raise DuplicatedEntityNotAllowed("LegalEntity", entity.id) from None

    def get(self, environment_id: str, entity_id: str) -> LegalEntity | None:
        row = self._session.get(LegalEntityRow, (environment_id, entity_id), populate_existing=True)
        return None if row is None else _entity(row)

    def list(self, environment_id: str, page: PageRequest) -> Page[LegalEntity]:
        statement = select(LegalEntityRow).where(LegalEntityRow.environment_id == environment_id)
        return keyset_page(
            self._session, statement, LegalEntityRow.created_at, LegalEntityRow.id, page, _entity
        )


def _values(entity: LegalEntity) -> dict[str, Any]:
    bank = entity.bank_transfer
    return {
        "environment_id": entity.environment_id,
        "id": entity.id,
        "name": entity.name,
        "country": entity.country,
        "address_lines": list(entity.address_lines),
        "bank_transfer": None
        if bank is None
        else {
            "account_holder": bank.account_holder,
            "bank_name": bank.bank_name,
            "iban": bank.iban,
            "bic": bank.bic,
            "account_number": bank.account_number,
            "routing_number": bank.routing_number,
        },
        "airwallex_account_id": entity.airwallex_account_id,
        "invoice_number_prefix": entity.invoice_number_prefix,
        "created_at": entity.created_at,
        "updated_at": entity.updated_at,
    }


def _entity(row: LegalEntityRow) -> LegalEntity:
    bank = row.bank_transfer
    return LegalEntity(
        id=row.id,
        environment_id=row.environment_id,
        name=row.name,
        country=row.country,
        address_lines=tuple(row.address_lines),
        created_at=row.created_at,
        updated_at=row.updated_at,
        bank_transfer=None if bank is None else BankTransfer(**bank),
        airwallex_account_id=row.airwallex_account_id,
        invoice_number_prefix=row.invoice_number_prefix,
    )
