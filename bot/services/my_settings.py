"""Use cases of an executive's own regimen in Slack: My settings (nudge time, workdays, weekly
quota, timezone), pausing on a calendar, and the morning nudge's "Later today" and "Skip
today". One unit of work each; what they change is stored on the Person, so a restart keeps it.

A value the same as the workspace's default is stored as empty, so the executive follows the
default when an admin changes it; the values are checked by the roster import's own rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.calendar import format_workdays, local_instant, local_now
from bot.services import csv_rows as cell
from bot.services import executive as exec_service
from bot.services import holidays, outbox
from bot.services.home import home_data
from bot.services.identity import Invalid, NotAllowed, reload_actor, require_executive
from bot.services.morning import day_nudge_key
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.data import HomeData, MySettingsForm, PauseForm
from bot.views.nudge import (
    build_answered_nudge,
    coming_back,
    later_note,
    skipped_note,
    skipped_until,
)
from bot.views.text import day
from storage.models import OutboxMessage, Person

T = TypeVar("T")
NOT_EXECUTIVE = "Only executives on the KYC roster have a morning regimen to set."


def _profile_tz(person: Person, settings: Settings) -> str:
    return person.slack_tz or settings.kyc_default_timezone


async def settings_form(deps: Deps, person: Person | None) -> MySettingsForm:
    """The modal's initial values: the executive's effective regimen and the defaults."""
    me = require_executive(person, NOT_EXECUTIVE)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, me)
    reg = regimen_of(me, settings)
    return MySettingsForm(
        nudge_time=f"{reg.nudge_time:%H:%M}",
        workdays=reg.workdays,
        weekly_quota=reg.quota,
        timezone=reg.tz.key,
        default_nudge_time=f"{settings.kyc_nudge_time:%H:%M}",
        default_workdays=settings.kyc_workdays,
        default_quota=settings.kyc_weekly_quota,
        profile_timezone=_profile_tz(me, settings),
    )


@dataclass(frozen=True)
class Own:
    """An executive's own regimen as the Person keeps it; None follows the default."""

    nudge_time: time | None
    workdays: str | None
    weekly_quota: int | None
    timezone: str | None


def _read(cells: dict[str, str | None], name: str, rule: Callable[[str], T]) -> T | None:
    raw = (cells.get(name) or "").strip()
    return rule(raw) if raw else None


def checked(cells: dict[str, str | None], settings: Settings, person: Person) -> Own:
    """Each cell read by the roster import's rule (bot/services/csv_rows.py), a value equal
    to its default kept as None; an Invalid naming every field (block id = column name) that
    would not do."""
    errors: dict[str, str] = {}

    def read(name: str, rule: Callable[[str], T]) -> T | None:
        try:
            return _read(cells, name, rule)
        except cell.CellError as exc:
            errors[name] = str(exc)[:150]
            return None

    nudge = read("nudge_time", cell.clock)
    days = read("workdays", cell.workdays)
    quota = read("weekly_quota", lambda v: cell.integer(v, 1, 40, "The weekly quota"))
    tz = read("timezone", cell.timezone)
    if errors:
        raise Invalid(errors)
    return Own(
        nudge_time=None if nudge == settings.kyc_nudge_time else nudge,
        workdays=None if days == format_workdays(settings.kyc_workdays) else days,
        weekly_quota=None if quota == settings.kyc_weekly_quota else quota,
        timezone=None if tz == _profile_tz(person, settings) else tz,
    )


async def save_settings(
    deps: Deps, person: Person | None, cells: dict[str, str | None]
) -> HomeData:
    """Keep the executive's own regimen; returns their App Home to publish again."""
    me = require_executive(person, NOT_EXECUTIVE)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        own = checked(cells, settings, me)
        me.nudge_time, me.workdays = own.nudge_time, own.workdays
        me.weekly_quota, me.timezone = own.weekly_quota, own.timezone
        await session.flush()
        return await home_data(session, settings, me, now=deps.now())


async def pause_form(deps: Deps, person: Person | None) -> PauseForm:
    me = require_executive(person, NOT_EXECUTIVE)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work() as session:
        me = await reload_actor(session, me)
    today = regimen_of(me, settings).today(deps.now())
    return PauseForm(today=today, paused_until=me.paused_until, reason=me.paused_reason)


async def pause(deps: Deps, person: Person | None, until: date, reason: str | None) -> HomeData:
    """No nudges through `until` (the pause's own rules: from today, at most a year)."""
    me = require_executive(person, NOT_EXECUTIVE)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        exec_service.pause(me, until, regimen_of(me, settings).today(deps.now()), reason)
        await session.flush()
        return await home_data(session, settings, me, now=deps.now())


async def resume(deps: Deps, person: Person | None) -> HomeData:
    me = require_executive(person, NOT_EXECUTIVE)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        exec_service.resume(me)
        await session.flush()
        return await home_data(session, settings, me, now=deps.now())


def _for_today(picked: date, today: date) -> None:
    if picked != today:
        raise NotAllowed(f"That nudge was for {day(picked)}; today's has its own buttons.")


async def _clicked_nudge(
    session: AsyncSession, me: Person, local_day: date, message_ts: str | None
) -> OutboxMessage | None:
    """The nudge of `local_day` that was clicked: the one sent as `message_ts` (the morning's
    or a "Later today" one), else that morning's; None when there is none to redraw."""
    key = day_nudge_key(me.workspace_id, me.id, local_day)
    sent = list(
        await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.workspace_id == me.workspace_id,
                OutboxMessage.method == "chat.postMessage",
                OutboxMessage.key.startswith(key, autoescape=True),
            )
        )
    )
    by_ts = [m for m in sent if message_ts and m.result_ts == message_ts]
    return next(iter(by_ts or [m for m in sent if m.key == key]), None)


async def _answer_on(session: AsyncSession, nudge: OutboxMessage, what: str, answer: str) -> None:
    """Redraw the nudge with `answer` in place of its Later / Skip row (a chat.update queued
    once per answer, after the nudge itself is sent); the redraw says it all, so no DM."""
    redrawn = build_answered_nudge(nudge.payload, answer)
    await outbox.update(
        session, nudge.workspace_id, f"answer:{what}:{nudge.key}", nudge.key, redrawn
    )


async def later_today(
    deps: Deps, person: Person | None, value: str, message_ts: str | None = None
) -> None:
    """Nudge again at a local time later today (`value` "YYYY-MM-DDTHH:MM", the nudge's own
    day); the nudge clicked (`message_ts`) shows "Coming back at 15:00" instead of its Later /
    Skip row (a DM says so when there is no nudge to redraw). The same choice twice stores
    and says it once."""
    me = require_executive(person, NOT_EXECUTIVE)
    try:
        picked = datetime.fromisoformat(value)
    except ValueError:
        raise NotAllowed("Pick a time from the list.") from None
    at_day, at_time = picked.date(), time(picked.hour, picked.minute)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    now = deps.now()
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        reg = regimen_of(me, settings)
        _for_today(at_day, reg.today(now))
        at = local_instant(at_day, at_time, reg.tz)
        if at <= local_now(now, reg.tz):
            raise NotAllowed(f"{at_time:%H:%M} has passed already — pick a later time.")
        me.nudge_again_at = at
        me.nudge_skipped_on = None  # a later time after a skip: they want the nudge after all
        nudge = await _clicked_nudge(session, me, at_day, message_ts)
        if nudge is not None:
            await _answer_on(session, nudge, f"later:{at_time:%H%M}", coming_back(at_time))
        elif me.slack_user_id:
            key = f"later:{me.workspace_id}:{me.id}:{at_day.isoformat()}:{at_time:%H%M}:note"
            await outbox.post(session, me.workspace_id, key, me.slack_user_id, later_note(at_time))
    deps.wake_sender()


async def skip_today(
    deps: Deps, person: Person | None, value: str, message_ts: str | None = None
) -> None:
    """No more nudges today (`value` the nudge's local day); this week's batch stays. The
    nudge clicked (`message_ts`) shows "Skipped today — back tomorrow" instead of its Later /
    Skip row (a DM says so when there is no nudge to redraw)."""
    me = require_executive(person, NOT_EXECUTIVE)
    try:
        picked = date.fromisoformat(value)
    except ValueError:
        raise NotAllowed("That button is not for a day I know.") from None
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        days_off = await holidays.calendar(session, me.workspace_id, around=picked)
        reg = regimen_of(me, settings, days_off)
        _for_today(picked, reg.today(deps.now()))
        me.nudge_skipped_on = picked
        me.nudge_again_at = None
        nudge = await _clicked_nudge(session, me, picked, message_ts)
        if nudge is not None:
            back = next(iter(reg.next_workdays(picked, 1)), None)
            await _answer_on(session, nudge, "skip", skipped_until(picked, back))
        elif me.slack_user_id:
            key = f"skip:{me.workspace_id}:{me.id}:{picked.isoformat()}:note"
            await outbox.post(session, me.workspace_id, key, me.slack_user_id, skipped_note())
    deps.wake_sender()
