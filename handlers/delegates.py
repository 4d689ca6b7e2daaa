"""App Home → an executive names their delegate (a users_select modal) or stops: parse, one
use case, answer; App Home is drawn again with it."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action, Block, View
from bot.services import delegates
from bot.views.delegates import build_delegate_modal, parse_delegate
from bot.views.home import build_home
from handlers.common import actor_of, after_click, answer_submission, deps_of, open_after


def register(app: AsyncApp) -> None:
    app.action(Action.SET_DELEGATE.value)(set_clicked)
    app.action(Action.STOP_DELEGATE.value)(stop_clicked)
    app.view(View.DELEGATE.value)(delegate_submitted)


async def set_clicked(ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    await ack()
    work = delegates.delegate_form(deps_of(context), actor_of(context))
    await open_after(client, context, body, work, build_delegate_modal)


async def stop_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    work = delegates.from_home(deps_of(context), actor_of(context), None)
    home = await after_click(context, body, work)
    if home is not None:
        await client.views_publish(user_id=body["user"]["id"], view=build_home(home))


async def delegate_submitted(
    ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    user, errors = parse_delegate(view["state"]["values"])
    if errors or user is None:
        await ack(response_action="errors", errors=errors)
        return
    work = delegates.from_home(deps_of(context), actor_of(context), user)
    home = await answer_submission(ack, work, field=Block.DELEGATE_USER)
    if home is not None:
        await client.views_publish(user_id=body["user"]["id"], view=build_home(home))
