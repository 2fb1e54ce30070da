"""Settings: production refuses the development secret."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from pactline.config import DEFAULT_SECRET_KEY, Settings

STRONG_SECRET = "k" * 40


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No stray `.env` file or PACTLINE_* variable may decide these tests."""
    for name in list(os.environ):
        if name.upper().startswith("PACTLINE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_production_with_the_default_secret_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(mode="production")

    assert "PACTLINE_SECRET_KEY" in str(raised.value)


def test_production_with_a_short_secret_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(mode="production", secret_key="k" * 31)

    assert "PACTLINE_SECRET_KEY" in str(raised.value)


def test_production_with_a_40_character_secret_is_accepted() -> None:
    settings = Settings(mode="production", secret_key=STRONG_SECRET)

    assert settings.mode == "production"
    assert settings.secret_key == STRONG_SECRET


def test_production_with_a_32_character_secret_is_accepted() -> None:
    assert Settings(mode="production", secret_key="k" * 32).secret_key == "k" * 32


def test_development_mode_accepts_the_default_secret() -> None:
    settings = Settings(mode="development")

    assert settings.secret_key == DEFAULT_SECRET_KEY


def test_development_is_the_default_mode() -> None:
    assert Settings().mode == "development"


def test_production_secret_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACTLINE_MODE", "production")
    monkeypatch.setenv("PACTLINE_SECRET_KEY", STRONG_SECRET)

    settings = Settings()

    assert settings.mode == "production"
    assert settings.secret_key == STRONG_SECRET


def test_production_mode_from_a_dotenv_file_still_refuses_the_default_secret(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env").write_text("PACTLINE_MODE=production\n")

    with pytest.raises(ValidationError) as raised:
        Settings()

    assert "PACTLINE_SECRET_KEY" in str(raised.value)
