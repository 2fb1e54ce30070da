"""`pactline billing run --as-of T`, run as a user runs it."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_commands import run


def test_a_billing_run_reports_each_environment_and_refuses_a_bad_instant(
    tmp_path: Path,
) -> None:
    assert run(tmp_path, "keys", "create").returncode == 0

    done = run(tmp_path, "billing", "run", "--as-of", "2026-02-01T00:00:00Z")
    refused = run(tmp_path, "billing", "run", "--as-of", "February")

    assert done.returncode == 0, done.stderr
    # No saved contract reaches billing yet, so nothing is drafted.
    assert done.stdout.splitlines() == [
        f"{slug}: 0 contracts, 0 drafted, 0 refreshed, 0 corrected, 0 superseded, 0 failed"
        for slug in ("production", "sandbox")
    ]
    assert refused.returncode == 2
    assert "is not an ISO 8601 date or date-time" in refused.stderr
