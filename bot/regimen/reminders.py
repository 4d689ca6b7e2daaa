"""When an open action item is chased: one daily digest per owner, quiet on their days off.

The rules, in one place: an owner hears on their workdays, not while paused, from their nudge
time; an item is in the digest when it is due today or overdue, or (without a due date) once,
a week after it was logged; a snoozed item stays out until its snooze ends. The team's thread
hears about an overdue item at most once a week. The manager is told once, when the item has
been overdue for N of the owner's workdays, paused days, company holidays and snoozed days
not counted. The days
are counted as the digests go out (a day the bot was down is caught up at the next one, a
paused day left out by the pause's end date); a pause ended early with `/kyc resume` leaves no
end date, so its days before the resume count as working ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.regimen.calendar import Regimen, local_now

NO_DUE_DATE_AFTER = timedelta(days=7)  # an item with no due date is brought up once, then
THREAD_NOTE_EVERY = timedelta(days=7)  # the team's thread hears of an overdue item at most so
SNOOZE = timedelta(days=7)  # "Snooze 1 week"


def off_or_early(reg: Regimen, now: datetime) -> str | None:
    """None on a working day (Regimen.off_reason) past the person's nudge time: when the
    owner's digest may go, and the morning nudge once within its cut-off.
    (No cut-off: a digest missed while the bot was down still goes later that day.)"""
    local = local_now(now, reg.tz)
    off = reg.off_reason(local.date())
    if off:
        return off
    if local.time() < reg.nudge_time:
        return f"before {reg.nudge_time:%H:%M}"
    return None


@dataclass(frozen=True)
class OpenItem:
    """What the rules need of an open item; dates are the owner's calendar days."""

    due_on: date | None
    created_on: date
    snoozed_until: date | None = None
    reminded_on: date | None = None  # the last digest it was in
    noted_on: date | None = None  # the last overdue note in its thread
    overdue_workdays: int = 0  # workdays overdue, counted up to `reminded_on`
    escalated: bool = False


@dataclass(frozen=True)
class Chase:
    """An item's line in today's digest, and what else today owes for it."""

    overdue_days: int  # calendar days past due (0: due today, or no due date)
    overdue_workdays: int  # counting today
    note_thread: bool
    escalate: bool


def chase(item: OpenItem, today: date, reg: Regimen, *, escalate_after: int) -> Chase | None:
    """Today's chase of `item`, on a day its owner (`reg`) gets a digest; None when it stays
    out. Idempotent within a day: called again on the day it was reminded, it counts no more."""
    if item.snoozed_until is not None and today < item.snoozed_until:
        return None
    if item.due_on is None:
        if item.reminded_on is None and today >= item.created_on + NO_DUE_DATE_AFTER:
            return Chase(0, item.overdue_workdays, note_thread=False, escalate=False)
        return None
    if item.due_on > today:
        return None
    overdue_days = (today - item.due_on).days
    if overdue_days == 0:
        return Chase(0, item.overdue_workdays, note_thread=False, escalate=False)
    # Counted already up to the last digest; a snooze's days do not count.
    since = max(
        item.due_on,
        item.reminded_on or item.due_on,
        (item.snoozed_until - timedelta(days=1)) if item.snoozed_until else item.due_on,
    )
    counted = item.overdue_workdays + reg.workdays_between(since, today)
    note = item.noted_on is None or today - item.noted_on >= THREAD_NOTE_EVERY
    return Chase(
        overdue_days,
        counted,
        note_thread=note,
        escalate=not item.escalated and counted >= escalate_after,
    )


def snoozed_until(today: date) -> date:
    """The day a snoozed item comes back."""
    return today + SNOOZE
