"""All configuration, read once from the environment and an optional `.env`."""

from __future__ import annotations

import re
from datetime import time
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.regimen.calendar import parse_workdays

SLACK_API_URL = "https://slack.com/api/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SUPPORTED_DATABASES = "sqlite:///path/to/kyc.db or postgresql://user:password@host/db"


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line for the user."""


def parse_tier_cadence(value: str) -> dict[str, int]:
    """ "strategic=2, enterprise=4" -> {"strategic": 2, "enterprise": 4} (tiers case-folded)."""
    out: dict[str, int] = {}
    for part in value.split(","):
        if not part.strip():
            continue
        tier, sep, weeks = part.partition("=")
        if not sep or not tier.strip() or not weeks.strip().isdigit():
            raise ValueError(f"'{part.strip()}' is not tier=weeks (e.g. strategic=2)")
        n = int(weeks)
        if not 1 <= n <= 52:
            raise ValueError(f"'{part.strip()}': weeks must be 1 to 52")
        out[tier.strip().casefold()] = n
    return out


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./kyc.db"
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = SLACK_API_URL
    # Distribution (README "Many workspaces"): with a client id and secret, KYC serves
    # /slack/install and /slack/oauth_redirect and keeps each workspace's token, encrypted
    # with KYC_ENCRYPTION_KEYS, in its database; SLACK_BOT_TOKEN is then not used.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    kyc_encryption_keys: SecretStr | None = None  # Fernet keys, comma-separated, newest first
    kyc_token_refresh_minutes: int = Field(default=120, ge=1, le=720)  # rotate this early
    kyc_uninstall_grace_days: int = Field(default=30, ge=0, le=365)  # then the data is purged
    kyc_retention_days: int = Field(default=90, ge=1, le=3650)  # sent messages' contents

    kyc_weekly_quota: int = Field(default=5, ge=1, le=40)
    kyc_nudge_time: time = time(8, 30)
    kyc_workdays: Annotated[tuple[int, ...], NoDecode] = (0, 1, 2, 3, 4)
    kyc_default_timezone: str = "UTC"
    kyc_catchup_until: time = time(12, 0)
    kyc_overdue_escalation_days: int = Field(default=3, ge=1)
    kyc_story_reminder_days: int = Field(default=14, ge=1)
    kyc_meeting_prep_days: int = Field(default=3, ge=1, le=14)  # attendees prepared this early
    # A customer who declined ("not now") sits out of the rotation this many weeks.
    kyc_declined_comeback_weeks: int = Field(default=4, ge=1, le=52)
    kyc_stories_channel: str | None = None
    # Key customers (README "Key customers"): tiers whose customers are imported as key
    # ("strategic,enterprise"), how often a key customer comes round in the rotation (weeks),
    # per tier over that ("strategic=2,enterprise=4"), and how long after the recovery call a
    # complaint still counts against it (days).
    kyc_key_tiers: str = ""
    kyc_key_cadence_weeks: int = Field(default=4, ge=1, le=52)
    kyc_key_tier_cadence: str = ""
    kyc_recovery_window_days: int = Field(default=14, ge=1, le=180)
    # Picks one of several workspaces; by default the bot token's own (auth.test).
    kyc_workspace: str | None = None
    kyc_company: str | None = None  # signs openers and follow-up emails
    kyc_digest_channel: str | None = None  # weekly leadership digest; off when unset
    kyc_digest_day: Annotated[tuple[int, ...], NoDecode] = (0,)  # Monday
    kyc_digest_time: time = time(9, 0)  # in KYC_DEFAULT_TIMEZONE
    # Matchmaking (bot/regimen/matchmaking.py): each person of a team that does not face
    # customers is invited every N weeks, never to the same customer within the window; a
    # host takes at most so many guests a week.
    kyc_match_every_weeks: int = Field(default=4, ge=1, le=52)
    kyc_match_repeat_days: int = Field(default=180, ge=0, le=3650)
    kyc_match_host_weekly: int = Field(default=2, ge=1, le=20)
    kyc_public_url: str | None = None  # https://kyc.example.com: App Home shows chart images
    # Delivery (README "Reliability"): a worker beats every KYC_HEARTBEAT_SECONDS; one silent
    # for KYC_WORKER_STALE_SECONDS is taken to be dead and its messages go to another.
    kyc_heartbeat_seconds: float = Field(default=1.0, gt=0, le=60)
    kyc_worker_stale_seconds: float = Field(default=10.0, gt=0, le=600)
    kyc_channel_interval: float = Field(default=1.0, ge=0, le=60)  # posts per channel: 1 a second
    kyc_slack_timeout: float = Field(default=6.0, gt=0, le=60)  # seconds per Slack call
    kyc_sender_concurrency: int = Field(default=8, ge=1, le=64)
    # Operations (README "Operations"): what the log says and how, and where health is served.
    kyc_log_level: str = "INFO"
    kyc_log_format: Literal["text", "json"] = "text"
    # `kyc serve` listens here (else 3000 in HTTP mode; in Socket Mode only when it is set);
    # `kyc worker` serves /healthz, /readyz and /metrics here only when it is set.
    kyc_http_port: int | None = Field(default=None, ge=1, le=65535)
    # Socket Mode (bot/socket_mode.py): how long `kyc serve` tries to reach Slack at start, in
    # 5 tries with doubling waits, before it stops with one line saying what it could not reach.
    kyc_socket_mode_retry_seconds: float = Field(default=30.0, ge=0, le=600)

    @field_validator("kyc_workdays", "kyc_digest_day", mode="before")
    @classmethod
    def _workdays(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_workdays(value)
        return value

    @model_validator(mode="after")
    def _lease(self) -> Settings:
        # A post must end inside the lease: several beats may be missed before a worker is
        # taken for dead, and a call has to fit in what is left.
        if self.kyc_worker_stale_seconds < 3 * self.kyc_heartbeat_seconds:
            raise ValueError("KYC_WORKER_STALE_SECONDS must be at least 3 × KYC_HEARTBEAT_SECONDS")
        if self.kyc_worker_stale_seconds <= self.kyc_slack_timeout + self.kyc_heartbeat_seconds:
            raise ValueError(
                "KYC_WORKER_STALE_SECONDS must exceed KYC_SLACK_TIMEOUT + KYC_HEARTBEAT_SECONDS"
            )
        return self

    @model_validator(mode="after")
    def _oauth(self) -> Settings:
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            raise ValueError(
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together (App Credentials in the "
                "app's Basic Information)"
            )
        if self.oauth and self.kyc_encryption_keys is None:
            raise ValueError(
                "KYC_ENCRYPTION_KEYS is needed with SLACK_CLIENT_ID: installations' tokens are "
                "stored encrypted (`kyc keys new` makes a key)"
            )
        if self.kyc_encryption_keys is not None:
            from bot.tenancy.crypto import CipherError, TokenCipher

            try:
                TokenCipher.from_setting(self.kyc_encryption_keys.get_secret_value())
            except CipherError as exc:
                raise ValueError(str(exc)) from None
        return self

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_client_secret",
        "kyc_encryption_keys",
        mode="before",
    )
    @classmethod
    def _unfilled(cls, value: object) -> object:
        # `SLACK_BOT_TOKEN=` or .env.example's `xoxb-...` left as it was: not set yet.
        if isinstance(value, str) and (not value.strip() or value.strip().endswith("...")):
            return None
        return value

    @field_validator("kyc_log_level", mode="before")
    @classmethod
    def _log_level(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().upper()
            if value not in LOG_LEVELS:
                raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value

    @field_validator("kyc_log_format", mode="before")
    @classmethod
    def _log_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return check_database_url(value)

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("kyc_key_tier_cadence")
    @classmethod
    def _tier_cadence(cls, value: str) -> str:
        parse_tier_cadence(value)
        return value

    def key_tiers(self) -> frozenset[str]:
        """KYC_KEY_TIERS as case-folded tier names."""
        return frozenset(t.strip().casefold() for t in self.kyc_key_tiers.split(",") if t.strip())

    def cadence_of(self, tier: str | None) -> int:
        """Weeks between a key customer's turns: its tier's (KYC_KEY_TIER_CADENCE), else
        KYC_KEY_CADENCE_WEEKS."""
        per_tier = parse_tier_cadence(self.kyc_key_tier_cadence)
        return per_tier.get((tier or "").strip().casefold(), self.kyc_key_cadence_weeks)

    @field_validator("kyc_default_timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        from bot.regimen.calendar import zone

        zone(value)
        return value

    def __repr_args__(self) -> Any:
        # Tokens are SecretStr; the database password sits inside a plain URL.
        for name, value in super().__repr_args__():
            yield name, safe_url(value) if name == "database_url" else value

    @property
    def async_database_url(self) -> str:
        return to_async_url(self.database_url)

    @property
    def oauth(self) -> bool:
        """Installed through Slack's OAuth flow (many workspaces), not from SLACK_BOT_TOKEN."""
        return bool(self.slack_client_id and self.slack_client_secret)

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


def check_database_url(value: str) -> str:
    """The URL as given, if KYC can run on it; else ValueError saying what would work."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(to_async_url(value))
    except ArgumentError:
        raise ValueError(f"not a database URL: use {SUPPORTED_DATABASES}") from None
    if url.drivername not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        raise ValueError(
            f"{url.drivername} is not supported: KYC runs on SQLite or PostgreSQL "
            f"({SUPPORTED_DATABASES})"
        )
    return value


def safe_url(url: str) -> str:
    """A database URL fit to print: the password masked."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a URL)"


def _one_line(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        name = str(err["loc"][0]).upper() if err["loc"] else "setting"
        parts.append(f"{name}: {err['msg'].removeprefix('Value error, ')}")
    return "Invalid setting — " + "; ".join(parts)


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
