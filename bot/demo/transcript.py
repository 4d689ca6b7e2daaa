"""What each person saw, a line or two a message: Slack's mrkdwn read as a person reads it."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console

from bot.standin.harness import LocalSlack

MESSAGE_LINES = 6  # at most, per message: the rest is summed up as "(+n lines)"


def plain(text: str, names: dict[str, str]) -> str:
    """mrkdwn as a person reads it: mentions as @Name, links as their label, no markers, and
    entities decoded once (the app escaped them once)."""
    text = re.sub(r"<@(\w+)>", lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    text = re.sub(r"<#(\w+)(\|[^>]*)?>", lambda m: "#" + names.get(m.group(1), m.group(1)), text)
    text = re.sub(r"<!date\^\d+\^[^|]*\|([^>]*)>", r"\1", text)
    text = re.sub(r"<([^|>]+)\|([^>]+)>", r"\2", text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def short_url(url: str, keep: int = 48) -> str:
    """A long link as its start and its length: enough to see where it goes."""
    head, _, query = url.partition("?")
    if len(head) > keep:
        head = head[:keep] + "…"
    return f"{head}?… ({len(url):,} chars)" if query else head


def block_lines(blocks: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    """Each block as the lines a person reads; a row of buttons repeated (the nudge's, one per
    customer) is shown once."""
    lines: list[str] = []
    rows: set[str] = set()
    for block in blocks:
        kind = block.get("type")
        if kind in ("header", "section") and block.get("text"):
            body = plain(block["text"]["text"], names).splitlines()
            if str(block.get("block_id", "")).startswith("brief_"):
                body = body[:1]  # the nudge: each customer's first line
            lines += body
        lines += [plain(f["text"], names) for f in block.get("fields") or []]
        if kind == "context":
            lines.append(" ".join(plain(e.get("text", ""), names) for e in block["elements"]))
        if kind == "actions":
            row = "  ".join(f"[{_label(e)}]" for e in block["elements"])
            if row not in rows:
                rows.add(row)
                lines.append(row)
        if kind == "input":
            lines.append(f"▸ {block['label']['text']}")
    return [line.strip() for line in lines if line.strip() and not line.startswith("─")]


def _label(element: dict[str, Any]) -> str:
    if "text" in element:
        return str(element["text"]["text"])
    placeholder = element.get("placeholder", {}).get("text")
    return f"{placeholder or element.get('type', '')} ▾"


class Transcript:
    """Prints, day by day, what reached each person since the last look."""

    def __init__(self, console: Console, env: LocalSlack, names: dict[str, str]) -> None:
        self.console, self.env, self.names = console, env, names
        self.seen = 0
        self.lines = 0

    def say(self, text: str, *, style: str = "") -> None:
        for line in text.splitlines() or [""]:
            self.console.print(
                line, style=style, markup=False, highlight=False, no_wrap=True, overflow="ellipsis"
            )

    def day(self, title: str) -> None:
        self.console.rule(f"[bold]{title}[/bold]", characters="─")

    def act(self, who: str, what: str) -> None:
        """Someone does something in Slack."""
        self.say(f"▶ {who} {what}", style="bold")

    def where(self, message: dict[str, Any]) -> str:
        channel = str(message.get("channel", ""))
        if channel.startswith("D"):
            return "DM @" + self.names.get(message.get("user_id") or "", channel)
        label = "#" + self.names.get(channel, channel)
        return label + (" ↳ thread" if message.get("thread_ts") else "")

    def heard(self, *, only: set[str] | None = None, limit: int = MESSAGE_LINES) -> int:
        """Print the messages posted since the last look (those to `only`'s channels, when
        given); the count printed. Every one is marked seen."""
        new = self.env.slack.messages()[self.seen :]
        self.seen += len(new)
        shown = [m for m in new if only is None or m.get("channel") in only]
        for m in shown:
            self.message(m, limit=limit)
        return len(shown)

    def message(self, m: dict[str, Any], *, limit: int = MESSAGE_LINES) -> None:
        """`limit` lines of `m` at most; 1: its first two joined (a nudge seen before: its
        heading and progress)."""
        body = block_lines(m.get("blocks") or [], self.names) or [
            plain(m.get("text") or "", self.names)
        ]
        if limit == 1:
            body = [" — ".join(line.lstrip("> ") for line in body[:2])]
        elif len(body) > limit:
            body = [*body[: limit - 1], f"(+{len(body) - limit + 1} lines)"]
        self.say(f"  {self.where(m)}: {body[0]}")
        for line in body[1:]:
            self.say(f"      {line}")

    def skip(self) -> None:
        """Mark what was posted so far as seen, unprinted."""
        self.seen = len(self.env.slack.messages())
