"""Reading roster CSV cells: each parser returns a value or raises CellError with a clear reason."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from bot.regimen.calendar import format_workdays, parse_workdays, zone

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
TRUE = {"true", "yes", "y", "1"}
FALSE = {"false", "no", "n", "0"}


class CellError(ValueError):
    pass


def text(value: str, limit: int = 200) -> str:
    if len(value) > limit:
        raise CellError(f"too long ({len(value)} characters, at most {limit})")
    return value


def theme_tags(value: str) -> str:
    """A team's own theme tags, comma-separated (bot/regimen/themes.parse_tags), normalised."""
    from bot.regimen.themes import parse_tags

    try:
        return ", ".join(parse_tags(value))
    except ValueError as exc:
        raise CellError(str(exc)) from exc


def email(value: str) -> str:
    if not EMAIL.match(value):
        raise CellError(f"bad email '{value}'")
    return value.lower()


def slack_id(value: str) -> str:
    if not SLACK_ID.match(value):
        raise CellError(f"bad Slack user id '{value}' (looks like U0123ABCD)")
    return value


def channel_id(value: str) -> str:
    if not CHANNEL_ID.match(value):
        raise CellError(f"bad Slack channel id '{value}' (looks like C0123ABCD)")
    return value


def day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CellError(f"bad date '{value}' (use YYYY-MM-DD)") from None


def instant(value: str) -> datetime:
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(12), UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CellError(
            f"bad date or time '{value}' (use YYYY-MM-DD or YYYY-MM-DDTHH:MM)"
        ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def clock(value: str) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise CellError(f"bad time '{value}' (use HH:MM)") from None


def timezone(value: str) -> str:
    try:
        zone(value)
    except ValueError:
        raise CellError(
            f"unknown timezone '{value}' (use an IANA name such as Europe/London)"
        ) from None
    return value


def workdays(value: str) -> str:
    try:
        return format_workdays(parse_workdays(value))
    except ValueError:
        raise CellError(f"bad workdays '{value}' (e.g. mon-fri, sun-thu, mon,wed)") from None


def country(value: str) -> str:
    if not (value.isascii() and value.isalpha() and 2 <= len(value) <= 3):
        raise CellError(f"bad country '{value}' (use an ISO code such as GB or US)")
    return value.upper()


def integer(value: str, low: int, high: int, what: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise CellError(f"{what} must be {low}–{high}")
    return number


def boolean(value: str) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise CellError(f"'{value}' is not true or false (use true/false, yes/no or 1/0)")


def choice(value: str, allowed: list[str], what: str) -> str:
    if value.lower() not in allowed:
        raise CellError(f"{what} must be one of {', '.join(allowed)}")
    return value.lower()
