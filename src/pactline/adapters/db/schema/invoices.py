"""Invoices, their lines, numbering, payments and credit notes."""

__all__: list[str] = []
