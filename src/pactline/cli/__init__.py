"""The `pactline` command line: one module per noun; commands call services, never SQL."""
