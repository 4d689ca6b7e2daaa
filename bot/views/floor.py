"""Back to the floor: the commitment modal, the host lead's proposal, the notes to the leader
and the host, the reminder the day before, the after-shift question and its modal, and the
record's line in `/kyc stats`, App Home and the digest."""

from __future__ import annotations

import json
from typing import Any

from bot.ids import Action, Block, View, numbered, theme_block
from bot.regimen.floor import PLACES, Cadence, FloorFigures
from bot.regimen.themes import BUILT_IN, read_theme_value
from bot.views.blocks import actions, button, context, message, modal, plain, section
from bot.views.call_modal import LONG_TEXT, MAX_THEME_OPTIONS, _input, _static, text_input
from bot.views.call_submission import Values, selected, text_of
from bot.views.data import FloorForm, FloorReport, InsightInput, Option, ShiftNote
from bot.views.limits import truncate
from bot.views.text import clip, day, escape, mention

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DOING = "doing the doing — serving customers yourself, not watching someone else do it"


def build_floor_modal(form: FloorForm) -> dict[str, Any]:
    cadences = [(c.value, c.label) for c in Cadence]
    teams = [(t.value, t.label[:75]) for t in form.teams[:100]]
    team_el: dict[str, Any] = {
        "type": "static_select",
        "placeholder": {"type": "plain_text", "text": "The team you join"},
        "options": [
            {"text": {"type": "plain_text", "text": label}, "value": v} for v, label in teams
        ]
        or [{"text": {"type": "plain_text", "text": "No teams on the roster"}, "value": "none"}],
    }
    shown = dict(teams)
    if form.team_id in shown:
        team_el["initial_option"] = {
            "text": {"type": "plain_text", "text": shown[form.team_id]},
            "value": form.team_id,
        }
    place: dict[str, Any] = {
        "type": "plain_text_input",
        "max_length": 200,
        "placeholder": {"type": "plain_text", "text": ", ".join(PLACES)[:150]},
    }
    if form.place:
        place["initial_value"] = form.place[:200]
    days = [(str(n), name) for n, name in enumerate(WEEKDAYS)]
    blocks = [
        context(
            "Regularly do the front-line work yourself: a shift on the shop floor, in the call "
            f"centre or the support queue — {DOING}. KYC proposes a day each period, asks the "
            "host team's lead to confirm, reminds you both the day before and asks afterwards "
            "what you learned."
        ),
        _input(
            Block.FLOOR_CADENCE,
            "How often",
            _static(cadences, form.cadence or Cadence.MONTHLY.value),
            optional=False,
        ),
        _input(
            Block.FLOOR_PLACE,
            "Where",
            place,
            optional=False,
            hint="e.g. " + ", ".join(PLACES),
        ),
        _input(Block.FLOOR_TEAM, "Host team", team_el, optional=False),
        _input(
            Block.FLOOR_WEEKDAY,
            "Preferred weekday (optional)",
            _static(days, str(form.weekday) if form.weekday is not None else None),
            hint="A day of yours that is a workday; none: the first free workday.",
        ),
    ]
    title = "Back to the floor"
    submit = "Save" if form.active else "Start"
    return modal(title, blocks, callback_id=View.FLOOR, submit=submit)


def parse_floor(values: Values) -> dict[str, str | None]:
    """The modal's cells as typed; the use case says what will not do, field by field."""
    return {
        "cadence": selected(values, Block.FLOOR_CADENCE),
        "place": text_of(values, Block.FLOOR_PLACE),
        "team": selected(values, Block.FLOOR_TEAM),
        "weekday": selected(values, Block.FLOOR_WEEKDAY),
    }


def _shift(note: ShiftNote) -> str:
    return (
        f"a back-to-the-floor shift at the *{clip(note.place, 200)}* with "
        f"*{clip(note.team, 200)}* on *{day(note.day)}*"
    )


def _leader(note: ShiftNote) -> str:
    return mention(note.leader_user, note.leader_name)


def build_floor_proposal(note: ShiftNote, *, again: bool = False) -> dict[str, Any]:
    """To the host team's lead (or its channel): confirm the day, or propose another; `again`
    when it went unanswered and is put to them once more."""
    text = (
        ("⏳ *Still waiting for your answer:* " if again else "🏭 ")
        + f"{_leader(note)} would like to do {_shift(note)} ({escape(note.period)}): {DOING}. "
        "Can your team host them that day?"
    )
    picker = {
        "type": "datepicker",
        "action_id": Action.FLOOR_OTHER_DAY.value,
        "placeholder": {"type": "plain_text", "text": "Propose another day"},
    }
    blocks = [
        section(text),
        actions(
            button("Confirm", Action.FLOOR_CONFIRM, str(note.shift_id), style="primary"),
            picker,
            block_id=numbered(Block.FLOOR_SHIFT, note.shift_id),
        ),
    ]
    return message(f"{note.leader_name} would like a back-to-the-floor shift", blocks)


def build_floor_unanswered(note: ShiftNote, host: str) -> dict[str, Any]:
    """To the leader: the host has not answered the proposal yet, and was asked again."""
    text = (
        f"⏳ {escape(host)} has not answered yet about {_shift(note)} on {day(note.day)}; "
        "I asked again today. If the day no longer suits, `/kyc floor` changes the commitment."
    )
    return message("Your back-to-the-floor shift is not confirmed yet", [section(text)])


def build_floor_answered(note: ShiftNote, confirmed: bool) -> dict[str, Any]:
    """The proposal once answered (its buttons gone)."""
    if confirmed:
        text = f"✅ Confirmed: {_leader(note)} does {_shift(note)}."
    else:
        text = f"📅 You proposed {day(note.day)} to {_leader(note)}; they will confirm."
    return message("Back-to-the-floor shift answered", [section(text)])


def build_floor_confirmed(note: ShiftNote) -> dict[str, Any]:
    """To the leader: the host confirmed."""
    host = mention(note.host_user, note.team) if note.host_user else clip(note.team, 200)
    text = f"✅ {host} confirmed {_shift(note)}. I will remind you the day before."
    return message("Your back-to-the-floor shift is confirmed", [section(text)])


def build_floor_moved(note: ShiftNote) -> dict[str, Any]:
    """To the leader: the host proposed another day; Accept makes it the day."""
    host = mention(note.host_user, note.team) if note.host_user else clip(note.team, 200)
    was = f" instead of {day(note.was_day)}" if note.was_day else ""
    text = f"📅 {host} proposed {day(note.day)}{was} for {_shift(note)}."
    blocks = [
        section(text),
        actions(
            button("Accept", Action.FLOOR_ACCEPT, str(note.shift_id), style="primary"),
            block_id=numbered(Block.FLOOR_SHIFT, note.shift_id),
        ),
    ]
    return message("Another day proposed for your back-to-the-floor shift", blocks)


def build_floor_reminder(note: ShiftNote, *, host: bool) -> dict[str, Any]:
    if host:
        text = f"⏰ Tomorrow's shift: {_leader(note)} joins {_shift(note)}. Give them real work."
    else:
        text = f"⏰ Your shift is next: {_shift(note)}. Carry the bag yourself — {DOING}."
    return message("Back-to-the-floor shift reminder", [section(text)])


def build_floor_ask(note: ShiftNote) -> dict[str, Any]:
    """To the leader after the shift: what they did and learned."""
    blocks = [
        section(f"🏭 How was {_shift(note)}? What did you do, and what did you learn?"),
        actions(
            button(
                "Tell what you learned", Action.FLOOR_REPORT, str(note.shift_id), style="primary"
            ),
            block_id=numbered(Block.FLOOR_SHIFT, note.shift_id),
        ),
    ]
    return message("What did you learn on the floor?", blocks)


def build_floor_thanks(note: ShiftNote) -> dict[str, Any]:
    text = f"🙏 Saved what you did and learned on {_shift(note)}. That is the 100% view."
    return message("Back-to-the-floor shift saved", [section(text)])


# What the leader heard, each with an optional theme select (as the call modal's fields).
HEARD: tuple[tuple[Block, str], ...] = (
    (Block.CRITICISM, "What customers criticised, in their words"),
    (Block.STRESSED, "What they stressed"),
    (Block.MAKE_GREAT, "What would make it great"),
)


def build_floor_report_modal(note: ShiftNote) -> dict[str, Any]:
    themes = list(note.themes) or [Option(v, label) for v, label in BUILT_IN]
    theme_el = _static([(t.value, t.label) for t in themes[:MAX_THEME_OPTIONS]])
    theme_el["placeholder"] = plain("Theme")
    blocks = [
        context(f"{_shift(note)}."),
        text_input(Block.FLOOR_DID, "What I did", optional=False, max_length=LONG_TEXT),
        text_input(Block.FLOOR_LEARNED, "What I learned", optional=False, max_length=LONG_TEXT),
    ]
    for block, label in HEARD:
        blocks.append(text_input(block, label))
        blocks.append(_input(theme_block(block), "Theme", dict(theme_el)))
    blocks.append(
        context(
            "A theme tagged here goes with the customer themes as supporting evidence for the "
            "team's lead; a shift is no customer, so it never makes a theme recur on its own."
        )
    )
    return modal(
        "After the floor",
        blocks,
        callback_id=View.FLOOR_REPORT,
        submit="Save",
        private_metadata=json.dumps({"shift": note.shift_id}),
    )


def parse_floor_report(values: Values) -> tuple[FloorReport | None, dict[str, str]]:
    did, learned = text_of(values, Block.FLOOR_DID), text_of(values, Block.FLOOR_LEARNED)
    errors: dict[str, str] = {}
    if not did:
        errors[Block.FLOOR_DID] = "Say what you did."
    if not learned:
        errors[Block.FLOOR_LEARNED] = "Say what you learned."
    for block in (Block.FLOOR_DID, Block.FLOOR_LEARNED, Block.CRITICISM, Block.STRESSED):
        if len(text_of(values, block) or "") > LONG_TEXT:
            errors[block] = f"At most {LONG_TEXT} characters."
    insights: list[InsightInput] = []
    for block, _ in HEARD:
        text = text_of(values, block)
        theme = read_theme_value(selected(values, theme_block(block)))
        if theme and not text:
            errors[theme_block(block)] = "Add what you heard, or clear the theme."
        elif theme and text:
            insights.append(InsightInput(block.value, text, theme[0], theme[1]))
    if errors or not did or not learned:
        return None, errors
    return (
        FloorReport(
            did,
            learned,
            text_of(values, Block.CRITICISM),
            text_of(values, Block.STRESSED),
            text_of(values, Block.MAKE_GREAT),
            insights=tuple(insights),
        ),
        {},
    )


def floor_line(f: FloorFigures) -> str:
    """The record in one mrkdwn line (stats, App Home, digest)."""
    line = f"*Back to the floor:* {escape(f.line)}"
    if f.next_day and f.next_status:
        line += f" · next {day(f.next_day)} ({f.next_status.value})"
    return truncate(line, 2900)


def floor_blocks(f: FloorFigures | None) -> list[dict[str, Any]]:
    """App Home's "Back to the floor" section: the record, with Set up / Change and Stop."""
    if f is None:
        return [
            section(
                "🏭 *Back to the floor:* not set up — a regular shift doing the front-line work "
                "yourself (shop floor, call centre, support queue).",
                accessory=button("Set up", Action.FLOOR_SET),
            )
        ]
    blocks = [section("🏭 " + floor_line(f), accessory=button("Change", Action.FLOOR_SET))]
    if f.active:
        blocks.append(actions(button("Stop", Action.FLOOR_STOP), block_id="floor_actions"))
    return blocks


def floor_digest(records: tuple[FloorFigures, ...]) -> str:
    """The digest's one section: each leader's record, the ones with missed periods first."""
    ordered = sorted(records, key=lambda f: (-len(f.missed), f.name))
    lines = [f"• *{escape(f.name)}* — {escape(f.line)}" for f in ordered[:20]]
    if len(ordered) > 20:
        lines.append(f"and {len(ordered) - 20} more")
    return truncate("🏭 *Back to the floor:*\n" + "\n".join(lines), 3000)
