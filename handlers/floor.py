"""Back to the floor: App Home's button and Stop, the host lead's Confirm and other day, the
leader's Accept, the after-shift modal: parse, one use case, answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action, View
from bot.services import floor, floor_answers
from bot.views.floor import (
    build_floor_modal,
    build_floor_report_modal,
    parse_floor,
    parse_floor_report,
)
from bot.views.home import build_home
from handlers.common import (
    actor_of,
    after_click,
    answer_submission,
    clicked_id,
    deps_of,
    keep_then_follow,
    open_after,
    read_meta,
    request_key,
    tell,
)


def register(app: AsyncApp) -> None:
    app.action(Action.FLOOR_SET.value)(set_clicked)
    app.action(Action.FLOOR_STOP.value)(stop_clicked)
    app.action(Action.FLOOR_CONFIRM.value)(confirm_clicked)
    app.action(Action.FLOOR_OTHER_DAY.value)(other_day_picked)
    app.action(Action.FLOOR_ACCEPT.value)(accept_clicked)
    app.action(Action.FLOOR_REPORT.value)(report_clicked)
    app.view(View.FLOOR.value)(floor_saved)
    app.view(View.FLOOR_REPORT.value)(report_submitted)


async def set_clicked(ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any) -> None:
    await ack()
    work = floor.floor_form(deps_of(context), actor_of(context))
    await open_after(client, context, body, work, build_floor_modal)


async def stop_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    home = await after_click(
        context, body, floor.stop_commitment(deps_of(context), actor_of(context))
    )
    if home is not None:
        await client.views_publish(user_id=body["user"]["id"], view=build_home(home))
        await tell(context, body, "Back to the floor stopped. Start again from App Home.")


async def confirm_clicked(ack: Any, body: dict[str, Any], context: Any) -> None:
    await ack()
    shift_id = clicked_id(body)
    if shift_id is not None:
        await after_click(
            context, body, floor_answers.confirm(deps_of(context), actor_of(context), shift_id)
        )


async def other_day_picked(ack: Any, body: dict[str, Any], context: Any) -> None:
    """The datepicker of the proposal: its block names the shift."""
    await ack()
    action = body["actions"][0]
    block = str(action.get("block_id") or "")
    number = block.rsplit("_", 1)[-1]
    picked = action.get("selected_date")
    if not number.isdigit() or not picked:
        return
    work = floor_answers.propose_other_day(
        deps_of(context), actor_of(context), int(number), date.fromisoformat(picked)
    )
    await after_click(context, body, work)


async def accept_clicked(ack: Any, body: dict[str, Any], context: Any) -> None:
    await ack()
    shift_id = clicked_id(body)
    if shift_id is not None:
        await after_click(
            context, body, floor_answers.accept(deps_of(context), actor_of(context), shift_id)
        )


async def report_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    shift_id = clicked_id(body)
    if shift_id is not None:
        work = floor_answers.report_form(deps_of(context), actor_of(context), shift_id)
        await open_after(client, context, body, work, build_floor_report_modal)


async def floor_saved(
    ack: Any, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """The commitment: a field that will not do is answered on it; saved, App Home again."""
    work = floor.save_commitment(
        deps_of(context), actor_of(context), parse_floor(view["state"]["values"])
    )
    home = await answer_submission(ack, work, field=None)
    if home is not None:
        await client.views_publish(user_id=body["user"]["id"], view=build_home(home))


async def report_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    """What the leader did and learned, kept before Slack's answer, stored right after."""
    report, errors = parse_floor_report(view["state"]["values"])
    if errors or report is None:
        await ack(response_action="errors", errors=errors)
        return
    shift_id = int(read_meta(view).get("shift") or 0)
    deps = deps_of(context)
    work = floor_answers.submit_report(
        deps, actor_of(context), shift_id, report, request_key=request_key(view)
    )
    await keep_then_follow(ack, context, work, field=None)
