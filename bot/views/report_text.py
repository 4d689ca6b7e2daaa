"""`kyc report` in the terminal: the plain lines after the executives' table — what customers
said (quotes, as the digest shows them), the quarter's themes and each leader's back-to-the-
floor record. Plain text (the CLI prints it with markup off)."""

from __future__ import annotations

from bot.regimen.floor import FloorFigures
from bot.regimen.themes import quote
from bot.views.data import Report
from bot.views.digest import FIELD_LABELS
from bot.views.text import day

MAX_QUOTES = 10
QUOTE_LENGTH = 160
MAX_ACTED = 10


def said_lines(report: Report) -> list[str]:
    """The week's quotes, newest first, each with its customer and field."""
    if not report.quotes:
        return ["What customers said this week: nothing written down."]
    lines = ["What customers said this week:"]
    for q in report.quotes[:MAX_QUOTES]:
        label = FIELD_LABELS.get(q.field, q.field)
        lines.append(f"  “{quote(q.text, QUOTE_LENGTH)}” — {q.customer} ({label})")
    if len(report.quotes) > MAX_QUOTES:
        lines.append(f"  …and {len(report.quotes) - MAX_QUOTES} more this week.")
    return lines


def themes_lines(report: Report) -> list[str]:
    q = report.themes_quarter
    if q is None:
        return []
    acted = ", ".join(report.themes_acted[:MAX_ACTED]) or "none yet"
    if len(report.themes_acted) > MAX_ACTED:
        acted += f" and {len(report.themes_acted) - MAX_ACTED} more"
    return [
        f"Customer themes {q.quarter}: {q.raised} raised · {q.acted} acted on · {q.done} done",
        f"Acted on this quarter: {acted}",
    ]


def floor_text(f: FloorFigures) -> str:
    """A leader's record in a plain line, with the next shift when one is planned."""
    line = f"{f.name} — {f.line}"
    if f.next_day and f.next_status:
        line += f" · next {day(f.next_day)} ({f.next_status.value})"
    return line


def floor_lines(report: Report) -> list[str]:
    """Each leader's back-to-the-floor record, the ones with missed periods first."""
    if not report.floor:
        return []
    ordered = sorted(report.floor, key=lambda f: (-len(f.missed), f.name))
    return ["Back to the floor:"] + [f"  {floor_text(f)}" for f in ordered]
