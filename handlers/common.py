"""What every listener shares: the actor, telling a user something, opening the call modal."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import Deps
from bot.services import notes
from bot.views.call_modal import build_call_modal
from bot.views.data import CallForm, Option
from storage.models import Customer, Person, Team

log = logging.getLogger("kyc.handlers")


def deps_of(context: Any) -> Deps:
    deps: Deps = context["deps"]
    return deps


def actor_of(context: Any) -> Person | None:
    person: Person | None = context.get("person")
    return person


async def attached(session: AsyncSession, person: Person) -> Person:
    """The actor, as this request read them a moment ago, in this unit of work: no second
    query for who is asking (changes made to it are written with the unit of work)."""
    return await session.merge(person, load=False)


async def tell(context: Any, body: dict[str, Any], text: str) -> None:
    """An ephemeral note where the user clicked, or a DM when there is no channel (App Home),
    through the outbox like every other message (retried, never lost, once per click)."""
    deps = deps_of(context)
    user = str((body.get("user") or {}).get("id") or body.get("user_id") or "")
    channel = str((body.get("channel") or {}).get("id") or body.get("channel_id") or "")
    team = str(context.get("team_id") or (body.get("team") or {}).get("id") or "")
    if not (user and team):
        return
    async with deps.db.unit_of_work(writes=True) as session:
        await notes.tell(session, team, user, channel, text, click=click_id(body))
    deps.kick()


def click_id(body: dict[str, Any]) -> str:
    """What identifies one user action: Slack's action_ts, or the trigger of a command."""
    actions = body.get("actions") or [{}]
    return str(actions[0].get("action_ts") or body.get("trigger_id") or "")


def call_meta(customer_id: int | None, items: int, kudos: int) -> str:
    return json.dumps({"c": customer_id, "i": items, "k": kudos})


def read_meta(view: dict[str, Any]) -> dict[str, Any]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
        return meta if isinstance(meta, dict) else {}
    except ValueError:
        return {}


_TEAMS = select(Team).where(Team.workspace_id == bindparam("workspace_id")).order_by(Team.name)


async def call_form(
    deps: Deps,
    person: Person,
    customer: Customer | None,
    *,
    items: int = 1,
    kudos: int = 1,
) -> CallForm:
    # The roster's teams change with an import, not with requests: kept a minute.
    teams = await deps.db.read(_TEAMS, {"workspace_id": person.workspace_id}, keep_for=60)
    default_team = customer.team_id if customer else person.team_id
    options = tuple(Option(str(t.id), t.name) for t in teams[:100])
    return CallForm(
        customer=Option(str(customer.id), customer.name) if customer else None,
        item_count=items,
        kudos_count=kudos,
        private_metadata=call_meta(customer.id if customer else None, items, kudos),
        teams=options,
        default_team=next((o for o in options if o.value == str(default_team)), None),
    )


async def open_call_modal(
    client: AsyncWebClient,
    deps: Deps,
    person: Person,
    trigger_id: str,
    customer_id: int | None,
) -> None:
    customer = None
    if customer_id:  # `/kyc done` with no customer named opens no unit of work
        async with deps.db.unit_of_work() as session:
            customer = await session.get(Customer, customer_id)
        if customer is not None and customer.executive_id != person.id:
            customer = None
    form = await call_form(deps, person, customer)
    await client.views_open(trigger_id=trigger_id, view=build_call_modal(form))
