"""A team's formal customer meeting: "Request a meeting" on the brief (and `/kyc meeting`,
in handlers/commands.py) and the request modal's submission: parse, one use case, answer."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action, View
from bot.services import calling, charters
from bot.services.meetings import changes, recording, requesting
from bot.views.charters import build_charter_history_modal, build_charter_modal, parse_charter
from bot.views.meetings.changes import build_meeting_cancel_modal, parse_meeting_cancel
from bot.views.meetings.recording import build_meeting_record_modal, parse_meeting_record
from bot.views.meetings.requesting import build_meeting_request_modal, parse_meeting_request
from bot.views.notices import build_notice_modal
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
    show_modal,
    tell,
)


def register(app: AsyncApp) -> None:
    app.action(Action.REQUEST_MEETING.value)(request_clicked)
    app.view(View.MEETING_REQUEST.value)(request_submitted)
    app.action(Action.EDIT_CHARTER.value)(charter_clicked)
    app.action(Action.CHARTER_HISTORY.value)(history_clicked)
    app.view(View.CHARTER.value)(charter_submitted)
    app.action(Action.RECORD_MEETING.value)(record_clicked)
    app.view(View.MEETING_RECORD.value)(record_submitted)
    app.action(Action.ACCEPT_CHARTER.value)(accept_clicked)
    app.action(Action.EDIT_PROPOSED_CHARTER.value)(edit_proposal_clicked)
    app.action(Action.CHANGE_MEETING.value)(change_clicked)
    app.view(View.MEETING_CHANGE.value)(change_submitted)
    app.action(Action.CANCEL_MEETING.value)(cancel_clicked)
    app.view(View.MEETING_CANCEL.value)(cancel_submitted)


async def request_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """From the brief modal (pushed over it) or a message (opened)."""
    await ack()
    value = clicked_id(body)
    if value is None:
        return
    work = requesting.meeting_form(deps_of(context), actor_of(context), value)
    form = await after_click(context, body, work)
    if form is None:
        return
    await show_modal(client, body, build_meeting_request_modal(form))


async def request_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    fields = parse_meeting_request(view["state"]["values"])
    customer_id = int(read_meta(view).get("c") or 0)
    work = requesting.submit_request(
        deps, actor_of(context), customer_id, fields, request_key=request_key(view)
    )
    await keep_then_follow(ack, context, work, field=None)


async def charter_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """App Home → Team → Edit charter (value = team id)."""
    await ack()
    work = charters.charter_form(deps_of(context), actor_of(context), clicked_id(body))
    await open_after(client, context, body, work, build_charter_modal)


async def history_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    work = charters.charter_history(deps_of(context), actor_of(context), clicked_id(body))
    await open_after(client, context, body, work, build_charter_history_modal)


async def charter_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    """A revision saved before Slack hears back; the modal says which."""
    meta = read_meta(view)
    purpose, lines = parse_charter(view["state"]["values"], int(meta.get("n") or 0))
    meeting = meta.get("m")
    work = charters.save_charter(
        deps_of(context),
        actor_of(context),
        int(meta.get("t") or 0),
        purpose,
        lines,
        meeting_id=int(meeting) if isinstance(meeting, int) else None,
    )
    await answer_submission(
        ack,
        work,
        field=None,
        show=lambda n: build_notice_modal(f"Saved as revision {n} of the charter ✅", "Charter"),
    )


async def record_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """The organiser's DM after the meeting (value = meeting id)."""
    await ack()
    meeting_id = clicked_id(body)
    if meeting_id is None:
        return
    work = recording.record_form(deps_of(context), actor_of(context), meeting_id)
    await open_after(client, context, body, work, build_meeting_record_modal)


async def record_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps, person = deps_of(context), actor_of(context)
    today = await calling.local_today(deps, person)
    fields, errors = parse_meeting_record(view["state"]["values"], today=today)
    if errors:
        await ack(response_action="errors", errors=errors)
        return
    meeting_id = int(read_meta(view).get("m") or 0)
    work = recording.submit_record(deps, person, meeting_id, fields, request_key=request_key(view))
    await keep_then_follow(ack, context, work, field=None)


async def accept_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """The proposed charter revision accepted in one click, linked to its meeting."""
    await ack()
    meeting_id = clicked_id(body)
    if meeting_id is None:
        return
    work = recording.accept_proposal(deps_of(context), actor_of(context), meeting_id)
    said = await after_click(context, body, work)
    if said is not None:
        await tell(context, body, said)


async def edit_proposal_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """The proposed revision opened in the charter modal, to edit before saving it."""
    await ack()
    meeting_id = clicked_id(body)
    if meeting_id is None:
        return
    work = charters.charter_form(deps_of(context), actor_of(context), meeting_id=meeting_id)
    await open_after(client, context, body, work, build_charter_modal)


async def change_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """The organiser's invitation DM → Change… (value = meeting id): the request modal,
    filled in with the meeting as it stands."""
    await ack()
    meeting_id = clicked_id(body)
    if meeting_id is None:
        return
    work = changes.change_form(deps_of(context), actor_of(context), meeting_id)
    await open_after(client, context, body, work, build_meeting_request_modal)


async def change_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    fields = parse_meeting_request(view["state"]["values"])
    meeting_id = int(read_meta(view).get("m") or 0)
    work = changes.submit_change(
        deps, actor_of(context), meeting_id, fields, request_key=request_key(view)
    )
    await keep_then_follow(ack, context, work, field=None)


async def cancel_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """The organiser's invitation DM → Cancel meeting: a small modal asks why."""
    await ack()
    meeting_id = clicked_id(body)
    if meeting_id is None:
        return
    work = changes.cancel_form(deps_of(context), actor_of(context), meeting_id)
    await open_after(client, context, body, work, build_meeting_cancel_modal)


async def cancel_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    deps = deps_of(context)
    reason = parse_meeting_cancel(view["state"]["values"])
    meeting_id = int(read_meta(view).get("m") or 0)
    work = changes.submit_cancel(
        deps, actor_of(context), meeting_id, reason, request_key=request_key(view)
    )
    await keep_then_follow(ack, context, work, field=None)
