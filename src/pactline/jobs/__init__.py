"""Background jobs: idempotent, safe to run from several processes, driven by the clock."""
