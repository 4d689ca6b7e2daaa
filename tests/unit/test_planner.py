"""The weekly planner: rotation order, topping up a week, carry-over and swaps."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.regimen.planner import is_urgent, plan_batch, rank_customers, swap_choice
from bot.regimen.types import BatchSlot, BatchStatus, CustomerState, PlanResult, Sentiment

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
PLANNED, DONE, ATTEMPTED = BatchStatus.PLANNED, BatchStatus.DONE, BatchStatus.ATTEMPTED
SWAPPED, CARRIED = BatchStatus.SWAPPED, BatchStatus.CARRIED_OVER


def customer(
    cid: int,
    name: str | None = None,
    *,
    days_ago: int | None = None,
    sentiment: Sentiment | None = None,
    reactive: bool = False,
) -> CustomerState:
    last = None if days_ago is None else MONDAY - timedelta(days=days_ago)
    return CustomerState(cid, name or f"Customer {cid:03d}", last, sentiment, reactive)


def slot(cid: int, position: int, status: BatchStatus = PLANNED) -> BatchSlot:
    return BatchSlot(customer_id=cid, position=position, status=status)


def ids(states: list[CustomerState]) -> list[int]:
    return [s.customer_id for s in states]


def added(result_add: tuple[BatchSlot, ...]) -> list[int]:
    return [s.customer_id for s in result_add]


# --- ranking -------------------------------------------------------------------------------


def test_never_contacted_come_first_then_the_longest_since_a_call() -> None:
    states = [customer(1, days_ago=10), customer(2), customer(3, days_ago=300), customer(4)]
    assert ids(rank_customers(states, as_of=MONDAY)) == [2, 4, 3, 1]


def test_an_unhappy_customer_is_pulled_to_the_front() -> None:
    unhappy = customer(3, days_ago=30, sentiment=Sentiment.UNHAPPY)
    states = [customer(1), customer(2, days_ago=400), unhappy]
    assert ids(rank_customers(states, as_of=MONDAY))[0] == 3


def test_a_reactive_contact_since_the_last_call_is_pulled_to_the_front() -> None:
    states = [customer(1), customer(2, days_ago=3, reactive=True)]
    assert ids(rank_customers(states, as_of=MONDAY)) == [2, 1]


def test_an_unhappy_customer_called_this_week_waits_two_weeks_not_a_full_rotation() -> None:
    unhappy = customer(9, days_ago=7, sentiment=Sentiment.UNHAPPY)
    others = [customer(i, days_ago=100 + i) for i in range(1, 6)]
    assert ids(rank_customers([unhappy, *others], as_of=MONDAY))[-1] == 9
    two_weeks_on = MONDAY + timedelta(days=7)
    assert ids(rank_customers([unhappy, *others], as_of=two_weeks_on))[0] == 9
    assert not is_urgent(unhappy, as_of=MONDAY)
    assert is_urgent(unhappy, as_of=two_weeks_on)


def test_the_urgent_group_keeps_the_rotation_sub_order() -> None:
    states = [
        customer(1, days_ago=20, reactive=True),
        customer(2, sentiment=Sentiment.UNHAPPY),
        customer(3, days_ago=90, reactive=True),
        customer(4),
    ]
    assert ids(rank_customers(states, as_of=MONDAY)) == [2, 3, 1, 4]


def test_ties_are_broken_by_name_then_id() -> None:
    states = [customer(3, "beta"), customer(2, "Alpha"), customer(1, "alpha"), customer(4, "ALPHA")]
    assert ids(rank_customers(states, as_of=MONDAY)) == [1, 2, 4, 3]


def test_naive_datetimes_are_read_as_utc() -> None:
    naive = CustomerState(1, "A", datetime(2026, 1, 1), Sentiment.UNHAPPY)
    aware = CustomerState(2, "B", datetime(2026, 6, 1, tzinfo=UTC))
    assert ids(rank_customers([aware, naive], as_of=MONDAY)) == [1, 2]


def test_ranking_is_deterministic_whatever_the_input_order() -> None:
    states = [customer(i, f"n{i % 3}", days_ago=(i * 7) % 5 or None) for i in range(1, 15)]
    first = rank_customers(states, as_of=MONDAY)
    assert rank_customers(list(reversed(states)), as_of=MONDAY) == first


# --- planning a week -----------------------------------------------------------------------


def test_an_empty_week_gets_the_top_of_the_rotation() -> None:
    states = [customer(i, days_ago=i) for i in range(1, 9)]
    result = plan_batch(candidates=states, quota=5, current=(), carry_over=(), as_of=MONDAY)
    assert added(result.add) == [8, 7, 6, 5, 4]
    assert [s.position for s in result.add] == [1, 2, 3, 4, 5]
    assert all(s.status == PLANNED for s in result.add)
    assert result.keep == () and result.drop == ()


def test_a_voicemail_carries_the_customer_to_next_week() -> None:
    states = [customer(i, days_ago=i) for i in range(1, 9)]
    result = plan_batch(candidates=states, quota=5, current=(), carry_over=[2, 1], as_of=MONDAY)
    assert added(result.add) == [2, 1, 8, 7, 6]


def test_carry_over_skips_customers_no_longer_listed() -> None:
    states = [customer(1), customer(2)]
    result = plan_batch(candidates=states, quota=5, current=(), carry_over=[99, 2], as_of=MONDAY)
    assert added(result.add) == [2, 1]


def test_planning_again_fills_gaps_and_keeps_positions() -> None:
    states = [customer(i, days_ago=i) for i in range(1, 10)]
    current = [slot(9, 1, DONE), slot(8, 2, ATTEMPTED), slot(7, 4, PLANNED)]
    result = plan_batch(candidates=states, quota=5, current=current, carry_over=(), as_of=MONDAY)
    assert result.keep == tuple(current)
    assert result.add == (slot(6, 5), slot(5, 6))
    assert [s.position for s in result.slots] == [1, 2, 4, 5, 6]


def test_planning_a_full_week_again_changes_nothing() -> None:
    states = [customer(i) for i in range(1, 10)]
    first = plan_batch(candidates=states, quota=5, current=(), carry_over=(), as_of=MONDAY)
    again = plan_batch(candidates=states, quota=5, current=first.slots, carry_over=(), as_of=MONDAY)
    assert again.add == () and again.drop == () and again.keep == first.slots


def test_a_customer_removed_from_the_list_drops_out_of_a_planned_slot() -> None:
    states = [customer(i) for i in range(1, 8)]
    current = [slot(1, 1, DONE), slot(42, 2, PLANNED), slot(43, 3, ATTEMPTED)]
    result = plan_batch(candidates=states, quota=3, current=current, carry_over=(), as_of=MONDAY)
    assert result.drop == (42,)
    assert result.keep == (slot(1, 1, DONE), slot(43, 3, ATTEMPTED))  # history stays
    assert result.add == (slot(2, 4),)


def test_a_swapped_out_customer_does_not_return_the_same_week() -> None:
    states = [customer(1), customer(2), customer(3)]
    current = [slot(1, 1, SWAPPED), slot(2, 2, PLANNED)]
    result = plan_batch(candidates=states, quota=3, current=current, carry_over=[1], as_of=MONDAY)
    assert added(result.add) == [3]
    assert swap_choice(candidates=states, current=[*current, *result.add], as_of=MONDAY) is None


def test_swapped_and_carried_slots_do_not_count_toward_the_quota() -> None:
    states = [customer(i) for i in range(1, 6)]
    current = [slot(1, 1, SWAPPED), slot(2, 2, CARRIED), slot(3, 3, DONE)]
    result = plan_batch(candidates=states, quota=2, current=current, carry_over=(), as_of=MONDAY)
    assert result.add == (slot(4, 4),)


def test_a_short_list_gives_what_there_is_and_a_zero_quota_gives_nothing() -> None:
    states = [customer(1), customer(2)]
    short = plan_batch(candidates=states, quota=5, current=(), carry_over=(), as_of=MONDAY)
    assert added(short.add) == [1, 2]
    for quota in (0, -1):
        none = plan_batch(candidates=states, quota=quota, current=(), carry_over=[1], as_of=MONDAY)
        assert none.add == ()


def test_the_swap_button_offers_the_next_customer_in_rotation() -> None:
    states = [customer(i, days_ago=i) for i in range(1, 6)]
    current = [slot(5, 1), slot(4, 2, SWAPPED)]
    choice = swap_choice(candidates=states, current=current, as_of=MONDAY)
    assert choice is not None and choice.customer_id == 3


# --- properties ----------------------------------------------------------------------------

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

initial_state = st.tuples(
    st.none() | st.integers(min_value=1, max_value=800),
    st.none() | st.sampled_from(list(Sentiment)),
    st.booleans(),
    st.sampled_from(["acme", "Acme", "beta", "Zed", "éclair", "delta"]),
)


def build_list(raw: list[tuple[int | None, Sentiment | None, bool, str]]) -> list[CustomerState]:
    return [
        CustomerState(
            customer_id=i + 1,
            name=name,
            last_proactive_at=None if ago is None else START - timedelta(days=ago),
            last_sentiment=sentiment,
            reactive_since_proactive=reactive,
        )
        for i, (ago, sentiment, reactive, name) in enumerate(raw)
    ]


@settings(max_examples=150, deadline=None)
@given(
    raw=st.lists(initial_state, min_size=1, max_size=40),
    quota=st.integers(min_value=1, max_value=8),
    data=st.data(),
)
def test_every_customer_is_covered_within_a_rotation_when_every_call_succeeds(
    raw: list[tuple[int | None, Sentiment | None, bool, str]], quota: int, data: st.DataObject
) -> None:
    states = {s.customer_id: s for s in build_list(raw)}
    covered: set[int] = set()
    for week in range(math.ceil(len(states) / quota)):
        as_of = START + timedelta(weeks=week)
        result = plan_batch(
            candidates=list(states.values()), quota=quota, current=(), carry_over=(), as_of=as_of
        )
        batch = added(result.add)
        assert len(batch) == len(set(batch)) == min(quota, len(states))
        for cid in batch:
            mood = data.draw(st.sampled_from([Sentiment.SATISFIED, Sentiment.PROMOTER]))
            states[cid] = CustomerState(cid, states[cid].name, as_of, mood, False)
        covered.update(batch)
    assert covered == set(states)


@settings(max_examples=150, deadline=None)
@given(
    raw=st.lists(initial_state, min_size=0, max_size=25),
    quota=st.integers(min_value=-1, max_value=8),
    current_raw=st.lists(
        st.tuples(st.integers(1, 30), st.sampled_from(list(BatchStatus))), max_size=6
    ),
    carry=st.lists(st.integers(1, 30), max_size=8),
    data=st.data(),
)
def test_a_plan_is_deterministic_and_never_repeats_a_customer(
    raw: list[tuple[int | None, Sentiment | None, bool, str]],
    quota: int,
    current_raw: list[tuple[int, BatchStatus]],
    carry: list[int],
    data: st.DataObject,
) -> None:
    candidates = build_list(raw)
    seen: set[int] = set()
    current: list[BatchSlot] = []
    for cid, status in current_raw:
        if cid not in seen:
            seen.add(cid)
            current.append(slot(cid, len(current) * 2 + 1, status))

    def plan(states: list[CustomerState]) -> PlanResult:
        return plan_batch(
            candidates=states, quota=quota, current=current, carry_over=carry, as_of=START
        )

    result = plan(candidates)
    assert plan(data.draw(st.permutations(candidates))) == result
    assert plan(candidates) == result

    new = added(result.add)
    assert len(new) == len(set(new)) and not set(new) & seen
    assert all(s.position > max((c.position for c in current), default=0) for s in result.add)
    filled = sum(1 for s in result.keep if s.status.counts_toward_quota)
    available = len({c.customer_id for c in candidates} - seen)
    assert len(new) == max(0, min(quota - filled, available))

    listed = {c.customer_id for c in candidates}
    carried = list(dict.fromkeys(c for c in carry if c in listed and c not in seen))
    assert new[: len(carried)] == carried[: len(new)]


def test_naive_times_mean_utc_whatever_the_servers_own_zone(server_timezone) -> None:  # type: ignore[no-untyped-def]
    server_timezone("Pacific/Kiritimati")  # UTC+14
    # Unhappy, last called 13 days 23 hours before as_of: not yet urgent (two weeks).
    naive = CustomerState(1, "A", datetime(2026, 11, 9, 8, 0), Sentiment.UNHAPPY)
    assert not is_urgent(naive, as_of=MONDAY)
    assert is_urgent(naive, as_of=MONDAY + timedelta(hours=1))
    # A time written in another zone is that instant: 16:30 in Tokyo is 07:30 UTC, before A.
    tokyo = CustomerState(2, "B", datetime(2026, 11, 9, 16, 30, tzinfo=ZoneInfo("Asia/Tokyo")))
    assert not is_urgent(replace(tokyo, last_sentiment=Sentiment.UNHAPPY), as_of=MONDAY)
    older = customer(3, days_ago=15)
    assert ids(rank_customers([naive, tokyo, older], as_of=MONDAY)) == [3, 2, 1]


def test_the_wait_after_an_unhappy_call_can_be_set() -> None:
    unhappy = customer(1, days_ago=20, sentiment=Sentiment.UNHAPPY)
    others = [customer(i, days_ago=100 + i) for i in range(2, 5)]
    assert ids(rank_customers([unhappy, *others], as_of=MONDAY))[0] == 1
    assert ids(rank_customers([unhappy, *others], as_of=MONDAY, recent_days=30))[-1] == 1


# --- paused customers ----------------------------------------------------------------------


def test_a_paused_customer_sits_out_until_the_day_after_its_pause() -> None:
    week = MONDAY.date()
    paused = replace(customer(1), paused_until=week + timedelta(days=7))
    states = [paused, customer(2), customer(3)]
    plan = plan_batch(candidates=states, quota=5, current=[], carry_over=[1], as_of=MONDAY)
    assert added(plan.add) == [2, 3]
    later = week + timedelta(days=8)
    back = plan_batch(
        candidates=states, quota=5, current=[], carry_over=[], as_of=MONDAY, week_start=later
    )
    assert 1 in added(back.add)


def test_pausing_a_planned_customer_drops_its_slot_and_swaps_skip_it() -> None:
    paused = replace(customer(1), paused_until=MONDAY.date())
    plan = plan_batch(
        candidates=[paused, customer(2)], quota=1, current=[slot(1, 1)], carry_over=[], as_of=MONDAY
    )
    assert plan.drop == (1,) and added(plan.add) == [2]
    assert swap_choice(candidates=[paused], current=[], as_of=MONDAY) is None


@settings(max_examples=200, deadline=None)
@given(
    pauses=st.lists(st.one_of(st.none(), st.integers(-20, 20)), min_size=1, max_size=12),
    quota=st.integers(1, 8),
    offset=st.integers(-10, 10),
)
def test_no_customer_paused_through_the_week_start_is_ever_planned(
    pauses: list[int | None], quota: int, offset: int
) -> None:
    start = MONDAY.date() + timedelta(days=offset)
    states = [
        replace(customer(i), paused_until=None if p is None else MONDAY.date() + timedelta(days=p))
        for i, p in enumerate(pauses, start=1)
    ]
    current = [slot(s.customer_id, n) for n, s in enumerate(states[:2], start=1)]
    plan = plan_batch(
        candidates=states,
        quota=quota,
        current=current,
        carry_over=[s.customer_id for s in states],
        as_of=MONDAY,
        week_start=start,
    )
    out = {s.customer_id for s in states if s.paused_until is not None and s.paused_until >= start}
    assert not out & {s.customer_id for s in plan.add}
    assert not out & {s.customer_id for s in plan.keep if s.status == PLANNED}
    eligible = len(states) - len(out)
    kept = sum(1 for s in plan.keep if s.status.counts_toward_quota)
    assert len(plan.add) == max(0, min(quota - kept, eligible - kept))
