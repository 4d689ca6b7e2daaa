"""A month of mornings on PostgreSQL: three workers, three timezones changing their clocks,
Slack failing now and then, and a 10-minute outage across 08:30: every executive gets
exactly one nudge each workday, never two.

The workers are three engines with their own connection pools in one process, on a
controlled clock (a month can't pass in real time); the database is their only link."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.regimen.types import Role
from bot.services.morning import run_morning
from bot.settings import load_settings
from bot.standin.harness import BOT_TOKEN, Clock
from bot.standin.server import SlackStandin
from bot.standin.state import FaultPlan
from scheduler.sender import Sender, sender_client
from storage.db import Database
from storage.models import Person
from tests import factories as f
from tests.factories import utc

START = utc(2026, 10, 2)  # Sydney goes to summer time on 4 Oct, London back on 25 Oct,
END = utc(2026, 11, 3)  # New York back on 1 Nov
TICK = timedelta(minutes=30)
ZONES = {"Australia/Sydney": "mon,tue,wed,thu,fri", "Europe/London": "mon,tue,wed,thu,fri",
         "America/New_York": "sun,mon,tue,wed,thu"}  # fmt: skip
OUTAGE_DAY = date(2026, 10, 26)  # the Monday after London's change, across 08:30 in London
WORKERS = 3


def _outage(now: datetime) -> bool:
    local = now.astimezone(ZoneInfo("Europe/London"))
    return local.date() == OUTAGE_DAY and time(8, 25) <= local.time() < time(8, 35)


def _expected(execs: list[Person]) -> set[str]:
    """nudge:<ws>:<person>:<local date> for every workday whose 08:30 falls in the month."""
    days = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
    keys = set()
    for p in execs:
        tz = ZoneInfo(p.timezone or "UTC")
        workdays = {days[d] for d in (p.workdays or "").split(",")}
        day = START.astimezone(tz).date() - timedelta(days=1)
        while day <= END.astimezone(tz).date():
            at = datetime.combine(day, time(8, 30), tz)
            if day.weekday() in workdays and START <= at < END - TICK:
                keys.add(f"nudge:{f.WS}:{p.id}:{day.isoformat()}")
            day += timedelta(days=1)
    return keys


async def test_a_month_of_mornings_across_clock_changes_nudges_each_workday_once(
    db_url: str,
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("several workers share the mornings on PostgreSQL; SQLite is single-process")
    clock = Clock(START)
    settings = load_settings(_env_file=None, database_url=db_url)
    async with SlackStandin(tokens={BOT_TOKEN}, latency=0.01) as slack:
        setup = Database(db_url)
        async with setup.unit_of_work() as s:
            team = await f.team(s, "CS", channel_id="C0CS")
            execs = []
            for zone, workdays in ZONES.items():
                for n in range(3):
                    ex = await f.executive(
                        s, f"{zone} {n}", timezone=zone, workdays=workdays, role=Role.EXECUTIVE
                    )
                    for c in range(8):
                        await f.customer(s, ex, f"{ex.name} customer {c}", team_id=team.id)
                    execs.append(ex)
        await setup.dispose()
        for ex in execs:
            slack.add_user(ex.slack_user_id or "", name=ex.name, tz=ex.timezone or "UTC")
        # Now and then Slack fails, sometimes after the post went through.
        slack.faults = FaultPlan(
            rate=0.05, lost_reply_rate=0.03, seed=3, retry_after=0, timeout_delay=0.3
        )

        dbs = [Database(db_url) for _ in range(WORKERS)]
        senders = [
            Sender(
                db,
                sender_client(BOT_TOKEN, slack.base_url, timeout=0.2),
                clock=clock,
                heartbeat_seconds=0.5,
                stale_seconds=2.0,
                channel_interval=0,
            )
            for db in dbs
        ]

        async def worker(i: int, now: datetime) -> None:
            await run_morning(dbs[i], settings, f.WS, now=now)
            await senders[i].drain(now=now)

        try:
            now = START
            while now < END:
                clock.set(now)
                down = _outage(now)
                slack.faults.rate = 1.0 if down else 0.05  # Slack is away, and so are we
                if not down:
                    await asyncio.gather(*(worker(i, now) for i in range(WORKERS)))
                now += TICK
        finally:
            for sender in senders:
                await sender.close()
            for db in dbs:
                await db.dispose()

    posted = Counter(
        m["metadata"]["event_payload"]["key"]
        for m in slack.messages()
        if m.get("metadata") and m["metadata"]["event_payload"]["key"].startswith("nudge:")
    )
    expected = _expected(execs)
    assert len(expected) > 150
    assert set(posted) == expected  # every workday, in every timezone, through the changes
    assert [k for k, n in posted.items() if n > 1] == []  # and never twice
    # The outage hit London's 08:30 that Monday, and the next tick caught up.
    london = [p for p in execs if p.timezone == "Europe/London"]
    caught_up = {f"nudge:{f.WS}:{p.id}:{OUTAGE_DAY.isoformat()}" for p in london}
    assert caught_up <= set(posted)
