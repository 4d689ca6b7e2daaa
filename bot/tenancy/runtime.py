"""The tenancy parts one process runs with, built once from the settings.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth, many workspaces) tokens come from the
installations Slack's OAuth flow saved; otherwise from SLACK_BOT_TOKEN, for the one workspace
registered with it at start (`register_env_workspace`). Either way every lookup goes through
the same installation rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.sdklog import slack_sdk_logger
from bot.settings import Settings
from bot.tenancy.crypto import TokenCipher
from bot.tenancy.installations import KycInstallationStore
from bot.tenancy.tokens import TokenSource, WorkspaceToken
from storage.db import Database

log = logging.getLogger("kyc.tenancy")

OAUTH_STATE_SECONDS = 600  # an install begun must finish within ten minutes


@dataclass
class Tenancy:
    store: KycInstallationStore
    tokens: TokenSource
    settings: Settings

    def state_store(self) -> AsyncSQLAlchemyOAuthStateStore:
        """slack_sdk's state store on KYC's database: an install begun on one replica finishes
        on any other."""
        return AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=OAUTH_STATE_SECONDS,
            engine=self.store.db.engine,
            table_name="oauth_states",
            logger=logging.getLogger("kyc.oauth"),
        )

    def client(self, token: WorkspaceToken) -> AsyncWebClient:
        """A client for one workspace's scheduled work (profile sync)."""
        return AsyncWebClient(
            token=token.token,
            base_url=self.settings.slack_api_url,
            timeout=10,
            logger=slack_sdk_logger(),
        )


def build_tenancy(db: Database, settings: Settings) -> Tenancy:
    keys = settings.kyc_encryption_keys
    cipher = TokenCipher.from_setting(keys.get_secret_value()) if keys else None
    env = settings.slack_bot_token
    store = KycInstallationStore(
        db,
        cipher,
        env_token=env.get_secret_value() if env is not None and not settings.oauth else None,
    )
    secret = settings.slack_client_secret
    tokens = TokenSource(
        store,
        client=AsyncWebClient(base_url=settings.slack_api_url, logger=slack_sdk_logger()),
        client_id=settings.slack_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        refresh_minutes=settings.kyc_token_refresh_minutes,
    )
    return Tenancy(store=store, tokens=tokens, settings=settings)
