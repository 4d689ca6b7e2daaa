"""`/kyc` and its sub-commands: parse, call one service, answer."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.regimen.calendar import local_now
from bot.services import executive as exec_service
from bot.services.identity import NotAllowed, is_admin, is_executive, person_by_slack_id
from bot.services.people import regimen_of
from bot.services.stats import figures
from bot.services.week import week_views
from bot.views.commands import (
    build_help,
    build_not_enrolled,
    build_reactive_modal,
    build_simple,
)
from bot.views.nudge import build_week_list
from bot.views.stats import build_stats
from handlers.common import actor_of, attached, deps_of, open_call_modal

PAUSE = re.compile(r"^(?:until\s+)?(\d{4}-\d{2}-\d{2})$")
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def register(app: AsyncApp) -> None:
    app.command("/kyc")(kyc_command)


async def kyc_command(
    ack: Any, command: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    text = (command.get("text") or "").strip()
    sub, _, rest = text.partition(" ")
    sub, rest = sub.lower(), rest.strip()
    person = actor_of(context)
    if sub in ("", "help") or sub not in ("done", "week", "log", "pause", "resume", "stats"):
        await ack(**build_help())
        return
    if person is None:
        await ack(**build_not_enrolled(command["user_id"]))
        return
    deps = deps_of(context)
    try:
        if sub in ("done", "log") and not is_executive(person):
            raise NotAllowed(
                "Only executives on the KYC roster log customer calls. "
                "Ask your KYC admin to add you with role `executive`."
            )
        if sub == "done":
            # trigger_id lives 3 s: answer Slack first, then open the modal straight away.
            await ack()
            customer_id = None
            if rest:
                async with deps.db.unit_of_work() as session:
                    # Slack sends &, < and > of the typed text as HTML entities.
                    match = await exec_service.best_match(
                        session, deps.settings, person, html.unescape(rest), now=deps.now()
                    )
                    customer_id = match.customer_id if match else None
            await open_call_modal(client, deps, person, command["trigger_id"], customer_id)
            return
        if sub == "log":
            await ack()
            await client.views_open(trigger_id=command["trigger_id"], view=build_reactive_modal(""))
            return
        await ack(**await _answer(sub, rest, person, deps))
    except NotAllowed as exc:
        await ack(**build_simple(str(exc)))


async def _stats(rest: str, person: Any, deps: Any) -> dict[str, Any]:
    """Mine, or `@someone`'s for an admin or their manager; nobody else's."""
    async with deps.db.unit_of_work() as session:
        me = await attached(session, person)
        target = me
        mention = MENTION.match(rest)
        if mention:
            found = await person_by_slack_id(session, me.workspace_id, mention.group(1))
            if found is None or not is_executive(found):
                raise NotAllowed("That person is not an executive on the KYC roster.")
            if found.id != me.id and not (is_admin(me) or found.manager_id == me.id):
                raise NotAllowed("Only admins and their manager can see someone else's numbers.")
            target = found
        elif rest:
            return build_simple("Use `/kyc stats` for yours, or `/kyc stats @someone`.")
        elif not is_executive(me):
            raise NotAllowed("You have no numbers of your own: only executives call customers.")
        (fig,) = await figures(session, deps.settings, me.workspace_id, [target], now=deps.now())
    return build_stats(fig, mine=target.id == me.id)


async def _answer(sub: str, rest: str, person: Any, deps: Any) -> dict[str, Any]:
    if sub == "stats":
        return await _stats(rest, person, deps)
    if sub == "week":
        if not is_executive(person):
            raise NotAllowed("You have no weekly batch: only executives on the roster get one.")
        async with deps.db.unit_of_work() as session:
            (week,) = await week_views(
                session,
                deps.settings,
                person.workspace_id,
                [await attached(session, person)],
                deps.now(),
            )
        return build_week_list(week)
    if sub == "pause":
        m = PAUSE.match(rest)
        if not m:
            return build_simple("Tell me until when, e.g. `/kyc pause until 2026-12-28`.")
        try:
            until = date.fromisoformat(m.group(1))
        except ValueError:
            return build_simple(f"{m.group(1)} is not a date — use YYYY-MM-DD.")
        async with deps.db.unit_of_work() as session:
            me = await attached(session, person)
            today = local_now(deps.now(), regimen_of(me, deps.settings).tz).date()
            exec_service.pause(me, until, today)
        return build_simple(
            f"Paused until {until:%a %-d %b %Y} 🌴 No nudges until then; "
            "your customers will be waiting. `/kyc resume` to come back early."
        )
    async with deps.db.unit_of_work() as session:
        was = exec_service.resume(await attached(session, person))
    return build_simple(
        "Welcome back ☕ Nudges resume on your next workday."
        if was
        else "You were not paused — nudges are on."
    )
