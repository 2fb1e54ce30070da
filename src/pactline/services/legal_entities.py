"""Legal entities: the companies that bill contracts, always inside the caller's environment."""

from __future__ import annotations

from dataclasses import dataclass

from pactline.domain.catalog import validate_id
from pactline.domain.errors import (
    DuplicatedEntityNotAllowed,
    EntityNotFound,
    FieldProblem,
    InvalidArgument,
)
from pactline.domain.ids import new_id
from pactline.domain.legal_entities import (
    DEFAULT_INVOICE_PREFIX,
    BankTransfer,
    LegalEntity,
    legal_entity_problems,
)
from pactline.domain.pagination import Page, PageRequest
from pactline.domain.tenancy import Principal
from pactline.services.events import record_event
from pactline.services.ports import Clock, UnitOfWorkFactory

ENTITY = "LegalEntity"


@dataclass(frozen=True)
class NewLegalEntity:
    name: str
    country: str
    id: str | None = None  # None: pactline names it
    address_lines: tuple[str, ...] = ()
    bank_transfer: BankTransfer | None = None
    airwallex_account_id: str | None = None
    invoice_number_prefix: str = DEFAULT_INVOICE_PREFIX


class LegalEntityService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def create(self, caller: Principal, new: NewLegalEntity) -> LegalEntity:
        now = self._clock.now()
        entity = LegalEntity(
            id=new.id or new_id("le", now),
            environment_id=caller.environment_id,
            name=new.name,
            country=new.country.upper(),
            address_lines=new.address_lines,
            created_at=now,
            updated_at=now,
            bank_transfer=new.bank_transfer,
            airwallex_account_id=new.airwallex_account_id,
            invoice_number_prefix=new.invoice_number_prefix,
        )
        problems = legal_entity_problems(entity)
        if new.id is not None:
            problems = validate_id(new.id) + problems
            if "/" in new.id:
                problems.append(FieldProblem("id", "must not contain '/'", "invalid"))
        if problems:
            raise InvalidArgument(problems)
        with self._uow() as uow:
            if uow.legal_entities.get(caller.environment_id, entity.id) is not None:
                raise DuplicatedEntityNotAllowed(ENTITY, entity.id)
            uow.legal_entities.add(entity)
            record_event(
                uow,
                caller.environment_id,
                "legal_entity.created",
                {"id": entity.id, "hasPaymentAccount": entity.has_payment_account},
                now,
            )
            uow.commit()
        return entity

    def get(self, caller: Principal, entity_id: str) -> LegalEntity:
        with self._uow() as uow:
            entity = uow.legal_entities.get(caller.environment_id, entity_id)
        if entity is None:
            raise EntityNotFound(ENTITY, entity_id)
        return entity

    def list_entities(self, caller: Principal, page: PageRequest) -> Page[LegalEntity]:
        with self._uow() as uow:
            return uow.legal_entities.list(caller.environment_id, page)


__all__ = ["LegalEntityService", "NewLegalEntity"]
