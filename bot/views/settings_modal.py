"""App Home → Workspace settings (admins): what KYC runs by in this workspace, and who its
admins are. Each field's block id is the Settings field's name, so an error found on a value
answers on its field."""

from __future__ import annotations

import re
from typing import Any

from bot.ids import Block, View
from bot.regimen.calendar import zone
from bot.settings import parse_tier_cadence
from bot.views.blocks import context, modal, plain
from bot.views.call_modal import _input, option
from bot.views.call_submission import (
    Values,
    conversation_of,
    text_of,
    ticked,
    time_of,
    users_of,
)
from bot.views.data import SettingsForm

DAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
# name: (label, lowest, highest)
NUMBERS = {
    "kyc_weekly_quota": ("Customers a week (weekly quota)", 1, 40),
    "kyc_overdue_escalation_days": ("Workdays overdue before the manager hears", 1, 60),
    "kyc_story_reminder_days": ("Days before a success story is brought up again", 1, 90),
    "kyc_key_cadence_weeks": ("Weeks between a key customer's turns", 1, 52),
    "kyc_recovery_window_days": ("Days after a recovery call a complaint still counts", 1, 180),
    "kyc_match_every_weeks": ("Meet a customer: weeks between one person's invitations", 1, 52),
    "kyc_match_repeat_days": ("Meet a customer: days before the same customer again", 0, 3650),
    "kyc_match_host_weekly": ("Meet a customer: guests a host takes a week at most", 1, 20),
    "kyc_declined_comeback_weeks": ("Weeks before a customer who said “not now” comes back", 1, 52),
    "kyc_meeting_prep_days": ("Days before a customer meeting its attendees are prepared", 1, 14),
}
TIMES = {
    "kyc_nudge_time": "Morning nudge time (each executive's local time)",
    "kyc_catchup_until": "Catch-up cut-off: a missed nudge is still sent until",
    "kyc_digest_time": "Digest time (in the default timezone)",
}
DAYS = {
    "kyc_workdays": "Workdays",
    "kyc_digest_day": "Leadership digest day",
}
CHANNELS = {
    "kyc_digest_channel": "Leadership digest channel",
    "kyc_stories_channel": "Success stories channel",
}


def _days(name: str, chosen: list[int]) -> dict[str, Any]:
    options = [option(str(i), label) for i, label in enumerate(DAY_LABELS)]
    element: dict[str, Any] = {"type": "checkboxes", "options": options}
    initial = [options[d] for d in sorted(set(chosen)) if 0 <= d < len(options)]
    if initial:
        element["initial_options"] = initial
    return _input(name, DAYS[name], element, optional=False)


def channel_element(initial: str | None) -> dict[str, Any]:
    """One channel, or none: a multi-select of at most one, because a single conversations
    select cannot be emptied again once something is picked."""
    element: dict[str, Any] = {
        "type": "multi_conversations_select",
        "max_selected_items": 1,
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
        "placeholder": plain("None"),
    }
    if initial and CHANNEL_ID.match(initial):
        element["initial_conversations"] = [initial]
    return element


def _channel(name: str, initial: str | None) -> dict[str, Any]:
    hint = None
    if initial and not CHANNEL_ID.match(initial):  # a name from the environment, not an id
        hint = f"Now: {initial} (set by the operator). Pick a channel to use another."
    return _input(name, CHANNELS[name], channel_element(initial), hint=hint)


def _number(name: str, initial: Any) -> dict[str, Any]:
    label, low, high = NUMBERS[name]
    element = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": str(low),
        "max_value": str(high),
        "initial_value": str(initial),
    }
    return _input(name, label, element, optional=False)


def _time(name: str, initial: str) -> dict[str, Any]:
    element = {"type": "timepicker", "initial_time": initial}
    return _input(name, TIMES[name], element, optional=False)


def _text(
    name: str, label: str, initial: str | None, *, optional: bool, hint: str
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": 200}
    if initial:
        element["initial_value"] = initial
    return _input(name, label, element, optional=optional, hint=hint)


def build_settings_modal(form: SettingsForm) -> dict[str, Any]:
    v = form.values
    admins: dict[str, Any] = {"type": "multi_users_select"}
    if form.admins:
        admins["initial_users"] = list(form.admins)
    blocks = [
        context(
            "What KYC runs by in this workspace. A field left as it is, or emptied, follows "
            "the default the operator set."
        ),
        _input(
            Block.ADMINS,
            "Admins",
            admins,
            optional=False,
            hint="They change these settings and the roster. Each person has one role: an "
            "admin has no weekly batch of their own.",
        ),
        _text(
            "kyc_company",
            "Company name",
            v.get("kyc_company"),
            optional=True,
            hint="Signs the openers and follow-up emails.",
        ),
        _text(
            "kyc_default_timezone",
            "Default timezone",
            v.get("kyc_default_timezone"),
            optional=False,
            hint="An IANA name such as Europe/London, for people whose Slack profile has none.",
        ),
        _time("kyc_nudge_time", v["kyc_nudge_time"]),
        _days("kyc_workdays", list(v.get("kyc_workdays") or [])),
        _number("kyc_weekly_quota", v["kyc_weekly_quota"]),
        _time("kyc_catchup_until", v["kyc_catchup_until"]),
        _channel("kyc_stories_channel", v.get("kyc_stories_channel")),
        _number("kyc_story_reminder_days", v["kyc_story_reminder_days"]),
        _number("kyc_overdue_escalation_days", v["kyc_overdue_escalation_days"]),
        _number("kyc_declined_comeback_weeks", v["kyc_declined_comeback_weeks"]),
        _number("kyc_meeting_prep_days", v["kyc_meeting_prep_days"]),
        _channel("kyc_digest_channel", v.get("kyc_digest_channel")),
        _days("kyc_digest_day", list(v.get("kyc_digest_day") or [])),
        _time("kyc_digest_time", v["kyc_digest_time"]),
        _text(
            "kyc_key_tiers",
            "Key tiers",
            v.get("kyc_key_tiers"),
            optional=True,
            hint="Customers of these tiers are imported as key, e.g. strategic,enterprise.",
        ),
        _number("kyc_key_cadence_weeks", v["kyc_key_cadence_weeks"]),
        _text(
            "kyc_key_tier_cadence",
            "Weeks between turns, per tier",
            v.get("kyc_key_tier_cadence"),
            optional=True,
            hint="Over the line above for these tiers, e.g. strategic=2,enterprise=4.",
        ),
        _number("kyc_recovery_window_days", v["kyc_recovery_window_days"]),
        _number("kyc_match_every_weeks", v["kyc_match_every_weeks"]),
        _number("kyc_match_repeat_days", v["kyc_match_repeat_days"]),
        _number("kyc_match_host_weekly", v["kyc_match_host_weekly"]),
    ]
    return modal("Workspace settings", blocks, callback_id=View.SETTINGS, submit="Save")


def _whole(raw: str | None, low: int, high: int) -> int | None:
    try:
        number = int(raw or "")
    except ValueError:
        return None
    return number if low <= number <= high else None


def parse_settings(values: Values) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    """What was chosen, by Settings field name as JSON holds it (None: back to the default),
    the admins' Slack ids, and an error on each field that needs one."""
    errors: dict[str, str] = {}
    chosen: dict[str, Any] = {"kyc_company": text_of(values, "kyc_company")}
    for name in CHANNELS:
        chosen[name] = conversation_of(values, name)
    tz = text_of(values, "kyc_default_timezone")
    try:
        zone(tz or "")
        chosen["kyc_default_timezone"] = tz
    except ValueError:
        errors["kyc_default_timezone"] = (
            f"“{tz or ''}” is not a timezone KYC knows: use an IANA name such as "
            "Europe/London or America/New_York."
        )
    for name in TIMES:
        chosen[name] = time_of(values, name)
        if chosen[name] is None:
            errors[name] = "Pick a time."
    for name in DAYS:
        days = sorted({int(d) for d in ticked(values, name) if d.isdigit() and int(d) < 7})
        chosen[name] = days
        if not days:
            errors[name] = "Tick at least one day."
    for name, (_label, low, high) in NUMBERS.items():
        chosen[name] = _whole(text_of(values, name), low, high)
        if chosen[name] is None:
            errors[name] = f"A whole number from {low} to {high}."
    chosen["kyc_key_tiers"] = text_of(values, "kyc_key_tiers") or ""
    chosen["kyc_key_tier_cadence"] = text_of(values, "kyc_key_tier_cadence") or ""
    try:
        parse_tier_cadence(chosen["kyc_key_tier_cadence"])
    except ValueError as exc:
        errors["kyc_key_tier_cadence"] = str(exc)
    nudge, cutoff = chosen["kyc_nudge_time"], chosen["kyc_catchup_until"]
    if nudge and cutoff and cutoff < nudge:  # "HH:MM" strings order as times do
        errors["kyc_catchup_until"] = f"The cut-off cannot be before the nudge time ({nudge})."
    admins = users_of(values, Block.ADMINS)
    if not admins:
        errors[Block.ADMINS] = "Keep at least one admin: nobody could change these settings."
    return chosen, admins, errors
