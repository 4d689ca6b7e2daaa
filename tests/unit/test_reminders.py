"""Which items an owner's digest chases, what it counts towards the manager, and how it looks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.regimen.calendar import Regimen, workdays_between
from bot.regimen.reminders import OpenItem, chase, snoozed_until
from bot.views.data import DigestLine, ItemCard
from bot.views.limits import MAX_MESSAGE_BLOCKS
from bot.views.reminders import DIGEST_ITEMS, build_items_digest

MON = date(2026, 11, 23)
REG = Regimen(1, "Mo", ZoneInfo("UTC"), (0, 1, 2, 3, 4), time(8, 30), 5, None)


def day(n: int) -> date:
    return MON + timedelta(days=n)


def test_an_item_not_yet_due_stays_out_and_one_due_today_is_listed_uncounted() -> None:
    item = OpenItem(due_on=day(1), created_on=MON)
    assert chase(item, MON, REG, escalate_after=3) is None
    today = chase(item, day(1), REG, escalate_after=3)
    assert today is not None and today.overdue_days == 0 and today.overdue_workdays == 0
    assert not today.note_thread and not today.escalate


def test_overdue_workdays_skip_the_weekend_and_the_third_escalates() -> None:
    item = OpenItem(due_on=day(3), created_on=MON)  # due Thursday
    counts = []
    for n in (4, 7, 8):  # Friday, Monday, Tuesday
        found = chase(item, day(n), REG, escalate_after=3)
        assert found is not None
        counts.append((found.overdue_workdays, found.escalate))
        item = replace(item, reminded_on=day(n), overdue_workdays=found.overdue_workdays)
    assert counts == [(1, False), (2, False), (3, True)]


def test_a_day_missed_while_down_is_caught_up_and_a_paused_one_is_not() -> None:
    item = OpenItem(due_on=MON, created_on=MON, reminded_on=MON)
    down = chase(item, day(3), REG, escalate_after=9)  # Tuesday and Wednesday: no digest
    assert down is not None and down.overdue_workdays == 3
    paused = replace(REG, paused_until=day(2))
    back = chase(item, day(3), paused, escalate_after=9)
    assert back is not None and back.overdue_workdays == 1


def test_a_second_digest_the_same_day_counts_nothing_more_and_notes_nothing_more() -> None:
    item = OpenItem(due_on=MON, created_on=MON, reminded_on=day(1), noted_on=day(1))
    item = replace(item, overdue_workdays=1)
    again = chase(item, day(1), REG, escalate_after=3)
    assert again is not None and again.overdue_workdays == 1 and not again.note_thread


def test_the_thread_hears_at_most_once_a_week() -> None:
    item = OpenItem(due_on=MON, created_on=MON)
    noted = []
    for n in (n for n in range(1, 17) if day(n).weekday() < 5):  # a digest every workday
        found = chase(item, day(n), REG, escalate_after=99)
        assert found is not None
        if found.note_thread:
            noted.append(n)
            item = replace(item, noted_on=day(n))
        item = replace(item, reminded_on=day(n), overdue_workdays=found.overdue_workdays)
    assert noted == [1, 8, 15]


def test_a_snoozed_item_is_out_for_a_week_and_its_days_do_not_count() -> None:
    until = snoozed_until(day(1))
    assert until == day(8)
    item = OpenItem(due_on=MON, created_on=MON, reminded_on=day(1), overdue_workdays=1)
    item = replace(item, snoozed_until=until)
    assert all(chase(item, day(n), REG, escalate_after=2) is None for n in range(2, 8))
    back = chase(item, day(8), REG, escalate_after=2)
    assert back is not None and back.overdue_workdays == 2 and back.escalate


def test_an_item_without_a_due_date_is_brought_up_once_a_week_after_it_was_logged() -> None:
    item = OpenItem(due_on=None, created_on=MON)
    assert chase(item, day(6), REG, escalate_after=1) is None
    first = chase(item, day(7), REG, escalate_after=1)
    assert first is not None and not first.escalate and not first.note_thread
    assert chase(replace(item, reminded_on=day(7)), day(8), REG, escalate_after=1) is None


@settings(max_examples=200, deadline=None)
@given(
    due=st.integers(0, 20),
    digest_days=st.lists(st.integers(0, 40), max_size=15),
    paused=st.one_of(st.none(), st.integers(0, 40)),
)
def test_the_count_never_exceeds_the_unpaused_workdays_since_the_due_date(
    due: int, digest_days: list[int], paused: int | None
) -> None:
    reg = replace(REG, paused_until=day(paused) if paused is not None else None)
    item = OpenItem(due_on=day(due), created_on=MON)
    for n in sorted(set(digest_days)):
        found = chase(item, day(n), reg, escalate_after=3)
        if found is None:
            continue
        bound = workdays_between(day(due), day(n), reg.workdays, reg.paused_until)
        assert found.overdue_workdays <= bound
        item = replace(item, reminded_on=day(n), overdue_workdays=found.overdue_workdays)


def test_a_long_digest_shows_what_fits_and_counts_the_rest() -> None:
    lines = [
        DigestLine("Acme", ItemCard(i, f"item {i}", None, MON, overdue_days=2)) for i in range(36)
    ]
    digest = build_items_digest(lines)
    assert len(digest["blocks"]) <= MAX_MESSAGE_BLOCKS
    assert DIGEST_ITEMS == 24
    assert digest["blocks"][-1]["elements"][0]["text"] == "…and 12 more — see App Home"
    full = build_items_digest(lines[:DIGEST_ITEMS])
    assert "more" not in str(full["blocks"][-1])


def test_each_digest_line_carries_done_snooze_and_a_new_due_date_for_its_item() -> None:
    digest = build_items_digest([DigestLine("A&B <Co>", ItemCard(7, "Ship", None, None))])
    section, row = digest["blocks"][1:]
    assert section["text"]["text"].startswith("*A&amp;B &lt;Co&gt;* — Ship\nno due date")
    assert row["block_id"] == "item_actions_7"
    kinds = [(e["type"], e["action_id"], e.get("value")) for e in row["elements"]]
    assert kinds == [
        ("button", "kyc_item_done", "7"),
        ("button", "kyc_item_snooze", "7"),
        ("datepicker", "kyc_item_due_on", None),
    ]
