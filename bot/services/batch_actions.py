"""Interactive use cases on an executive's customers and week, one unit of work each: the
week's list, the customer picker, swapping a customer out, adding one, pausing, the figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.deps import Deps
from bot.regimen.calendar import local_now
from bot.regimen.floor import FloorFigures
from bot.regimen.meeting_figures import MeetingFigures
from bot.regimen.metrics import ExecutiveFigures
from bot.regimen.recovery import RecoveryFigures
from bot.regimen.themes import QuarterThemes
from bot.services import executive as exec_service
from bot.services import floor_record, outbox
from bot.services.calls import own_customer
from bot.services.identity import (
    NotAllowed,
    acting_for,
    executive_for,
    is_admin,
    is_executive,
    person_by_slack_id,
    reload_actor,
    require_enrolled,
    require_executive,
)
from bot.services.meeting_figures import quarter_figures
from bot.services.people import regimen_of
from bot.services.stats import figures
from bot.services.week import week_views
from bot.tenancy.workspace_settings import for_workspace
from bot.views.commands import build_simple
from bot.views.data import CustomerChoice, WeekView
from bot.views.text import escape
from storage.models import Person

NO_BATCH = "Only executives on the KYC roster have customer batches."
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


async def this_week(deps: Deps, person: Person | None, *, for_user: str | None = None) -> WeekView:
    """The actor's week, or (`for_user`) the week of the executive they are the delegate of."""
    if for_user is None:
        me = require_executive(
            person, "You have no weekly batch: only executives on the roster get one."
        )
    else:
        me = require_enrolled(person, "You are not on the KYC roster yet.")
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work() as session:
        fresh = await reload_actor(session, me)
        if for_user is not None:
            fresh = await executive_for(session, fresh, for_user)
        (week,) = await week_views(session, settings, me.workspace_id, [fresh], deps.now())
    return week


async def customer_choices(
    deps: Deps, person: Person | None, typed: str, *, for_id: int | None = None
) -> list[CustomerChoice]:
    """The customer picker: this week's batch first, then the whole list (nothing for
    someone who has no customers). `for_id`: the executive's, when their delegate picks."""
    if person is None or (for_id is None and not is_executive(person)):
        return []
    settings = await for_workspace(deps.db, deps.settings, person.workspace_id)
    async with deps.db.unit_of_work() as session:
        whose = person
        if for_id is not None:
            try:
                whose = acting_for(person, await session.get(Person, for_id))
            except NotAllowed:
                return []
        return await exec_service.search_customers(session, settings, whose, typed, now=deps.now())


async def _whose(deps: Deps, person: Person | None, for_id: int | None) -> Person:
    """The actor as an executive, or (`for_id`) the executive they are the delegate of."""
    if for_id is None:
        return require_executive(person, NO_BATCH)
    if person is None:
        return acting_for(None, None)
    async with deps.db.unit_of_work() as session:
        return acting_for(person, await session.get(Person, for_id))


async def swap_form(
    deps: Deps, person: Person | None, customer_id: int, *, for_id: int | None = None
) -> str:
    """The name of the customer to swap out (the modal asks why); `for_id`: the executive
    their delegate swaps for."""
    me = await _whose(deps, person, for_id)
    async with deps.db.unit_of_work() as session:
        try:
            return (await own_customer(session, me, customer_id)).name
        except NotAllowed:
            raise NotAllowed(f"That customer is not on {_list_of(me, person)}.") from None


def _list_of(executive: Person, person: Person | None) -> str:
    if person is not None and executive.id == person.id:
        return "your list"
    return f"{escape(executive.name)}'s list"


async def submit_swap(
    deps: Deps,
    person: Person | None,
    customer_id: int,
    reason: str,
    *,
    request_key: str,
    for_id: int | None = None,
) -> None:
    """Swap the customer for the next in rotation; by a delegate (`for_id`), the executive's
    batch changes and both are told, by whom for whom."""
    whose = await _whose(deps, person, for_id)
    assert person is not None
    settings = await for_workspace(deps.db, deps.settings, whose.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        by = await reload_actor(session, person)
        me = acting_for(by, await session.get(Person, whose.id))  # checked again, in this unit
        out, new = await exec_service.swap(
            session, settings, me, customer_id, reason, now=deps.now()
        )
        text = (
            f"Swapped {escape(out)} for *{escape(new)}* this week 🔄"
            if new
            else f"Took {escape(out)} out of this week's batch; no other customer is left to call."
        )
        if by.id != me.id:
            text = f"{text} (by {escape(by.name)} for {escape(me.name)})"
        for told in {me.id: me, by.id: by}.values():
            if told.slack_user_id:
                await outbox.post(
                    session,
                    me.workspace_id,
                    f"swap:{request_key}" + ("" if told.id == me.id else ":delegate"),
                    told.slack_user_id,
                    build_simple(text),
                )
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


async def pause(
    deps: Deps, person: Person | None, until: date, *, for_user: str | None = None
) -> str | None:
    """Pause the actor, or (`for_user`) the executive they are the delegate of, who is told
    by whom; returns that executive's name (None: the actor paused themselves)."""
    me = require_enrolled(person, "You are not on the KYC roster yet.")
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        whose = await executive_for(session, me, for_user) if for_user else me
        today = local_now(deps.now(), regimen_of(whose, settings).tz).date()
        exec_service.pause(whose, until, today)
        if whose.id == me.id:
            return None
        if whose.slack_user_id:
            await outbox.post(
                session,
                me.workspace_id,
                f"pause:{whose.id}:{until.isoformat()}:by:{me.id}:{deps.now().isoformat()}",
                whose.slack_user_id,
                build_simple(
                    f"{escape(me.name)} paused you until {until:%a %-d %b %Y} 🌴 "
                    "(as your delegate). `/kyc resume` to come back early."
                ),
            )
    deps.wake_sender()
    return whose.name


async def resume(deps: Deps, person: Person | None) -> bool:
    """True when they were paused."""
    me = require_enrolled(person, "You are not on the KYC roster yet.")
    async with deps.db.unit_of_work(writes=True) as session:
        return exec_service.resume(await reload_actor(session, me))


@dataclass(frozen=True)
class Stats:
    figures: ExecutiveFigures
    mine: bool
    meetings: MeetingFigures | None = None  # their team's customer meetings this quarter
    floor: FloorFigures | None = None  # their back-to-the-floor record, when they keep one
    recoveries: RecoveryFigures | None = None  # their key customers' complaints
    themes: QuarterThemes | None = None  # the workspace's recurring themes this quarter


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
            delegate = found.delegate_id == me.id
            if found.id != me.id and not (is_admin(me) or found.manager_id == me.id or delegate):
                raise NotAllowed(
                    "Only admins, their manager and their delegate can see someone else's numbers."
                )
            target = found
        elif mention:
            raise NotAllowed("Use `/kyc stats` for yours, or `/kyc stats @someone`.")
        elif not is_executive(me):
            raise NotAllowed("You have no numbers of your own: only executives call customers.")
        (fig,) = await figures(session, settings, me.workspace_id, [target], now=deps.now())
        on_floor = await floor_record.figures_of(session, settings, target, now=deps.now())
        from bot.services.recoveries import figures_in

        owned = await figures_in(session, me.workspace_id, executive_id=target.id)
        team: tuple[MeetingFigures, ...] = ()
        if target.team_id is not None:
            team = await quarter_figures(
                session,
                me.workspace_id,
                now=deps.now(),
                tz=settings.kyc_default_timezone,
                team_id=target.team_id,
            )
        from bot.services import theme_figures

        quarter = await theme_figures.quarter(
            session, me.workspace_id, deps.now(), settings.kyc_default_timezone
        )
    return Stats(
        fig,
        mine=target.id == me.id,
        floor=on_floor,
        recoveries=owned,
        meetings=team[0] if team else None,
        themes=quarter,
    )
