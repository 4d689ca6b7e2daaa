"""A team's formal customer meeting: the request (its rules), the invitation email, when each
attendee is prepared, and what the preparation says (the four kinds of customer meeting,
only one of them the goal). Stdlib only: the services feed it plain values."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.regimen.brief import local_moment
from bot.regimen.types import Brief

MAX_OBJECTIVES = 2000
MAX_AGENDA = 3000
MAX_CUSTOMER_ATTENDEES = 1000
MAX_TEAM_ATTENDEES = 20
MIN_MINUTES, MAX_MINUTES = 15, 8 * 60
MAX_DAYS_AHEAD = 366

SIMPLIFY_QUESTION = "Is there any work we do for you that could be simplified or eliminated?"

FACILITATOR_HINT = (
    "You will sense the answer while preparing your team. An objective facilitator helps "
    "when there is a history of complaints or unhappy contacts, when some of the team are "
    "reluctant (or scared) to meet, or when it is the first formal meeting with this customer."
)

HOW_TO_PREPARE = (
    "Never met a customer face to face? Most people have not, and most meetings turn out well. "
    "Read the brief and the draft charter below; note one or two things you would like to "
    "hear about your own work; listen more than you speak, and ask for examples. "
    "You are there to learn what they expect of us, not to defend or to sell."
)


class MeetingKind(StrEnum):
    """The four kinds of customer meeting; only the 4F meeting is the goal."""

    WAR = "war"
    ADVERTISEMENT = "advertisement"
    LOVE_IN = "love_in"
    FOUR_F = "four_f"

    @property
    def label(self) -> str:
        return {
            "war": "War",
            "advertisement": "Advertisement",
            "love_in": "Love-In",
            "four_f": "4F meeting",
        }[self.value]

    @property
    def meaning(self) -> str:
        return {
            "war": "hostilities break out, and improving the relationship is set back a long way.",
            "advertisement": "the team presents its charter, there is no real feedback, only "
            "passive interest; everyone leaves wondering why they had to meet.",
            "love_in": "both sides express appreciation to each other, and no real "
            "improvements get discussed.",
            "four_f": "the goal: Frank, Friendly and Forthright Feedback.",
        }[self.value]


@dataclass(frozen=True)
class MeetingRequest:
    """A meeting request as typed (the dates are the organiser's local ones)."""

    customer_id: int
    objectives: str
    agenda: str | None
    on: date
    at: time
    minutes: int
    team_user_ids: tuple[str, ...]
    customer_attendees: str | None
    contact_ids: tuple[int, ...]
    facilitator: bool


def request_errors(
    *,
    objectives: str | None,
    agenda: str | None,
    on: date | None,
    at: time | None,
    minutes: int | None,
    team_count: int,
    customer_attendees: str | None,
    local_now: datetime,
) -> dict[str, str]:
    """What is wrong with a request, by field name (empty: nothing)."""
    errors: dict[str, str] = {}
    if not objectives or not objectives.strip():
        errors["objectives"] = "Say what the meeting is for: the customer reads it first."
    elif len(objectives) > MAX_OBJECTIVES:
        errors["objectives"] = f"Keep it under {MAX_OBJECTIVES:,} characters."
    if agenda and len(agenda) > MAX_AGENDA:
        errors["agenda"] = f"Keep it under {MAX_AGENDA:,} characters."
    today = local_now.date()
    if on is None:
        errors["on"] = "Pick the day of the meeting."
    elif on < today:
        errors["on"] = "That day is in the past."
    elif on > today + timedelta(days=MAX_DAYS_AHEAD):
        errors["on"] = "Pick a day within a year."
    elif on == today and at is not None and at <= local_now.time():
        errors["at"] = "That time has passed today."
    if at is None and "on" not in errors:
        errors["at"] = "Pick the time of the meeting."
    if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors["minutes"] = f"Between {MIN_MINUTES} and {MAX_MINUTES} minutes."
    if team_count > MAX_TEAM_ATTENDEES:
        errors["team"] = f"At most {MAX_TEAM_ATTENDEES} people from the team."
    if customer_attendees and len(customer_attendees) > MAX_CUSTOMER_ATTENDEES:
        errors["customer_attendees"] = f"Keep it under {MAX_CUSTOMER_ATTENDEES:,} characters."
    return errors


EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def emails_in(text: str | None) -> list[str]:
    """The email addresses written in a text, in order, each once."""
    seen: list[str] = []
    for found in EMAIL.findall(text or ""):
        if found.lower() not in (s.lower() for s in seen):
            seen.append(found)
    return seen


def facilitator_signals(*, complaints: int, unhappy: int, meetings_before: int) -> list[str]:
    """Why an objective facilitator may help with this customer (empty: nothing says so)."""
    signals: list[str] = []
    if complaints:
        signals.append(f"{complaints} complaint(s) or escalation(s) in the last year")
    if unhappy:
        signals.append(f"{unhappy} contact(s) where they were unhappy")
    if meetings_before == 0:
        signals.append("this would be the first formal meeting with them")
    return signals


@dataclass(frozen=True)
class Invitation:
    subject: str
    body: str


def invitation(
    *,
    customer: str,
    company: str,
    organiser: str,
    objectives: str,
    agenda: str | None,
    starts: str,
    minutes: int,
    team: Sequence[str],
) -> Invitation:
    """The formal request for a meeting, as an email the organiser sends."""
    lines = [
        "Hello,",
        "",
        f"On behalf of our team at {company}, I would like to request a meeting with you "
        f"to learn what {customer} expects of us, and where we could do better.",
        "",
        "Objectives:",
        objectives.strip(),
    ]
    if agenda and agenda.strip():
        lines += ["", "Agenda:", agenda.strip()]
    lines += [
        "",
        f"Proposed: {starts} ({minutes} minutes).",
    ]
    if team:
        lines.append("From our side: " + ", ".join(team) + ".")
    lines += [
        "",
        "We will share our draft team charter, and revise it with what you tell us. "
        "We will also ask: " + SIMPLIFY_QUESTION,
        "",
        "Would this time suit you? If not, please suggest another.",
        "",
        "Kind regards,",
        organiser,
        company,
    ]
    return Invitation(f"Meeting request: {customer} and {company}", "\n".join(lines))


def prep_day(meeting_day: date, days_before: int, requested_on: date) -> date:
    """The first day an attendee may be prepared: `days_before` the meeting, or the day it
    was requested when that is later."""
    return max(meeting_day - timedelta(days=days_before), requested_on)


def prep_due(
    *,
    meeting_day: date,
    days_before: int,
    requested_on: date,
    local: datetime,
    nudge_time: time,
    workday: bool,
) -> bool:
    """Prepare an attendee now? From `prep_day`, before the meeting day, on one of their
    workdays at or after their nudge time; on the eve or the day itself whatever the day is,
    so nobody comes unprepared because the days before were off."""
    today = local.date()
    if today < prep_day(meeting_day, days_before, requested_on) or today > meeting_day:
        return False
    if today >= meeting_day - timedelta(days=1):
        return local.time() >= nudge_time or today == meeting_day
    return workday and local.time() >= nudge_time


def brief_lines(brief: Brief, *, today: date, tz: ZoneInfo) -> tuple[str, ...]:
    """The customer's brief in a few plain lines, for people who may never have called them;
    its days are those of `tz`, the reader's zone (`today` is the reader's too)."""
    lines: list[str] = []
    if brief.tenure:
        lines.append(brief.tenure[0].upper() + brief.tenure[1:])
    if brief.primary_contact:
        lines.append(f"Primary contact: {brief.primary_contact}")
    last = brief.last_proactive
    if last is not None:
        said = f"Last proactive contact: {local_moment(last.occurred_at, tz):%a %-d %b %Y}"
        if last.executive_name:
            said += f" by {last.executive_name}"
        if last.sentiment is not None:
            said += f" ({last.sentiment.label})"
        if last.summary:
            said += f": {last.summary}"
        lines.append(said)
    else:
        lines.append("No proactive contact recorded yet.")
    for r in brief.reactive_since[:3]:
        said = f"Since then, {r.channel.value} on {local_moment(r.occurred_at, tz):%-d %b}"
        if r.sentiment is not None:
            said += f" ({r.sentiment.label})"
        if r.summary:
            said += f": {r.summary}"
        lines.append(said)
    if brief.open_items:
        overdue = sum(1 for i in brief.open_items if i.due_on is not None and i.due_on < today)
        lines.append(
            f"{len(brief.open_items)} open action item(s)"
            + (f", {overdue} overdue" if overdue else "")
        )
    lines += [f"Remember: {d}" for d in brief.details_to_remember[:3]]
    return tuple(lines)
