"""Installations at rest: tokens encrypted, keys rotated, settings per workspace."""

from __future__ import annotations

from datetime import time

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation as SdkInstallation
from sqlalchemy import select, text
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import load_settings
from bot.tenancy.crypto import CipherError, TokenCipher
from bot.tenancy.installations import KycInstallationStore
from bot.tenancy.workspace_settings import for_workspace, merged
from storage.db import Database
from storage.models import Installation, Workspace

TOKEN = "xoxe.xoxb-1-secret-bot-token-of-acme"
REFRESH = "xoxe-1-refresh-token-of-acme"


def installation(team: str = "T0ACME", enterprise: str | None = None) -> SdkInstallation:
    return SdkInstallation(
        app_id="A0KYC",
        enterprise_id=enterprise,
        team_id=team,
        team_name="Acme",
        bot_token=TOKEN,
        bot_id="B0KYC",
        bot_user_id="U0KYCBOT",
        bot_scopes="chat:write,commands",
        bot_refresh_token=REFRESH,
        bot_token_expires_in=43200,
        user_id="U0ALICE",
        installed_at=1_700_000_000.0,
    )


async def test_tokens_are_stored_encrypted_and_read_back(db: Database) -> None:
    store = KycInstallationStore(db, TokenCipher([TokenCipher.new_key()]))
    await store.async_save(installation())
    async with db.unit_of_work() as s:
        raw = (
            await s.execute(text("SELECT bot_token, bot_refresh_token FROM installations"))
        ).one()
    assert TOKEN not in str(raw) and REFRESH not in str(raw)
    bot = await store.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None and bot.bot_token == TOKEN and bot.bot_refresh_token == REFRESH
    found = await store.async_find_installation(enterprise_id=None, team_id="T0ACME")
    assert found is not None and found.user_id == "U0ALICE"
    assert await store.async_find_bot(enterprise_id=None, team_id="T0OTHER") is None


async def test_rotating_the_key_keeps_every_installation_working(db: Database) -> None:
    old, new = TokenCipher.new_key(), TokenCipher.new_key()
    await KycInstallationStore(db, TokenCipher([old])).async_save(installation())
    both = KycInstallationStore(db, TokenCipher([new, old]))
    bot = await both.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None and bot.bot_token == TOKEN  # the old key still reads
    assert await both.reseal() == 1
    only_new = KycInstallationStore(db, TokenCipher([new]))
    bot = await only_new.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None and bot.bot_token == TOKEN and bot.bot_refresh_token == REFRESH
    with pytest.raises(CipherError, match="cannot be decrypted"):
        await KycInstallationStore(db, TokenCipher([old])).async_find_bot(
            enterprise_id=None, team_id="T0ACME"
        )


def test_kyc_keys_rotate_reencrypts_with_the_first_key(
    tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    url = f"sqlite:///{tmp_path}/kyc.db"  # type: ignore[operator]
    old, new = TokenCipher.new_key(), TokenCipher.new_key()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KYC_ENCRYPTION_KEYS", old)
    runner = CliRunner()
    assert runner.invoke(app, ["workspaces"]).exit_code == 0  # migrates

    async def save() -> None:
        db = Database(url)
        await KycInstallationStore(db, TokenCipher([old])).async_save(installation())
        await db.dispose()

    asyncio.run(save())
    monkeypatch.setenv("KYC_ENCRYPTION_KEYS", f"{new},{old}")
    result = runner.invoke(app, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "1 installations encrypted with the first key" in result.output
    listed = runner.invoke(app, ["workspaces"])
    assert "T0ACME" in listed.output and "installed" in listed.output

    async def read() -> str | None:
        db = Database(url)
        bot = await KycInstallationStore(db, TokenCipher([new])).async_find_bot(
            enterprise_id=None, team_id="T0ACME"
        )
        await db.dispose()
        return bot.bot_token if bot else None

    assert asyncio.run(read()) == TOKEN


async def test_an_enterprise_grid_workspace_is_keyed_by_org_and_team(db: Database) -> None:
    store = KycInstallationStore(db, TokenCipher([TokenCipher.new_key()]))
    await store.async_save(installation("T0EU", enterprise="E0GRID"))
    await store.async_save(installation("T0US", enterprise="E0GRID"))
    async with db.unit_of_work() as s:
        rows = {(r.enterprise_id, r.team_id) for r in await s.scalars(select(Installation))}
        ws = await s.get(Workspace, "T0EU")
    assert rows == {("E0GRID", "T0EU"), ("E0GRID", "T0US")}
    assert ws is not None and ws.enterprise_id == "E0GRID"
    bot = await store.async_find_bot(enterprise_id="E0GRID", team_id="T0US")
    assert bot is not None and bot.team_id == "T0US"


async def test_a_workspace_runs_by_its_own_settings_over_the_environments(db: Database) -> None:
    base = load_settings(_env_file=None, kyc_company="Env Co", kyc_weekly_quota=5)
    async with db.unit_of_work() as s:
        s.add(Workspace(id="T0A", settings={"kyc_company": "Acme", "kyc_nudge_time": "07:15"}))
        s.add(Workspace(id="T0B"))
    a = await for_workspace(db, base, "T0A")
    b = await for_workspace(db, base, "T0B")
    assert (a.kyc_company, a.kyc_nudge_time, a.kyc_weekly_quota) == ("Acme", time(7, 15), 5)
    assert (b.kyc_company, b.kyc_nudge_time) == ("Env Co", base.kyc_nudge_time)
    # A stored value that no longer validates falls back to the default, alone.
    kept = merged(base, {"kyc_default_timezone": "Mars/Olympus", "kyc_company": "Acme"})
    assert (kept.kyc_default_timezone, kept.kyc_company) == (base.kyc_default_timezone, "Acme")
    # Operators' settings are not an admin's to change.
    assert merged(base, {"kyc_slack_timeout": 0.1}).kyc_slack_timeout == base.kyc_slack_timeout
