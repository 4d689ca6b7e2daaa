"""Events: App Home opened, a profile changed, a message typed in the bot's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.dm_help import answer_dm
from bot.services.heads_up import note_reply
from bot.services.home import show_home
from bot.services.identity import follow_profile
from bot.services.installs import uninstalled
from bot.views.home import build_home
from bot.views.notices import build_not_enrolled_home
from handlers.common import actor_of, deps_of


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(home_opened)
    app.event("user_change")(profile_changed)
    # Every message event of the bot's DMs comes here, edits and the bot's own posts included,
    # so each is acknowledged (no "unhandled" 404 for Slack to retry); people's get an answer.
    app.event("message")(direct_message)
    # Uninstalled, or the bot's token revoked: Slack sends both, in either order.
    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)


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


def thread_reply(event: dict[str, Any]) -> bool:
    """A person's reply in a channel thread (an account team answering a heads-up)."""
    return (
        event.get("channel_type") in ("channel", "group")
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and bool(event.get("thread_ts"))
        and event.get("thread_ts") != event.get("ts")
    )


async def direct_message(event: dict[str, Any], context: Any) -> None:
    if typed_by_a_person(event):
        await answer_dm(deps_of(context), context["team_id"], event["channel"], event["ts"])
    elif thread_reply(event):
        await note_reply(
            deps_of(context),
            context["team_id"],
            event["channel"],
            event["thread_ts"],
            event["ts"],
            event["user"],
            str(event.get("text") or ""),
        )


def _workspace(body: dict[str, Any]) -> str | None:
    """The workspace an event is about: its team, or for an org-wide install the org."""
    if body.get("is_enterprise_install") and body.get("enterprise_id"):
        return str(body["enterprise_id"])
    return body.get("team_id") or None


async def app_uninstalled(body: dict[str, Any], context: Any) -> None:
    workspace = _workspace(body)
    if workspace:
        await uninstalled(deps_of(context), workspace)


async def tokens_revoked(event: dict[str, Any], body: dict[str, Any], context: Any) -> None:
    # KYC holds bot tokens only: a user token revoked changes nothing here.
    if (event.get("tokens") or {}).get("bot"):
        workspace = _workspace(body)
        if workspace:
            await uninstalled(deps_of(context), workspace)
