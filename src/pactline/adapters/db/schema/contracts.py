"""Legal entities, contracts, their amendment history and orders."""

__all__: list[str] = []
