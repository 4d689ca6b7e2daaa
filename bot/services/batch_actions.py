"""Interactive use cases on an executive's customers and week, one unit of work each: the
week's list, the customer picker, swapping a customer out, adding one, pausing, the figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.deps import Deps
from bot.regimen.calendar import local_now
from bot.regimen.metrics import ExecutiveFigures
from bot.services import executive as exec_service
from bot.services import outbox
from bot.services.calls import own_customer
from bot.services.identity import (
    NotAllowed,
    is_admin,
    is_executive,
    person_by_slack_id,
    reload_actor,
    require_enrolled,
    require_executive,
)
from bot.services.people import regimen_of
from bot.services.stats import figures
from bot.services.week import week_views
from bot.tenancy.workspace_settings import for_workspace
from bot.views.commands import build_simple
from bot.views.data import CustomerChoice, WeekView
from storage.models import Person

NO_BATCH = "Only executives on the KYC roster have customer batches."
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


async def this_week(deps: Deps, person: Person | None) -> WeekView:
    me = require_executive(
        person, "You have no weekly batch: only executives on the roster get one."
    )
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work() as session:
        fresh = await reload_actor(session, me)
        (week,) = await week_views(session, settings, me.workspace_id, [fresh], deps.now())
    return week


async def customer_choices(deps: Deps, person: Person | None, typed: str) -> list[CustomerChoice]:
    """The customer picker: this week's batch first, then the whole list (nothing for
    someone who has no customers)."""
    if not is_executive(person):
        return []
    assert person is not None
    settings = await for_workspace(deps.db, deps.settings, person.workspace_id)
    async with deps.db.unit_of_work() as session:
        return await exec_service.search_customers(session, settings, person, typed, now=deps.now())


async def swap_form(deps: Deps, person: Person | None, customer_id: int) -> str:
    """The name of the customer to swap out (the modal asks why)."""
    me = require_executive(person, NO_BATCH)
    async with deps.db.unit_of_work() as session:
        try:
            return (await own_customer(session, me, customer_id)).name
        except NotAllowed:
            raise NotAllowed("That customer is not on your list.") from None


async def submit_swap(
    deps: Deps, person: Person | None, customer_id: int, reason: str, *, request_key: str
) -> None:
    me = require_executive(person, NO_BATCH)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        out, new = await exec_service.swap(
            session, settings, me, customer_id, reason, now=deps.now()
        )
        text = (
            f"Swapped {out} for *{new}* this week 🔄"
            if new
            else f"Took {out} out of this week's batch; no other customer is left to call."
        )
        if me.slack_user_id:
            await outbox.post(
                session, me.workspace_id, f"swap:{request_key}", me.slack_user_id,
                build_simple(text),
            )  # fmt: skip
    deps.wake_sender()


async def submit_customer(deps: Deps, person: Person | None, fields: dict[str, object]) -> None:
    me = require_enrolled(
        person, "You are not on the KYC roster yet — ask your KYC admin to add you."
    )
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        customer = await exec_service.add_customer(session, me, fields)
        if me.slack_user_id:
            text = f"Added {customer.name} to your customers ☕ It joins the rotation."
            await outbox.post(
                session, me.workspace_id, f"customer:{customer.id}:added", me.slack_user_id,
                build_simple(text),
            )  # fmt: skip
    deps.wake_sender()


async def pause(deps: Deps, person: Person | None, until: date) -> None:
    me = require_enrolled(person, "You are not on the KYC roster yet.")
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        today = local_now(deps.now(), regimen_of(me, settings).tz).date()
        exec_service.pause(me, until, today)


async def resume(deps: Deps, person: Person | None) -> bool:
    """True when they were paused."""
    me = require_enrolled(person, "You are not on the KYC roster yet.")
    async with deps.db.unit_of_work(writes=True) as session:
        return exec_service.resume(await reload_actor(session, me))


@dataclass(frozen=True)
class Stats:
    figures: ExecutiveFigures
    mine: bool


async def stats(deps: Deps, person: Person | None, mention: str) -> Stats:
    """Mine, or `@someone`'s for an admin or their manager; nobody else's."""
    me = require_enrolled(person, "You are not on the KYC roster yet.")
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, me)
        target = me
        found_mention = MENTION.match(mention)
        if found_mention:
            found = await person_by_slack_id(session, me.workspace_id, found_mention.group(1))
            if found is None or not is_executive(found):
                raise NotAllowed("That person is not an executive on the KYC roster.")
            if found.id != me.id and not (is_admin(me) or found.manager_id == me.id):
                raise NotAllowed("Only admins and their manager can see someone else's numbers.")
            target = found
        elif mention:
            raise NotAllowed("Use `/kyc stats` for yours, or `/kyc stats @someone`.")
        elif not is_executive(me):
            raise NotAllowed("You have no numbers of your own: only executives call customers.")
        (fig,) = await figures(session, settings, me.workspace_id, [target], now=deps.now())
    return Stats(fig, mine=target.id == me.id)
