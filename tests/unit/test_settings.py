"""Settings: defaults, environment overrides, and one clear line when something is wrong."""

from __future__ import annotations

from datetime import time

import pytest

from bot.settings import SettingsError, load_settings, to_async_url


def test_defaults_are_the_regimen_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "KYC_WEEKLY_QUOTA", "KYC_NUDGE_TIME", "KYC_WORKDAYS"):
        monkeypatch.delenv(name, raising=False)
    s = load_settings(_env_file=None)
    assert s.kyc_weekly_quota == 5
    assert s.kyc_nudge_time == time(8, 30)
    assert s.kyc_workdays == (0, 1, 2, 3, 4)
    assert s.async_database_url == "sqlite+aiosqlite:///./kyc.db"
    assert not s.has_slack_tokens


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KYC_WORKDAYS", "sun-thu")
    monkeypatch.setenv("KYC_NUDGE_TIME", "07:45")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    s = load_settings(_env_file=None)
    assert s.kyc_workdays == (0, 1, 2, 3, 6)
    assert s.kyc_nudge_time == time(7, 45)
    assert s.slack_api_url == "http://127.0.0.1:9999/api/"


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("KYC_WEEKLY_QUOTA", "many", "KYC_WEEKLY_QUOTA"),
        ("KYC_WEEKLY_QUOTA", "0", "KYC_WEEKLY_QUOTA"),
        ("KYC_NUDGE_TIME", "25:00", "KYC_NUDGE_TIME"),
        ("KYC_WORKDAYS", "funday", "KYC_WORKDAYS"),
        ("KYC_DEFAULT_TIMEZONE", "Mars/Base", "KYC_DEFAULT_TIMEZONE"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL"),
        ("KYC_LOG_LEVEL", "loud", "KYC_LOG_LEVEL"),
        ("KYC_LOG_FORMAT", "xml", "KYC_LOG_FORMAT"),
        ("KYC_HTTP_PORT", "70000", "KYC_HTTP_PORT"),
        ("KYC_SOCKET_MODE_RETRY_SECONDS", "-1", "KYC_SOCKET_MODE_RETRY_SECONDS"),
    ],
)
def test_a_malformed_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, named: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    message = str(err.value)
    assert "\n" not in message
    assert named in message


def test_pasted_database_urls_get_the_async_driver() -> None:
    assert to_async_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert to_async_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert to_async_url("sqlite:///./x.db") == "sqlite+aiosqlite:///./x.db"


def test_a_token_left_empty_or_as_in_the_example_is_not_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-...")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A0KYC-123")
    s = load_settings(_env_file=None)
    assert s.slack_bot_token is None and s.slack_signing_secret is None
    assert s.slack_app_token is not None
    assert s.slack_app_token.get_secret_value() == "xapp-1-A0KYC-123"


def test_log_settings_are_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KYC_LOG_LEVEL", "debug")
    monkeypatch.setenv("KYC_LOG_FORMAT", "JSON")
    s = load_settings(_env_file=None)
    assert (s.kyc_log_level, s.kyc_log_format) == ("DEBUG", "json")


def test_key_customer_settings() -> None:
    import pytest as _pytest
    from pydantic import ValidationError

    from bot.settings import Settings

    s = Settings(
        kyc_key_tiers=" Strategic, enterprise ,",
        kyc_key_cadence_weeks=6,
        kyc_key_tier_cadence="strategic=2, Enterprise=4",
    )
    assert s.key_tiers() == frozenset({"strategic", "enterprise"})
    assert (s.cadence_of("STRATEGIC"), s.cadence_of("enterprise"), s.cadence_of(None)) == (2, 4, 6)
    for bad in ("strategic", "strategic=0", "=2", "gold=x"):
        with _pytest.raises(ValidationError):
            Settings(kyc_key_tier_cadence=bad)
