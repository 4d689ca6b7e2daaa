"""Each attendee's preparation DM a few days before the meeting: when, objectives and agenda,
the customer's brief, the team's draft charter (or how to write one), the four kinds of
customer meeting and the question to always ask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.regimen.meetings import HOW_TO_PREPARE, SIMPLIFY_QUESTION, MeetingKind
from bot.views.blocks import context, divider, header, message, section
from bot.views.text import clip, escape


@dataclass(frozen=True)
class PrepScreen:
    """One attendee's preparation DM."""

    customer_name: str
    when: str
    organiser_user_id: str | None
    objectives: str
    agenda: str | None
    brief_lines: tuple[str, ...]  # plain text facts of the customer's brief
    charter_purpose: str | None
    charter_lines: tuple[tuple[str, str], ...]  # (expectation, how we measure it)
    team_name: str | None
    facilitator: bool


def build_meeting_prep(screen: PrepScreen) -> dict[str, Any]:
    name = clip(screen.customer_name, 150)
    by = f" (organised by <@{screen.organiser_user_id}>)" if screen.organiser_user_id else ""
    blocks: list[dict[str, Any]] = [
        header(f"Preparing for {screen.customer_name}"[:150]),
        section(f"*{escape(screen.when)}*{by}\n*Objectives*\n{clip(screen.objectives, 1500)}"),
    ]
    if screen.agenda:
        blocks.append(section(f"*Agenda*\n{clip(screen.agenda, 2500)}"))
    if screen.brief_lines:
        lines = "\n".join(f"• {clip(line, 300)}" for line in screen.brief_lines[:10])
        blocks.append(section(f"*About {name}*\n{lines}"))
    team = escape(screen.team_name) if screen.team_name else "the team"
    if screen.charter_lines or screen.charter_purpose:
        text = f"*{team}'s draft charter*"
        if screen.charter_purpose:
            text += f"\n_{clip(screen.charter_purpose, 600)}_"
        for expectation, measure in screen.charter_lines[:15]:
            text += f"\n• {clip(expectation, 200)}" + (
                f" — measured by {clip(measure, 150)}" if measure else ""
            )
        blocks.append(section(text))
        blocks.append(
            context("Review it with them, and tell them you will revise it with what they say.")
        )
    else:
        blocks.append(
            section(
                f"*{team} has no charter yet.* Write the draft before the meeting "
                "(App Home → Team → Edit charter): its purpose, and what you believe the "
                "customers expect, each with how you measure it."
            )
        )
    kinds = "\n".join(f"• *{k.label}*: {escape(k.meaning)}" for k in MeetingKind)
    blocks += [
        divider(),
        section(f"*There are four kinds of customer meeting; only one is the goal*\n{kinds}"),
        section(f"*Always ask*\n> {escape(SIMPLIFY_QUESTION)}"),
        section(f"*How to prepare*\n{escape(HOW_TO_PREPARE)}"),
    ]
    if screen.facilitator:
        blocks.append(context("An objective facilitator will lead the meeting."))
    return message(f"Preparing for your meeting with {screen.customer_name}", blocks)
