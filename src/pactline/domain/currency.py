"""ISO 4217 currencies and their minor-unit exponents, as a dated table.

The table is ISO 4217 list one as of `TABLE_AS_OF`, less the codes that have no minor unit
(precious metals XAU XAG XPT XPD, the IMF and bond-market units XDR XBA-XBD, XSU, XUA, and the
testing codes XTS XXX): an amount in those cannot be rounded to a charge, so they cannot be billed.

Codes that were replaced stay in the table with the half-open window `[valid_from, valid_until)`
in which they were legal tender, so amounts dated inside it (old invoices, backdated corrections)
still resolve. Successors carry the day they started. A code with no window is valid on any date.
The domain never reads the clock, so "currently active" means active on `TABLE_AS_OF`; callers that
know the date an amount refers to pass it as `on`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pactline.domain.errors import FieldProblem, InvalidArgument

TABLE_AS_OF = date(2026, 1, 1)

_CODE = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    minor_units: int
    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not _CODE.fullmatch(self.code):
            raise ValueError(f"currency code must be three upper-case letters, not {self.code!r}")
        if isinstance(self.minor_units, bool) or not isinstance(self.minor_units, int):
            raise TypeError("minor_units must be an int")
        if self.minor_units < 0:
            raise ValueError("minor_units must not be negative")

    def __str__(self) -> str:
        return self.code


class UnknownCurrency(InvalidArgument):
    """A currency code that is not in the table, or not valid on the date asked about."""

    def __init__(self, code: str, reason: str) -> None:
        self.currency_code = code
        super().__init__([FieldProblem("currency", f"{code!r} {reason}", "unknown_currency")])


_TABLE: tuple[tuple[str, int, str], ...] = (
    ("AED", 2, "UAE Dirham"),
    ("AFN", 2, "Afghani"),
    ("ALL", 2, "Lek"),
    ("AMD", 2, "Armenian Dram"),
    ("ANG", 2, "Netherlands Antillean Guilder"),
    ("AOA", 2, "Kwanza"),
    ("ARS", 2, "Argentine Peso"),
    ("AUD", 2, "Australian Dollar"),
    ("AWG", 2, "Aruban Florin"),
    ("AZN", 2, "Azerbaijan Manat"),
    ("BAM", 2, "Convertible Mark"),
    ("BBD", 2, "Barbados Dollar"),
    ("BDT", 2, "Taka"),
    ("BGN", 2, "Bulgarian Lev"),
    ("BHD", 3, "Bahraini Dinar"),
    ("BIF", 0, "Burundi Franc"),
    ("BMD", 2, "Bermudian Dollar"),
    ("BND", 2, "Brunei Dollar"),
    ("BOB", 2, "Boliviano"),
    ("BOV", 2, "Mvdol"),
    ("BRL", 2, "Brazilian Real"),
    ("BSD", 2, "Bahamian Dollar"),
    ("BTN", 2, "Ngultrum"),
    ("BWP", 2, "Pula"),
    ("BYN", 2, "Belarusian Ruble"),
    ("BYR", 0, "Belarusian Ruble (old)"),
    ("BZD", 2, "Belize Dollar"),
    ("CAD", 2, "Canadian Dollar"),
    ("CDF", 2, "Congolese Franc"),
    ("CHE", 2, "WIR Euro"),
    ("CHF", 2, "Swiss Franc"),
    ("CHW", 2, "WIR Franc"),
    ("CLF", 4, "Unidad de Fomento"),
    ("CLP", 0, "Chilean Peso"),
    ("CNY", 2, "Yuan Renminbi"),
    ("COP", 2, "Colombian Peso"),
    ("COU", 2, "Unidad de Valor Real"),
    ("CRC", 2, "Costa Rican Colon"),
    ("CUC", 2, "Peso Convertible"),
    ("CUP", 2, "Cuban Peso"),
    ("CVE", 2, "Cabo Verde Escudo"),
    ("CZK", 2, "Czech Koruna"),
    ("DJF", 0, "Djibouti Franc"),
    ("DKK", 2, "Danish Krone"),
    ("DOP", 2, "Dominican Peso"),
    ("DZD", 2, "Algerian Dinar"),
    ("EGP", 2, "Egyptian Pound"),
    ("ERN", 2, "Nakfa"),
    ("ETB", 2, "Ethiopian Birr"),
    ("EUR", 2, "Euro"),
    ("FJD", 2, "Fiji Dollar"),
    ("FKP", 2, "Falkland Islands Pound"),
    ("GBP", 2, "Pound Sterling"),
    ("GEL", 2, "Lari"),
    ("GHS", 2, "Ghana Cedi"),
    ("GIP", 2, "Gibraltar Pound"),
    ("GMD", 2, "Dalasi"),
    ("GNF", 0, "Guinean Franc"),
    ("GTQ", 2, "Quetzal"),
    ("GYD", 2, "Guyana Dollar"),
    ("HKD", 2, "Hong Kong Dollar"),
    ("HNL", 2, "Lempira"),
    ("HRK", 2, "Kuna"),
    ("HTG", 2, "Gourde"),
    ("HUF", 2, "Forint"),
    ("IDR", 2, "Rupiah"),
    ("ILS", 2, "New Israeli Sheqel"),
    ("INR", 2, "Indian Rupee"),
    ("IQD", 3, "Iraqi Dinar"),
    ("IRR", 2, "Iranian Rial"),
    ("ISK", 0, "Iceland Krona"),
    ("JMD", 2, "Jamaican Dollar"),
    ("JOD", 3, "Jordanian Dinar"),
    ("JPY", 0, "Yen"),
    ("KES", 2, "Kenyan Shilling"),
    ("KGS", 2, "Som"),
    ("KHR", 2, "Riel"),
    ("KMF", 0, "Comorian Franc"),
    ("KPW", 2, "North Korean Won"),
    ("KRW", 0, "Won"),
    ("KWD", 3, "Kuwaiti Dinar"),
    ("KYD", 2, "Cayman Islands Dollar"),
    ("KZT", 2, "Tenge"),
    ("LAK", 2, "Lao Kip"),
    ("LBP", 2, "Lebanese Pound"),
    ("LKR", 2, "Sri Lanka Rupee"),
    ("LRD", 2, "Liberian Dollar"),
    ("LSL", 2, "Loti"),
    ("LYD", 3, "Libyan Dinar"),
    ("MAD", 2, "Moroccan Dirham"),
    ("MDL", 2, "Moldovan Leu"),
    ("MGA", 2, "Malagasy Ariary"),
    ("MKD", 2, "Denar"),
    ("MMK", 2, "Kyat"),
    ("MNT", 2, "Tugrik"),
    ("MOP", 2, "Pataca"),
    ("MRO", 2, "Ouguiya (old)"),
    ("MRU", 2, "Ouguiya"),
    ("MUR", 2, "Mauritius Rupee"),
    ("MVR", 2, "Rufiyaa"),
    ("MWK", 2, "Malawi Kwacha"),
    ("MXN", 2, "Mexican Peso"),
    ("MXV", 2, "Mexican Unidad de Inversion (UDI)"),
    ("MYR", 2, "Malaysian Ringgit"),
    ("MZN", 2, "Mozambique Metical"),
    ("NAD", 2, "Namibia Dollar"),
    ("NGN", 2, "Naira"),
    ("NIO", 2, "Cordoba Oro"),
    ("NOK", 2, "Norwegian Krone"),
    ("NPR", 2, "Nepalese Rupee"),
    ("NZD", 2, "New Zealand Dollar"),
    ("OMR", 3, "Rial Omani"),
    ("PAB", 2, "Balboa"),
    ("PEN", 2, "Sol"),
    ("PGK", 2, "Kina"),
    ("PHP", 2, "Philippine Peso"),
    ("PKR", 2, "Pakistan Rupee"),
    ("PLN", 2, "Zloty"),
    ("PYG", 0, "Guarani"),
    ("QAR", 2, "Qatari Rial"),
    ("RON", 2, "Romanian Leu"),
    ("RSD", 2, "Serbian Dinar"),
    ("RUB", 2, "Russian Ruble"),
    ("RWF", 0, "Rwanda Franc"),
    ("SAR", 2, "Saudi Riyal"),
    ("SBD", 2, "Solomon Islands Dollar"),
    ("SCR", 2, "Seychelles Rupee"),
    ("SDG", 2, "Sudanese Pound"),
    ("SEK", 2, "Swedish Krona"),
    ("SGD", 2, "Singapore Dollar"),
    ("SHP", 2, "Saint Helena Pound"),
    ("SLE", 2, "Leone"),
    ("SLL", 2, "Leone (old)"),
    ("SOS", 2, "Somali Shilling"),
    ("SRD", 2, "Surinam Dollar"),
    ("SSP", 2, "South Sudanese Pound"),
    ("STD", 2, "Dobra (old)"),
    ("STN", 2, "Dobra"),
    ("SVC", 2, "El Salvador Colon"),
    ("SYP", 2, "Syrian Pound"),
    ("SZL", 2, "Lilangeni"),
    ("THB", 2, "Baht"),
    ("TJS", 2, "Somoni"),
    ("TMT", 2, "Turkmenistan New Manat"),
    ("TND", 3, "Tunisian Dinar"),
    ("TOP", 2, "Pa'anga"),
    ("TRY", 2, "Turkish Lira"),
    ("TTD", 2, "Trinidad and Tobago Dollar"),
    ("TWD", 2, "New Taiwan Dollar"),
    ("TZS", 2, "Tanzanian Shilling"),
    ("UAH", 2, "Hryvnia"),
    ("UGX", 0, "Uganda Shilling"),
    ("USD", 2, "US Dollar"),
    ("USN", 2, "US Dollar (Next day)"),
    ("UYI", 0, "Uruguay Peso en Unidades Indexadas (UI)"),
    ("UYU", 2, "Peso Uruguayo"),
    ("UYW", 4, "Unidad Previsional"),
    ("UZS", 2, "Uzbekistan Sum"),
    ("VED", 2, "Bolivar Soberano (digital)"),
    ("VEF", 2, "Bolivar (old)"),
    ("VES", 2, "Bolivar Soberano"),
    ("VND", 0, "Dong"),
    ("VUV", 0, "Vatu"),
    ("WST", 2, "Tala"),
    ("XAF", 0, "CFA Franc BEAC"),
    ("XCD", 2, "East Caribbean Dollar"),
    ("XCG", 2, "Caribbean Guilder"),
    ("XOF", 0, "CFA Franc BCEAO"),
    ("XPF", 0, "CFP Franc"),
    ("YER", 2, "Yemeni Rial"),
    ("ZAR", 2, "Rand"),
    ("ZMW", 2, "Zambian Kwacha"),
    ("ZWG", 2, "Zimbabwe Gold"),
    ("ZWL", 2, "Zimbabwe Dollar"),
)

# (valid_from, valid_until): from is inclusive, until exclusive. Old codes end when they stopped
# being legal tender (euro adoptions: on the changeover day, as no dual pricing is billed).
_VALIDITY: dict[str, tuple[date | None, date | None]] = {
    "BYR": (None, date(2017, 1, 1)),  # BYN redenomination 2016-07-01, then dual circulation
    "BYN": (date(2016, 7, 1), None),
    "MRO": (None, date(2018, 1, 1)),
    "MRU": (date(2018, 1, 1), None),
    "STD": (None, date(2018, 1, 1)),
    "STN": (date(2018, 1, 1), None),
    "VEF": (None, date(2018, 8, 20)),
    "VES": (date(2018, 8, 20), None),
    "VED": (date(2021, 10, 1), None),
    "CUC": (None, date(2021, 7, 1)),  # Cuba's monetary unification; CUC accepted to mid-2021
    "SLE": (date(2022, 7, 1), None),
    "SLL": (None, date(2024, 1, 1)),  # old leones stopped being legal tender after 2023
    "HRK": (None, date(2023, 1, 1)),  # Croatia adopted the euro
    "ZWG": (date(2024, 4, 5), None),
    "ZWL": (None, date(2024, 9, 1)),
    "XCG": (date(2025, 3, 31), None),
    "ANG": (None, date(2025, 7, 1)),  # cash payments in ANG allowed until 2025-06-30
    "BGN": (None, date(2026, 1, 1)),  # Bulgaria adopted the euro
}

_BY_CODE: dict[str, Currency] = {code: Currency(code, exp, name) for code, exp, name in _TABLE}


def _is_valid(code: str, on: date) -> bool:
    valid_from, valid_until = _VALIDITY.get(code, (None, None))
    return (valid_from is None or valid_from <= on) and (valid_until is None or on < valid_until)


def currency(code: str, on: date | None = None) -> Currency:
    """The currency for an ISO 4217 alpha code (any case), valid on `on` (default: `TABLE_AS_OF`).

    Raises `UnknownCurrency` for codes outside the table and for codes not valid on that date.
    """
    # isascii first: str.upper() maps some non-ASCII letters onto A-Z (e.g. dotless i → I).
    normalized = code.upper() if isinstance(code, str) and code.isascii() else None
    found = _BY_CODE.get(normalized) if normalized is not None else None
    if found is None:
        raise UnknownCurrency(str(code), "is not an ISO 4217 currency code")
    when = TABLE_AS_OF if on is None else on
    if not _is_valid(found.code, when):
        valid_from, valid_until = _VALIDITY[found.code]
        window = " ".join(
            part
            for part in (
                f"from {valid_from}" if valid_from else "",
                f"before {valid_until}" if valid_until else "",
            )
            if part
        )
        asked = f"is not valid on {when}" if on is not None else "is not an active currency"
        raise UnknownCurrency(found.code, f"{asked} (valid {window})")
    return found


def active_currencies(on: date | None = None) -> tuple[Currency, ...]:
    """Every currency valid on `on` (default: `TABLE_AS_OF`), ordered by code."""
    when = TABLE_AS_OF if on is None else on
    return tuple(c for code, c in sorted(_BY_CODE.items()) if _is_valid(code, when))
