"""A team's formal customer meeting: "Request a meeting" on the brief (and `/kyc meeting`,
in handlers/commands.py) and the request modal's submission: parse, one use case, answer."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action, View
from bot.services import inbox, meetings
from bot.views.meetings import build_meeting_request_modal, parse_meeting_request
from handlers.common import (
    actor_of,
    after_click,
    answer_submission,
    deps_of,
    read_meta,
    request_key,
)


def register(app: AsyncApp) -> None:
    app.action(Action.REQUEST_MEETING.value)(request_clicked)
    app.view(View.MEETING_REQUEST.value)(request_submitted)


async def request_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """From the brief modal (pushed over it) or a message (opened)."""
    await ack()
    value = str(body["actions"][0].get("value") or "")
    if not value.isdigit():
        return
    work = meetings.meeting_form(deps_of(context), actor_of(context), int(value))
    form = await after_click(context, body, work)
    if form is None:
        return
    view = build_meeting_request_modal(form)
    if body.get("view"):
        await client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        await client.views_open(trigger_id=body["trigger_id"], view=view)


async def request_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    fields = parse_meeting_request(view["state"]["values"])
    customer_id = int(read_meta(view).get("c") or 0)
    work = meetings.submit_request(
        deps, actor_of(context), customer_id, fields, request_key=request_key(view)
    )
    kept = await answer_submission(ack, work, field=None)
    if kept is not None:  # Slack has its answer: now the meeting and the invitation
        await inbox.follow(deps, kept)
