"""The regimen's arithmetic, checked against hand-computed values."""

from __future__ import annotations

from bot.regimen.metrics import (
    ExecutiveFigures,
    median,
    nps,
    nps_from_counts,
    percent,
    share,
    streak,
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
