"""Installations: which workspaces KYC is installed in, with which (encrypted) token.

`KycInstallationStore` is slack_sdk's AsyncInstallationStore on KYC's own `installations`
table, so Bolt's OAuth flow saves into it and Bolt's authorization reads from it, on every
replica. The one workspace of a SLACK_BOT_TOKEN is an installation too, registered at start
(`KycInstallationStore.register_env`) with no token stored: its row says "the token is the
environment's" (an empty `bot_token`) and holds only the token's fingerprint. Every lookup,
by Bolt, the scheduler or the sender, goes through the same rows either way.

Uninstalling (`app_uninstalled`, `tokens_revoked`, in any order, any number of times) deletes
the installation at once, drops what was queued for the workspace and keeps its data for a
grace period; installing again within it restores the workspace, and `purge_expired` removes
every row of a workspace whose grace period has passed.

(Long on purpose: the store, the environment's row and the life cycle all write the same rows,
and read best together.)"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation as SdkInstallation
from sqlalchemy import CursorResult, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.tenancy.crypto import CipherError, TokenCipher
from storage.db import Database
from storage.models import Base, Installation, OutboxMessage, OutboxStatus, Person, Workspace

log = logging.getLogger("kyc.tenancy")

ENV_TOKEN = ""  # `bot_token` of the installation whose token is SLACK_BOT_TOKEN


def fingerprint(token: str | None) -> str | None:
    """What identifies a token in the database and the logs without storing it."""
    return hashlib.sha256(token.encode()).hexdigest()[:32] if token else None


def workspace_key(enterprise_id: str | None, team_id: str | None) -> str:
    """The workspace an installation's data lives under: the team, or for an org-wide
    Enterprise Grid install the org."""
    key = team_id or enterprise_id
    if not key:
        raise ValueError("an installation names neither a team nor an enterprise")
    return key


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(value), tz=UTC)


class KycInstallationStore(AsyncInstallationStore):
    """Bot installations only (KYC asks for no user token), one row per (enterprise, team)."""

    def __init__(
        self, db: Database, cipher: TokenCipher | None, *, env_token: str | None = None
    ) -> None:
        self.db = db
        self.cipher = cipher
        self.env_token = env_token

    @property
    def logger(self) -> logging.Logger:
        return log

    # --- tokens in and out ----------------------------------------------------------------
    def _seal(self, token: str | None) -> str | None:
        if token is None:
            return None
        if self.cipher is None:
            raise CipherError("KYC_ENCRYPTION_KEYS is needed to store a token")
        return self.cipher.encrypt(token)

    def token_of(self, row: Installation) -> str | None:
        """The row's bot token in clear (the environment's for a SLACK_BOT_TOKEN install)."""
        if row.bot_token == ENV_TOKEN:
            return self.env_token if fingerprint(self.env_token) == row.token_fingerprint else None
        if self.cipher is None:
            raise CipherError("KYC_ENCRYPTION_KEYS is needed to read the stored tokens")
        return self.cipher.decrypt(row.bot_token)

    def refresh_token_of(self, row: Installation) -> str | None:
        if row.bot_refresh_token is None or self.cipher is None:
            return None
        return self.cipher.decrypt(row.bot_refresh_token)

    # --- AsyncInstallationStore -------------------------------------------------------------
    async def async_save(self, installation: SdkInstallation) -> None:
        await self.save(installation.to_bot(), installer=installation.user_id)

    async def async_save_bot(self, bot: Bot) -> None:
        await self.save(bot)

    async def save(self, bot: Bot, *, installer: str | None = None) -> None:
        """Insert or update the installation, and (re)activate its workspace."""
        ws = workspace_key(bot.enterprise_id, bot.team_id)
        values = {
            "workspace_id": ws,
            "enterprise_id": bot.enterprise_id or "",
            "team_id": bot.team_id or "",
            "team_name": bot.team_name,
            "enterprise_name": bot.enterprise_name,
            "is_enterprise_install": bool(bot.is_enterprise_install),
            "app_id": bot.app_id,
            "bot_id": bot.bot_id,
            "bot_user_id": bot.bot_user_id,
            "bot_scopes": ",".join(bot.bot_scopes or []),
            "bot_token": self._seal(bot.bot_token),
            "bot_refresh_token": self._seal(bot.bot_refresh_token),
            "bot_token_expires_at": _when(bot.bot_token_expires_at),
            "token_fingerprint": fingerprint(bot.bot_token),
        }
        async with self.db.unit_of_work(writes=True) as session:
            await activate_workspace(session, ws, name=bot.team_name, enterprise=bot.enterprise_id)
            row = await _find(session, bot.enterprise_id, bot.team_id, lock=True)
            if row is None:
                session.add(Installation(**values, installer_user_id=installer))
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                if installer:
                    row.installer_user_id = installer

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        row = await self.find_row(enterprise_id, team_id, is_enterprise_install)
        return self.bot_of(row) if row is not None else None

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> SdkInstallation | None:
        row = await self.find_row(enterprise_id, team_id, is_enterprise_install)
        if row is None:
            return None
        bot = self.bot_of(row)
        if bot is None:
            return None
        return SdkInstallation(**bot.to_dict_for_copying(), user_id=row.installer_user_id or "")

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is not None:
            return  # no user tokens are stored
        async with self.db.unit_of_work(writes=True) as session:
            await session.execute(
                delete(Installation).where(
                    Installation.enterprise_id == (enterprise_id or ""),
                    Installation.team_id == (team_id or ""),
                )
            )

    # --- lookups ----------------------------------------------------------------------------
    async def find_row(
        self,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        if is_enterprise_install or not team_id:
            rows = await self.db.read(_ORG_WIDE, {"org": enterprise_id or ""}, keep_for=KEPT)
        else:
            # A Grid workspace is found by its team (its events name the org too, but a
            # workspace-level install is the team's either way).
            rows = await self.db.read(_BY_TEAM, {"team": team_id}, keep_for=KEPT)
        return cast(Installation, rows[0]) if rows else None

    async def row_for_workspace(self, workspace_id: str) -> Installation | None:
        rows = await self.db.read(_BY_WORKSPACE, {"ws": workspace_id}, keep_for=KEPT)
        return cast(Installation, rows[0]) if rows else None

    def bot_of(self, row: Installation) -> Bot | None:
        token = self.token_of(row)
        if token is None:
            return None
        expires = row.bot_token_expires_at
        return Bot(
            app_id=row.app_id,
            enterprise_id=row.enterprise_id or None,
            enterprise_name=row.enterprise_name,
            team_id=row.team_id or None,
            team_name=row.team_name,
            bot_token=token,
            bot_id=row.bot_id or "",
            bot_user_id=row.bot_user_id or "",
            bot_scopes=row.bot_scopes or "",
            bot_refresh_token=self.refresh_token_of(row),
            bot_token_expires_at=int(expires.timestamp()) if expires else None,
            is_enterprise_install=row.is_enterprise_install,
            installed_at=row.installed_at.timestamp(),
        )

    async def register_env(
        self, workspace_id: str, *, team_name: str | None, enterprise_id: str | None
    ) -> None:
        """SLACK_BOT_TOKEN's workspace as an installation: no token stored, its fingerprint
        only. Replaces whatever was installed there before (this deployment runs on the
        environment's token)."""
        if self.env_token is None:
            raise ValueError("no SLACK_BOT_TOKEN to register")
        fp = fingerprint(self.env_token)
        async with self.db.unit_of_work(writes=True) as session:
            await activate_workspace(session, workspace_id, name=team_name, enterprise=None)
            row = await session.scalar(_BY_WORKSPACE.params(ws=workspace_id).with_for_update())
            if row is not None and row.bot_token == ENV_TOKEN and row.token_fingerprint == fp:
                return
            await session.execute(
                delete(Installation).where(Installation.workspace_id == workspace_id)
            )
            row = env_installation(workspace_id, self.env_token, enterprise_id=enterprise_id)
            row.team_name = team_name
            session.add(row)

    async def reseal(self) -> int:
        """`kyc keys rotate`: every stored token encrypted again with the first key."""
        if self.cipher is None:
            raise CipherError("KYC_ENCRYPTION_KEYS is needed to rotate the stored tokens")
        done = 0
        async with self.db.unit_of_work(writes=True) as session:
            for row in await session.scalars(select(Installation).with_for_update()):
                if row.bot_token != ENV_TOKEN:
                    row.bot_token = self.cipher.rotate(row.bot_token)
                if row.bot_refresh_token:
                    row.bot_refresh_token = self.cipher.rotate(row.bot_refresh_token)
                done += 1
        return done


def env_installation(
    workspace_id: str, token: str, *, enterprise_id: str | None = None
) -> Installation:
    """The row of a workspace whose token is SLACK_BOT_TOKEN: its fingerprint, not the token."""
    return Installation(
        workspace_id=workspace_id,
        enterprise_id=enterprise_id or "",
        team_id=workspace_id,
        bot_token=ENV_TOKEN,
        token_fingerprint=fingerprint(token),
    )


# Lookups on every request and every message: kept a second per process (bot/storage's kept
# reads). A change made here (an uninstall, a refreshed token) shows at once in this process;
# one made by another process within the second.
KEPT = 1.0
_BY_WORKSPACE = select(Installation).where(Installation.workspace_id == bindparam("ws"))
_BY_TEAM = select(Installation).where(Installation.team_id == bindparam("team"))
_ORG_WIDE = select(Installation).where(
    Installation.enterprise_id == bindparam("org"), Installation.is_enterprise_install.is_(True)
)


async def _find(
    session: AsyncSession, enterprise_id: str | None, team_id: str | None, *, lock: bool
) -> Installation | None:
    stmt = select(Installation).where(
        Installation.enterprise_id == (enterprise_id or ""),
        Installation.team_id == (team_id or ""),
    )
    return await session.scalar(stmt.with_for_update() if lock else stmt)


async def activate_workspace(
    session: AsyncSession, workspace_id: str, *, name: str | None, enterprise: str | None
) -> bool:
    """The workspace exists and is installed; True when this brought it back from an
    uninstall (its data was kept for the grace period)."""
    from bot.services.identity import ensure_workspace

    await ensure_workspace(session, workspace_id)
    ws = await session.get(Workspace, workspace_id, with_for_update=True)
    assert ws is not None
    restored = ws.uninstalled_at is not None
    if name:
        ws.name = name
    if enterprise:
        ws.enterprise_id = enterprise
    ws.uninstalled_at = None
    ws.purge_after = None
    if restored:
        # A new token: whatever an old one was refused for no longer holds.
        ws.sending_blocked = ws.sending_blocked_at = ws.blocked_token = None
        log.info("workspace %s installed again within its grace period: restored", workspace_id)
    return restored


async def uninstall(db: Database, workspace_id: str, *, now: datetime, grace: timedelta) -> int:
    """The app was uninstalled (or its bot token revoked): tokens deleted, nothing more sent,
    what was queued dropped; the data kept until `now + grace`. Idempotent. Returns how many
    queued messages were dropped."""
    async with db.unit_of_work(writes=True) as session:
        ws = await session.get(Workspace, workspace_id, with_for_update=True)
        await session.execute(delete(Installation).where(Installation.workspace_id == workspace_id))
        dropped = await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.workspace_id == workspace_id,
                OutboxMessage.status != OutboxStatus.SENT,
            )
        )
        if ws is not None and ws.uninstalled_at is None:
            ws.uninstalled_at = now
            ws.purge_after = now + grace
            log.info(
                "workspace %s uninstalled: tokens deleted, data kept until %s",
                workspace_id,
                ws.purge_after.date().isoformat(),
            )
        return cast("CursorResult[Any]", dropped).rowcount or 0


async def purge_expired(db: Database, *, now: datetime) -> list[str]:
    """Every row of each workspace uninstalled longer than its grace period, deleted."""
    async with db.unit_of_work() as session:
        due = list(
            await session.scalars(
                select(Workspace.id).where(
                    Workspace.uninstalled_at.is_not(None), Workspace.purge_after <= now
                )
            )
        )
    for workspace_id in due:
        await purge_workspace(db, workspace_id)
    return due


async def purge_workspace(db: Database, workspace_id: str) -> None:
    """Delete the workspace and everything stored for it, children before parents."""
    tables = [t for t in reversed(Base.metadata.sorted_tables) if "workspace_id" in t.c]
    async with db.unit_of_work(writes=True) as session:
        # People point at their manager: unlink first.
        await session.execute(
            update(Person).where(Person.workspace_id == workspace_id).values(manager_id=None)
        )
        for table in tables:
            await session.execute(delete(table).where(table.c.workspace_id == workspace_id))
        await session.execute(delete(Workspace).where(Workspace.id == workspace_id))
    log.info("workspace %s purged: its grace period after uninstalling has passed", workspace_id)
