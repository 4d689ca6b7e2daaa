"""Recurring customer themes: the lead's buttons (make it an action point, dismiss), their
modals, and the action point's Done: parse, one use case, answer."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action, Block, View
from bot.services import calling, theme_decisions
from bot.views.themes import (
    build_theme_act_modal,
    build_theme_dismiss_modal,
    parse_action,
    parse_dismissal,
)
from handlers.common import (
    actor_of,
    after_click,
    clicked_id,
    deps_of,
    keep_then_follow,
    open_after,
    read_meta,
    request_key,
)


def register(app: AsyncApp) -> None:
    app.action(Action.THEME_ACT.value)(act_clicked)
    app.action(Action.THEME_DISMISS.value)(dismiss_clicked)
    app.action(Action.THEME_DONE.value)(done_clicked)
    app.view(View.THEME_ACT.value)(action_submitted)
    app.view(View.THEME_DISMISS.value)(dismissal_submitted)


async def act_clicked(ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    await ack()
    if (cid := clicked_id(body)) is not None:
        work = theme_decisions.theme_form(deps_of(context), actor_of(context), cid)
        await open_after(client, context, body, work, build_theme_act_modal)


async def dismiss_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    if (cid := clicked_id(body)) is not None:
        work = theme_decisions.theme_form(deps_of(context), actor_of(context), cid)
        await open_after(client, context, body, work, build_theme_dismiss_modal)


async def done_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    if (cid := clicked_id(body)) is not None:
        await after_click(
            context, body, theme_decisions.close_action(deps_of(context), actor_of(context), cid)
        )


async def action_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    today = await calling.local_today(deps, person)
    action, errors = parse_action(view["state"]["values"], today=today)
    if errors or action is None:
        await ack(response_action="errors", errors=errors)
        return
    cid = int(read_meta(view).get("candidate") or 0)
    work = theme_decisions.submit_action(deps, person, cid, action, request_key=request_key(view))
    await keep_then_follow(ack, context, work, field=Block.ACTION_TEXT.value)


async def dismissal_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    reason, errors = parse_dismissal(view["state"]["values"])
    if errors or reason is None:
        await ack(response_action="errors", errors=errors)
        return
    cid = int(read_meta(view).get("candidate") or 0)
    work = theme_decisions.submit_dismissal(
        deps, person, cid, reason, request_key=request_key(view)
    )
    await keep_then_follow(ack, context, work, field=Block.REASON.value)
