"""Planning the weekly five against a real database, on both engines."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.regimen.types import BatchStatus, ContactKind, Outcome, Sentiment
from bot.services.planning import plan_week
from bot.settings import load_settings
from storage.db import Database
from storage.models import BatchEntry
from tests import factories as f
from tests.factories import utc

SETTINGS = load_settings(_env_file=None)
MONDAY = utc(2026, 11, 23, 13)  # 08:00 in New York


async def _exec_with_customers(db: Database, n: int, **kw: object):  # type: ignore[no-untyped-def]
    async with db.unit_of_work() as s:
        ex = await f.executive(s, "Dana Whitfield", **kw)
        customers = [await f.customer(s, ex, f"Customer {i:02d}") for i in range(n)]
    return ex, customers


async def _entries(db: Database, week: str) -> list[BatchEntry]:
    async with db.unit_of_work() as s:
        return list(
            await s.scalars(
                select(BatchEntry).where(BatchEntry.iso_week == week).order_by(BatchEntry.position)
            )
        )


async def test_a_new_executive_gets_five_never_contacted_customers(db: Database) -> None:
    ex, customers = await _exec_with_customers(db, 12)
    (week,) = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    assert week.executive_name == "Dana Whitfield"
    assert [e.customer_name for e in week.entries] == [c.name for c in customers[:5]]
    assert len(await _entries(db, "2026-W48")) == 5


async def test_planning_again_changes_nothing(db: Database) -> None:
    await _exec_with_customers(db, 12)
    first = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    again = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    assert [e.customer_id for e in first[0].entries] == [e.customer_id for e in again[0].entries]
    assert not any(e.new for e in again[0].entries)
    assert len(await _entries(db, "2026-W48")) == 5


async def test_a_complaint_pulls_a_customer_to_the_front(db: Database) -> None:
    ex, customers = await _exec_with_customers(db, 8)
    async with db.unit_of_work() as s:
        for c in customers:  # everyone called in October...
            await f.contact(s, c, utc(2026, 10, 1))
        complainer = customers[6]
        await f.contact(
            s, complainer, utc(2026, 11, 10), kind=ContactKind.REACTIVE, sentiment=Sentiment.UNHAPPY
        )
    (week,) = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    assert week.entries[0].customer_id == complainer.id


async def test_a_voicemail_carries_the_customer_to_next_week(db: Database) -> None:
    ex, customers = await _exec_with_customers(db, 12)
    (w48,) = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    entries = await _entries(db, "2026-W48")
    async with db.unit_of_work() as s:
        for e in entries:
            row = await s.get(BatchEntry, e.id)
            assert row is not None
            if row.position == 3:
                row.status = BatchStatus.ATTEMPTED  # voicemail only
            else:
                row.status = BatchStatus.DONE
                cust = next(c for c in customers if c.id == row.customer_id)
                await f.contact(s, cust, utc(2026, 11, 24))
    carried = entries[2].customer_id
    (w49,) = await plan_week(db, SETTINGS, f.WS, "2026-W49", as_of=utc(2026, 11, 30, 13))
    assert w49.entries[0].customer_id == carried
    old = {e.customer_id: e.status for e in await _entries(db, "2026-W48")}
    assert old[carried] == BatchStatus.CARRIED_OVER
    assert not {e.customer_id for e in w49.entries} & {
        e.customer_id for e in entries if e.status == BatchStatus.DONE
    }


async def test_a_fully_paused_week_gets_no_batch(db: Database) -> None:
    await _exec_with_customers(db, 6, paused_until=date(2026, 11, 29))
    (week,) = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    assert week.skipped == "paused all week"
    assert await _entries(db, "2026-W48") == []


async def test_a_customer_removed_from_the_list_drops_out_and_the_gap_is_filled(
    db: Database,
) -> None:
    ex, customers = await _exec_with_customers(db, 8)
    await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    async with db.unit_of_work() as s:
        gone = await s.get(type(customers[1]), customers[1].id)
        assert gone is not None
        gone.active = False
    (week,) = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    ids = [e.customer_id for e in week.entries]
    assert customers[1].id not in ids
    assert len(ids) == 5 and customers[5].id in ids


async def test_dry_run_saves_nothing(db: Database) -> None:
    await _exec_with_customers(db, 6)
    (week,) = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY, dry_run=True)
    assert len(week.entries) == 5
    assert await _entries(db, "2026-W48") == []


async def test_planning_goes_by_the_latest_sentiment_not_the_oldest(db: Database) -> None:
    ex, customers = await _exec_with_customers(db, 8)
    cheered_up, soured = customers[2], customers[5]
    async with db.unit_of_work() as s:
        for c in customers:  # everyone called on 1 October, satisfied...
            await f.contact(s, c, utc(2026, 10, 1))
        # ...but one was unhappy then and is satisfied since 20 October (not urgent any more),
        await f.contact(s, cheered_up, utc(2026, 9, 1), sentiment=Sentiment.UNHAPPY)
        await f.contact(s, cheered_up, utc(2026, 10, 20))
        # and one was satisfied then and unhappy on 1 November, three weeks ago: urgent.
        await f.contact(s, soured, utc(2026, 11, 1), sentiment=Sentiment.UNHAPPY)
        # A contact without a sentiment leaves the latest one standing.
        await f.contact(s, soured, utc(2026, 11, 2), outcome=Outcome.VOICEMAIL, sentiment=None)
    (week,) = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    ids = [e.customer_id for e in week.entries]
    assert ids[0] == soured.id
    assert cheered_up.id not in ids  # called most recently and satisfied: back of the rotation


async def test_two_sentiments_at_the_same_instant_go_by_the_one_logged_last(db: Database) -> None:
    ex, customers = await _exec_with_customers(db, 8)
    async with db.unit_of_work() as s:
        for c in customers:
            await f.contact(s, c, utc(2026, 10, 1))
        await f.contact(s, customers[6], utc(2026, 11, 1), sentiment=Sentiment.SATISFIED)
        await f.contact(s, customers[6], utc(2026, 11, 1), sentiment=Sentiment.UNHAPPY)
        await f.contact(s, customers[7], utc(2026, 11, 1), sentiment=Sentiment.UNHAPPY)
        await f.contact(s, customers[7], utc(2026, 11, 1), sentiment=Sentiment.SATISFIED)
    (week,) = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    ids = [e.customer_id for e in week.entries]
    assert ids[0] == customers[6].id and customers[7].id not in ids


async def test_a_decline_sits_out_its_weeks_unless_a_later_touch_reached_them(
    db: Database,
) -> None:
    from storage import queries

    ex, customers = await _exec_with_customers(db, 8)
    declined, reached_after = customers[0], customers[1]
    async with db.unit_of_work() as s:
        await f.contact(s, declined, utc(2026, 11, 18), outcome=Outcome.DECLINED)
        await f.contact(s, reached_after, utc(2026, 11, 10), outcome=Outcome.DECLINED)
        await f.contact(s, reached_after, utc(2026, 11, 17), outcome=Outcome.REACHED)
    async with db.unit_of_work() as s:
        states = {
            c.customer_id: c for c in (await queries.customer_states(s, f.WS, [ex.id]))[ex.id]
        }
    assert states[declined.id].declined_at == utc(2026, 11, 18)
    assert states[reached_after.id].declined_at is None
    (week,) = await plan_week(db, SETTINGS, f.WS, "2026-W48", as_of=MONDAY)
    assert declined.id not in {e.customer_id for e in week.entries}
    # Week 51 is 4 weeks after the decline's week (47): back, and first.
    (later,) = await plan_week(db, SETTINGS, f.WS, "2026-W51", as_of=utc(2026, 12, 14, 13))
    assert later.entries[0].customer_id == declined.id
