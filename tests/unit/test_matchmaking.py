"""Matchmaking's rotation (bot/regimen/matchmaking.py): no repeats within the window, the
host's weekly limit, nobody starved, the same round from the same inputs; participation on a
fixed data set with hand-computed shares."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.regimen.matchmaking import (
    Guest,
    Member,
    Opportunity,
    PairingStatus,
    Past,
    Rules,
    Workhours,
    overlap_minutes,
    pair,
    participation,
    shared_workday,
    unanswered_in_a_row,
)

MONDAY = date(2026, 11, 30)
ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Asia/Tokyo", "Europe/London")


def _opp(
    n: int, host: int, customer: int | None, *, by: date = MONDAY, tz: str = "UTC"
) -> Opportunity:
    return Opportunity(
        kind="planned_call",
        ref=f"batch:{n}",
        customer_id=customer,
        customer_name=f"Customer {customer}",
        host_person_id=host,
        on=None,
        by=by + timedelta(days=4),
        host_hours=Workhours(tz),
    )


guests_st = st.lists(
    st.builds(
        Guest,
        person_id=st.integers(1, 12),
        hours=st.builds(
            Workhours,
            tz=st.sampled_from(ZONES),
            workdays=st.sampled_from([(0, 1, 2, 3, 4), (6, 0, 1, 2, 3), (5, 6), (2,)]),
        ),
        last_invited_on=st.one_of(st.none(), st.dates(date(2026, 1, 1), MONDAY)),
        open_invitation=st.sampled_from([False, False, False, True]),
        opted_out=st.sampled_from([False, False, False, True]),
        snoozed_until=st.one_of(st.none(), st.dates(date(2026, 10, 1), date(2027, 1, 1))),
    ),
    max_size=25,
    unique_by=lambda g: g.person_id,
)
opps_st = st.lists(
    st.builds(
        _opp,
        n=st.integers(1, 200),
        host=st.integers(100, 106),
        customer=st.one_of(st.none(), st.integers(1, 8)),
        tz=st.sampled_from(ZONES),
    ),
    max_size=30,
)
history_st = st.lists(
    st.builds(
        Past,
        guest_id=st.integers(1, 12),
        customer_id=st.one_of(st.none(), st.integers(1, 8)),
        on=st.dates(date(2026, 1, 1), MONDAY),
    ),
    max_size=60,
)
rules_st = st.builds(
    Rules,
    every_weeks=st.integers(1, 8),
    repeat_days=st.integers(1, 365),
    host_weekly=st.integers(1, 4),
)


@settings(max_examples=300, deadline=None)
@given(
    guests_st,
    opps_st,
    history_st,
    rules_st,
    st.dictionaries(st.integers(100, 106), st.integers(0, 4)),
)
def test_a_round_keeps_every_rule(
    guests: list[Guest],
    opps: list[Opportunity],
    history: list[Past],
    rules: Rules,
    load: dict[int, int],
) -> None:
    out = pair(MONDAY, guests, opps, history, rules, load)
    by_id = {g.person_id: g for g in guests}
    # one invitation per guest, one guest per opportunity
    assert len({i.guest_id for i in out}) == len(out)
    assert len({i.opportunity.ref for i in out}) == len(out)
    for inv in out:
        guest = by_id[inv.guest_id]
        # only eligible guests: not opted out, snoozed, with one open, or within the cadence
        assert not guest.opted_out and not guest.open_invitation
        assert guest.snoozed_until is None or guest.snoozed_until < MONDAY
        assert guest.last_invited_on is None or (
            (MONDAY - guest.last_invited_on).days >= 7 * rules.every_weeks
        )
        # no repeat of the same person and customer within the window
        cid = inv.opportunity.customer_id
        assert not any(
            p.guest_id == inv.guest_id
            and p.customer_id == cid
            and cid is not None
            and p.on > MONDAY - timedelta(days=rules.repeat_days)
            for p in history
        )
        assert inv.opportunity.host_person_id != inv.guest_id
        assert shared_workday(guest.hours, inv.opportunity, MONDAY)
    # the host's weekly limit, counting those it had already
    for host in {i.opportunity.host_person_id for i in out}:
        taken = sum(1 for i in out if i.opportunity.host_person_id == host)
        assert load.get(host, 0) + taken <= rules.host_weekly


@settings(max_examples=200, deadline=None)
@given(guests_st, opps_st, history_st, rules_st, st.randoms(use_true_random=False))
def test_the_same_inputs_in_any_order_make_the_same_round(
    guests: list[Guest],
    opps: list[Opportunity],
    history: list[Past],
    rules: Rules,
    rnd: random.Random,
) -> None:
    first = pair(MONDAY, guests, opps, history, rules)
    shuffled = [guests[:], opps[:], history[:]]
    for part in shuffled:
        rnd.shuffle(part)
    again = pair(MONDAY, shuffled[0], shuffled[1], shuffled[2], rules)  # type: ignore[arg-type]
    assert [(i.guest_id, i.opportunity.ref) for i in first] == [
        (i.guest_id, i.opportunity.ref) for i in again
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 30),
    st.integers(1, 6),
    st.integers(1, 3),
    st.lists(st.sampled_from(ZONES), min_size=30, max_size=30),
)
def test_nobody_is_starved_when_opportunities_suffice(
    n_guests: int, n_hosts: int, per_host: int, zones: list[str]
) -> None:
    """Weekly rounds with hosts offering `per_host` new customers each: every guest is invited
    within ceil(guests / capacity) rounds, whatever their timezone."""
    rules = Rules(every_weeks=1, repeat_days=180, host_weekly=per_host)
    guests = {p: Guest(p, Workhours(zones[p - 1])) for p in range(1, n_guests + 1)}
    capacity = n_hosts * per_host
    bound = math.ceil(n_guests / capacity)
    history: list[Past] = []
    invited: set[int] = set()
    customer = 0
    for week in range(bound):
        today = MONDAY + timedelta(weeks=week)
        opps = []
        for h in range(n_hosts):
            for _ in range(per_host):
                customer += 1
                opps.append(_opp(customer, 100 + h, customer, by=today, tz=zones[h]))
        out = pair(today, guests.values(), opps, history, rules)
        assert len(out) == min(capacity, n_guests)  # nobody left out while room is left
        for inv in out:
            invited.add(inv.guest_id)
            history.append(Past(inv.guest_id, inv.opportunity.customer_id, today))
            guests[inv.guest_id] = replace(guests[inv.guest_id], last_invited_on=today)
    assert invited == set(guests)


def test_a_repeat_waits_for_the_window_and_a_host_in_the_guests_hours_is_preferred() -> None:
    rules = Rules(every_weeks=1, repeat_days=180, host_weekly=1)
    guest = Guest(1, Workhours("Europe/London"))
    tokyo = _opp(1, 100, 7, tz="Asia/Tokyo")
    new_york = _opp(2, 101, 8, tz="America/New_York")
    (inv,) = pair(MONDAY, [guest], [tokyo, new_york], [], rules)
    assert inv.opportunity is new_york and inv.overlap_minutes == 3 * 60  # 14:00–17:00 London
    recently = [Past(1, 8, MONDAY - timedelta(days=179))]
    (inv,) = pair(MONDAY, [guest], [tokyo, new_york], recently, rules)
    assert inv.opportunity is tokyo  # Customer 8 was 179 days ago: not again yet
    long_ago = [Past(1, 8, MONDAY - timedelta(days=180))]
    (inv,) = pair(MONDAY, [guest], [tokyo, new_york], long_ago, rules)
    assert inv.opportunity is new_york


def test_a_guest_who_never_works_when_the_host_does_is_not_invited() -> None:
    weekend = Guest(1, Workhours("UTC", (5, 6)))
    assert pair(MONDAY, [weekend], [_opp(1, 100, 7)], [], Rules()) == []


def test_overlap_needs_both_to_work_that_day() -> None:
    london, kolkata = Workhours("Europe/London"), Workhours("Asia/Kolkata", (6, 0, 1, 2, 3))
    assert overlap_minutes(london, kolkata, MONDAY) == 150  # 09:00–11:30 London
    assert overlap_minutes(london, kolkata, MONDAY + timedelta(days=4)) == 0  # Friday
    assert overlap_minutes(london, Workhours("Pacific/Kiritimati"), MONDAY) == 0


def test_unanswered_counts_back_to_the_last_answer() -> None:
    E, P, N = PairingStatus.EXPIRED, PairingStatus.PASSED, PairingStatus.INVITED
    assert unanswered_in_a_row([N, E, E, E, P]) == 3
    assert unanswered_in_a_row([E, P, E, E]) == 1
    assert unanswered_in_a_row([]) == 0


def test_participation_by_team_on_a_fixed_data_set() -> None:
    """Today 2026-11-30: the last 90 days start 2026-09-02, the quarter 2026-10-01."""
    members = [
        Member(1, "Engineering"),
        Member(2, "Engineering"),
        Member(3, "Engineering"),
        Member(4, "Engineering"),
        Member(5, "Legal"),
        Member(6, "Legal"),
        Member(7, "HR"),
    ]
    met = {
        1: [date(2026, 11, 2)],  # both
        2: [date(2026, 9, 15)],  # 90 days only
        3: [date(2026, 9, 1), date(2026, 12, 5)],  # one day too early, one in the future
        5: [date(2026, 10, 1), date(2026, 6, 1)],  # both
        6: [date(2026, 9, 2)],  # exactly 90 days back: counts for the 90 days only
    }
    got = {t.team_name: t for t in participation(members, met, date(2026, 11, 30))}
    eng, legal, hr = got["Engineering"], got["Legal"], got["HR"]
    assert (eng.people, eng.met_90d, eng.met_quarter) == (4, 2, 1)
    assert (eng.share_90d, eng.share_quarter) == (0.5, 0.25)
    assert (legal.people, legal.met_90d, legal.met_quarter) == (2, 2, 1)
    assert (hr.people, hr.met_90d, hr.share_90d) == (1, 0, 0.0)
    assert [t.team_name for t in participation(members, met, date(2026, 11, 30))] == [
        "Engineering",
        "HR",
        "Legal",
    ]


def test_the_days_an_opportunity_may_take_place_on() -> None:
    """Mutation testing's gaps: a known day from today (not before); otherwise the seven
    days up to `by`, in order, from today at the earliest."""
    o = _opp(1, 1, 1)  # by Friday 4 Dec, no day known
    assert o.days(MONDAY - timedelta(days=10)) == [
        date(2026, 11, 28) + timedelta(days=n) for n in range(7)
    ]
    assert o.days(date(2026, 12, 3)) == [date(2026, 12, 3), date(2026, 12, 4)]
    on_monday = replace(o, on=MONDAY)
    assert on_monday.days(MONDAY) == [MONDAY]
    assert on_monday.days(MONDAY + timedelta(days=1)) == []
    from bot.regimen.matchmaking import best_overlap

    assert best_overlap(Workhours(), on_monday, MONDAY + timedelta(days=1)) == 0
    # An unknown zone is read as UTC: the whole 9:00-17:00 shared with a UTC host.
    assert overlap_minutes(Workhours("Mars/Olympus"), Workhours("UTC"), MONDAY) == 480


def test_a_round_skips_past_what_does_not_fit_and_prefers_the_earliest_day() -> None:
    rules = Rules()
    # Guest 5 hosts the earliest touchpoint: it is skipped, not the round.
    own, other = _opp(1, 5, 1), _opp(2, 6, 2, by=MONDAY + timedelta(days=1))
    assert [i.opportunity.ref for i in pair(MONDAY, [Guest(5)], [own, other], [], rules)] == [
        "batch:2"
    ]
    # A host already full this week is skipped, the next taken.
    assert [
        i.opportunity.ref
        for i in pair(MONDAY, [Guest(5)], [_opp(1, 7, 1), other], [], rules, {7: 2})
    ] == ["batch:2"]
    # A touchpoint on days the guest does not work is skipped, the next taken.
    weekend = replace(_opp(1, 7, 1), on=date(2026, 12, 5))  # a Saturday
    assert [i.opportunity.ref for i in pair(MONDAY, [Guest(5)], [weekend, other], [], rules)] == [
        "batch:2"
    ]
    # The longest-waiting guest fits nothing: the next guest is still invited.
    sunday_only = Guest(1, Workhours(workdays=(6,)))
    assert [i.guest_id for i in pair(MONDAY, [sunday_only, Guest(2)], [other], [], rules)] == [2]
    # Same overlap: the earliest day wins (a known Tuesday over a week ending Wednesday).
    tuesday = replace(_opp(3, 8, 3, by=MONDAY + timedelta(days=10)), on=date(2026, 12, 1))
    wednesday = replace(_opp(4, 9, 4, by=MONDAY - timedelta(days=2)), on=None)
    (got,) = pair(MONDAY, [Guest(5)], [wednesday, tuesday], [], rules)
    assert got.opportunity.ref == "batch:3"


def test_a_ref_given_twice_keeps_the_same_one_whatever_the_order() -> None:
    a = _opp(1, 7, 1)
    twins = [replace(a, customer_id=2), a, replace(a, customer_id=None)]
    dated = replace(a, on=date(2026, 12, 1))
    for opps in (twins, twins[::-1], [a, dated], [dated, a]):
        kept = {pair(MONDAY, [Guest(5)], o, [], Rules())[0].opportunity for o in (opps, opps[::-1])}
        assert len(kept) == 1


def test_participation_at_its_edges() -> None:
    from bot.regimen.matchmaking import quarter_start

    assert quarter_start(date(2026, 4, 1)) == date(2026, 4, 1)
    assert quarter_start(date(2026, 1, 31)) == date(2026, 1, 1)
    got = participation([Member(1, "beta"), Member(2, "Gamma")], {1: [MONDAY]}, MONDAY)
    assert [(t.team_name, t.met_90d, t.met_quarter) for t in got] == [
        ("beta", 1, 1),  # met today: counted
        ("Gamma", 0, 0),  # by name, case aside
    ]
