"""An iCalendar file (RFC 5545) of proposed call slots: one tentative VEVENT per slot, times
in UTC, text escaped and lines folded at 75 octets, so any calendar app imports it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

LINE_OCTETS = 75  # RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, without the CRLF


@dataclass(frozen=True)
class CallInvite:
    uid: str  # unique per proposal; each slot's UID adds its start
    summary: str
    description: str
    starts: tuple[datetime, ...]
    minutes: int = 30
    organizer_name: str | None = None
    organizer_email: str | None = None
    numbered: bool = True  # "(option n of m)" after each summary: several slots proposed
    # A meeting's one event: SEQUENCE goes up each time it moves, so calendars that imported
    # it update it (RFC 5545 3.8.7.4); cancelled, the file is METHOD:CANCEL, STATUS:CANCELLED.
    sequence: int | None = None
    cancelled: bool = False
    status: str = "TENTATIVE"


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11 TEXT: backslash, semicolon and comma escaped; line breaks as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """RFC 5545 3.1: a content line split into 75-octet pieces joined by CRLF and a space,
    never inside a UTF-8 character."""
    pieces: list[str] = []
    current, size = "", 0
    limit = LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            pieces.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # continuation lines begin with a space
        current += char
        size += octets
    pieces.append(current)
    return "\r\n ".join(pieces)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _cn(name: str) -> str:
    # A parameter value with : ; , must be quoted; a quote itself cannot appear (RFC 5545 3.2).
    return '"' + name.replace('"', "'") + '"'


def build_ics(invite: CallInvite, *, now: datetime) -> str:
    """The calendar file, CRLF line ends, one VEVENT per start in `invite.starts`."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//KYC//Follow-up call slots//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:CANCEL" if invite.cancelled else "METHOD:PUBLISH",
    ]
    count = len(invite.starts)
    for n, start in enumerate(invite.starts, 1):
        end = start + timedelta(minutes=invite.minutes)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{invite.uid}-{utc_stamp(start)}",
            f"DTSTAMP:{utc_stamp(now)}",
            f"DTSTART:{utc_stamp(start)}",
            f"DTEND:{utc_stamp(end)}",
            "SUMMARY:"
            + escape_text(
                f"{invite.summary} (option {n} of {count})" if invite.numbered else invite.summary
            ),
            "DESCRIPTION:" + escape_text(invite.description),
            "STATUS:" + ("CANCELLED" if invite.cancelled else invite.status),
            "TRANSP:OPAQUE",
        ]
        if invite.sequence is not None:
            lines.append(f"SEQUENCE:{invite.sequence}")
        if invite.organizer_email:
            who = f";CN={_cn(invite.organizer_name)}" if invite.organizer_name else ""
            lines.append(f"ORGANIZER{who}:mailto:{invite.organizer_email}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def unfold(text: str) -> list[str]:
    """The content lines of a calendar file (folding undone), for reading one back."""
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")[:-1]


def read_events(text: str) -> list[dict[str, str]]:
    """Each VEVENT's properties by name (parameters dropped): a small reader for checks."""
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT" and current is not None:
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name.split(";")[0]] = value
    return events


def starts_of(events: Sequence[dict[str, str]]) -> list[datetime]:
    return [datetime.strptime(e["DTSTART"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) for e in events]
