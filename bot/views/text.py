"""Turning user text and facts into mrkdwn safely: the one escape function lives here."""

from __future__ import annotations

from datetime import date

from bot.views.limits import truncate


def escape(text: str | None) -> str:
    """User text shown as text: `&`, `<`, `>` escaped, so no mention, link or `<!channel>`."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str | None, limit: int) -> str:
    """Escape, then shorten for display (the stored text stays whole)."""
    escaped = escape(text)
    return truncate(escaped, limit) if len(escaped) > limit else escaped


def mention(slack_user_id: str | None, fallback: str | None = None) -> str:
    if slack_user_id:
        return f"<@{slack_user_id}>"
    return escape(fallback or "someone")


def day(value: date | None) -> str:
    """'Tue 24 Nov 2026'."""
    return value.strftime("%a %-d %b %Y") if value else "no date"


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural_word or word + 's')}"
