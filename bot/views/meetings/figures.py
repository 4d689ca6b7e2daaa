"""A team's quarter of customer meetings as text: the paragraph `/kyc stats` and App Home
show, and the weekly digest's line per team."""

from __future__ import annotations

from bot.regimen.meeting_figures import MeetingFigures, headline
from bot.regimen.meetings import MeetingKind
from bot.views.text import clip, escape


def meeting_figures_text(f: MeetingFigures) -> str:
    """A team's quarter of customer meetings in one mrkdwn paragraph, the 4F share first."""
    mix = " · ".join(f"{k.label} {f.kinds.get(k, 0)}" for k in MeetingKind)
    parts = [f"*Customer meetings, {f.quarter}:* {escape(headline(f))}"]
    if f.recorded:
        parts.append(mix)
    parts.append(
        f"Charter lines customers added {f.lines_added}, changed {f.lines_changed} · "
        f"Simplify or eliminate: {f.simplify_raised} raised, {f.simplify_done} done"
    )
    return "\n".join(parts)


def meeting_team_line(f: MeetingFigures) -> str:
    """One team's quarter in a line (the digest)."""
    return (
        f"*{clip(f.team, 100)}*: {escape(headline(f))} · charter lines customers added "
        f"{f.lines_added}, changed {f.lines_changed} · simplify or eliminate: "
        f"{f.simplify_done}/{f.simplify_raised} done"
    )


def meetings_digest_text(figures: tuple[MeetingFigures, ...], *, most: int = 12) -> str:
    quarter = figures[0].quarter if figures else ""
    lines = [meeting_team_line(f) for f in figures[:most]]
    if len(figures) > most:
        lines.append(f"…and {len(figures) - most} more teams")
    return f"🤝 *Customer meetings, {quarter}*\n" + "\n".join(lines)
