"""The digest fits Slack however many executives there are; the chart is a real PNG."""

from __future__ import annotations

from bot.regimen.metrics import ExecutiveFigures, WeekPoint, weekly_trend
from bot.regimen.themes import QuarterThemes
from bot.views.charts import trend_png
from bot.views.data import Report, SaidQuote
from bot.views.digest import build_digest_messages, build_html
from tests.blockkit_oracle import BLOCKS, message_problems

WEEKS = tuple(WeekPoint(f"2026-W{w}", w % 4, 2) for w in range(37, 49))


def report(n: int) -> Report:
    execs = tuple(
        ExecutiveFigures(
            i,
            f"<!channel> Exec {i}",
            proactive_30d=i % 3,
            reactive_30d=1,
            customers=10,
            covered_90d=i % 10,
            streak_weeks=i % 4,
        )
        for i in range(n)
    )
    return Report(
        "2026-W48",
        execs,
        WEEKS,
        tuple([0.5] * 12),
        (("Acme", "Dana"),),
        7,
        quotes=(
            SaidQuote("Acme & <Sons>", "criticism", "The export <!channel> is too slow " * 20),
            SaidQuote("Globex", "in_their_words", "We live and die by the monthly close"),
        ),
        themes_quarter=QuarterThemes("2026Q4", raised=3, acted=2, done=1),
        themes_acted=("Process (Support)", "Product"),
    )


def test_the_digest_for_300_executives_is_split_within_slacks_limits() -> None:
    messages = build_digest_messages(report(300))
    assert len(messages) > 1
    shown = 0
    for m in messages:
        assert len(m["blocks"]) <= BLOCKS["message"]
        assert message_problems(m) == []
        assert "<!channel>" not in str(m)
        shown += sum(1 for b in m["blocks"] if "Exec " in str(b.get("text", {}).get("text", "")))
    assert shown == 300  # every executive is in it, none lost to a limit


def test_a_small_digest_is_one_message_with_the_summary() -> None:
    (only,) = build_digest_messages(report(4))
    text = str(only["blocks"])
    assert "Acme (Dana)" in text and "7 kudos" in text
    # What customers said is quoted with the customer's name, escaped and cut, not counted.
    assert "export (4)" not in text and "pricing (3)" not in text
    assert "“We live and die by the monthly close” — *Globex* (in their words)" in text
    assert "*Acme &amp; &lt;Sons&gt;* (criticism)" in text
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    long_quote = next(b for b in only["blocks"] if "Acme &amp;" in str(b))["text"]["text"]
    assert "…”" in long_quote and len(long_quote) < 1000
    assert "*Customer themes 2026Q4:* 3 raised · 2 acted on · 1 done" in text
    assert "*Acted on this quarter:* Process (Support), Product" in text


def test_the_chart_is_a_png_and_the_html_page_embeds_it() -> None:
    png = trend_png(WEEKS, "Last 12 weeks", [0.5] * 12)
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    page = build_html(report(3), png)
    assert "data:image/png;base64," in page and "&lt;!channel&gt; Exec 1" in page


def test_weekly_trend_folds_days_into_weeks_with_zeros() -> None:
    from datetime import date

    rows = [
        (date(2026, 11, 23), "proactive", 2),
        (date(2026, 11, 29), "reactive", 1),
        (date(2026, 11, 16), "proactive", 1),
    ]
    trend = weekly_trend(rows, ["2026-W46", "2026-W47", "2026-W48"])
    assert [(p.proactive, p.reactive) for p in trend] == [(0, 0), (1, 0), (2, 1)]
