"""Which Slack workspace a command works on, learned from the bot token.

A newcomer sets a bot token and nothing else: the team id comes from `auth.test`. A roster
loaded before the bot ever reached Slack is stored under a placeholder (`T_DEFAULT`); the
first time the token's team is known, that roster is adopted by it, in one transaction. With
several workspaces in the database nothing is guessed: `--workspace` or `KYC_WORKSPACE` picks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, cast

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import CursorResult, Table, delete, exists, func, insert, select, update

from bot.sdklog import slack_sdk_logger
from bot.settings import Settings
from storage.db import Database
from storage.models import Base, Installation, OutboxMessage, Workspace

log = logging.getLogger("kyc.workspace")

PLACEHOLDER = "T_DEFAULT"  # the roster's workspace before the bot knows its team
# auth.test errors that mean the token itself is wrong, not that Slack is out of reach
BAD_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


class WorkspaceError(Exception):
    """The workspace cannot be decided; the message is one line for the user."""


@dataclass(frozen=True)
class TokenTeam:
    """What `auth.test` says about the bot token's installation."""

    team_id: str
    name: str | None = None
    enterprise_id: str | None = None


async def token_team(client: AsyncWebClient, token: str | None = None) -> TokenTeam:
    """The team (and Enterprise Grid org, if any) the token (else the client's) belongs to."""
    auth = await (client.auth_test(token=token) if token else client.auth_test())
    return TokenTeam(
        team_id=str(auth["team_id"]),
        name=auth.get("team"),
        enterprise_id=auth.get("enterprise_id") or None,
    )


def _child_tables() -> list[Table]:
    """The tables of a workspace's data (its installation is not data: a token registered for
    the team does not stop it adopting the roster)."""
    return [
        t
        for t in Base.metadata.sorted_tables
        if "workspace_id" in t.c and t.name not in ("workspaces", "installations")
    ]


async def known_workspaces(db: Database) -> list[str]:
    async with db.unit_of_work() as session:
        return list(await session.scalars(select(Workspace.id).order_by(Workspace.id)))


async def adopt_roster(db: Database, team: TokenTeam) -> str | None:
    """Move the one other workspace's rows to the token's team when that team has none yet.

    Returns the id adopted from, or None when there was nothing to adopt (the team already
    has rows, or the database holds no other workspace, or several: then nothing is guessed)."""
    new = team.team_id
    async with db.unit_of_work(writes=True) as session:
        # Locked: a web process and a worker starting together adopt once.
        stmt = select(Workspace).where(Workspace.id != new).order_by(Workspace.id)
        others = list(await session.scalars(stmt.with_for_update()))
        if len(others) != 1:
            return None
        old = others[0]
        for table in _child_tables():
            if await session.scalar(select(exists().where(table.c.workspace_id == new))):
                return None
        if await session.get(Workspace, new) is None:
            await session.execute(
                insert(Workspace).values(
                    id=new, name=team.name or old.name, created_at=old.created_at
                )
            )
        moved = 0
        for table in _child_tables():
            move = update(table).where(table.c.workspace_id == old.id).values(workspace_id=new)
            result = cast("CursorResult[Any]", await session.execute(move))
            moved += result.rowcount or 0
        # Idempotency keys name their workspace (nudge:T…:…): keep them, or a nudge already
        # queued under the old id would be queued again under the new one.
        for column in (OutboxMessage.key, OutboxMessage.parent_key):
            await session.execute(
                update(OutboxMessage)
                .where(column.contains(f":{old.id}:"))
                .values({column: func.replace(column, f":{old.id}:", f":{new}:")})
            )
        # Whatever token was registered under the old id is not the team's: the caller
        # registers the team's own.
        await session.execute(delete(Installation).where(Installation.workspace_id == old.id))
        await session.execute(delete(Workspace).where(Workspace.id == old.id))
    log.info(
        "adopted the roster stored under %s as Slack workspace %s (%s): %d rows moved",
        old.id,
        new,
        team.name or "unnamed",
        moved,
    )
    return old.id


async def bind_env_token(db: Database, settings: Settings, team: TokenTeam) -> None:
    """SLACK_BOT_TOKEN's workspace, once `auth.test` named it: a roster loaded before it was
    known is adopted, and the token is registered as that workspace's installation (no token
    stored; bot/tenancy/installations.py)."""
    from bot.tenancy.runtime import build_tenancy

    if settings.kyc_workspace in (None, team.team_id):
        await adopt_roster(db, team)
    await build_tenancy(db, settings).store.register_env(
        team.team_id, team_name=team.name, enterprise_id=team.enterprise_id
    )


def cli_client(settings: Settings) -> AsyncWebClient:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token, base_url=settings.slack_api_url, timeout=10, logger=slack_sdk_logger()
    )


async def resolve_workspace(db: Database, settings: Settings, flag: str | None) -> str:
    """--workspace, else KYC_WORKSPACE, else the token's team (adopting a placeholder roster),
    else the one workspace in the database (the placeholder in an empty one)."""
    if flag:
        return flag
    if settings.kyc_workspace:
        return settings.kyc_workspace
    if settings.slack_bot_token is not None:
        try:
            team = await token_team(cli_client(settings))
        except SlackApiError as exc:
            code = exc.response.get("error")
            if code in BAD_TOKEN:
                raise WorkspaceError(
                    f"SLACK_BOT_TOKEN: Slack refused it ({code}); copy the Bot User OAuth Token "
                    "again, or pass --workspace"
                ) from None
            log.warning("auth.test failed (%s): using the workspace in the database", code)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.warning(
                "could not reach Slack at SLACK_API_URL (%s): using the workspace in the database",
                type(exc).__name__,
            )
        else:
            await bind_env_token(db, settings, team)
            return team.team_id
    known = await known_workspaces(db)
    if len(known) == 1:
        return known[0]
    if not known:
        return PLACEHOLDER
    raise WorkspaceError(
        f"{len(known)} workspaces in the database ({', '.join(known)}): "
        "pass --workspace or set KYC_WORKSPACE"
    )
