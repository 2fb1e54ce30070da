"""Settings from environment variables (prefix PACTLINE_) or a `.env` file."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "insecure-development-secret-change-me"  # noqa: S105 - the refused default


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PACTLINE_", env_file=".env", extra="ignore")

    mode: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./var/pactline.db"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Signs customer-facing links and UI sessions; must be set to a long random value in production.
    secret_key: str = DEFAULT_SECRET_KEY
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Run the outbox relay inside `pactline serve` (the embedded, single-process mode).
    embedded_worker: bool = True
    worker_interval_seconds: float = Field(default=2.0, gt=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # How often the worker expires contracts and runs billing up to now (drafts only: every
    # invoice is held for review).
    billing_interval_seconds: float = Field(default=3600.0, gt=0)
    # How long a server keeps cached entitlements and usage. Its own changes show at once and
    # other processes' changes within the change-feed poll interval; the TTL only bounds what
    # the feed cannot tell (ADR 0007). 0 disables the cache.
    entitlement_cache_seconds: float = Field(default=300.0, ge=0)
    entitlement_change_poll_seconds: float = Field(default=0.5, gt=0)
    # How long the check endpoints trust an API key they authenticated (revocations show then).
    api_key_cache_seconds: float = Field(default=5.0, ge=0)
    entitlement_cache_max_customers: int = Field(default=20_000, ge=1)
    entitlement_cache_max_usage: int = Field(default=200_000, ge=1)

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> Settings:
        weak = self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32
        if self.mode == "production" and weak:
            raise ValueError(
                "PACTLINE_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production mode"
            )
        return self
