"""`kyc demo`: the executive's week, Monday to Friday, against the local Slack stand-in, printed
as what each person saw, then the Monday after: what the team made of it. A package rather than
one module, because the week alone reads best as one file top to bottom (week.py): the team's
stories told beside it (team.py: a key customer's complaint, a guest, back to the floor, a
theme, a customer meeting), the people and customers (roster.py), printing (transcript.py),
the people clicking (user.py) and the weeks simulated before it (quarter.py) each have their
own."""

from __future__ import annotations

import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from sqlalchemy import select

from bot.demo import roster
from bot.demo.quarter import simulate_week
from bot.demo.team import tell, the_monday_after
from bot.demo.transcript import Transcript
from bot.demo.week import Week
from bot.regimen.calendar import iso_week_of, local_instant, week_monday
from bot.standin.harness import Clock, LocalSlack
from scheduler.jobs import digest_tick
from storage.migrate import upgrade_async
from storage.models import Person

TEAM = "T0NORTHWIND"
LEADERS = "C0LEADERS"


async def run_demo(
    console: Console,
    *,
    weeks: int = 1,
    at_the_end: Callable[[LocalSlack], Awaitable[None]] | None = None,
    today: date | None = None,
) -> None:
    """This week (`weeks` - 1 earlier ones simulated first, then the leadership digest);
    `at_the_end` is given the stand-in and the database before they close (the tests look);
    `today` picks the week shown (default: this one)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}"
        await upgrade_async(url)
        clock = Clock()
        async with LocalSlack(url, team_id=TEAM, clock=clock, kyc_company="Northwind Cloud") as env:
            env.settings.kyc_public_url = env.base_url  # the .ics link of the slots
            await roster.load(env, Path(tmp))
            names = await roster.names(env)
            async with env.db.unit_of_work() as s:
                dana = await s.scalar(
                    select(Person).where(Person.role == "executive").order_by(Person.id)
                )
            assert dana is not None
            tz = ZoneInfo(dana.timezone or env.settings.kyc_default_timezone)
            monday = week_monday(iso_week_of(today or datetime.now(UTC).date()))
            if weeks > 1:
                console.print(f"[dim]Simulating {weeks - 1} earlier week(s) of calls…[/dim]")
                for back in range(weeks - 1, 0, -1):
                    await simulate_week(env, clock, monday - timedelta(weeks=back), seed=back)
            transcript = Transcript(console, env, names)
            transcript.skip()
            week = Week(env, clock, transcript, dana, tz, monday)
            await tell(week)
            if weeks > 1:
                await _digest(transcript, env, clock, dana.id, monday, tz)
            await the_monday_after(week)
            if at_the_end is not None:
                await at_the_end(env)


async def _digest(
    t: Transcript, env: LocalSlack, clock: Clock, dana_id: int, monday: date, tz: ZoneInfo
) -> None:
    """The other executives' week (unprinted), then Friday 17:00: the leadership digest."""
    async with env.db.unit_of_work() as s:
        others = [p.id for p in await s.scalars(select(Person).where(Person.role == "executive"))]
    await simulate_week(
        env, clock, monday, seed=0, plan=False, executive_ids=[i for i in others if i != dana_id]
    )
    t.skip()
    t.day("Friday 17:00: the leadership digest closes the week")
    env.slack.add_channel(LEADERS, "leadership")
    t.names[LEADERS] = "leadership"
    env.settings.kyc_digest_channel = LEADERS
    env.settings.kyc_digest_day = (4,)  # KYC_DIGEST_DAY=fri: the week just done
    env.settings.kyc_digest_time = time(17)
    clock.set(local_instant(monday + timedelta(days=4), time(17, 1), tz).astimezone(UTC))
    await digest_tick(env.deps)
    await env.deliver()
    for m in env.slack.messages()[t.seen :]:
        files = [b["slack_file"]["id"] for b in m.get("blocks") or [] if b.get("slack_file")]
        if files:  # the chart: uploaded unshared, then shared by a post naming the file
            size = len(env.slack.state.uploads.get(files[0], b""))
            t.say(f"  {t.where(m)}: 📈 {m['text']} ({size:,} bytes PNG)")
        else:
            t.message(m, limit=32)  # the summary, the quotes, the figures, the executives
    t.skip()
