"""App Home → Holidays (admins): the modal opened, a holiday added from its form or removed
from its list, the modal drawn again each time: parse, one use case, answer."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action, View
from bot.services import holidays
from bot.views.holidays import build_holidays_modal, parse_holiday
from handlers.common import actor_of, after_click, answer_submission, deps_of, open_after


def register(app: AsyncApp) -> None:
    app.action(Action.ADMIN_HOLIDAYS.value)(holidays_clicked)
    app.action(Action.REMOVE_HOLIDAY.value)(remove_clicked)
    app.view(View.HOLIDAYS.value)(holiday_added)


async def holidays_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    work = holidays.holidays_screen(deps_of(context), actor_of(context))
    await open_after(client, context, body, work, build_holidays_modal)


async def remove_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    value = str(body["actions"][0].get("value") or "")
    view = body.get("view") or {}
    if not value.isdigit() or not view:
        return
    work = holidays.remove_from_modal(deps_of(context), actor_of(context), int(value))
    screen = await after_click(context, body, work)
    if screen is not None:
        await client.views_update(view_id=view["id"], view=build_holidays_modal(screen))


async def holiday_added(ack: Any, view: dict[str, Any], context: Any) -> None:
    """Added, the modal stays open with the holiday in its list; a past day or no name is
    answered on its field."""
    day, name, country = parse_holiday(view["state"]["values"])
    work = holidays.add_from_modal(deps_of(context), actor_of(context), day, name, country)
    await answer_submission(ack, work, field=None, show=build_holidays_modal)
