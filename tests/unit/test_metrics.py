"""The regimen's arithmetic, checked against hand-computed values."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.regimen.metrics import (
    ExecutiveFigures,
    Scores,
    SentimentMix,
    last_months,
    median,
    monthly_sentiment,
    nps,
    nps_from_counts,
    percent,
    share,
    streak,
    weekly_scores,
    weekly_trend,
)


def test_no_contact_is_no_share_not_zero_percent() -> None:
    f = ExecutiveFigures(1, "Dana")
    assert f.no_contact and f.proactive_share is None and percent(f.proactive_share) == "—"


def test_only_reactive_contact_is_zero_percent_proactive() -> None:
    f = ExecutiveFigures(1, "Dana", proactive_30d=0, reactive_30d=4)
    assert not f.no_contact and f.proactive_share == 0.0


def test_share_and_coverage() -> None:
    f = ExecutiveFigures(1, "Dana", proactive_30d=3, reactive_30d=7, customers=20, covered_90d=5)
    assert percent(f.proactive_share) == "30%"
    assert f.coverage == 0.25
    assert share(1, 0) is None


def test_nps_is_promoters_minus_detractors() -> None:
    # 10, 9, 9 promoters; 8 passive; 6, 2 detractors: (3 - 2) / 6 = 16.7% -> 17
    assert nps([10, 9, 9, 8, 6, 2]) == 17
    assert nps_from_counts(3, 1, 2) == 17
    assert nps([]) is None and nps_from_counts(0, 0, 0) is None
    assert nps([0, 1]) == -100


def test_streak_counts_complete_weeks_back_from_the_newest() -> None:
    weeks = [("2026-W45", 5, 5), ("2026-W46", 3, 5), ("2026-W47", 5, 5), ("2026-W48", 5, 5)]
    assert streak(weeks, "2026-W48") == 2


def test_an_unfinished_current_week_does_not_break_the_streak() -> None:
    weeks = [("2026-W46", 5, 5), ("2026-W47", 5, 5), ("2026-W48", 2, 5)]
    assert streak(weeks, "2026-W48") == 2


def test_a_paused_week_without_a_batch_neither_counts_nor_breaks() -> None:
    weeks = [("2026-W44", 5, 5), ("2026-W46", 5, 5)]  # W45 paused: no batch at all
    assert streak(weeks, "2026-W47") == 2


def test_median() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 2.0, 3.0]) == 2.5
    assert median([]) is None


def test_sentiment_folds_into_calendar_months_across_a_year_end() -> None:
    from datetime import date

    from bot.regimen.metrics import last_months, monthly_sentiment

    months = last_months(date(2027, 1, 15), 3)
    assert months == ["2026-11", "2026-12", "2027-01"]
    rows = [
        (date(2026, 12, 31), "unhappy", 2),
        (date(2027, 1, 1), "promoter", 1),
        (date(2026, 11, 3), "satisfied", 4),
        (date(2026, 10, 30), "unhappy", 9),
    ]
    mixes = monthly_sentiment(rows, months)
    assert [(m.month, m.mix.unhappy, m.mix.satisfied, m.mix.promoter) for m in mixes] == [
        ("2026-11", 0, 4, 0),
        ("2026-12", 2, 0, 0),
        ("2027-01", 0, 0, 1),
    ]


def test_a_seven_or_eight_is_passive_and_the_extremes_are_a_hundred() -> None:
    assert nps([7, 9]) == 50 and nps([8, 6]) == -50
    assert nps_from_counts(1, 0, 0) == 100 and nps_from_counts(0, 0, 1) == -100
    assert percent(1.0) == "100%" and percent(0.0) == "0%" and percent(0.25) == "25%"


def test_a_week_whose_batch_was_all_swapped_is_not_complete() -> None:
    weeks = [("2026-W45", 5, 5), ("2026-W46", 0, 0), ("2026-W47", 5, 5)]
    assert streak(weeks, "2026-W48") == 1


def test_a_quota_of_one_done_is_a_complete_week() -> None:
    assert streak([("2026-W46", 1, 1), ("2026-W47", 1, 1)], "2026-W48") == 2


def test_a_complete_current_week_counts_in_the_streak() -> None:
    weeks = [("2026-W46", 5, 5), ("2026-W47", 5, 5), ("2026-W48", 5, 5)]
    assert streak(weeks, "2026-W48") == 3


def test_several_rows_of_a_week_or_a_month_add_up() -> None:
    days = [
        (date(2026, 11, 23), "proactive", 2),
        (date(2026, 11, 24), "proactive", 3),
        (date(2026, 11, 25), "reactive", 1),
        (date(2026, 11, 26), "reactive", 4),
    ]
    (point,) = weekly_trend(days, ["2026-W48"])
    assert (point.proactive, point.reactive) == (5, 5)
    moods = [(date(2026, 11, 2), "unhappy", 2), (date(2026, 11, 30), "unhappy", 3)]
    (month,) = monthly_sentiment(moods, ["2026-11"])
    assert month.mix.unhappy == 5


def test_the_last_six_months_cross_a_year_end() -> None:
    assert last_months(date(2026, 2, 15)) == [
        "2025-09",
        "2025-10",
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert last_months(date(2026, 1, 31), 2) == ["2025-12", "2026-01"]


def _scores(answers: list[int]) -> Scores:
    return Scores(
        sum(1 for a in answers if a >= 9),
        sum(1 for a in answers if 7 <= a <= 8),
        sum(1 for a in answers if a <= 6),
        sum(answers),
    )


@given(st.lists(st.integers(0, 10)), st.lists(st.integers(0, 10)))
def test_counted_scores_give_the_nps_and_average_of_the_answers_and_add_up(
    a: list[int], b: list[int]
) -> None:
    assert _scores(a).nps == nps(a)
    assert _scores(a) + _scores(b) == _scores(a + b)
    assert _scores(a).average == (sum(a) / len(a) if a else None)


def test_no_scored_call_is_no_nps_not_plus_100_or_0() -> None:
    assert Scores().nps is None and Scores().average is None
    f = ExecutiveFigures(1, "Raj", ticket_scores=Scores(2, 0, 0, 19))  # tickets 9 and 10
    assert f.call_nps is None and f.ticket_scores.nps == 100


def test_call_scores_fold_into_iso_weeks_across_a_year_end() -> None:
    # Mon 28 Dec 2026 and Sun 3 Jan 2027 are both in 2026-W53; Mon 4 Jan 2027 is 2027-W01
    days = [
        (date(2026, 12, 28), SentimentMix(1, 0, 0), Scores(0, 0, 1, 4)),
        (date(2027, 1, 3), SentimentMix(0, 0, 1), Scores(1, 0, 0, 10)),
        (date(2027, 1, 4), SentimentMix(0, 1, 0), Scores(0, 1, 0, 7)),
        (date(2026, 12, 20), SentimentMix(9, 0, 0), Scores(0, 0, 9, 0)),  # W51: not asked for
    ]
    w53, w01, w02 = weekly_scores(days, ["2026-W53", "2027-W01", "2027-W02"])
    assert (w53.mix, w53.scores, w53.nps) == (SentimentMix(1, 0, 1), Scores(1, 0, 1, 14), 0)
    assert (w01.mix, w01.nps) == (SentimentMix(0, 1, 0), 0)  # one passive: (0 - 0) / 1
    assert (w02.mix, w02.scores, w02.nps) == (SentimentMix(), Scores(), None)
