"""The `pactline` command, run as a user runs it: a subprocess with environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pactline.bootstrap import build_container
from pactline.config import Settings
from tests.support import ApiServer


def run(
    tmp_path: Path, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACTLINE_")}
    env["PACTLINE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    env.update(extra_env or {})
    return subprocess.run(  # noqa: S603 - fixed argv, our own program
        [sys.executable, "-m", "pactline", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    result = run(tmp_path, "version")
    assert (result.returncode, result.stdout) == (0, "0.1.0\n")


def test_openapi_prints_the_committed_document_as_make_openapi_runs_it(tmp_path: Path) -> None:
    result = run(tmp_path, "openapi", extra_env={"PACTLINE_DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode == 0, result.stderr
    committed = Path(__file__).parents[2] / "openapi.json"
    assert result.stdout == committed.read_text()


def test_keys_create_list_revoke_round_trip(tmp_path: Path) -> None:
    assert run(tmp_path, "db", "upgrade").returncode == 0
    created = run(tmp_path, "keys", "create", "--environment", "sandbox", "--kind", "server")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith("pls_")
    assert "in environment 'sandbox'" in created.stderr

    listed = run(tmp_path, "keys", "list").stdout.splitlines()
    assert len(listed) == 1
    key_id, environment, kind, prefix, state = listed[0].split("\t")[:5]
    assert (environment, kind, prefix, state) == ("sandbox", "server", f"{secret[:10]}…", "active")
    assert secret not in listed[0]

    container = build_container(
        Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", _env_file=None)
    )
    try:
        with ApiServer(container) as server:
            headers = {"X-API-KEY": secret}
            assert httpx.get(f"{server.url}/api/v1/environment", headers=headers).status_code == 200
            revoked = run(tmp_path, "keys", "revoke", key_id)
            assert revoked.stdout == f"revoked {key_id}\n"
            assert httpx.get(f"{server.url}/api/v1/environment", headers=headers).status_code == 401
    finally:
        container.close()


def test_client_keys_get_the_client_prefix(tmp_path: Path) -> None:
    created = run(tmp_path, "keys", "create", "--environment", "production", "--kind", "client")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("plc_")


def test_an_unknown_environment_is_a_clear_error(tmp_path: Path) -> None:
    result = run(tmp_path, "keys", "create", "--environment", "staging")
    assert result.returncode == 1
    assert "error [InvalidArgument]: environment: no environment 'staging'" in result.stderr


def test_demo_is_idempotent_and_prints_the_same_key(tmp_path: Path) -> None:
    first = run(tmp_path, "demo", "--key-file", "var/demo-key")
    second = run(tmp_path, "demo", "--key-file", "var/demo-key")
    assert first.returncode == second.returncode == 0
    assert first.stdout == second.stdout
    assert first.stdout.startswith("pls_")
    assert len(run(tmp_path, "keys", "list").stdout.splitlines()) == 1


def test_production_mode_refuses_the_default_secret(tmp_path: Path) -> None:
    result = run(tmp_path, "db", "upgrade", extra_env={"PACTLINE_MODE": "production"})
    assert result.returncode == 2
    assert "PACTLINE_SECRET_KEY must be set" in result.stderr


def test_production_mode_starts_with_a_real_secret(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "db",
        "upgrade",
        extra_env={"PACTLINE_MODE": "production", "PACTLINE_SECRET_KEY": "s" * 40},
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", [["serve", "--help"], ["worker", "--help"], ["--help"]])
def test_help_is_available_for_every_entrypoint(tmp_path: Path, command: list[str]) -> None:
    assert run(tmp_path, *command).returncode == 0
