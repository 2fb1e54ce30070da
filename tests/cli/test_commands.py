"""The `pactline` command, run as a user runs it: a subprocess with environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from pactline.bootstrap import Container, build_container
from pactline.config import Settings
from pactline.domain.catalog import FeatureType
from pactline.services.catalog import NewFeature
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


def test_demo_loads_the_sales_led_deal_into_an_empty_sandbox_once(tmp_path: Path) -> None:
    first = run(tmp_path, "demo", "--key-file", "var/demo-key")
    second = run(tmp_path, "demo", "--key-file", "var/demo-key")
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert "loaded the demo deal (customer acme)" in first.stderr
    assert "loaded the demo deal" not in second.stderr
    headers = {"X-API-KEY": first.stdout.strip()}
    with _served(tmp_path) as url:
        check = httpx.get(
            f"{url}/api/v1/customers/acme/entitlements/check",
            params={"featureId": "api-calls"},
            headers=headers,
        ).json()["data"]
        customers = httpx.get(f"{url}/api/v1/customers", headers=headers).json()["data"]
        contract = httpx.get(f"{url}/api/v1/contracts/acme-contract", headers=headers).json()
        invoices = httpx.get(f"{url}/api/v1/invoices", headers=headers).json()["data"]
        order = httpx.get(f"{url}/api/v1/orders/acme-order-1", headers=headers).json()["data"]
    assert (check["isGranted"], check["currentUsage"], check["usageLimit"]) == (True, 3200, 12000)
    assert [c["id"] for c in customers] == ["acme"]
    terms = contract["data"]
    start = date.fromisoformat(terms["startDate"])
    assert (terms["status"], start.day) == ("ACTIVE", 1)
    assert date.fromisoformat(terms["endDate"]) == date(start.year + 1, start.month, 1) - timedelta(
        days=1
    )
    # The first month, in advance: platform 1,000.00 + 10 seats × 50.00, held for review.
    assert [(i["status"], i["issueDate"], i["total"]) for i in invoices] == [
        ("DRAFT", terms["startDate"], "1500.00")
    ]
    assert (order["status"], order["value"]["committed"]) == ("FULFILLED", "24000.00")


def test_demo_leaves_a_sandbox_with_its_own_catalog_alone(tmp_path: Path) -> None:
    secret = _sandbox_key(tmp_path)
    with _container(tmp_path) as container:
        caller = container.tenancy.authenticate(secret)
        container.catalog.create_product(caller, "mine", "Mine")
    result = run(tmp_path, "demo", "--key-file", "var/demo-key")
    assert (result.returncode, result.stderr) == (0, "")
    with _served(tmp_path) as url:
        customers = httpx.get(f"{url}/api/v1/customers", headers={"X-API-KEY": secret})
    assert customers.json()["data"] == []


def test_demo_names_the_step_that_failed(tmp_path: Path) -> None:
    secret = _sandbox_key(tmp_path)
    with _container(tmp_path) as container:
        caller = container.tenancy.authenticate(secret)
        container.catalog.create_feature(
            caller,
            NewFeature(id="api-calls", display_name="Mine", feature_type=FeatureType.BOOLEAN),
        )
    result = run(tmp_path, "demo", "--key-file", "var/demo-key")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: the demo deal did not load: the API-calls feature answered 409: "
    )
    assert '"code":"DuplicatedEntityNotAllowed"' in result.stderr
    with _served(tmp_path) as url:
        products = httpx.get(f"{url}/api/v1/products", headers={"X-API-KEY": secret})
    assert products.json()["data"] == []


def _sandbox_key(tmp_path: Path) -> str:
    """A sandbox server key in the demo's key file, as `pactline demo` would keep it."""
    created = run(tmp_path, "keys", "create", "--environment", "sandbox", "--kind", "server")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip()
    (tmp_path / "var").mkdir(exist_ok=True)
    (tmp_path / "var" / "demo-key").write_text(secret + "\n")
    return secret


@contextmanager
def _container(tmp_path: Path) -> Iterator[Container]:
    container = build_container(
        Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}", _env_file=None)
    )
    try:
        yield container
    finally:
        container.close()


@contextmanager
def _served(tmp_path: Path) -> Iterator[str]:
    with _container(tmp_path) as container, ApiServer(container) as server:
        yield server.url


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
