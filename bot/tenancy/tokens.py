"""A workspace's bot token for what KYC starts itself: scheduled jobs and the outbox sender.

Bolt authorizes incoming requests from the same installation rows (and rotates their tokens
there); this is the path for everything else. A token close to expiry (Slack's token rotation)
is refreshed through slack_sdk's AsyncTokenRotator under a row lock, so two processes never
both spend the refresh token, and saved encrypted before it is used."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import exists, not_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from bot.tenancy.installations import ENV_TOKEN, KycInstallationStore, fingerprint
from storage.models import Installation, OutboxMessage, Workspace

log = logging.getLogger("kyc.tenancy")


@dataclass(frozen=True)
class WorkspaceToken:
    workspace_id: str
    token: str
    fingerprint: str


class TokenSource:
    def __init__(
        self,
        store: KycInstallationStore,
        *,
        client: AsyncWebClient,
        client_id: str | None = None,
        client_secret: str | None = None,
        refresh_minutes: int = 120,
    ) -> None:
        self.store = store
        self.db = store.db
        self.client = client  # for oauth.v2.access (its base URL is Slack's, or the stand-in's)
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_minutes = refresh_minutes

    async def token_for(self, workspace_id: str) -> WorkspaceToken | None:
        """The workspace's working token, or None when KYC is not installed there (never
        installed, uninstalled, or its token is the environment's and that changed)."""
        row = await self.store.row_for_workspace(workspace_id)
        if row is None:
            return None
        if self._expiring(row):
            row = await self._rotate(workspace_id)
            if row is None:
                return None
        token = self.store.token_of(row)
        if token is None:
            return None
        return WorkspaceToken(workspace_id, token, row.token_fingerprint)

    async def workspaces(self) -> list[str]:
        """The workspaces KYC is installed in, for the scheduled jobs."""
        async with self.db.unit_of_work() as session:
            stmt = (
                select(Workspace.id)
                .where(Workspace.uninstalled_at.is_(None))
                .where(exists().where(Installation.workspace_id == Workspace.id))
                .order_by(Workspace.id)
            )
            return list(await session.scalars(stmt))

    def _expiring(self, row: Installation) -> bool:
        if row.bot_token_expires_at is None or row.bot_refresh_token is None:
            return False
        left = (row.bot_token_expires_at - datetime.now(UTC)).total_seconds()
        return left < self.refresh_minutes * 60

    async def _rotate(self, workspace_id: str) -> Installation | None:
        if not (self.client_id and self.client_secret):
            log.error(
                "the token of workspace %s expires and cannot be refreshed without "
                "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET",
                workspace_id,
            )
            return await self.store.row_for_workspace(workspace_id)
        rotator = AsyncTokenRotator(
            client_id=self.client_id, client_secret=self.client_secret, client=self.client
        )
        async with self.db.unit_of_work(writes=True) as session:
            # Locked: whoever comes second finds the token refreshed already.
            row = await session.scalar(
                select(Installation)
                .where(Installation.workspace_id == workspace_id)
                .with_for_update()
            )
            if row is None or not self._expiring(row):
                return row
            bot = self.store.bot_of(row)
            if bot is None:
                return None
            refreshed = await rotator.perform_bot_token_rotation(
                bot=bot, minutes_before_expiration=self.refresh_minutes
            )
            if refreshed is None:
                return row
            sealed = self.store.cipher
            assert sealed is not None  # a refresh token is only stored encrypted
            row.bot_token = sealed.encrypt(refreshed.bot_token)
            row.bot_refresh_token = (
                sealed.encrypt(refreshed.bot_refresh_token) if refreshed.bot_refresh_token else None
            )
            expires = refreshed.bot_token_expires_at
            row.bot_token_expires_at = datetime.fromtimestamp(expires, UTC) if expires else None
            row.token_fingerprint = fingerprint(refreshed.bot_token) or ""
            log.info("refreshed the bot token of workspace %s", workspace_id)
            return row


def sendable() -> ColumnElement[bool]:
    """The outbox rows whose workspace may be sent to: installed, and not stopped because
    Slack refused the token it has now (a new token lifts the stop)."""
    refused = exists().where(
        Workspace.id == OutboxMessage.workspace_id,
        or_(
            Workspace.uninstalled_at.is_not(None),
            exists().where(
                Installation.workspace_id == Workspace.id,
                Installation.token_fingerprint == Workspace.blocked_token,
            ),
        ),
    )
    installed = exists().where(Installation.workspace_id == OutboxMessage.workspace_id)
    return installed & not_(refused)


__all__ = ["ENV_TOKEN", "TokenSource", "WorkspaceToken", "sendable"]
