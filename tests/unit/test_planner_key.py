"""Key customers in the weekly rotation: pulled forward at their cadence in at most half the
week's slots, and nobody starved (bot/regimen/planner.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.regimen.planner import is_cadence_due, key_slots, plan_batch, wait_bound, weeks_since
from bot.regimen.types import CustomerState

START = date(2026, 1, 5)  # a Monday


def simulate(
    n: int, quota: int, keys: dict[int, int], weeks: int, called_before: dict[int, int]
) -> list[list[int]]:
    """Plan `weeks` weeks from START; every planned customer is called on its week's Tuesday.
    `keys`: customer -> cadence; `called_before`: customer -> weeks before START of a last call.
    Returns the customers planned each week."""
    last: dict[int, datetime | None] = {
        c: (
            datetime.combine(START - timedelta(weeks=called_before[c]), datetime.min.time(), UTC)
            if c in called_before
            else None
        )
        for c in range(1, n + 1)
    }
    plans: list[list[int]] = []
    for w in range(weeks):
        monday = START + timedelta(weeks=w)
        as_of = datetime.combine(monday, datetime.min.time(), UTC)
        states = [
            CustomerState(
                customer_id=c,
                name=f"c{c:03d}",
                last_proactive_at=last[c],
                key=c in keys,
                cadence_weeks=keys.get(c),
            )
            for c in range(1, n + 1)
        ]
        plan = plan_batch(
            candidates=states,
            quota=quota,
            current=[],
            carry_over=[],
            as_of=as_of,
            week_start=monday,
        )
        chosen = [s.customer_id for s in plan.add]
        plans.append(chosen)
        for c in chosen:
            last[c] = as_of + timedelta(days=1)
    return plans


lists = st.integers(min_value=1, max_value=30).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.integers(min_value=1, max_value=8),
        st.dictionaries(
            st.integers(min_value=1, max_value=n), st.integers(min_value=1, max_value=6)
        ),
        st.dictionaries(
            st.integers(min_value=1, max_value=n), st.integers(min_value=0, max_value=10)
        ),
    )
)


@settings(max_examples=150, deadline=None)
@given(lists)
def test_quota_kept_and_nobody_twice(case: tuple[int, int, dict[int, int], dict[int, int]]) -> None:
    n, quota, keys, before = case
    for chosen in simulate(n, quota, keys, 12, before):
        assert len(chosen) == min(quota, n)
        assert len(set(chosen)) == len(chosen)


@settings(max_examples=150, deadline=None)
@given(lists)
def test_every_customer_comes_round_within_the_bound(
    case: tuple[int, int, dict[int, int], dict[int, int]],
) -> None:
    n, quota, keys, before = case
    bound = wait_bound(n, quota)
    weeks = 3 * bound + 8
    plans = simulate(n, quota, keys, weeks, before)
    for c in range(1, n + 1):
        turns = [w for w, chosen in enumerate(plans) if c in chosen]
        assert turns, f"customer {c} never came round in {weeks} weeks"
        assert turns[0] < bound, (c, turns, bound)  # first turn within the bound
        for a, b in pairwise(turns):
            assert b - a <= bound, (c, turns, bound)
        assert weeks - 1 - turns[-1] < bound  # and no wait at the end longer than it


@settings(max_examples=150, deadline=None)
@given(lists)
def test_due_key_customers_are_in_the_week_when_the_key_slots_allow(
    case: tuple[int, int, dict[int, int], dict[int, int]],
) -> None:
    n, quota, keys, before = case
    plans = simulate(n, quota, keys, 16, before)
    # Replay: who was due at the start of each week, given the turns so far.
    last: dict[int, int | None] = {c: (-before[c] if c in before else None) for c in keys}
    for w, chosen in enumerate(plans):
        due = [c for c in keys if last[c] is None or w - last[c] >= keys[c]]  # type: ignore[operator]
        if len(due) <= key_slots(quota):
            assert set(due) <= set(chosen), (w, due, chosen)
        else:  # more due than the key slots: the key slots are all used by due customers
            assert len(set(due) & set(chosen)) >= key_slots(quota)
        for c in chosen:
            if c in last:
                last[c] = w


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=2, max_value=8).flatmap(
        lambda quota: st.tuples(
            st.just(quota),
            st.integers(min_value=quota + 1, max_value=40),
            st.integers(min_value=1, max_value=quota // 2),
            st.integers(min_value=1, max_value=6),
        )
    )
)
def test_key_customers_come_round_at_their_cadence(case: tuple[int, int, int, int]) -> None:
    """As many key customers as the key slots: each one's turns are never more than its
    cadence apart, however long the list."""
    quota, n, k, cadence = case
    keys = {c: cadence for c in range(n - k + 1, n + 1)}  # last by name: no help from the order
    plans = simulate(n, quota, keys, 20, {c: 0 for c in range(1, n + 1)})
    for c in keys:
        turns = [w for w, chosen in enumerate(plans) if c in chosen]
        assert turns and turns[0] <= cadence
        for a, b in pairwise(turns):
            assert b - a <= cadence, (c, turns)


def test_cadence_counts_iso_weeks() -> None:
    wed = datetime(2026, 1, 7, 15, tzinfo=UTC)
    assert weeks_since(wed, date(2026, 2, 2)) == 4
    state = CustomerState(1, "a", last_proactive_at=wed, key=True, cadence_weeks=4)
    assert not is_cadence_due(state, date(2026, 1, 26))
    assert is_cadence_due(state, date(2026, 2, 2))
    assert not is_cadence_due(CustomerState(2, "b", last_proactive_at=None), date(2026, 2, 2))
    assert is_cadence_due(CustomerState(3, "c", key=True, cadence_weeks=2), date(2026, 2, 2))


def test_a_due_key_customer_is_pulled_ahead_of_the_rotation() -> None:
    monday = date(2026, 3, 2)
    as_of = datetime(2026, 3, 2, tzinfo=UTC)
    old = datetime(2025, 1, 1, tzinfo=UTC)
    states = [
        CustomerState(i, f"n{i}", last_proactive_at=old + timedelta(days=i)) for i in range(1, 6)
    ] + [
        CustomerState(
            9, "key", last_proactive_at=as_of - timedelta(weeks=3), key=True, cadence_weeks=2
        )
    ]
    plan = plan_batch(
        candidates=states, quota=2, current=[], carry_over=[], as_of=as_of, week_start=monday
    )
    assert [s.customer_id for s in plan.add] == [9, 1]


def test_key_coverage_counts_formal_meetings_in_12_months_per_team() -> None:
    """Hand-computed: Support has three key customers, one met 364 days ago (counts), one 366
    days ago (does not), one never; Sales has one met last week; one key customer has no team."""
    from bot.regimen.key_customers import KeyCoverage, KeyCustomerMeeting, coverage

    now = datetime(2026, 11, 30, 9, tzinfo=UTC)
    rows = [
        KeyCustomerMeeting(1, "Acme", "Support", now - timedelta(days=364)),
        KeyCustomerMeeting(2, "Globex", "Support", now - timedelta(days=366)),
        KeyCustomerMeeting(3, "Hooli", "Support", None),
        KeyCustomerMeeting(4, "Initech", "Sales", now - timedelta(days=7)),
        KeyCustomerMeeting(5, "Umbrella", None, None),
    ]
    assert coverage(rows, now) == [
        KeyCoverage("Sales", 1, 1),
        KeyCoverage("Support", 3, 1),
        KeyCoverage(None, 1, 0),
    ]
    assert coverage(rows, now)[1].share == 1 / 3


def test_the_key_slots_go_to_key_customers_not_already_in_the_week() -> None:
    """Mutation testing's gaps: only key customers are due by a cadence; the week's key slots
    go to due customers not already taken (urgent, back after a decline, or in the batch);
    urgent ones come before the due."""
    from bot.regimen.types import BatchSlot, BatchStatus

    monday = date(2026, 3, 2)
    as_of = datetime(2026, 3, 2, tzinfo=UTC)
    five_weeks = as_of - timedelta(weeks=5)
    assert not is_cadence_due(CustomerState(1, "plain", cadence_weeks=2), monday)

    def key(cid: int, **kw: object) -> CustomerState:
        return CustomerState(
            cid,
            f"k{cid}",
            last_proactive_at=kw.pop("last", five_weeks),  # type: ignore[arg-type]
            key=True,
            cadence_weeks=2,
            **kw,  # type: ignore[arg-type]
        )

    never = CustomerState(8, "never called")  # first in the plain rotation
    never2 = CustomerState(9, "never called either")

    def plan(states: list[CustomerState], quota: int, **kw: object) -> list[int]:
        result = plan_batch(
            candidates=states,
            quota=quota,
            as_of=as_of,
            week_start=monday,
            current=kw.get("current", []),  # type: ignore[arg-type]
            carry_over=kw.get("carry_over", []),  # type: ignore[arg-type]
        )
        return [s.customer_id for s in result.add]

    # Quota 2, one key slot: the urgent key customer does not use it up.
    urgent = key(1, reactive_since_proactive=True)
    assert plan([urgent, key(2), never], 2) == [1, 2]
    # Nor does one back after a decline (its weeks served).
    back = key(1, declined_at=five_weeks)
    assert plan([back, key(2), never], 2) == [1, 2]
    # Nor one already in the week's batch: two key slots, both for those not in it.
    in_batch = [BatchSlot(1, 1, BatchStatus.PLANNED)]
    keys = [key(i, last=five_weeks + timedelta(days=i)) for i in (1, 2, 3)]
    assert plan([*keys, never, never2], 4, current=in_batch) == [2, 3, 8]
    # Urgent before due: a carried-over customer and an urgent one fill a quota of 2.
    plain_urgent = CustomerState(5, "angry", reactive_since_proactive=True)
    assert plan([key(2), plain_urgent, never], 2, carry_over=[8]) == [8, 5]
