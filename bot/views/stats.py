"""`/kyc stats` and the figures block of App Home."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.regimen.metrics import ExecutiveFigures, WeekPoint, percent
from bot.views.blocks import Block, context, header, message, section
from bot.views.text import day, escape, plural


def figure_lines(f: ExecutiveFigures) -> list[str]:
    if f.no_contact:
        share = "*No customer contact in 30 days* — the worst answer. One call today changes it ☕"
    else:
        share = (
            f"*{percent(f.proactive_share)} proactive* — {f.proactive_30d} of "
            f"{plural(f.contacts_30d, 'customer contact')} in 30 days were calls you started"
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
    mix = f.sentiment
    mood = f"*Sentiment (90 days):* 😟 {mix.unhappy} · 🙂 {mix.satisfied} · 🤩 {mix.promoter}" + (
        f" · NPS {f.nps:+d}" if f.nps is not None else ""
    )
    items = f"*Action items:* {f.items_open} open, {f.items_overdue} overdue"
    if f.median_days_to_close is not None:
        items += f" · closed in {f.median_days_to_close:.1f} days (median)"
    kudos = f"*Kudos (90 days):* {f.kudos_given} given · {f.kudos_received} received"
    return [share, week, cover, mood, items, kudos]


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


def figure_blocks(
    f: ExecutiveFigures, trend: Sequence[WeekPoint] = (), *, with_week: bool = True
) -> list[Block]:
    lines = figure_lines(f)
    blocks = [section(line) for i, line in enumerate(lines) if with_week or i != 1]
    if trend:
        blocks.insert(1, trend_block(trend))
    return blocks


def build_stats(f: ExecutiveFigures, *, mine: bool) -> dict[str, Any]:
    title = "Your numbers" if mine else f"{f.name}'s numbers"
    blocks = [
        header(title),
        *figure_blocks(f),
        context(
            "Proactive share counts calls you started against complaints, tickets "
            "and escalations; a voicemail counts on neither side."
        ),
    ]
    return {
        **message(f"{title}: {percent(f.proactive_share)} proactive over 30 days", blocks),
        "response_type": "ephemeral",
    }
