"""The figures computed by SQL on a fixed data set, against hand-computed values, both engines."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.regimen.types import BatchStatus, ContactKind, ItemStatus, Outcome, Sentiment
from bot.services.stats import figures
from bot.settings import load_settings
from storage.db import Database
from storage.models import ActionItem, BatchEntry, Kudos, Person
from tests import factories as f
from tests.factories import utc

SETTINGS = load_settings(_env_file=None)
NOW = utc(2026, 11, 25, 15)  # Wednesday of 2026-W48


async def _figures(db: Database):  # type: ignore[no-untyped-def]
    async with db.unit_of_work() as s:
        people = list(
            await s.scalars(select(Person).where(Person.role == "executive").order_by(Person.name))
        )
        return {x.name: x for x in await figures(s, SETTINGS, f.WS, people, now=NOW)}


async def test_figures_on_a_fixed_data_set(db: Database) -> None:
    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana")
        raj = await f.executive(s, "Raj")  # no contact at all: the worst answer
        mo = await f.person(s, "Mo")
        c = [await f.customer(s, dana, f"Cust {i}") for i in range(4)]
        # 30 days: proactive reached x2, meeting x1, voicemail x1 (not counted), reactive x2
        await f.contact(s, c[0], NOW - timedelta(days=1), sentiment=Sentiment.PROMOTER, score=10)
        await f.contact(s, c[1], NOW - timedelta(days=5), sentiment=Sentiment.SATISFIED, score=8)
        await f.contact(
            s,
            c[2],
            NOW - timedelta(days=10),
            outcome=Outcome.MEETING_SCHEDULED,
            sentiment=Sentiment.UNHAPPY,
            score=3,
        )
        await f.contact(s, c[3], NOW - timedelta(days=2), outcome=Outcome.VOICEMAIL, sentiment=None)
        await f.contact(
            s, c[3], NOW - timedelta(days=3), kind=ContactKind.REACTIVE, sentiment=Sentiment.UNHAPPY
        )
        await f.contact(
            s, c[0], NOW - timedelta(days=20), kind=ContactKind.REACTIVE, sentiment=None
        )
        # older than 30 days: counts for coverage (90 days) only
        old = await f.contact(s, c[3], NOW - timedelta(days=60), sentiment=Sentiment.SATISFIED)
        # batches: W46 and W47 complete, W48 2 of 5 so far
        for week, done in (("2026-W46", 5), ("2026-W47", 5), ("2026-W48", 2)):
            for pos in range(5):
                s.add(
                    BatchEntry(
                        workspace_id=f.WS,
                        executive_id=dana.id,
                        iso_week=week,
                        customer_id=c[pos % 4].id if pos < 4 else c[0].id,
                        position=pos + 1,
                        status=BatchStatus.DONE if pos < done else BatchStatus.PLANNED,
                    )
                )
                if pos == 3:
                    break  # 4 customers, unique per week: quota counts what exists
        # items from Dana's calls: open (one overdue), and two closed in 2 and 4 days
        for text, status, due, days in (
            ("a", ItemStatus.OPEN, date(2026, 11, 20), None),
            ("b", ItemStatus.OPEN, None, None),
            ("c", ItemStatus.DONE, None, 2),
            ("d", ItemStatus.DONE, None, 4),
        ):
            created = NOW - timedelta(days=10)
            s.add(
                ActionItem(
                    workspace_id=f.WS,
                    contact_id=old.id,
                    customer_id=c[3].id,
                    text=text,
                    status=status,
                    due_on=due,
                    created_at=created,
                    done_at=created + timedelta(days=days) if days else None,
                )
            )
        s.add(
            Kudos(
                workspace_id=f.WS,
                from_id=dana.id,
                to_id=mo.id,
                note="x",
                created_at=NOW - timedelta(days=3),
            )
        )
        assert raj.id
    got = await _figures(db)
    d = got["Dana"]
    assert (d.proactive_30d, d.reactive_30d) == (3, 2)
    assert round(d.proactive_share or 0, 2) == 0.6
    assert (d.done_this_week, d.target_this_week, d.streak_weeks) == (2, 4, 2)
    assert (d.customers, d.covered_90d) == (4, 4)
    assert (d.sentiment.unhappy, d.sentiment.satisfied, d.sentiment.promoter) == (2, 2, 1)
    assert d.nps == 0  # scores 10, 8, 3: one promoter, one detractor
    assert (d.items_open, d.items_overdue, d.median_days_to_close) == (2, 1, 3.0)
    assert (d.kudos_given, d.kudos_received) == (1, 0)
    assert d.longest_without == "Cust 3"  # reached 60 days ago; the others more recently
    r = got["Raj"]
    assert r.no_contact and r.proactive_share is None and r.customers == 0 and r.nps is None


async def test_a_customer_moved_to_another_executive_counts_for_its_new_sponsor(
    db: Database,
) -> None:
    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana")
        raj = await f.executive(s, "Raj")
        moved = await f.customer(s, dana, "Moved")
        await f.customer(s, dana, "Stays")
        await f.contact(s, moved, NOW - timedelta(days=40))  # Dana's call, before the move
        moved.executive_id = raj.id
    got = await _figures(db)
    assert (got["Dana"].customers, got["Dana"].covered_90d) == (1, 0)
    assert (got["Raj"].customers, got["Raj"].covered_90d) == (1, 1)
    assert got["Dana"].longest_without == "Stays" and got["Dana"].longest_without_since is None


async def test_the_proactive_share_counts_the_last_30_days_only(db: Database) -> None:
    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana")
        raj = await f.executive(s, "Raj")
        acme = await f.customer(s, dana, "Acme")
        globex = await f.customer(s, raj, "Globex")
        await f.contact(s, acme, NOW - timedelta(days=29, hours=23))  # inside: counts
        await f.contact(s, acme, NOW - timedelta(days=30, hours=1))  # just outside
        await f.contact(s, acme, NOW - timedelta(days=40))
        await f.contact(s, acme, NOW - timedelta(days=44), kind=ContactKind.REACTIVE)
        await f.contact(s, acme, NOW - timedelta(days=3), kind=ContactKind.REACTIVE)
        await f.contact(s, acme, NOW + timedelta(days=1))  # not yet (a bad import): not counted
        await f.contact(s, globex, NOW - timedelta(days=40))  # Raj's only call: 40 days ago
    got = await _figures(db)
    d = got["Dana"]
    assert (d.proactive_30d, d.reactive_30d) == (1, 1)
    assert d.proactive_share == 0.5
    r = got["Raj"]
    assert (r.proactive_30d, r.reactive_30d) == (0, 0)
    assert r.no_contact and r.proactive_share is None
    assert (r.covered_90d, r.customers) == (1, 1)  # the 90-day coverage still sees it


async def test_the_digest_lists_only_this_workspaces_success_stories_of_the_week(
    db: Database,
) -> None:
    from bot.services.report import build_report, trend_weeks

    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana")
        acme, globex = await f.customer(s, dana, "Acme"), await f.customer(s, dana, "Globex")
        await f.contact(s, acme, NOW - timedelta(days=2), success_story=True)
        await f.contact(s, globex, NOW - timedelta(days=1))  # a good call, not a story
        await f.contact(s, globex, NOW - timedelta(days=9), success_story=True)  # last week
        await f.workspace(s, "T_OTHER")
        other = await f.executive(s, "Olga", workspace_id="T_OTHER")
        theirs = await f.customer(s, other, "Theirs")
        theirs_story = await f.contact(s, theirs, NOW - timedelta(days=1), success_story=True)
        theirs_story.executive_id = dana.id  # even one misfiled under Dana's id stays theirs
    report = await build_report(db, SETTINGS, f.WS, now=NOW)
    assert report.stories == (("Acme", "Dana"),)
    weeks = trend_weeks(NOW)
    assert len(weeks) == 12 and weeks[-1] == "2026-W48" and weeks[0] == "2026-W37"
    assert [p.iso_week for p in report.trend] == weeks
