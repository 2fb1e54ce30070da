"""The entitlement change feed: what other processes must forget."""

__all__: list[str] = []
