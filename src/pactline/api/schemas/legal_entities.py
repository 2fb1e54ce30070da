"""Legal entities (the companies that bill contracts) as JSON."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from pactline.api.envelope import CamelModel, OutModel
from pactline.domain.legal_entities import DEFAULT_INVOICE_PREFIX, BankTransfer, LegalEntity
from pactline.services.legal_entities import NewLegalEntity


class BankTransferIn(CamelModel):
    account_holder: str
    bank_name: str | None = None
    iban: str | None = None
    bic: str | None = None
    account_number: str | None = None
    routing_number: str | None = None

    def to_domain(self) -> BankTransfer:
        return BankTransfer(
            account_holder=self.account_holder,
            bank_name=self.bank_name,
            iban=None if self.iban is None else self.iban.replace(" ", "").upper(),
            bic=None if self.bic is None else self.bic.upper(),
            account_number=self.account_number,
            routing_number=self.routing_number,
        )


class LegalEntityCreate(CamelModel):
    id: str | None = Field(None, description="Your id; default generated")
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2, such as DE")
    address: list[str] = Field(default_factory=list, description="Address lines, in order")
    bank_transfer: BankTransferIn | None = None
    airwallex_account_id: str | None = None
    invoice_number_prefix: str = DEFAULT_INVOICE_PREFIX

    def to_domain(self) -> NewLegalEntity:
        return NewLegalEntity(
            id=self.id,
            name=self.name,
            country=self.country,
            address_lines=tuple(self.address),
            bank_transfer=None if self.bank_transfer is None else self.bank_transfer.to_domain(),
            airwallex_account_id=self.airwallex_account_id,
            invoice_number_prefix=self.invoice_number_prefix,
        )


class BankTransferOut(OutModel):
    account_holder: str
    bank_name: str | None
    iban: str | None
    bic: str | None
    account_number: str | None
    routing_number: str | None


class LegalEntityOut(OutModel):
    id: str
    name: str
    country: str
    address: list[str]
    bank_transfer: BankTransferOut | None
    airwallex_account_id: str | None
    has_payment_account: bool
    invoice_number_prefix: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, entity: LegalEntity) -> LegalEntityOut:
        bank = entity.bank_transfer
        return cls(
            id=entity.id,
            name=entity.name,
            country=entity.country,
            address=list(entity.address_lines),
            bank_transfer=None
            if bank is None
            else BankTransferOut(
                account_holder=bank.account_holder,
                bank_name=bank.bank_name,
                iban=bank.iban,
                bic=bank.bic,
                account_number=bank.account_number,
                routing_number=bank.routing_number,
            ),
            airwallex_account_id=entity.airwallex_account_id,
            has_payment_account=entity.has_payment_account,
            invoice_number_prefix=entity.invoice_number_prefix,
            created_at=entity.created_at,
            updated_at=entity.updated_at,
        )
