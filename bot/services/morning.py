"""Use case: the morning nudges due at an instant (the scheduler and `kyc run morning` share it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import Regimen, is_paused, later_today, local_now
from bot.regimen.reminders import off_or_early
from bot.services import holidays, outbox
from bot.services.people import regimen_of
from bot.services.week import week_views
from bot.settings import Settings
from bot.views.nudge import build_all_done, build_nudge
from storage import queries
from storage.db import Database
from storage.models import Person


@dataclass(frozen=True)
class MorningResult:
    executive: str
    local_time: str
    outcome: str  # "nudge queued", "all done queued", "already queued", or why nothing is due
    key: str | None = None  # the outbox key of the message this morning owes them, if any


def clock_label(reg: Regimen, now: datetime) -> str:
    """'Mon 08:31 America/New_York': the executive's wall clock at `now`, for the CLI table."""
    return f"{local_now(now, reg.tz):%a %H:%M} {reg.tz.key}"


def due_reason(reg: Regimen, now: datetime, settings: Settings) -> str | None:
    """None when due at `now`: a working day (not paused, not a holiday), between nudge time
    and cut-off."""
    early = off_or_early(reg, now)
    if early:
        return early
    local = local_now(now, reg.tz)
    cutoff = max(settings.kyc_catchup_until, reg.nudge_time)
    if local.time() > cutoff:
        return f"past the {cutoff:%H:%M} catch-up cut-off"
    return None


def nudge_key(workspace_id: str, person: Person, reg: Regimen, now: datetime) -> str:
    """One nudge per executive per local day."""
    return day_nudge_key(workspace_id, person.id, reg.today(now))


def day_nudge_key(workspace_id: str, person_id: int, local_day: date) -> str:
    """The key of an executive's morning nudge of `local_day`; that day's "Later today" nudges
    have keys that start with it."""
    return f"nudge:{workspace_id}:{person_id}:{local_day.isoformat()}"


def later_key(workspace_id: str, person: Person, reg: Regimen, at: datetime) -> str:
    """The "Later today" nudge: one per executive per local day and chosen time `at`."""
    return f"{nudge_key(workspace_id, person, reg, at)}:later:{local_now(at, reg.tz):%H%M}"


def all_done_key(workspace_id: str, person: Person, reg: Regimen, now: datetime) -> str:
    """One all-done note per executive per week."""
    return f"alldone:{workspace_id}:{person.id}:{reg.week(now)}"


CHUNK = 250


async def _queue_nudges(
    session: AsyncSession,
    settings: Settings,
    workspace_id: str,
    todo: list[Person],
    now: datetime,
    key_of: Callable[[str, Person, Regimen, datetime], str] = nudge_key,
) -> list[MorningResult]:
    """Plan, brief and queue the nudge (or all-done note) of each executive in `todo`, with
    every message in one statement; each nudge offers the times still ahead today."""
    results: list[MorningResult] = []
    posts: list[tuple[str, str, dict[str, Any]]] = []
    by_id = {p.id: p for p in todo}
    for week in await week_views(session, settings, workspace_id, todo, now):
        local = clock_label(week.regimen, now)
        person = by_id[week.executive_id]
        user = week.slack_user_id or ""
        if week.skipped:
            results.append(MorningResult(week.executive_name, local, week.skipped))
        elif week.complete:
            key = all_done_key(workspace_id, person, week.regimen, now)
            posts.append((key, user, build_all_done(week)))
            results.append(MorningResult(week.executive_name, local, "all done queued", key))
        else:
            key = key_of(workspace_id, person, week.regimen, now)
            later = tuple(later_today(local_now(now, week.regimen.tz)))
            posts.append((key, user, build_nudge(week, later)))
            results.append(MorningResult(week.executive_name, local, "nudge queued", key))
    await outbox.post_all(session, workspace_id, posts)
    return results


async def run_morning(
    db: Database,
    settings: Settings,
    workspace_id: str,
    *,
    now: datetime,
    on_queued: Callable[[], None] | None = None,
) -> list[MorningResult]:
    """Queue every nudge due at `now` that has not gone out today (keyed by local date).

    The scheduler calls this every minute until the catch-up cut-off, so whoever already had
    today's nudge (or this week's all-done note) is passed over before any planning or
    briefing: a tick after the morning's work costs one query, not ten thousand briefs.
    `on_queued` is called after each committed chunk, so the sender can start on it while the
    next is being briefed."""
    results: list[MorningResult] = []
    async with db.unit_of_work() as session:
        if not await queries.try_workspace_lock(session, workspace_id, "morning"):
            return [MorningResult("—", "—", "another process is running this morning")]
        execs = await queries.executives(session, workspace_id)
        days_off = await holidays.calendar(session, workspace_id, around=now.date())
        due: list[tuple[Person, Regimen]] = []
        for person in execs:
            reg = regimen_of(person, settings, days_off)
            local = clock_label(reg, now)
            if not person.slack_user_id:
                results.append(MorningResult(person.name, local, "no Slack user linked yet"))
                continue
            reason = due_reason(reg, now, settings)
            if not reason and person.nudge_skipped_on == reg.today(now):
                reason = "skipped today"
            if reason:
                results.append(MorningResult(person.name, local, f"not due: {reason}"))
            else:
                due.append((person, reg))
        sent = await outbox.queued_keys(
            session,
            [k(workspace_id, p, r, now) for p, r in due for k in (nudge_key, all_done_key)],
        )
    todo: list[Person] = []
    for person, reg in due:
        nudge, done = (
            nudge_key(workspace_id, person, reg, now),
            all_done_key(workspace_id, person, reg, now),
        )
        if nudge in sent:  # queued by an earlier run: sent or not, the outbox says
            results.append(
                MorningResult(person.name, clock_label(reg, now), "queued earlier", nudge)
            )
        elif done in sent:
            results.append(
                MorningResult(person.name, clock_label(reg, now), "queued earlier", done)
            )
        else:
            todo.append(person)
    # A few hundred executives per transaction: the writer lock (SQLite's, or the rows
    # PostgreSQL locks) is never held for long, so call submissions are not kept waiting.
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        async with db.unit_of_work(writes=True) as session:
            if not await queries.try_workspace_lock(session, workspace_id, "morning"):
                results.append(MorningResult("—", "—", "another process took over this morning"))
                break
            results.extend(await _queue_nudges(session, settings, workspace_id, chunk, now))
        if on_queued is not None:
            on_queued()
    if due:  # key customers' complaints offered to their sponsors (bot/services/recoveries.py)
        from bot.services import recoveries

        await recoveries.morning(db, settings, workspace_id, [p.id for p, _ in due], now)
    results.extend(await _queue_later(db, settings, workspace_id, now))
    if on_queued is not None:
        on_queued()
    return results


async def _queue_later(
    db: Database, settings: Settings, workspace_id: str, now: datetime
) -> list[MorningResult]:
    """The nudges an executive asked for again "later today", due at `now`. The stored time
    is spent once looked at: queued now, or dropped when its day is over, skipped or paused."""
    results: list[MorningResult] = []
    due = select(Person).where(
        Person.workspace_id == workspace_id,
        Person.nudge_again_at.is_not(None),
        Person.nudge_again_at <= now,
    )
    # Every minute, and nearly always nobody: a read first, so the writer lock is not taken.
    async with db.unit_of_work() as session:
        if await session.scalar(due.with_only_columns(Person.id).limit(1)) is None:
            return results
    async with db.unit_of_work(writes=True) as session:
        if not await queries.try_workspace_lock(session, workspace_id, "morning"):
            return results
        asked = await session.scalars(due)
        todo: list[Person] = []
        keys: dict[int, str] = {}
        for person in asked:
            reg = regimen_of(person, settings)
            today, at = reg.today(now), person.nudge_again_at
            person.nudge_again_at = None
            if at is None or local_now(at, reg.tz).date() != today:
                why = "a later nudge for another day"
            elif person.nudge_skipped_on == today:
                why = "skipped today"
            elif is_paused(today, reg.paused_until):
                why = f"paused until {reg.paused_until}"
            elif not person.slack_user_id or not person.active:
                why = "no Slack user linked"
            else:
                todo.append(person)
                keys[person.id] = later_key(workspace_id, person, reg, at)
                continue
            results.append(MorningResult(person.name, clock_label(reg, now), f"not due: {why}"))
        if todo:
            results.extend(
                await _queue_nudges(
                    session, settings, workspace_id, todo, now, lambda _w, p, _r, _n: keys[p.id]
                )
            )
    return [
        replace(r, outcome="later nudge queued") if r.outcome == "nudge queued" else r
        for r in results
    ]
