"""The weekly leadership digest (Slack) and the report as a self-contained HTML page."""

from __future__ import annotations

import base64
import html
from typing import Any

from bot.regimen.floor import FloorFigures
from bot.regimen.meeting_figures import headline
from bot.regimen.meetings import MeetingKind
from bot.regimen.metrics import ExecutiveFigures, percent
from bot.regimen.themes import quote
from bot.views.blocks import context, divider, header, message, section
from bot.views.data import Report
from bot.views.floor import floor_digest
from bot.views.matchmaking import participation_blocks
from bot.views.meetings.figures import meetings_digest_text
from bot.views.recovery import key_meeting_section, recovery_section
from bot.views.stats import call_nps_text, call_trend_text, ticket_text
from bot.views.text import clip, day, escape
from bot.views.themes import quarter_line

PER_MESSAGE = 40  # executives per digest message; more go in thread replies


def exec_line(f: ExecutiveFigures) -> str:
    share = "⚠️ no customer contact" if f.no_contact else f"{percent(f.proactive_share)} proactive"
    streak = f" · 🔥{f.streak_weeks}" if f.streak_weeks else ""
    return (
        f"*{escape(f.name)}* — {share} · week {f.done_this_week}/{f.target_this_week}{streak}"
        f" · coverage {percent(f.coverage)} · {f.items_overdue} overdue"
        f" · Call NPS {call_nps_text(f.call_scores)} · tickets {ticket_text(f.ticket_scores)}"
    )


MAX_QUOTES = 6
QUOTE_LENGTH = 160
FIELD_LABELS = {
    "criticism": "criticism",
    "stressed_areas": "stressed",
    "make_it_great": "would make it great",
    "in_their_words": "in their words",
}


def said_blocks(report: Report) -> list[dict[str, Any]]:
    """What customers said this week, as quotes with their customer (escaped, cut near 160
    characters), and the themes acted on this quarter."""
    blocks = [
        section(
            "*What customers said this week:*"
            if report.quotes
            else "*What customers said this week:* nothing written down."
        )
    ]
    for q in report.quotes[:MAX_QUOTES]:
        label = FIELD_LABELS.get(q.field, q.field)
        blocks.append(
            section(
                f"> “{escape(quote(q.text, QUOTE_LENGTH))}” — *{clip(q.customer, 100)}* ({label})"
            )
        )
    if len(report.quotes) > MAX_QUOTES:
        blocks.append(context(f"…and {len(report.quotes) - MAX_QUOTES} more this week."))
    figures = report.themes_quarter
    if figures is not None:
        acted = ", ".join(clip(t, 150) for t in report.themes_acted[:10]) or "none yet"
        more = f" and {len(report.themes_acted) - 10} more" if len(report.themes_acted) > 10 else ""
        blocks.append(section(f"{quarter_line(figures)}\n*Acted on this quarter:* {acted}{more}"))
    return blocks


def build_digest_messages(report: Report) -> list[dict[str, Any]]:
    """The first message carries the summary; executives beyond 40 follow in thread replies,
    so any number of executives fits Slack's 50 blocks a message."""
    scope = f" — {escape(report.team)}" if report.team else ""
    summary = [
        header(f"☕ Customers with morning coffee — {report.iso_week}{scope}"),
        section(
            f"*{percent(report.proactive_share)}* of {report.proactive + report.reactive} "
            f"customer contacts in the last 30 days were proactive."
        ),
    ]
    summary.append(
        section(
            f"*Call NPS (90 days, the executives' own calls):* {call_nps_text(report.call_scores)}"
            f"\n*Ticket satisfaction (their customers' tickets):* "
            f"{ticket_text(report.ticket_scores)}"
        )
    )
    if report.call_trend:
        summary.append(context(call_trend_text(report.call_trend)))
    if report.silent:
        names = ", ".join(escape(n) for n in report.silent[:20])
        more = f" and {len(report.silent) - 20} more" if len(report.silent) > 20 else ""
        summary.append(section(f"⚠️ *No customer contact in 30 days:* {names}{more}"))
    summary += said_blocks(report)
    if report.stories:
        stories = ", ".join(f"{escape(c)} ({escape(e)})" for c, e in report.stories[:10])
        summary.append(section(f"🌟 *New success-story candidates:* {stories}"))
    if report.meetings:
        summary.append(section(meetings_digest_text(report.meetings)))
    if report.floor:
        summary.append(section(floor_digest(report.floor)))
    if report.recoveries is not None:
        summary += recovery_section(report.recoveries)
    summary += key_meeting_section(list(report.key_without_meeting), report.key_coverage)
    summary += participation_blocks(report.participation)
    summary += [context(f"🎉 {report.kudos_given} kudos given this week"), divider()]
    execs = list(report.executives)
    first, rest = execs[: PER_MESSAGE - len(summary)], execs[PER_MESSAGE - len(summary) :]
    messages = [
        message(
            f"KYC weekly digest {report.iso_week}", summary + [section(exec_line(f)) for f in first]
        )
    ]
    for start in range(0, len(rest), PER_MESSAGE):
        chunk = rest[start : start + PER_MESSAGE]
        messages.append(
            message(
                f"KYC weekly digest {report.iso_week} (continued)",
                [section(exec_line(f)) for f in chunk],
            )
        )
    return messages


def _floor_row(f: FloorFigures) -> str:
    """A leader's back-to-the-floor record as a row of the HTML page."""
    e = html.escape
    stopped = " (stopped)" if not f.active else ""
    missed = f"{len(f.missed)}" + (f" ({e(', '.join(f.missed[-3:]))})" if f.missed else "")
    upcoming = (
        f"{e(day(f.next_day))} ({e(f.next_status.value)})" if f.next_day and f.next_status else "—"
    )
    return (
        f"<tr><td>{e(f.name)}</td><td>{e(f.cadence.label)} at the {e(f.place)} with "
        f"{e(f.team)}{stopped}</td><td>{f.done}</td><td>{missed}</td><td>{upcoming}</td></tr>"
    )


def build_html(report: Report, chart_png: bytes) -> str:
    """A self-contained page (the chart inline), for people who would rather look than read."""
    e = html.escape
    rows = "\n".join(
        f"<tr><td>{e(f.name)}</td><td>{percent(f.proactive_share)}</td>"
        f"<td>{f.done_this_week}/{f.target_this_week}</td><td>{f.streak_weeks}</td>"
        f"<td>{percent(f.coverage)}</td><td>{e(f.longest_without or '—')}</td>"
        f"<td>{f.call_sentiment.unhappy}/{f.call_sentiment.satisfied}/"
        f"{f.call_sentiment.promoter}</td><td>{e(call_nps_text(f.call_scores))}</td>"
        f"<td>{e(ticket_text(f.ticket_scores))}</td><td>{f.items_open}</td>"
        f"<td>{f.items_overdue}</td><td>{f.kudos_given}</td></tr>"
        for f in report.executives
    )
    said = (
        "\n".join(
            f"<blockquote>{e(quote(q.text, 300))} — <b>{e(q.customer)}</b> "
            f"({e(FIELD_LABELS.get(q.field, q.field))})</blockquote>"
            for q in report.quotes[:20]
        )
        or "<p>Nothing written down.</p>"
    )
    acted = e(", ".join(report.themes_acted)) or "none yet"
    themes = report.themes_quarter
    quarter = (
        f"<p><b>Customer themes {e(themes.quarter)}:</b> {themes.raised} raised · "
        f"{themes.acted} acted on · {themes.done} done</p>"
        if themes is not None
        else ""
    )
    on_floor = "\n".join(
        _floor_row(f) for f in sorted(report.floor, key=lambda f: (-len(f.missed), f.name))
    )
    image = base64.b64encode(chart_png).decode()
    weeks = "\n".join(
        f"<tr><td>{w.iso_week}</td><td>{'—' if w.nps is None else f'{w.nps:+d}'}</td>"
        f"<td>{w.scores.total}</td><td>{w.mix.unhappy}</td><td>{w.mix.satisfied}</td>"
        f"<td>{w.mix.promoter}</td></tr>"
        for w in report.call_trend
    )
    meetings = "\n".join(
        f"<tr><td>{e(m.team)}</td><td>{e(headline(m))}</td>"
        + "".join(f"<td>{m.kinds.get(k, 0)}</td>" for k in MeetingKind)
        + f"<td>{m.lines_added}</td><td>{m.lines_changed}</td>"
        f"<td>{m.simplify_done}/{m.simplify_raised}</td></tr>"
        for m in report.meetings
    )
    kinds = "".join(f"<th>{e(k.label)}</th>" for k in MeetingKind)
    meetings_table = (
        f"<h2>Customer meetings, {e(report.meetings[0].quarter)}</h2>\n"
        f"<table><tr><th>Team</th><th>4F share</th>{kinds}<th>Lines customers added</th>"
        f"<th>Lines customers changed</th><th>Simplify or eliminate: done/raised</th></tr>\n"
        f"{meetings}\n</table>"
        if report.meetings
        else ""
    )
    months = "\n".join(
        f"<tr><td>{m.month}</td><td>{m.mix.unhappy}</td><td>{m.mix.satisfied}</td>"
        f"<td>{m.mix.promoter}</td></tr>"
        for m in report.sentiment_by_month
    )
    taking_part = "\n".join(
        f"<tr><td>{e(t.team_name)}</td><td>{t.people}</td>"
        f"<td>{t.met_90d} ({t.share_90d:.0%})</td><td>{t.met_quarter} ({t.share_quarter:.0%})</td></tr>"
        for t in report.participation
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>KYC report {e(report.iso_week)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#222}}
table{{border-collapse:collapse}}td,th{{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left}}
.big{{font-size:2rem;font-weight:600}}</style></head><body>
<h1>Customers with morning coffee — {e(report.iso_week)}{" — " + e(report.team) if report.team else ""}</h1>
<p class="big">{percent(report.proactive_share)} proactive</p>
<p>{report.proactive} proactive and {report.reactive} reactive customer contacts in the last 30 days.
No customer contact in 30 days: {e(", ".join(report.silent)) or "nobody"}.</p>
<img alt="Proactive and reactive contacts by week, with weekly completion" src="data:image/png;base64,{image}">
<h2>Executives</h2>
<table><tr><th>Executive</th><th>Proactive (30 d)</th><th>This week</th><th>Streak</th>
<th>Coverage (90 d)</th><th>Longest without a call</th><th>Calls 😟/🙂/🤩</th><th>Call NPS</th>
<th>Ticket satisfaction</th>
<th>Open items</th><th>Overdue</th><th>Kudos given</th></tr>
{rows}
</table>
<p>Call NPS ({e(call_nps_text(report.call_scores))}) comes from the executives' own calls;
ticket satisfaction ({e(ticket_text(report.ticket_scores))}) from their customers' tickets.</p>
<h2>Calls by week</h2>
<table><tr><th>Week</th><th>Call NPS</th><th>Scored calls</th><th>😟</th><th>🙂</th><th>🤩</th></tr>
{weeks}
</table>
<h2>Call sentiment by month</h2>
<table><tr><th>Month</th><th>😟 Unhappy</th><th>🙂 Satisfied</th><th>🤩 Promoter</th></tr>
{months}
</table>
<h2>Everyone meets customers</h2>
<table><tr><th>Team</th><th>People</th><th>Met a customer (90 d)</th><th>This quarter</th></tr>
{taking_part or "<tr><td colspan=4>No team marked as not facing customers.</td></tr>"}
</table>
{meetings_table}
<h2>What customers said this week</h2>
{said}
<p><b>Customer themes acted on this quarter:</b> {acted}</p>
{quarter}
<h2>Back to the floor</h2>
<table><tr><th>Leader</th><th>Commitment</th><th>Shifts done</th><th>Periods missed</th><th>Next</th></tr>
{on_floor or "<tr><td colspan=5>No leader keeps a back-to-the-floor shift.</td></tr>"}
</table>
</body></html>
"""
