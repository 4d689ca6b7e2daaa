"""Use case: a person typed a message in the bot's DM; it is answered with the commands."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.services import outbox
from bot.views.commands import build_dm_help


async def queue_dm_help(
    session: AsyncSession, workspace_id: str, channel: str, message_ts: str
) -> bool:
    """Queue the help for a message typed at `message_ts` in DM `channel`; True when queued.

    At most one answer an hour a DM: the key is the hour of the message, so a chat of several
    lines (or Slack retrying the event) is answered once."""
    hour = int(float(message_ts)) // 3600
    key = f"dm-help:{workspace_id}:{channel}:{hour}"
    return await outbox.post(session, workspace_id, key, channel, build_dm_help())


async def answer_dm(deps: Deps, workspace_id: str, channel: str, message_ts: str) -> None:
    """A message typed in the bot's DM gets the help (once an hour)."""
    async with deps.db.unit_of_work(writes=True) as session:
        queued = await queue_dm_help(session, workspace_id, channel, message_ts)
    if queued:
        deps.wake_sender()
