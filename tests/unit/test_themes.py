"""The theme rules (bot/regimen/themes.py): a theme recurs when three DISTINCT customers of
the same owning team said it within 90 days; open ones are not raised again, closed ones only
by what was said after; grouping is idempotent. Property tests with hypothesis."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.regimen.themes import (
    Member,
    Past,
    Said,
    ThemeEvent,
    lead_of,
    parse_tags,
    quarter_figures,
    quarter_of,
    quote,
    read_theme_value,
    recurring,
    theme_value,
)

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
THEMES = ("product", "process", "onboarding")

said_st = st.builds(
    Said,
    id=st.integers(1, 10**6),
    customer_id=st.integers(1, 6),
    theme=st.sampled_from(THEMES),
    team_id=st.sampled_from([None, 1, 2]),
    at=st.integers(0, 120 * 24).map(lambda h: NOW - timedelta(hours=h)),
)
rows_st = st.lists(said_st, max_size=40, unique_by=lambda s: s.id)


def by_hand(rows: list[Said], key: tuple[str, int | None]) -> set[int]:
    start = NOW - timedelta(days=90)
    return {s.customer_id for s in rows if (s.theme, s.team_id) == key and start <= s.at <= NOW}


@given(rows_st)
def test_a_theme_is_raised_exactly_when_three_distinct_customers_said_it_in_90_days(
    rows: list[Said],
) -> None:
    found = {c.key: c for c in recurring(rows, [], NOW)}
    for key in {(s.theme, s.team_id) for s in rows}:
        customers = by_hand(rows, key)
        assert (key in found) == (len(customers) >= 3)
        if key in found:
            assert set(found[key].customer_ids) == customers
            ids = {
                s.id
                for s in rows
                if (s.theme, s.team_id) == key and NOW - timedelta(days=90) <= s.at
            }
            assert set(found[key].insight_ids) == ids


@given(rows_st)
def test_grouping_is_idempotent_once_what_it_raised_is_open(rows: list[Said]) -> None:
    first = recurring(rows, [], NOW)
    past = [Past(c.key, "raised") for c in first]
    assert recurring(rows, past, NOW) == []
    assert recurring(rows, [], NOW) == first  # the same input, the same answer
    assert recurring(list(reversed(rows)), [], NOW) == first  # order does not matter


@given(rows_st, st.sampled_from(["done", "dismissed"]), st.integers(0, 100))
def test_a_closed_theme_counts_only_what_was_said_after_it_closed(
    rows: list[Said], status: str, days_ago: int
) -> None:
    closed = NOW - timedelta(days=days_ago)
    keys = {(s.theme, s.team_id) for s in rows}
    past = [Past(k, status, closed) for k in keys]
    for c in recurring(rows, past, NOW):
        after = {
            s.customer_id
            for s in rows
            if (s.theme, s.team_id) == c.key
            and s.at > closed
            and NOW - timedelta(days=90) <= s.at <= NOW
        }
        assert set(c.customer_ids) == after and len(after) >= 3


def _three(at: list[datetime], theme: str = "product") -> list[Said]:
    return [Said(i, i, theme, 1, t) for i, t in enumerate(at, start=1)]


def test_the_window_includes_exactly_90_days_and_excludes_a_second_more() -> None:
    edge = NOW - timedelta(days=90)
    assert recurring(_three([edge, NOW, NOW - timedelta(days=1)]), [], NOW)
    assert not recurring(_three([edge - timedelta(seconds=1), NOW, NOW]), [], NOW)
    assert not recurring(_three([NOW + timedelta(seconds=1), NOW, NOW]), [], NOW)  # the future


def test_one_customer_saying_it_three_times_is_not_a_theme() -> None:
    rows = [Said(i, 7, "product", 1, NOW) for i in range(5)] + [Said(9, 8, "product", 1, NOW)]
    assert recurring(rows, [], NOW) == []


def test_the_same_theme_of_two_teams_is_two_themes() -> None:
    rows = [Said(i, i, "product", i % 2, NOW) for i in range(1, 5)]
    assert recurring(rows, [], NOW) == []  # four customers, but two for each team


def test_a_dismissed_theme_comes_back_only_with_three_fresh_customers() -> None:
    dismissed = NOW - timedelta(days=10)
    old = _three([NOW - timedelta(days=20)] * 3)
    assert recurring(old, [Past(("product", 1), "dismissed", dismissed)], NOW) == []
    fresh = [Said(10 + i, 10 + i, "product", 1, NOW - timedelta(days=1)) for i in range(3)]
    (again,) = recurring(old + fresh, [Past(("product", 1), "dismissed", dismissed)], NOW)
    assert again.customer_ids == (10, 11, 12)


def test_team_tags_are_normalised_and_checked() -> None:
    assert parse_tags(" Onboarding ,billing,, onboarding ") == ("onboarding", "billing")
    assert parse_tags(None) == ()
    with pytest.raises(ValueError, match="every team has"):
        parse_tags("Product")
    with pytest.raises(ValueError, match="longer than 30"):
        parse_tags("x" * 31)
    with pytest.raises(ValueError, match="at most 10"):
        parse_tags(",".join(f"t{i}" for i in range(11)))


@given(st.sampled_from(THEMES), st.one_of(st.none(), st.integers(1, 10**9)))
def test_a_theme_value_reads_back(theme: str, team_id: int | None) -> None:
    if team_id is None and theme == "onboarding":
        return  # a team's tag always has its team
    assert read_theme_value(theme_value(theme, team_id)) == (theme, team_id)


def test_odd_theme_values_read_as_none() -> None:
    for raw in (None, "", "t:x", "tx:y", "t12:", "bananas"):
        assert read_theme_value(raw) is None


def test_a_teams_lead_is_its_admin_else_its_executive_else_the_common_manager() -> None:
    assert lead_of([Member(5, "member", 9), Member(3, "executive", 9), Member(4, "admin", 1)]) == 4
    assert lead_of([Member(5, "executive", 9), Member(3, "executive", 9)]) == 3
    assert lead_of([Member(1, "member", 9), Member(2, "member", 9), Member(3, "member", 8)]) == 9
    assert lead_of([Member(1, "member", 9), Member(2, "member", 8)]) == 8  # a tie: lowest id
    assert lead_of([Member(1, "member", None)]) is None
    assert lead_of([]) is None


def test_quarter_figures_on_a_fixed_data_set() -> None:
    """Hand-computed: today 30 Nov 2026, Q4 began 1 Oct. Raised in Q4: B, C, D = 3 (A in
    September, E in June); acted on in Q4: A (2 Oct) and C (today) = 2 (E on 30 Sep is Q3);
    done in Q4: A = 1."""
    events = [
        ThemeEvent(date(2026, 9, 20), date(2026, 10, 2), date(2026, 11, 15)),  # A
        ThemeEvent(date(2026, 10, 1), None, None),  # B, raised on the quarter's first day
        ThemeEvent(date(2026, 11, 3), date(2026, 11, 30), None),  # C, acted on today
        ThemeEvent(date(2026, 11, 29), None, None),  # D
        ThemeEvent(date(2026, 6, 1), date(2026, 9, 30), date(2026, 9, 30)),  # E, all in Q3
    ]
    q = quarter_figures(events, date(2026, 11, 30))
    assert (q.quarter, q.raised, q.acted, q.done) == ("2026Q4", 3, 2, 1)
    assert quarter_of(date(2027, 1, 1)) == "2027Q1" and quarter_of(date(2026, 3, 31)) == "2026Q1"


@settings(max_examples=200)
@given(st.text(max_size=1000), st.integers(20, 400))
def test_a_quote_is_never_longer_than_its_limit(text: str, limit: int) -> None:
    q = quote(text, limit)
    assert len(q) <= limit
    if len(" ".join(text.split())) <= limit:
        assert q == " ".join(text.split())
    else:
        assert q.endswith("…")


# Back-to-the-floor shifts: what a leader heard is said with no customer (customer_id None).
shift_said_st = st.builds(
    Said,
    id=st.integers(10**6 + 1, 2 * 10**6),
    customer_id=st.none(),
    theme=st.sampled_from(THEMES),
    team_id=st.sampled_from([None, 1, 2]),
    at=st.integers(0, 120 * 24).map(lambda h: NOW - timedelta(hours=h)),
)


@given(rows_st, st.lists(shift_said_st, max_size=20, unique_by=lambda s: s.id))
def test_a_shift_never_counts_as_a_customer_but_goes_with_the_theme_as_evidence(
    rows: list[Said], shifts: list[Said]
) -> None:
    alone = {c.key: c for c in recurring(rows, [], NOW)}
    both = {c.key: c for c in recurring(rows + shifts, [], NOW)}
    assert set(both) == set(alone)  # the same themes raised, with or without the shifts
    start = NOW - timedelta(days=90)
    for key, cand in both.items():
        assert cand.customer_ids == alone[key].customer_ids
        heard = {s.id for s in shifts if (s.theme, s.team_id) == key and start <= s.at <= NOW}
        assert set(cand.insight_ids) == set(alone[key].insight_ids) | heard


def test_three_shifts_and_two_customers_raise_nothing() -> None:
    rows = [Said(i, None, "process", 1, NOW) for i in range(1, 4)]
    rows += [Said(10, 7, "process", 1, NOW), Said(11, 8, "process", 1, NOW)]
    assert recurring(rows, [], NOW) == []


def test_the_theme_rules_edges() -> None:
    """Mutation testing's gaps: the latest closing counts whatever the order; a closed one
    with no closing time blocks nothing; a theme with no team sorts before a team's."""
    day = timedelta(days=1)
    rows = _three([NOW - 5 * day] * 3)
    closings = [
        Past(("product", 1), "done", NOW - 3 * day),  # the later one, listed first
        Past(("product", 1), "dismissed", NOW - 10 * day),
    ]
    assert recurring(rows, closings, NOW) == []  # said 5 days ago, before the last closing
    (kept,) = recurring(rows, [Past(("product", 1), "dismissed", None)], NOW)
    assert kept.key == ("product", 1)
    both = [Said(10 + i, 10 + i, "product", team, NOW) for team in (1, None) for i in range(3)]
    assert [c.key for c in recurring(both, [], NOW)] == [("product", None), ("product", 1)]


def test_team_tags_at_their_limits() -> None:
    assert parse_tags("a,,b, ,a,c") == ("a", "b", "c")  # blanks and repeats skipped, not ends
    assert parse_tags("x" * 30) == ("x" * 30,)
    with pytest.raises(ValueError) as too_long:
        parse_tags("y" * 45)
    assert str(too_long.value) == f"tag '{'y' * 40}' is longer than 30 characters"
    assert len(parse_tags(",".join(f"t{i}" for i in range(10)))) == 10
    # A team's tag may hold a colon: its value still reads back.
    assert read_theme_value(theme_value("eu: billing", 3)) == ("eu: billing", 3)


def test_a_quote_cut_at_its_edges() -> None:
    """200 characters by default; exactly the limit is kept whole; a cut keeps limit - 1
    characters and "…"; it is at the last space past half the limit, without trailing
    punctuation, and never strips a letter."""
    assert quote("a" * 200) == "a" * 200
    assert quote("a" * 201) == "a" * 199 + "…"
    assert quote("abcdefghij", 10) == "abcdefghij"
    assert quote("abcdefghijk", 10) == "abcdefghi…"
    # limit 10: the first 9 characters are "ab cd efg"; the last space (5) is not past half.
    assert quote("ab cd efghijk", 10) == "ab cd efg…"
    # the last space (6) is past half: cut there, the comma dropped.
    assert quote("ab cd, efghijk lm", 10) == "ab cd…"
    # a space at 4, past a third but not half: no cut at it.
    assert quote("abcd efghijk", 10) == "abcd efgh…"
    assert quote("AX" * 10, 11) == "AXAXAXAXAX…"
