"""`/kyc stats` and the figures block of App Home."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.regimen.floor import FloorFigures
from bot.regimen.meeting_figures import MeetingFigures
from bot.regimen.metrics import (
    ExecutiveFigures,
    Scores,
    SentimentMix,
    WeekPoint,
    WeekScores,
    percent,
)
from bot.regimen.recovery import RecoveryFigures
from bot.regimen.themes import QuarterThemes
from bot.views.blocks import Block, context, header, message, section
from bot.views.floor import floor_line
from bot.views.meetings.figures import meeting_figures_text
from bot.views.recovery import recovery_section
from bot.views.text import day, escape, plural
from bot.views.themes import quarter_line


def call_nps_text(scores: Scores) -> str:
    """'+20 from 5 scored calls', or plainly none: never +100 or 0 out of nothing."""
    if scores.nps is None:
        return "no scored calls yet"
    return f"{scores.nps:+d} from {plural(scores.total, 'scored call')}"


def ticket_text(scores: Scores) -> str:
    if scores.average is None:
        return "no scored tickets"
    return f"{scores.average:.1f}/10 average from {plural(scores.total, 'scored ticket')}"


def mix_text(mix: SentimentMix) -> str:
    return f"😟 {mix.unhappy} · 🙂 {mix.satisfied} · 🤩 {mix.promoter}"


def figure_lines(f: ExecutiveFigures) -> list[str]:
    if f.no_contact:
        share = "*No customer contact in 30 days* — the worst answer. One call today changes it ☕"
    else:
        share = (
            f"*{percent(f.proactive_share)} proactive* — {f.proactive_30d} of "
            f"{plural(f.contacts_30d, 'customer contact')} in 30 days were touchpoints you started"
        )
    if f.customer_only_30d:
        share += (
            f" · {plural(f.customer_only_30d, 'contact')} on your customers named no executive:"
            " the customer's, not counted here"
        )
    week = f"*This week:* {f.done_this_week}/{f.target_this_week} done" + (
        f" · 🔥 {plural(f.streak_weeks, 'complete week')} in a row" if f.streak_weeks else ""
    )
    cover = f"*Coverage (90 days):* {percent(f.coverage)} of {plural(f.customers, 'customer')}"
    if f.longest_without:
        since = (
            f"last call {day(f.longest_without_since)}"
            if f.longest_without_since
            else "never called"
        )
        cover += f" · longest without a call: {escape(f.longest_without)} ({since})"
    mood = (
        f"*Your calls (90 days):* {mix_text(f.call_sentiment)} · "
        f"*Call NPS* {call_nps_text(f.call_scores)}"
    )
    tickets = (
        f"*Ticket satisfaction (your customers' tickets, 90 days):* "
        f"{ticket_text(f.ticket_scores)} · {mix_text(f.ticket_sentiment)}"
    )
    items = f"*Action items:* {f.items_open} open, {f.items_overdue} overdue"
    if f.items_snoozed:
        items += f", {f.items_snoozed} snoozed"
    if f.median_days_to_close is not None:
        items += f" · closed in {f.median_days_to_close:.1f} days (median)"
    kudos = f"*Kudos (90 days):* {f.kudos_given} given · {f.kudos_received} received"
    return [share, week, cover, mood, tickets, items, kudos]


BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int], top: int) -> str:
    """Bars on a shared scale, so proactive and reactive lines compare by eye."""
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[min(len(BARS) - 1, round(v / top * (len(BARS) - 1)))] for v in values)


def trend_block(points: Sequence[WeekPoint]) -> Block:
    top = max([p.proactive for p in points] + [p.reactive for p in points] + [0])
    return context(
        f"*Last {len(points)} weeks* · proactive `{sparkline([p.proactive for p in points], top)}`"
        f" · reactive `{sparkline([p.reactive for p in points], top)}`"
    )


def nps_sparkline(values: Sequence[int | None]) -> str:
    """NPS from -100 to +100 as bars; a week with no scored call is a dot, not a low bar."""
    top = len(BARS) - 1
    return "".join("·" if v is None else BARS[round((v + 100) / 200 * top)] for v in values)


def call_trend_text(weeks: Sequence[WeekScores]) -> str:
    """12 weeks of calls in a line: Call NPS and the sentiment mix per week (tickets apart)."""
    latest = next((w for w in reversed(weeks) if w.nps is not None), None)
    now = f"latest {latest.nps:+d} in {latest.iso_week}" if latest else "no scored calls yet"
    top = max([max(w.mix.unhappy, w.mix.satisfied, w.mix.promoter) for w in weeks] + [0])
    return (
        f"*Calls, last {len(weeks)} weeks* · Call NPS `{nps_sparkline([w.nps for w in weeks])}`"
        f" ({now}; · = none scored) · 😟 `{sparkline([w.mix.unhappy for w in weeks], top)}`"
        f" · 🙂 `{sparkline([w.mix.satisfied for w in weeks], top)}`"
        f" · 🤩 `{sparkline([w.mix.promoter for w in weeks], top)}`"
    )


def figure_blocks(
    f: ExecutiveFigures,
    trend: Sequence[WeekPoint] = (),
    calls: Sequence[WeekScores] = (),
    *,
    with_week: bool = True,
) -> list[Block]:
    lines = figure_lines(f)
    blocks = [section(line) for i, line in enumerate(lines) if with_week or i != 1]
    if calls:
        blocks.insert(len(blocks) - 3, context(call_trend_text(calls)))  # after "Your calls"
    if trend:
        blocks.insert(1, trend_block(trend))
    return blocks


def build_stats(
    f: ExecutiveFigures,
    *,
    mine: bool,
    floor: FloorFigures | None = None,
    recoveries: RecoveryFigures | None = None,
    meetings: MeetingFigures | None = None,
    themes: QuarterThemes | None = None,
) -> dict[str, Any]:
    """`meetings`: their team's customer meetings this quarter (bot/views/meetings/figures.py)."""
    title = "Your numbers" if mine else f"{f.name}'s numbers"
    blocks = [
        header(title),
        *figure_blocks(f),
        *([section(meeting_figures_text(meetings))] if meetings is not None else []),
        *([section(floor_line(floor))] if floor is not None else []),
        *(recovery_section(recoveries) if recoveries is not None else []),
        *([section(quarter_line(themes))] if themes is not None else []),
        context(
            "Proactive share counts the touchpoints you started (calls, visits, meetings…) "
            "against complaints, tickets and "
            "escalations naming you; a voicemail counts on neither side, and a ticket naming no "
            "executive is the customer's. Call NPS scores your calls; ticket satisfaction, your "
            "customers' tickets."
        ),
    ]
    return {
        **message(f"{title}: {percent(f.proactive_share)} proactive over 30 days", blocks),
        "response_type": "ephemeral",
    }
