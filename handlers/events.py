"""Events: App Home opened, a profile changed, a message typed in the bot's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.dm_help import answer_dm
from bot.services.home import show_home
from bot.services.identity import follow_profile
from bot.views.home import build_home
from bot.views.notices import build_not_enrolled_home
from handlers.common import actor_of, deps_of


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home_opened)
    app.event("user_change")(profile_changed)
    # Every message event of the bot's DMs comes here, edits and the bot's own posts included,
    # so each is acknowledged (no "unhandled" 404 for Slack to retry); people's get an answer.
    app.event("message")(direct_message)


async def home_opened(event: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    if event.get("tab", "home") != "home":
        return
    person = actor_of(context)
    if person is None:
        view = build_not_enrolled_home()
    else:
        view = build_home(await show_home(deps_of(context), person))
    await client.views_publish(user_id=event["user"], view=view)


async def profile_changed(event: dict[str, Any], context: Any) -> None:
    await follow_profile(deps_of(context), context["team_id"], event.get("user") or {})


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
    if typed_by_a_person(event):
        await answer_dm(deps_of(context), context["team_id"], event["channel"], event["ts"])
