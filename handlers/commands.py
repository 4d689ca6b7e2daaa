"""`/kyc` and its sub-commands: parse, call one use case, answer."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services import batch_actions, calling, delegates, floor, history, my_settings
from bot.services.identity import NotAllowed, require_executive
from bot.services.meetings.requesting import meeting_form
from bot.views.call_modal import build_call_modal
from bot.views.call_submission import touchpoint_of
from bot.views.commands import (
    build_help,
    build_not_enrolled,
    build_reactive_modal,
    build_simple,
)
from bot.views.floor import build_floor_modal
from bot.views.history import build_history_modal
from bot.views.meetings.requesting import build_meeting_request_modal
from bot.views.my_settings import build_pause_modal
from bot.views.nudge import build_week_list
from bot.views.stats import build_stats
from bot.views.text import escape
from handlers.common import actor_of, deps_of

PAUSE = re.compile(r"^(?:until\s+)?(\d{4}-\d{2}-\d{2})$")
# "for @dana …": a delegate acting for their executive (Slack sends <@U123|dana>).
FOR = re.compile(r"^for\s+<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*(.*)$", re.IGNORECASE | re.DOTALL)
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
SUBCOMMANDS = (
    "done",
    "week",
    "log",
    "pause",
    "resume",
    "stats",
    "delegate",
    "customer",
    "floor",
    "meeting",
)
NOT_TO_LOG = (
    "Only executives on the KYC roster log customer calls. "
    "Ask your KYC admin to add you with role `executive`."
)


def register(app: AsyncApp) -> None:
    app.command("/kyc")(kyc_command)


async def kyc_command(
    ack: Any, command: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    text = (command.get("text") or "").strip()
    subcommand, _, rest = text.partition(" ")
    subcommand, rest = subcommand.lower(), rest.strip()
    person, deps = actor_of(context), deps_of(context)
    if subcommand not in SUBCOMMANDS:
        await ack(**build_help())
        return
    if person is None:
        await ack(**build_not_enrolled(command["user_id"]))
        return
    for_user, rest = for_whom(rest)
    try:
        if subcommand == "done" and for_user:
            await calling.executive_acted_for(deps, person, for_user)  # refused: said in the ack
            await ack()
            kind, typed = touchpoint_of(html.unescape(rest))
            form = await calling.form_for_call(
                deps, person, None, typed=typed, for_user=for_user, kind=kind
            )
            await client.views_open(trigger_id=command["trigger_id"], view=build_call_modal(form))
        elif subcommand == "done":
            require_executive(person, NOT_TO_LOG)
            # trigger_id lives 3 s: answer Slack first, then open the modal straight away.
            await ack()
            # Slack sends &, < and > of the typed text as HTML entities.
            kind, typed = touchpoint_of(html.unescape(rest))
            form = await calling.form_for_call(deps, person, None, typed=typed, kind=kind)
            await client.views_open(trigger_id=command["trigger_id"], view=build_call_modal(form))
        elif subcommand == "meeting":
            # A formal meeting with a customer of theirs or their team's, matched by name.
            asked = await meeting_form(deps, person, typed=html.unescape(rest))
            await ack()
            view = build_meeting_request_modal(asked)
            await client.views_open(trigger_id=command["trigger_id"], view=view)
        elif subcommand == "pause" and not rest:
            # No date typed: a calendar to pick it on.
            pause = await my_settings.pause_form(deps, person)
            await ack()
            await client.views_open(trigger_id=command["trigger_id"], view=build_pause_modal(pause))
        elif subcommand == "customer":
            # Found (or refused, said in the ack) before answering; then the modal at once.
            try:
                page = await history.history_by_name(deps, person, html.unescape(rest))
            except NotAllowed as exc:  # names the customers typed or found: escaped
                await ack(**build_simple(escape(str(exc))))
                return
            await ack()
            await client.views_open(
                trigger_id=command["trigger_id"], view=build_history_modal(page)
            )
        elif subcommand == "floor" and rest.lower() in ("off", "stop"):
            await floor.stop_commitment(deps, person)
            await ack(**build_simple("Back to the floor stopped. `/kyc floor` to start again."))
        elif subcommand == "floor":
            commitment = await floor.floor_form(deps, person)
            await ack()
            await client.views_open(
                trigger_id=command["trigger_id"], view=build_floor_modal(commitment)
            )
        elif subcommand == "log":
            require_executive(person, NOT_TO_LOG)
            await ack()
            await client.views_open(trigger_id=command["trigger_id"], view=build_reactive_modal(""))
        else:
            await ack(**await _answer(subcommand, rest, person, deps, for_user))
    except NotAllowed as exc:  # it may name what was typed, or a customer: escaped
        await ack(**build_simple(escape(str(exc))))


def for_whom(rest: str) -> tuple[str | None, str]:
    """'for <@U0DANA> Acme' -> ('U0DANA', 'Acme'); anything else -> (None, rest)."""
    found = FOR.match(rest)
    return (found.group(1), found.group(2).strip()) if found else (None, rest)


async def _answer(
    subcommand: str, rest: str, person: Any, deps: Any, for_user: str | None
) -> dict[str, Any]:
    if subcommand == "delegate":
        return await _delegate(rest, person, deps)
    if subcommand == "stats":
        stats = await batch_actions.stats(deps, person, f"<@{for_user}>" if for_user else rest)
        return build_stats(
            stats.figures,
            mine=stats.mine,
            floor=stats.floor,
            recoveries=stats.recoveries,
            meetings=stats.meetings,
            themes=stats.themes,
        )
    if subcommand == "week":
        return build_week_list(await batch_actions.this_week(deps, person, for_user=for_user))
    if subcommand == "pause":
        m = PAUSE.match(rest)
        if not m:
            return build_simple("Tell me until when, e.g. `/kyc pause until 2026-12-28`.")
        try:
            until = date.fromisoformat(m.group(1))
        except ValueError:
            return build_simple(f"{m.group(1)} is not a date — use YYYY-MM-DD.")
        whose = await batch_actions.pause(deps, person, until, for_user=for_user)
        if whose is not None:
            return build_simple(f"Paused {escape(whose)} until {until:%a %-d %b %Y} 🌴")
        return build_simple(
            f"Paused until {until:%a %-d %b %Y} 🌴 No nudges until then; "
            "your customers will be waiting. `/kyc resume` to come back early."
        )
    was_paused = await batch_actions.resume(deps, person)
    return build_simple(
        "Welcome back ☕ Nudges resume on your next workday."
        if was_paused
        else "You were not paused — nudges are on."
    )


async def _delegate(rest: str, person: Any, deps: Any) -> dict[str, Any]:
    """`/kyc delegate @someone` or `/kyc delegate off`."""
    if rest.lower() in ("off", "none", "remove"):
        done = await delegates.set_delegate(deps, person, None)
        if done.before_user_id is None:
            return build_simple("You have no delegate.")
        return build_simple(f"<@{done.before_user_id}> no longer acts for you.")
    found = MENTION.match(rest)
    if not found:
        return build_simple(
            "Name your delegate, e.g. `/kyc delegate @pat`, or `/kyc delegate off`."
        )
    done = await delegates.set_delegate(deps, person, found.group(1))
    return build_simple(
        f"<@{done.delegate_user_id}> is now your delegate 🤝 They can log calls and voicemails "
        "for you, swap a customer, see your week and numbers, and pause you. "
        "`/kyc delegate off` to stop."
    )
