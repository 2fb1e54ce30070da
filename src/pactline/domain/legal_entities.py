"""Legal entities: the companies that issue invoices, and how their customers pay them.

A contract names the legal entity that bills it. Before a contract may go live its legal entity
must have a payment account, so every invoice it produces can tell the customer where to pay:
bank-transfer details, an Airwallex account, or both. Invoice numbers are sequential per legal
entity and start with its prefix (numbering itself belongs to invoicing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from pactline.domain.errors import FieldProblem

MAX_NAME_LENGTH = 200
MAX_ADDRESS_LINES = 6
MAX_ADDRESS_LINE_LENGTH = 200
MAX_PREFIX_LENGTH = 20
DEFAULT_INVOICE_PREFIX = "INV-"

_COUNTRY = re.compile(r"[A-Z]{2}")
# What may precede the number on an invoice: letters, digits and a few separators.
_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
_ACCOUNT_NUMBER = re.compile(r"[0-9A-Za-z -]{4,34}")
_AIRWALLEX_ID = re.compile(r"[A-Za-z0-9_-]{4,64}")


@dataclass(frozen=True)
class BankTransfer:
    """Where a customer sends a bank transfer. An IBAN, or a local account number (with its
    routing or sort code where the country needs one)."""

    account_holder: str
    bank_name: str | None = None
    iban: str | None = None
    bic: str | None = None
    account_number: str | None = None
    routing_number: str | None = None


@dataclass(frozen=True)
class LegalEntity:
    id: str
    environment_id: str
    name: str
    country: str  # ISO 3166-1 alpha-2, upper case
    address_lines: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    bank_transfer: BankTransfer | None = None
    airwallex_account_id: str | None = None
    invoice_number_prefix: str = DEFAULT_INVOICE_PREFIX

    @property
    def has_payment_account(self) -> bool:
        """Whether invoices from this entity can say where to pay."""
        return self.bank_transfer is not None or self.airwallex_account_id is not None


def legal_entity_problems(entity: LegalEntity) -> list[FieldProblem]:
    """Every problem of a legal entity's fields, named by their API field."""
    problems: list[FieldProblem] = []
    if not entity.name.strip():
        problems.append(FieldProblem("name", "must not be blank", "required"))
    elif len(entity.name) > MAX_NAME_LENGTH:
        problems.append(
            FieldProblem("name", f"must be at most {MAX_NAME_LENGTH} characters", "too_long")
        )
    if not _COUNTRY.fullmatch(entity.country):
        problems.append(
            FieldProblem("country", "must be an ISO 3166-1 alpha-2 code such as DE", "invalid")
        )
    if len(entity.address_lines) > MAX_ADDRESS_LINES:
        problems.append(
            FieldProblem("address", f"must have at most {MAX_ADDRESS_LINES} lines", "too_long")
        )
    for index, line in enumerate(entity.address_lines):
        if not line.strip() or len(line) > MAX_ADDRESS_LINE_LENGTH:
            message = f"must be 1 to {MAX_ADDRESS_LINE_LENGTH} characters, not blank"
            problems.append(FieldProblem(f"address[{index}]", message, "invalid"))
    prefix = entity.invoice_number_prefix
    if len(prefix) > MAX_PREFIX_LENGTH or not _PREFIX.fullmatch(prefix):
        message = (
            f"must be 1 to {MAX_PREFIX_LENGTH} letters, digits or . _ / - "
            "and start with a letter or digit"
        )
        problems.append(FieldProblem("invoiceNumberPrefix", message, "invalid"))
    if entity.bank_transfer is not None:
        problems += bank_transfer_problems(entity.bank_transfer)
    airwallex = entity.airwallex_account_id
    if airwallex is not None and not _AIRWALLEX_ID.fullmatch(airwallex):
        problems.append(
            FieldProblem("airwallexAccountId", "must be 4 to 64 letters, digits, _ or -", "invalid")
        )
    return problems


def bank_transfer_problems(bank: BankTransfer, path: str = "bankTransfer") -> list[FieldProblem]:
    """A transfer needs a holder and either an IBAN or an account number."""
    problems: list[FieldProblem] = []
    if not bank.account_holder.strip():
        problems.append(FieldProblem(f"{path}.accountHolder", "must not be blank", "required"))
    if bank.iban is None and bank.account_number is None:
        problems.append(
            FieldProblem(f"{path}.iban", "give an IBAN or an accountNumber", "required")
        )
    if bank.iban is not None and not _IBAN.fullmatch(bank.iban):
        problems.append(
            FieldProblem(f"{path}.iban", "must be an IBAN in capitals without spaces", "invalid")
        )
    if bank.bic is not None and not _BIC.fullmatch(bank.bic):
        problems.append(FieldProblem(f"{path}.bic", "must be an 8 or 11 character BIC", "invalid"))
    if bank.account_number is not None and not _ACCOUNT_NUMBER.fullmatch(bank.account_number):
        problems.append(
            FieldProblem(f"{path}.accountNumber", "must be 4 to 34 letters or digits", "invalid")
        )
    return problems
