"""Use cases. Each public method opens one unit of work and commits it at most once."""
