"""A customer's history: the brief's History button (pushed over the brief), and Older /
Newer in the history modal (the same modal redrawn). `/kyc customer NAME` is in commands."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action
from bot.services import history
from bot.views.history import build_history_modal, parse_page_value
from handlers.common import actor_of, after_click, clicked_id, deps_of, show_modal


def register(app: AsyncApp) -> None:
    app.action(Action.HISTORY.value)(history_clicked)
    app.action(Action.HISTORY_OLDER.value)(page_clicked)
    app.action(Action.HISTORY_NEWER.value)(page_clicked)


async def history_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """From a modal (the brief) the history is pushed over it; elsewhere it is opened."""
    await ack()
    value = clicked_id(body)
    if value is None:
        return
    work = history.history(deps_of(context), actor_of(context), value)
    page = await after_click(context, body, work)
    if page is None:
        return
    await show_modal(client, body, build_history_modal(page))


async def page_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """Older / Newer: the page asked for, drawn over the one shown (views.update, by hash so
    two quick clicks do not overwrite each other's page)."""
    await ack()
    parsed = parse_page_value(str(body["actions"][0].get("value") or ""))
    view = body.get("view") or {}
    if parsed is None or not view.get("id"):
        return
    customer_id, number = parsed
    work = history.history(deps_of(context), actor_of(context), customer_id, number)
    page = await after_click(context, body, work)
    if page is not None:
        await client.views_update(
            view_id=view["id"], hash=view.get("hash"), view=build_history_modal(page)
        )
