"""Where figures appear (`/kyc stats`, App Home, the digest, the report page), Call NPS and ticket
satisfaction are shown apart, with plain labels, and the calls' 12-week trend is compact."""

from __future__ import annotations

import json

from bot.regimen.metrics import ExecutiveFigures, Scores, SentimentMix, WeekScores
from bot.views.data import HomeData, Report
from bot.views.digest import build_digest_messages, build_html, exec_line
from bot.views.home import build_home
from bot.views.stats import build_stats, call_trend_text, nps_sparkline

WEEKS = [f"2026-W{w}" for w in range(37, 49)]
# W42: one 9 (promoter); W47: one 6 (detractor); W48: one 10; the other nine weeks no score
SCORED = {"2026-W42": Scores(1, 0, 0, 9), "2026-W47": Scores(0, 0, 1, 6)}
SCORED["2026-W48"] = Scores(1, 0, 0, 10)
CALLS = tuple(WeekScores(w, SentimentMix(), SCORED.get(w, Scores())) for w in WEEKS)

# No call at all, two tickets on their customers scored 9 and 10: the case that read NPS +100.
TICKETS_ONLY = ExecutiveFigures(
    7,
    "Raj",
    ticket_scores=Scores(2, 0, 0, 19),
    ticket_sentiment=SentimentMix(0, 0, 2),
    customer_only_30d=2,
)
# Calls 10, 9, 6 -> (2 - 1) / 3 = +33; tickets 2, 8, 10 -> 20 / 3 = 6.7 on average
DANA = ExecutiveFigures(
    1,
    "Dana",
    proactive_30d=2,
    reactive_30d=1,
    call_sentiment=SentimentMix(1, 1, 1),
    call_scores=Scores(2, 0, 1, 25),
    ticket_sentiment=SentimentMix(2, 1, 1),
    ticket_scores=Scores(1, 1, 1, 20),
)


def _text(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False)


def test_stats_for_an_executive_with_no_scored_call_says_so_not_plus_100() -> None:
    shown = _text(build_stats(TICKETS_ONLY, mine=True)["blocks"])
    assert "*Call NPS* no scored calls yet" in shown
    assert "+100" not in shown
    assert "Ticket satisfaction (your customers' tickets, 90 days):* 9.5/10 average" in shown
    # their customers' unnamed tickets are mentioned, but the flag is still theirs
    assert "No customer contact in 30 days" in shown
    assert "2 contacts on your customers named no executive" in shown


def test_stats_show_call_nps_and_ticket_satisfaction_on_separate_lines() -> None:
    blocks = build_stats(DANA, mine=True)["blocks"]
    lines = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    (calls,) = [line for line in lines if "Call NPS" in line]
    (tickets,) = [line for line in lines if "Ticket satisfaction" in line]
    assert calls.endswith("😟 1 · 🙂 1 · 🤩 1 · *Call NPS* +33 from 3 scored calls")
    assert "6.7/10 average from 3 scored tickets · 😟 2 · 🙂 1 · 🤩 1" in tickets
    assert "NPS" not in tickets


def test_the_nps_sparkline_scales_minus_100_to_100_and_dots_weeks_without_a_score() -> None:
    # -100 -> the lowest bar, 0 -> round(3.5) = the fifth, +100 -> the highest
    assert nps_sparkline([None, -100, 0, 100]) == "·▁▅█"
    line = call_trend_text(CALLS)
    # W37–W41 none, W42 +100, W43–W46 none, W47 -100, W48 +100
    assert "Call NPS `·····█····▁█`" in line
    assert "latest +100 in 2026-W48" in line
    empty = call_trend_text(tuple(WeekScores(w, SentimentMix(), Scores()) for w in WEEKS))
    assert "`············`" in empty and "no scored calls yet" in empty


def test_app_home_shows_the_calls_trend_after_the_call_line() -> None:
    view = build_home(
        HomeData("Dana", is_executive=True, is_admin=False, figures=DANA, call_trend=CALLS)
    )
    texts = [
        b["text"]["text"] if b["type"] == "section" else b["elements"][0]["text"]
        for b in view["blocks"]
        if b["type"] in ("section", "context")
    ]
    at = next(i for i, t in enumerate(texts) if t.startswith("*Your calls (90 days)"))
    assert texts[at + 1].startswith("*Calls, last 12 weeks*")
    assert texts[at + 2].startswith("*Ticket satisfaction")


def _report() -> Report:
    return Report(
        "2026-W48",
        (DANA, TICKETS_ONLY),
        (),
        (),
        (),
        0,
        call_trend=CALLS,
        customer_only_reactive=4,
    )


def test_the_digest_sums_calls_and_tickets_apart_and_carries_the_trend() -> None:
    report = _report()
    # the executives' contacts plus the 4 naming no executive: 2 proactive of 2 + 1 + 4
    assert (report.proactive, report.reactive) == (2, 5)
    (message,) = build_digest_messages(report)
    shown = _text(message["blocks"])
    # calls are Dana's alone: +33 from 3; tickets 20 + 19 = 39 points over 5 = 7.8
    assert "Call NPS (90 days, the executives' own calls):* +33 from 3 scored calls" in shown
    assert "Ticket satisfaction (their customers' tickets):* 7.8/10 average from 5" in shown
    assert "*Calls, last 12 weeks*" in shown
    assert "Call NPS no scored calls yet · tickets 9.5/10" in exec_line(TICKETS_ONLY)


def test_the_report_page_has_call_nps_and_ticket_satisfaction_columns_and_the_weeks() -> None:
    page = build_html(_report(), b"")
    assert "<th>Call NPS</th>" in page and "<th>Ticket satisfaction</th>" in page
    assert "<td>no scored calls yet</td><td>9.5/10 average from 2 scored tickets</td>" in page
    assert "<tr><td>2026-W47</td><td>-100</td><td>1</td>" in page
    assert "<tr><td>2026-W46</td><td>—</td><td>0</td>" in page
