"""Every kind of touchpoint: a decline sits out, then comes back (planner); the brief draws on
the history (insights, details, items done since the customer was last reached)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.regimen.brief import build_brief, done_since, insights
from bot.regimen.planner import comeback_on, in_rotation, plan_batch, resting, swap_choice
from bot.regimen.types import (
    BatchSlot,
    BatchStatus,
    Channel,
    ContactKind,
    ContactRecord,
    CustomerProfile,
    CustomerState,
    DoneItem,
    ExecutiveProfile,
    Outcome,
)

NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)  # Wednesday of week 48


def state(cid: int, declined_days_ago: int | None = None, **kw: object) -> CustomerState:
    declined = NOW - timedelta(days=declined_days_ago) if declined_days_ago is not None else None
    return CustomerState(cid, f"C{cid}", declined_at=declined, **kw)  # type: ignore[arg-type]


# --- the planner ---------------------------------------------------------------------------


def test_a_decline_comes_back_on_the_monday_four_weeks_after_its_week() -> None:
    assert comeback_on(NOW, 4) == date(2026, 12, 21)  # week 48's Monday + 4 weeks
    assert comeback_on(NOW, 1) == date(2026, 11, 30)
    s = state(1, 0)
    assert resting(s, date(2026, 12, 14), 4) and resting(s, date(2026, 12, 20), 4)
    assert not resting(s, date(2026, 12, 21), 4)
    assert not resting(state(2), date(2026, 11, 25), 4)  # never declined


def test_the_planner_leaves_a_declined_customer_out_then_brings_it_back_first() -> None:
    candidates = [state(1, 0), *(state(i) for i in range(2, 9))]
    for weeks_later in (1, 2, 3):
        monday = date(2026, 11, 23) + timedelta(weeks=weeks_later)
        plan = plan_batch(
            candidates=candidates,
            quota=7,
            current=[],
            carry_over=[1],  # even carried over, it sits out
            as_of=NOW,
            week_start=monday,
            comeback_weeks=4,
        )
        assert 1 not in {s.customer_id for s in plan.add}
    back = plan_batch(
        candidates=candidates,
        quota=1,
        current=[],
        carry_over=[],
        as_of=NOW + timedelta(weeks=4),
        week_start=date(2026, 12, 21),
        comeback_weeks=4,
    )
    # Back, and first: the others were never called, but "I'll come back to you" is kept.
    assert [s.customer_id for s in back.add] == [1]


def test_a_planned_slot_of_a_customer_who_declined_is_dropped_and_swaps_skip_it() -> None:
    plan = plan_batch(
        candidates=[state(1, 0), state(2)],
        quota=2,
        current=[BatchSlot(1, 1, BatchStatus.PLANNED)],
        carry_over=[],
        as_of=NOW,
        week_start=date(2026, 11, 30),
    )
    assert plan.drop == (1,)
    choice = swap_choice(candidates=[state(1, 0)], current=[], as_of=NOW, comeback_weeks=4)
    assert choice is None


@settings(max_examples=300, deadline=None)
@given(
    declines=st.lists(st.one_of(st.none(), st.integers(0, 120)), min_size=1, max_size=12),
    weeks=st.integers(1, 12),
    offset=st.integers(-30, 200),
    quota=st.integers(1, 10),
    carry=st.lists(st.integers(0, 11), max_size=5),
    planned=st.lists(st.integers(0, 11), max_size=5, unique=True),
)
def test_the_planner_never_schedules_a_declined_customer_within_the_comeback_window(
    declines: list[int | None],
    weeks: int,
    offset: int,
    quota: int,
    carry: list[int],
    planned: list[int],
) -> None:
    candidates = [state(i, d) for i, d in enumerate(declines)]
    week_start = NOW.date() + timedelta(days=offset)
    plan = plan_batch(
        candidates=candidates,
        quota=quota,
        current=[BatchSlot(c, n, BatchStatus.PLANNED) for n, c in enumerate(planned, 1)],
        carry_over=carry,
        as_of=NOW + timedelta(days=offset),
        week_start=week_start,
        comeback_weeks=weeks,
    )
    by_id = {c.customer_id: c for c in candidates}
    for slot in plan.slots:
        c = by_id.get(slot.customer_id)
        if c is not None and c.declined_at is not None and slot.status == BatchStatus.PLANNED:
            assert week_start >= comeback_on(c.declined_at, weeks)
    # and once their weeks are served, they are candidates again
    back = in_rotation(candidates, week_start, weeks)
    for c in candidates:
        if c.declined_at is not None and week_start >= comeback_on(c.declined_at, weeks):
            assert c in back


# --- the brief's history -------------------------------------------------------------------

EXEC = ExecutiveProfile("Dana", "America/New_York")
CUSTOMER = CustomerProfile(1, "Acme")


def touch(days_ago: int, **kw: object) -> ContactRecord:
    kw.setdefault("kind", ContactKind.PROACTIVE)
    kw.setdefault("outcome", Outcome.REACHED)
    return ContactRecord(occurred_at=NOW - timedelta(days=days_ago), **kw)  # type: ignore[arg-type]


def test_the_three_most_recent_insights_newest_first_with_their_kind() -> None:
    contacts = [
        touch(50, criticism="old", channel=Channel.CALL),
        touch(40, in_their_words="  we are   drowning in invoices ", channel=Channel.MEAL),
        touch(30, summary="nothing said"),  # no insight: skipped
        touch(20, make_it_great="one invoice a month", channel=Channel.FLOOR),
        touch(10, kind=ContactKind.REACTIVE, channel=Channel.TICKET, criticism="reactive"),
        touch(5, stressed_areas="billing"),
    ]
    found = insights(contacts)
    assert [i.occurred_at for i in found] == [NOW - timedelta(days=d) for d in (5, 20, 40)]
    assert found[2].in_their_words == "we are drowning in invoices"
    assert found[2].channel == Channel.MEAL
    assert found[1].make_it_great == "one invoice a month"


def test_items_done_since_the_customer_was_last_reached_are_to_tell_them() -> None:
    done = [
        DoneItem("before", NOW - timedelta(days=30)),
        DoneItem("after the voicemail", NOW - timedelta(days=3)),
        DoneItem("after the lunch", NOW - timedelta(days=8)),
    ]
    contacts = [
        touch(2, outcome=Outcome.VOICEMAIL),  # not reached: they have not been told
        touch(10, channel=Channel.MEAL),
    ]
    b = build_brief(
        customer=CUSTOMER,
        contacts=contacts,
        open_items=[],
        executive=EXEC,
        now=NOW,
        done_items=done,
    )
    assert [d.text for d in b.done_since] == ["after the voicemail", "after the lunch"]
    assert [d.text for d in done_since(done, None)] == [
        "after the voicemail",
        "after the lunch",
        "before",
    ]


def test_a_decline_is_the_last_proactive_touch_and_the_opener_says_so_kindly() -> None:
    b = build_brief(
        customer=CUSTOMER,
        contacts=[touch(20, outcome=Outcome.DECLINED, channel=Channel.VISIT)],
        open_items=[],
        executive=EXEC,
        now=NOW,
    )
    assert b.last_proactive is not None and b.last_proactive.channel == Channel.VISIT
    assert "it was not a good moment for you" in b.opener
    assert "tried to reach you" not in b.opener


def test_declines_count_as_contacts_never_as_reached_voicemails_as_neither() -> None:
    assert Outcome.DECLINED.is_contact and not Outcome.DECLINED.reached_customer
    assert not Outcome.VOICEMAIL.is_contact
    assert all(o.is_contact for o in Outcome if o != Outcome.VOICEMAIL)


def test_the_decline_rules_edges() -> None:
    """Mutation testing's gaps: four weeks unless told otherwise, a negative setting rests
    nobody, and the rotation order puts a customer back after a decline ahead of one never
    called (and of the longest waiting)."""
    assert comeback_on(NOW) == date(2026, 12, 21)  # declined in week 48, back in week 52
    assert comeback_on(NOW, -1) == date(2026, 11, 23)  # the decline's own Monday
    from bot.regimen.planner import rank_customers

    back = state(1, 40, last_proactive_at=NOW - timedelta(days=40))
    never = state(2)
    long_ago = state(3, last_proactive_at=NOW - timedelta(days=400))
    ranked = rank_customers([never, long_ago, back], as_of=NOW)
    assert [s.customer_id for s in ranked] == [1, 2, 3]
