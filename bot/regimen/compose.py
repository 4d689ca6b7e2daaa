"""Compose links for an email: the mail app (mailto:), Gmail and Outlook on the web, each
opening a new message with the recipient, subject and body filled in.

Slack takes a button's URL up to a limit (3,000 characters); a long body is cut at a line or
word so the link fits, and ends with a note saying the rest is in Slack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, urlencode

CUT_NOTE = "[…the rest of this email is in Slack: copy it from there.]"


class EmailClient(StrEnum):
    MAILTO = "mailto"
    GMAIL = "gmail"
    OUTLOOK = "outlook"

    @property
    def label(self) -> str:
        return {"mailto": "Mail app", "gmail": "Gmail", "outlook": "Outlook"}[self.value]


@dataclass(frozen=True)
class ComposeLink:
    client: EmailClient
    url: str
    shortened: bool  # the body was cut to fit the URL limit


def _mailto(to: str, subject: str, body: str) -> str:
    # RFC 6068: line breaks in a mailto body are %0D%0A; the address keeps its '@'.
    query = urlencode({"subject": subject, "body": body.replace("\n", "\r\n")}, quote_via=quote)
    return f"mailto:{quote(to, safe='@')}?{query}"


def _gmail(to: str, subject: str, body: str) -> str:
    query = {"view": "cm", "fs": "1", "to": to, "su": subject, "body": body}
    return "https://mail.google.com/mail/?" + urlencode(query, quote_via=quote)


def _outlook(to: str, subject: str, body: str) -> str:
    query = {"to": to, "subject": subject, "body": body}
    return "https://outlook.office.com/mail/deeplink/compose?" + urlencode(query, quote_via=quote)


BUILDERS: dict[EmailClient, Callable[[str, str, str], str]] = {
    EmailClient.MAILTO: _mailto,
    EmailClient.GMAIL: _gmail,
    EmailClient.OUTLOOK: _outlook,
}


def _cut(body: str, keep: int) -> str:
    """The first `keep` characters of `body`, back to the last line or word break, and the note."""
    head = body[:keep]
    for sep in ("\n", " "):
        at = head.rfind(sep)
        if at > keep // 2:
            head = head[:at]
            break
    return head.rstrip() + "\n\n" + CUT_NOTE


def compose_url(
    client: EmailClient, to: str | None, subject: str, body: str, *, limit: int
) -> ComposeLink:
    """The compose link of `client`, at most `limit` characters (the body cut when needed)."""
    build = BUILDERS[client]
    url = build(to or "", subject, body)
    if len(url) <= limit:
        return ComposeLink(client, url, shortened=False)
    low, high = 0, len(body)  # the longest prefix whose link fits: encoded length grows with it
    while low < high:
        mid = (low + high + 1) // 2
        if len(build(to or "", subject, _cut(body, mid))) <= limit:
            low = mid
        else:
            high = mid - 1
    url = build(to or "", subject, _cut(body, low))
    if len(url) > limit:  # even an empty body does not fit: a very long subject or address
        url = build(to or "", subject[: max(0, limit // 4)], CUT_NOTE)[:limit]
    return ComposeLink(client, url, shortened=True)


def compose_links(
    to: str | None,
    subject: str,
    body: str,
    *,
    limit: int,
    first: EmailClient = EmailClient.MAILTO,
) -> tuple[ComposeLink, ...]:
    """One link per client, the preferred one (`first`) first."""
    order = [first, *(c for c in EmailClient if c != first)]
    return tuple(compose_url(c, to, subject, body, limit=limit) for c in order)
