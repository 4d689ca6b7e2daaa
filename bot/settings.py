"""All configuration, read once from the environment and an optional `.env`."""

from __future__ import annotations

import re
from datetime import time
from functools import lru_cache
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.regimen.calendar import parse_workdays

SLACK_API_URL = "https://slack.com/api/"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line for the user."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./kyc.db"
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = SLACK_API_URL

    kyc_weekly_quota: int = Field(default=5, ge=1, le=40)
    kyc_nudge_time: time = time(8, 30)
    kyc_workdays: Annotated[tuple[int, ...], NoDecode] = (0, 1, 2, 3, 4)
    kyc_default_timezone: str = "UTC"
    kyc_catchup_until: time = time(12, 0)
    kyc_overdue_escalation_days: int = Field(default=3, ge=1)
    kyc_story_reminder_days: int = Field(default=14, ge=1)
    kyc_stories_channel: str | None = None
    # Picks one of several workspaces; by default the bot token's own (auth.test).
    kyc_workspace: str | None = None
    kyc_company: str | None = None  # signs openers and follow-up emails
    kyc_digest_channel: str | None = None  # weekly leadership digest; off when unset
    kyc_digest_day: Annotated[tuple[int, ...], NoDecode] = (0,)  # Monday
    kyc_digest_time: time = time(9, 0)  # in KYC_DEFAULT_TIMEZONE
    kyc_public_url: str | None = None  # https://kyc.example.com: App Home shows chart images
    kyc_claim_seconds: int = Field(default=120, ge=1)  # a dead worker's claim is taken over after
    kyc_sender_concurrency: int = Field(default=8, ge=1, le=64)

    @field_validator("kyc_workdays", "kyc_digest_day", mode="before")
    @classmethod
    def _workdays(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_workdays(value)
        return value

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", mode="before")
    @classmethod
    def _unfilled(cls, value: object) -> object:
        # `SLACK_BOT_TOKEN=` or .env.example's `xoxb-...` left as it was: not set yet.
        if isinstance(value, str) and (not value.strip() or value.strip().endswith("...")):
            return None
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("kyc_default_timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        from bot.regimen.calendar import zone

        zone(value)
        return value

    @property
    def async_database_url(self) -> str:
        return to_async_url(self.database_url)

    @property
    def has_slack_tokens(self) -> bool:
        return self.slack_bot_token is not None and self.slack_signing_secret is not None


def to_async_url(url: str) -> str:
    """Accept the URLs people paste (postgresql://, sqlite:///) and pick the async driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


def _one_line(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        name = str(err["loc"][0]).upper() if err["loc"] else "setting"
        parts.append(f"{name}: {err['msg']}")
    return "Invalid setting — " + "; ".join(parts)


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
