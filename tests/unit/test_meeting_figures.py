"""Meeting figures on a fixed data set, counted by hand (bot/regimen/meeting_figures.py)."""

from __future__ import annotations

from datetime import date

from bot.regimen.meeting_figures import (
    CustomerRevision,
    HeldMeeting,
    MeetingFigures,
    SimplifyItem,
    headline,
    meeting_figures,
    quarter_bounds,
    quarter_of,
)
from bot.regimen.meetings import MeetingKind as K
from bot.views.meetings.figures import meeting_figures_text

CS, SUP = "Customer Success", "Support"
MEETINGS = [
    HeldMeeting(CS, date(2026, 10, 5), K.FOUR_F),
    HeldMeeting(CS, date(2026, 11, 2), K.FOUR_F),
    HeldMeeting(CS, date(2026, 11, 20), K.LOVE_IN),
    HeldMeeting(CS, date(2026, 12, 1), None),  # held, not recorded
    HeldMeeting(CS, date(2026, 9, 30), K.WAR),  # last quarter
    HeldMeeting(SUP, date(2026, 12, 31), K.WAR),
]
REVISIONS = [
    CustomerRevision(CS, date(2026, 10, 6), added=1, changed=2),
    CustomerRevision(CS, date(2026, 11, 3), added=2, changed=0),
    CustomerRevision(CS, date(2027, 1, 1), added=5, changed=5),  # next quarter
]
SIMPLIFY = [
    SimplifyItem(CS, date(2026, 10, 5), done=True),
    SimplifyItem(CS, date(2026, 11, 2), done=False),
    SimplifyItem(CS, date(2026, 11, 2), done=True),
    SimplifyItem(SUP, date(2026, 7, 1), done=True),  # last quarter
]


def test_quarters() -> None:
    assert quarter_of(date(2026, 11, 23)) == "2026-Q4"
    assert quarter_of(date(2026, 1, 1)) == "2026-Q1"
    assert quarter_bounds("2026-Q4") == (date(2026, 10, 1), date(2027, 1, 1))
    assert quarter_bounds("2026-Q2") == (date(2026, 4, 1), date(2026, 7, 1))


def test_each_team_s_quarter_counted_by_hand() -> None:
    cs, sup = meeting_figures("2026-Q4", MEETINGS, REVISIONS, SIMPLIFY)
    assert cs == MeetingFigures(
        CS,
        "2026-Q4",
        held=4,
        kinds={K.LOVE_IN: 1, K.FOUR_F: 2},
        lines_added=3,
        lines_changed=2,
        simplify_raised=3,
        simplify_done=2,
    )
    assert cs.recorded == 3 and cs.four_f_share == 2 / 3
    assert headline(cs) == "4F 2 of 3 recorded meeting(s) (67%)"
    assert sup.held == 1 and sup.four_f_share == 0.0 and sup.simplify_raised == 0
    assert meeting_figures("2026-Q1", MEETINGS, REVISIONS, SIMPLIFY) == ()
    said = meeting_figures_text(cs)
    assert "War 0 · Advertisement 0 · Love-In 1 · 4F meeting 2" in said
    assert "added 3, changed 2" in said and "3 raised, 2 done" in said


def test_a_quarter_with_meetings_not_yet_recorded_says_so() -> None:
    (cs,) = meeting_figures("2026-Q4", [HeldMeeting(CS, date(2026, 12, 1), None)], [], [])
    assert cs.four_f_share is None and headline(cs) == "1 meeting(s), none recorded yet"


def test_the_quarter_s_first_day_and_teams_with_only_part_of_the_figures() -> None:
    """Mutation testing's gaps: a meeting on the quarter's first day counts; a team with only
    simplify items, or only revisions, has a line of its own with zeros elsewhere."""
    ops, billing = "Operations", "Billing"
    (cs,) = meeting_figures("2026-Q4", [HeldMeeting(CS, date(2026, 10, 1), K.WAR)], [], [])
    assert cs.held == 1 and cs.kinds == {K.WAR: 1}
    assert headline(cs) == "4F 0 of 1 recorded meeting(s) (0%)"
    got = meeting_figures(
        "2026-Q4",
        [],
        [CustomerRevision(billing, date(2026, 11, 1), added=0, changed=1)],
        [SimplifyItem(ops, date(2026, 12, 31), done=False)],
    )
    assert got == (
        MeetingFigures(billing, "2026-Q4", lines_changed=1),
        MeetingFigures(ops, "2026-Q4", simplify_raised=1),
    )
    assert headline(got[1]) == "no customer meeting"
    _, sup = meeting_figures("2026-Q4", MEETINGS, REVISIONS, SIMPLIFY)
    assert sup == MeetingFigures(SUP, "2026-Q4", held=1, kinds={K.WAR: 1})
