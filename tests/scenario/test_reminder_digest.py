"""Two weeks of one owner's action items, day by day: one digest a morning on workdays, none on a
pause, a weekend or a company holiday, snooze, a new due date, a double click on Done, the
manager told on the right business day, the team's thread noted weekly. The scheduler's own
job runs three times a day (before the nudge time, just after it, in the afternoon) on a
controlled clock."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.ids import Action
from scheduler.jobs import reminders_tick
from storage.models import ActionItem, Holiday, Person
from tests.factories import utc
from tests.scenario.calls import call_values, call_view
from tests.scenario.conftest import World

MONDAY = date(2026, 11, 23)
# Mo is in New York (UTC-5 all fortnight): 07:00, 08:45 and 16:00 there; the nudge is 08:30.
TICKS = (12, 13.75, 21)


def _at(day: date, hour: float) -> datetime:
    return utc(day.year, day.month, day.day, int(hour), int(hour % 1 * 60))


def _digest_lines(message: dict[str, Any]) -> list[str]:
    """What a digest lists, one line per item: 'Fix the export | due … · ⚠️ 1 day overdue'."""
    sections = [b["text"]["text"] for b in message["blocks"][1:] if b["type"] == "section"]
    return [s.split(" — ", 1)[1].replace("\n", " | ") for s in sections]


def _said(messages: list[dict[str, Any]]) -> list[Any]:
    """Each DM: a digest as its lines, any other message as its text."""
    return [
        _digest_lines(m) if "to see to today" in (m["text"] or "") else m["text"] for m in messages
    ]


def _action(digest: dict[str, Any], item_text: str, action_id: str, **kw: Any) -> dict[str, Any]:
    """The payload of a click on `item_text`'s element `action_id` in a digest, as Slack sends."""
    blocks = digest["blocks"]
    at = next(i for i, b in enumerate(blocks) if item_text in b.get("text", {}).get("text", ""))
    row = blocks[at + 1]
    element = next(e for e in row["elements"] if e["action_id"] == action_id)
    return {**element, "block_id": row["block_id"], **kw}


class Fortnight:
    def __init__(self, world: World) -> None:
        self.world = world
        self.env = world.env
        self.seen: dict[str, int] = {}

    def new(self, channel: str) -> list[dict[str, Any]]:
        messages = self.env.slack.messages(channel)
        start, self.seen[channel] = self.seen.get(channel, 0), len(messages)
        return messages[start:]

    async def day(self, day: date) -> None:
        for hour in TICKS:
            self.env.clock.set(_at(day, hour))
            await reminders_tick(self.env.deps)
            await self.env.deliver()

    async def click(self, user: str, action: dict[str, Any]) -> None:
        answer = await self.env.requests.block_actions(
            user, [action], channel_id="D0MO", message={"ts": "1.0", "text": ""}
        )
        assert answer.status == 200
        await self.env.deliver()

    async def pause_mo(self, until: date) -> None:
        async with self.env.db.unit_of_work() as s:
            mo = await s.get(Person, self.world.mo.id)
            assert mo is not None
            mo.paused_until = until

    async def item(self, text: str) -> ActionItem:
        async with self.env.db.unit_of_work() as s:
            item = await s.scalar(select(ActionItem).where(ActionItem.text == text))
        assert item is not None
        return item


def _overdue(n: int, due: str) -> str:
    return f"due {due} · ⚠️ {n} day{'s' if n != 1 else ''} overdue"


async def test_a_fortnight_of_reminders_one_digest_a_workday_quiet_on_pause_weekend_and_holiday(
    world: World,
) -> None:
    env = world.env
    ff = Fortnight(world)
    async with env.db.unit_of_work() as s:  # the company's offsite: a holiday for everyone
        s.add(Holiday(workspace_id=env.team_id, day=date(2026, 12, 2), name="Company offsite"))
    items = [
        ("Fix the export", "U0MO", "2026-11-23"),
        ("Send the SOC2 report", "U0MO", "2026-11-24"),
        ("Share the roadmap", "U0MO", "2026-11-24"),
        ("Call back about pricing", "U0MO", None),
        ("Update the contract", "U0MO", "2026-11-30"),
    ]
    values = call_values(world.customers[0].id, items=items)  # type: ignore[arg-type]
    assert (await env.requests.view_submission("U0DANA", call_view(values))).status == 200
    await env.deliver()
    for channel in ("D0MO", "D0LEE", "D0DANA", "C0CS"):
        ff.new(channel)

    dms: dict[date, list[Any]] = {}
    manager: dict[date, list[str]] = {}
    notes: dict[date, list[str]] = {}
    for n in range(14):
        day = MONDAY + timedelta(days=n)
        await ff.day(day)
        digests = ff.new("D0MO")
        assert len(digests) <= 1, f"{day}: {len(digests)} digests"
        if day == date(2026, 11, 24):
            # Tuesday: snooze the SOC2 report, a new due date for the roadmap (the past first).
            (digest,) = digests
            await ff.click("U0MO", _action(digest, "SOC2", Action.ITEM_SNOOZE))
            past = _action(digest, "roadmap", Action.ITEM_DUE_ON, selected_date="2026-11-23")
            await ff.click("U0MO", past)
            later = _action(digest, "roadmap", Action.ITEM_DUE_ON, selected_date="2026-12-03")
            await ff.click("U0MO", later)
            await ff.pause_mo(date(2026, 11, 27))  # that evening: off Wednesday to Friday
        if day == date(2026, 11, 30):
            # Monday: Done on the contract, clicked twice at once.
            (digest,) = digests
            done = _action(digest, "contract", Action.ITEM_DONE)
            await asyncio.gather(ff.click("U0MO", done), ff.click("U0MO", done))
        dms[day] = _said(digests + ff.new("D0MO"))
        manager[day] = [m["text"] for m in ff.new("D0LEE")]
        notes[day] = [m["text"] for m in ff.new("C0CS")]

    def on(d: int) -> date:
        return date(2026, 11, 23) + timedelta(days=d)

    expected_dms: dict[date, list[Any]] = {
        on(0): [["Fix the export | due today (Mon 23 Nov 2026)"]],
        on(1): [
            [
                "Fix the export | " + _overdue(1, "Mon 23 Nov 2026"),
                "Send the SOC2 report | due today (Tue 24 Nov 2026)",
                "Share the roadmap | due today (Tue 24 Nov 2026)",
            ],
            "Snoozed “Send the SOC2 report” until Tue 1 Dec 2026.",
            "Mon 23 Nov 2026 is in the past — pick today or a later day.",
            "“Share the roadmap” is now due Thu 3 Dec 2026.",
        ],
        on(7): [
            [
                "Fix the export | " + _overdue(7, "Mon 23 Nov 2026"),
                "Update the contract | due today (Mon 30 Nov 2026)",
                "Call back about pricing | no due date — logged over a week ago: give it one, "
                "or close it",
            ]
        ],
        on(8): [
            [
                "Fix the export | " + _overdue(8, "Mon 23 Nov 2026"),
                "Send the SOC2 report | " + _overdue(7, "Tue 24 Nov 2026"),
            ]
        ],
        on(10): [
            [
                "Fix the export | " + _overdue(10, "Mon 23 Nov 2026"),
                "Send the SOC2 report | " + _overdue(9, "Tue 24 Nov 2026"),
                "Share the roadmap | due today (Thu 3 Dec 2026)",
            ]
        ],
        on(11): [
            [
                "Fix the export | " + _overdue(11, "Mon 23 Nov 2026"),
                "Send the SOC2 report | " + _overdue(10, "Tue 24 Nov 2026"),
                "Share the roadmap | " + _overdue(1, "Thu 3 Dec 2026"),
            ]
        ],
    }
    # Wednesday to Friday paused, both weekends, the offsite on Wednesday 2 Dec: nothing at all.
    assert dms == {d: expected_dms.get(d, []) for d in dms}

    # Three business days overdue, paused days and holidays not counted: Fix the export (due
    # Mon 23; Tue 24, then back Mon 30, Tue 1) on Tuesday 1 Dec, not Thursday 26 Nov as the
    # calendar would have it; the SOC2 report (due Tue 24, snoozed until Tue 1: Tue 1, then
    # Thu 3 and Fri 4, the offsite between) on Friday.
    heads_up = {d: t for d, t in manager.items() if t}
    assert heads_up == {
        on(8): ["Overdue action item for Acme Corp"],
        on(11): ["Overdue action item for Acme Corp"],
    }
    escalations = env.slack.messages("D0LEE")
    assert "Fix the export" in json.dumps(escalations[-2]["blocks"])
    assert "Send the SOC2 report" in json.dumps(escalations[-1]["blocks"])

    # The team's thread: at most once a week an item, and the contract's Done noted once.
    thread = {d: t for d, t in notes.items() if t}
    reminded = "is {} overdue — Mo Santos has been reminded."
    assert thread == {
        on(1): [f"⏰ “Fix the export” {reminded.format('1 day')}"],
        on(7): ["✅ Mo Santos marked “Update the contract” done."],
        on(8): [
            f"⏰ “Fix the export” {reminded.format('8 days')}",
            f"⏰ “Send the SOC2 report” {reminded.format('7 days')}",
        ],
        on(11): [f"⏰ “Share the roadmap” {reminded.format('1 day')}"],
    }
    assert all(m.get("thread_ts") for m in env.slack.messages("C0CS")[-6:])
    assert ff.new("D0DANA") == []  # the executive hears nothing of it

    contract = await ff.item("Update the contract")
    assert contract.done_at is not None and contract.done_by_id == world.mo.id
    roadmap = await ff.item("Share the roadmap")
    assert roadmap.due_on == date(2026, 12, 3)
    # The roadmap's thread reply shows its new date.
    reply = next(m for m in env.slack.messages("C0CS") if m["ts"] == roadmap.message_ts)
    assert "Thu 3 Dec 2026" in json.dumps(reply["blocks"]) and reply.get("edited")


def _item_figures(blocks: list[dict[str, Any]]) -> str:
    said = json.dumps(blocks, ensure_ascii=False)
    return said.split("*Action items:* ", 1)[1].split(" ·", 1)[0].split('"', 1)[0]


async def test_a_snoozed_item_counts_as_snoozed_not_overdue_in_stats_and_on_app_home(
    world: World,
) -> None:
    env = world.env
    ff = Fortnight(world)
    items = [
        ("Fix the export", "U0MO", "2026-11-23"),
        ("Send the SOC2 report", "U0MO", "2026-11-23"),
        ("Update the contract", "U0MO", "2026-11-30"),
    ]
    values = call_values(world.customers[0].id, items=items)  # type: ignore[arg-type]
    assert (await env.requests.view_submission("U0DANA", call_view(values))).status == 200
    await env.deliver()
    ff.new("D0MO")
    tuesday = MONDAY + timedelta(days=1)
    await ff.day(tuesday)
    (digest,) = ff.new("D0MO")
    await ff.click("U0MO", _action(digest, "SOC2", Action.ITEM_SNOOZE))

    stats = (await env.requests.slash_command("U0DANA", "stats")).json()
    assert _item_figures(stats["blocks"]) == "3 open, 1 overdue, 1 snoozed"
    await env.requests.event({"type": "app_home_opened", "user": "U0DANA", "tab": "home"})
    home = env.slack.calls_to("views.publish")[-1].params["view"]
    assert _item_figures(home["blocks"]) == "3 open, 1 overdue, 1 snoozed"

    # A week on, the snooze is over: overdue again, with the contract due the day before.
    env.clock.set(_at(tuesday + timedelta(days=7), 16))
    stats = (await env.requests.slash_command("U0DANA", "stats")).json()
    assert _item_figures(stats["blocks"]) == "3 open, 3 overdue"
