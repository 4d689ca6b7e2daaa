"""A team's charter in Slack: the edit modal (purpose, then expectation / measure rows) and
its history, revision by revision, with what changed and which customer meeting prompted it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.ids import Block, View, numbered
from bot.regimen.charters import MAX_LINE, MAX_LINES, MAX_MEASURE, MAX_PURPOSE, CharterChange
from bot.regimen.charters import CharterLine as Line
from bot.views.blocks import context, divider, header, modal, section
from bot.views.call_modal import _input
from bot.views.call_submission import Values, text_of
from bot.views.text import clip, day, escape, plural

SPARE_ROWS = 3


@dataclass(frozen=True)
class CharterForm:
    team_id: int
    team_name: str
    purpose: str
    lines: tuple[Line, ...]
    revision: int  # the one it edits (0: none yet)
    meeting_id: int | None = None  # the customer meeting whose proposal it starts from
    meeting_label: str | None = None  # "Acme Corp, Wed 25 Nov 2026"


def _text(
    block_id: str,
    label: str,
    value: str,
    limit: int,
    *,
    multiline: bool = False,
    optional: bool = True,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": multiline,
        "max_length": limit,
    }
    if value:
        element["initial_value"] = value[:limit]
    return _input(block_id, label, element, optional=optional)


def build_charter_modal(form: CharterForm) -> dict[str, Any]:
    intro = (
        f"*{clip(form.team_name, 200)}'s charter*: what the team is for, and what its "
        "customers expect of it as you understand them, each with how you measure it. "
        "Every revision is kept."
    )
    blocks: list[dict[str, Any]] = [section(intro)]
    if form.meeting_label:
        blocks.append(
            context(f"Revised after the customer meeting with {clip(form.meeting_label, 300)}.")
        )
    blocks.append(
        _text(
            Block.CHARTER_PURPOSE,
            "Purpose",
            form.purpose,
            MAX_PURPOSE,
            multiline=True,
            optional=False,
        )
    )
    rows = min(len(form.lines) + SPARE_ROWS, MAX_LINES)
    for n in range(1, rows + 1):
        line = form.lines[n - 1] if n <= len(form.lines) else Line("")
        blocks += [
            _text(
                numbered(Block.CHARTER_EXPECTATION, n),
                f"Expectation {n}",
                line.expectation,
                MAX_LINE,
            ),
            _text(
                numbered(Block.CHARTER_MEASURE, n), "How we measure it", line.measure, MAX_MEASURE
            ),
        ]
    meta = {"t": form.team_id, "r": form.revision, "m": form.meeting_id, "n": rows}
    return modal(
        "Team charter",
        blocks,
        callback_id=View.CHARTER,
        submit="Save revision",
        private_metadata=json.dumps(meta),
    )


def parse_charter(values: Values, rows: int) -> tuple[str, list[tuple[str | None, str | None]]]:
    """The purpose and the (expectation, measure) rows as typed."""
    lines = [
        (
            text_of(values, numbered(Block.CHARTER_EXPECTATION, n)),
            text_of(values, numbered(Block.CHARTER_MEASURE, n)),
        )
        for n in range(1, min(rows, MAX_LINES) + 1)
    ]
    return text_of(values, Block.CHARTER_PURPOSE) or "", lines


def error_blocks(errors: dict[str, str]) -> dict[str, str]:
    """The domain's field names (bot/regimen/charters.charter_errors) -> the modal's blocks."""
    out: dict[str, str] = {}
    for name, why in errors.items():
        field, _, n = name.partition("_")
        if field == "purpose":
            out[Block.CHARTER_PURPOSE] = why
        elif n.isdigit():
            block = Block.CHARTER_EXPECTATION if field == "expectation" else Block.CHARTER_MEASURE
            out[numbered(block, int(n))] = why
    return out


@dataclass(frozen=True)
class RevisionView:
    revision: int
    author: str | None
    on: date
    meeting_label: str | None  # the customer meeting that prompted it
    change: CharterChange


@dataclass(frozen=True)
class CharterHistory:
    team_name: str
    revisions: tuple[RevisionView, ...]  # newest first


def change_lines(change: CharterChange) -> list[str]:
    said: list[str] = []
    if change.purpose_changed:
        said.append("✏️ Purpose rewritten")
    said += [f"➕ {clip(line.expectation, 200)}" for line in change.added]
    for before, after in change.changed:
        if before.expectation == after.expectation:
            said.append(
                f"🔁 {clip(after.expectation, 150)}: measured by "
                f"{clip(after.measure, 100) or '—'} (was {clip(before.measure, 100) or '—'})"
            )
        else:
            said.append(f"🔁 {clip(before.expectation, 120)} → {clip(after.expectation, 150)}")
    said += [f"➖ {clip(line.expectation, 200)}" for line in change.removed]
    return said or ["No change"]


def build_charter_history_modal(history: CharterHistory) -> dict[str, Any]:
    by_customers = sum(1 for r in history.revisions if r.meeting_label)
    blocks: list[dict[str, Any]] = [
        header(f"{history.team_name}'s charter"[:150]),
        context(
            f"{plural(len(history.revisions), 'revision')}; "
            f"{plural(by_customers, 'prompted', 'prompted')} by a customer meeting "
            "(what customers changed)."
        ),
    ]
    if not history.revisions:
        blocks.append(section("No charter yet. App Home → Edit charter to write the draft."))
    for rev in history.revisions[:30]:
        who = escape(rev.author) if rev.author else "someone"
        head = f"*Revision {rev.revision}* · {day(rev.on)} · {who}"
        if rev.meeting_label:
            met = clip(rev.meeting_label, 200)
            head += f"\n🤝 _What customers changed_: after the meeting with {met}"
        body = "\n".join(f"• {line}" for line in change_lines(rev.change)[:20])
        blocks += [divider(), section(f"{head}\n{body}")]
    return modal("Charter history", blocks, callback_id=View.CHARTER_HISTORY)
