"""App Home → My settings and Pause (executives): their own nudge time, workdays, weekly quota
and timezone, and a pause picked on a calendar. The fields' rules are the roster import's
(bot/services/csv_rows.py); this module only draws and reads the modals."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.ids import Block, View
from bot.regimen.calendar import DAY_NAMES
from bot.views.blocks import context, modal
from bot.views.call_modal import _input, option, text_input
from bot.views.call_submission import Values, date_of, text_of, ticked, time_of
from bot.views.data import MySettingsForm, PauseForm
from bot.views.settings_modal import DAY_LABELS
from bot.views.text import day


def _days_label(days: tuple[int, ...]) -> str:
    return ", ".join(DAY_LABELS[d][:3] for d in days if 0 <= d < 7) or "none"


def build_my_settings_modal(form: MySettingsForm) -> dict[str, Any]:
    options = [option(DAY_NAMES[i], label) for i, label in enumerate(DAY_LABELS)]
    workdays: dict[str, Any] = {"type": "checkboxes", "options": options}
    initial = [options[d] for d in sorted(set(form.workdays)) if 0 <= d < 7]
    if initial:
        workdays["initial_options"] = initial
    quota = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": "40",
        "initial_value": str(form.weekly_quota),
    }
    tz: dict[str, Any] = {"type": "plain_text_input", "max_length": 64}
    if form.timezone:
        tz["initial_value"] = form.timezone[:64]
    blocks = [
        context(
            "Your own morning regimen. A value the same as your workspace's default follows "
            "the default when your admin changes it."
        ),
        _input(
            Block.NUDGE_TIME,
            "Morning nudge time (your local time)",
            {"type": "timepicker", "initial_time": form.nudge_time},
            hint=f"Workspace default: {form.default_nudge_time}",
        ),
        _input(
            Block.WORKDAYS,
            "Workdays",
            workdays,
            optional=False,
            hint=f"Workspace default: {_days_label(form.default_workdays)}",
        ),
        _input(
            Block.WEEKLY_QUOTA,
            "Customers a week (1–40)",
            quota,
            hint=f"Workspace default: {form.default_quota}",
        ),
        _input(
            Block.TIMEZONE,
            "Timezone",
            tz,
            hint=f"An IANA name such as Europe/London. Your Slack profile's: "
            f"{form.profile_timezone[:64]}",
        ),
    ]
    return modal("My settings", blocks, callback_id=View.MY_SETTINGS, submit="Save")


def parse_my_settings(values: Values) -> dict[str, str | None]:
    """The fields as roster cells (None when emptied): nudge_time "HH:MM", workdays
    "mon,tue", weekly_quota and timezone as typed. The use case checks them."""
    days = [d for d in ticked(values, Block.WORKDAYS) if d in DAY_NAMES]
    return {
        "nudge_time": time_of(values, Block.NUDGE_TIME),
        "workdays": ",".join(days) or None,
        "weekly_quota": text_of(values, Block.WEEKLY_QUOTA),
        "timezone": text_of(values, Block.TIMEZONE),
    }


def build_pause_modal(form: PauseForm) -> dict[str, Any]:
    initial = form.paused_until or form.today + timedelta(days=7)
    if initial < form.today:
        initial = form.today
    picker = {"type": "datepicker", "initial_date": initial.isoformat()}
    reason = text_input(Block.PAUSE_REASON, "Reason (optional)", multiline=False, max_length=200)
    if form.reason:
        reason["element"]["initial_value"] = form.reason[:200]
    blocks = [
        context(
            "No morning nudges up to and including this day; your customers wait for you. "
            "At most a year."
        ),
        _input(Block.PAUSE_UNTIL, "Pause until (inclusive)", picker, optional=False),
        reason,
    ]
    if form.paused_until:
        blocks.insert(0, context(f"🌴 Paused now until {day(form.paused_until)}."))
    return modal("Pause nudges", blocks, callback_id=View.PAUSE, submit="Pause")


def parse_pause(values: Values) -> tuple[date | None, str | None, dict[str, str]]:
    """Until when (inclusive) and why. Whether the day will do (not past, within a year) is
    the pause's own rule (bot/services/executive.pause), answered on the date's field."""
    until = date_of(values, Block.PAUSE_UNTIL)
    reason = text_of(values, Block.PAUSE_REASON)
    if until is None:
        return None, reason, {Block.PAUSE_UNTIL: "Pick the last day of your pause."}
    return until, reason, {}
