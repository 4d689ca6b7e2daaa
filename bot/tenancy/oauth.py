"""Bolt's side of many workspaces: who a request is from (its installation's token) and the
OAuth v2 install flow (`/slack/install` → Slack → `/slack/oauth_redirect`).

Authorization goes through the installation rows for every request, in OAuth mode and with
SLACK_BOT_TOKEN alike; Bolt's auth.test answer is kept per token (`cache_enabled`), so a
request costs one indexed read, not a call to Slack."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.tenancy.installations import workspace_key
from bot.tenancy.runtime import Tenancy

log = logging.getLogger("kyc.oauth")

# The bot scopes KYC asks for at install: manifest.yml's (tests/unit/test_manifest compares).
BOT_SCOPES = (
    "chat:write",
    "commands",
    "im:write",
    "users:read",
    "users:read.email",
    "channels:join",
    "channels:history",
    "groups:history",
    "im:history",
    "files:write",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"

Installed = Callable[[str, str | None], Awaitable[object]]


def authorize(tenancy: Tenancy, client: AsyncWebClient) -> AsyncInstallationStoreAuthorize:
    settings = tenancy.settings
    secret = settings.slack_client_secret
    return AsyncInstallationStoreAuthorize(
        installation_store=tenancy.store,
        client_id=settings.slack_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        token_rotation_expiration_minutes=settings.kyc_token_refresh_minutes,
        bot_only=True,
        cache_enabled=True,
        client=client,
        logger=logging.getLogger("kyc.authorize"),
    )


def oauth_settings(tenancy: Tenancy, on_installed: Installed) -> AsyncOAuthSettings | None:
    """The install flow, in OAuth mode only. `on_installed(workspace_id, installer)` runs once
    the installation is saved, before the browser is shown Slack's "installed" page."""
    settings = tenancy.settings
    if not settings.oauth:
        return None
    secret = settings.slack_client_secret
    assert secret is not None

    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        inst = args.installation
        workspace = workspace_key(inst.enterprise_id, inst.team_id)
        log.info("installed in workspace %s (%s)", workspace, inst.team_name or "unnamed")
        await on_installed(workspace, inst.user_id)
        return await args.default.success(args)

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        log.warning("an install did not finish: %s", args.reason)
        return await args.default.failure(args)

    public = settings.kyc_public_url
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=secret.get_secret_value(),
        scopes=list(BOT_SCOPES),
        redirect_uri=f"{public.rstrip('/')}{REDIRECT_PATH}" if public else None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=AsyncCallbackOptions(success=success, failure=failure),
        installation_store=tenancy.store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=settings.kyc_token_refresh_minutes,
        state_store=tenancy.state_store(),
        logger=log,
    )
