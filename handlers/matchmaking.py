"""Matchmaking's clicks and its one modal: the guest's answer to an invitation, the host's
accept or decline, "What did you learn?", the re-ask, and App Home's "Meet a customer"
choices (App Home drawn again after them). Parse, one use case, answer."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.ids import Action, Block, View
from bot.services import home
from bot.services.matchmaking import answers, learned, meet
from bot.views.home import build_home
from bot.views.matchmaking import build_learn_modal, parse_learned
from handlers.common import (
    actor_of,
    after_click,
    deps_of,
    keep_then_follow,
    open_after,
    read_meta,
    request_key,
)

GUEST = {
    Action.MATCH_JOIN: "join",
    Action.MATCH_PASS: "pass",
    Action.MATCH_SNOOZE: "snooze",
    Action.MATCH_OPT_OUT: "optout",
}
CHOICE = {
    Action.MATCH_SNOOZE: "snooze",
    Action.MATCH_OPT_OUT: "optout",
    Action.MATCH_OPT_IN: "optin",
    Action.MATCH_REASK_YES: "optin",
    Action.MATCH_REASK_NO: "notnow",
}


def register(app: AsyncApp) -> None:
    for action in GUEST.keys() | CHOICE.keys():
        app.action(action.value)(guest_clicked)
    app.action(Action.MATCH_ACCEPT.value)(host_clicked)
    app.action(Action.MATCH_DECLINE.value)(host_clicked)
    app.action(Action.MATCH_LEARN.value)(learn_clicked)
    app.view(View.MATCH_LEARNED.value)(learned_submitted)


def _clicked(body: dict[str, Any]) -> tuple[Action, str]:
    first = body["actions"][0]
    return Action(first["action_id"]), str(first.get("value") or "")


async def guest_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """An invitation's button (value: the pairing), or a choice with no invitation (value
    "0": App Home, the re-ask); on App Home the section is drawn again."""
    await ack()
    action, value = _clicked(body)
    deps, actor = deps_of(context), actor_of(context)
    if value.isdigit() and int(value) and action in GUEST:
        await after_click(
            context, body, answers.guest_answer(deps, actor, int(value), GUEST[action])
        )
        return
    done = await after_click(context, body, _choice(deps, actor, CHOICE[action]))
    if done is not None and (body.get("view") or {}).get("type") == "home":
        await client.views_publish(user_id=body["user"]["id"], view=build_home(done))


async def _choice(deps: Any, actor: Any, choice: str) -> Any:
    await meet.home_choice(deps, actor, choice)
    return await home.show_home(deps, actor)


async def host_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    action, value = _clicked(body)
    if not value.isdigit():
        return
    work = answers.host_answer(
        deps_of(context), actor_of(context), int(value), action is Action.MATCH_ACCEPT
    )
    await after_click(context, body, work)


async def learn_clicked(
    ack: Any, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    _action, value = _clicked(body)
    if not value.isdigit():
        return
    work = learned.learn_form(deps_of(context), actor_of(context), int(value))
    await open_after(
        client,
        context,
        body,
        work,
        lambda f: build_learn_modal(f.pairing_id, f.customer_name, shift=f.shift),
    )


async def learned_submitted(ack: Any, view: dict[str, Any], context: Any) -> None:
    """Kept before the ack; stored right after."""
    deps = deps_of(context)
    pairing = read_meta(view).get("p")
    work = learned.submit_learned(
        deps,
        actor_of(context),
        int(pairing or 0),
        parse_learned(view["state"]["values"]),
        request_key=request_key(view),
    )
    await keep_then_follow(ack, context, work, field=Block.MATCH_LEARNED)
