"""Events: App Home opened, a profile changed, a message typed in the bot's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.dm_help import queue_dm_help
from bot.services.home import home_data
from bot.services.identity import link_slack_user
from bot.views.home import build_home
from bot.views.notices import build_not_enrolled_home
from handlers.common import actor_of, attached, deps_of


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home_opened)
    app.event("user_change")(profile_changed)
    # Every message event of the bot's DMs comes here, edits and the bot's own posts included,
    # so each is acknowledged (no "unhandled" 404 for Slack to retry); people's get an answer.
    app.event("message")(direct_message)


async def home_opened(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    person, deps = actor_of(context), deps_of(context)
    user_id = event["user"]
    if person is None:
        await client.views_publish(user_id=user_id, view=build_not_enrolled_home())
        return
    async with deps.db.unit_of_work() as session:
        data = await home_data(
            session, deps.settings, await attached(session, person), now=deps.now()
        )
    await client.views_publish(user_id=user_id, view=build_home(data))


async def profile_changed(event: dict[str, Any], context: Any) -> None:
    """A Slack profile changed, a new timezone on a trip say: the roster row follows it."""
    user = event.get("user") or {}
    profile = user.get("profile") or {}
    deps = deps_of(context)
    async with deps.db.unit_of_work(writes=True) as session:
        await link_slack_user(
            session,
            context["team_id"],
            user["id"],
            email=profile.get("email"),
            tz=user.get("tz"),
            name=profile.get("real_name") or user.get("real_name"),
        )


def typed_by_a_person(event: dict[str, Any]) -> bool:
    """A new message a person typed in a DM: not an edit or a deletion (they have a subtype),
    not a bot's (the bot's own posts come back as events too)."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


async def direct_message(event: dict[str, Any], context: Any) -> None:
    if not typed_by_a_person(event):
        return
    deps = deps_of(context)
    async with deps.db.unit_of_work(writes=True) as session:
        queued = await queue_dm_help(session, context["team_id"], event["channel"], event["ts"])
    if queued:
        deps.wake_sender()
