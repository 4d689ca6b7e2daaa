"""What every listener shares: the deps and actor the middleware put in the context, and the
one skeleton a listener follows: run one use case, answer Slack, tell a refusal where it
belongs. Handlers import no storage: a use case owns its unit of work."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.deps import Deps
from bot.services import inbox, notes
from bot.services.identity import Actor, Invalid, NotAllowed, Refused
from bot.views.notices import build_notice_modal

T = TypeVar("T")


def deps_of(context: Any) -> Deps:
    deps: Deps = context["deps"]
    return deps


def actor_of(context: Any) -> Actor | None:
    person: Actor | None = context.get("person")
    return person


async def tell(context: Any, body: dict[str, Any], text: str) -> None:
    """An ephemeral note where the user clicked, or a DM when there is no channel (App Home),
    through the outbox like every other message (retried, never lost, once per click)."""
    user = str((body.get("user") or {}).get("id") or body.get("user_id") or "")
    channel = str((body.get("channel") or {}).get("id") or body.get("channel_id") or "")
    team = str(context.get("team_id") or (body.get("team") or {}).get("id") or "")
    if user and team:
        await notes.tell(deps_of(context), team, user, channel, text, click=click_id(body))


def click_id(body: dict[str, Any]) -> str:
    """What identifies one user action: Slack's action_ts, or the trigger of a command."""
    actions = body.get("actions") or [{}]
    return str(actions[0].get("action_ts") or body.get("trigger_id") or "")


def clicked_id(body: dict[str, Any]) -> int | None:
    """The clicked button's value, when it is an id (a customer's, an item's, a shift's)."""
    value = str(body["actions"][0].get("value") or "")
    return int(value) if value.isdigit() else None


async def after_click(context: Any, body: dict[str, Any], work: Awaitable[T]) -> T | None:
    """A click's use case (the click is acknowledged already); a refusal is told to the user
    where they clicked, and None returned."""
    try:
        return await work
    except NotAllowed as exc:
        await tell(context, body, str(exc))
        return None


async def open_after(
    client: Any,
    context: Any,
    body: dict[str, Any],
    work: Awaitable[T],
    draw: Callable[[T], dict[str, Any]],
) -> None:
    """A click that opens a modal: run its use case, then open what `draw` makes of the result
    (a refusal is told instead). The trigger lives 3 s, so nothing else comes between."""
    result = await after_click(context, body, work)
    if result is not None:
        await client.views_open(trigger_id=body["trigger_id"], view=draw(result))


async def show_modal(client: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
    """A modal for a click: pushed over the modal it came from (a brief), else opened."""
    if (body.get("view") or {}).get("type") == "modal":
        await client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        await client.views_open(trigger_id=body["trigger_id"], view=view)


async def answer_submission(
    ack: Any,
    work: Awaitable[T],
    *,
    field: str | None,
    show: Callable[[T], dict[str, Any]] | None = None,
) -> T | None:
    """A modal submission's use case, run before Slack hears back (nothing is lost). Fields the
    use case found wrong are answered on each; another refusal answers on `field`; one of the
    person (not on the roster, not an executive), or with no field, replaces the modal with a
    notice. Done, the modal closes, or becomes what `show` makes of the result; the result is
    returned (None when refused) for what the listener does after Slack's answer."""
    try:
        result = await work
    except Invalid as exc:
        await ack(response_action="errors", errors=exc.fields)
        return None
    except NotAllowed as exc:
        if field and not isinstance(exc, Refused):
            await ack(response_action="errors", errors={field: str(exc)})
        else:
            await refuse(ack, str(exc))
        return None
    if show is None:
        await ack()
    else:
        await ack(response_action="update", view=show(result))
    return result


async def refuse(ack: Any, text: str) -> None:
    """Answer a submission by replacing the modal with a notice the user can read and close."""
    await ack(response_action="update", view=build_notice_modal(text))


async def keep_then_follow(
    ack: Any, context: Any, work: Awaitable[inbox.Received], *, field: str | None
) -> None:
    """A typed submission kept before Slack hears back (answered as `answer_submission` does),
    then turned into its records, and the messages it owes, right after."""
    kept = await answer_submission(ack, work, field=field)
    if kept is not None:
        await inbox.follow(deps_of(context), kept)


def read_meta(view: dict[str, Any]) -> dict[str, Any]:
    """A modal's private_metadata, {} when absent or unreadable."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
        return meta if isinstance(meta, dict) else {}
    except ValueError:
        return {}


def request_key(view: dict[str, Any]) -> str:
    """A view is submitted once; Slack's retries and double submits carry the same view id."""
    return f"view:{view['id']}"
