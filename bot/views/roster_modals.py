"""App Home → People, Teams, Customers (admins): a picker to choose the row (or none, to add
one), then its form. Each field's block id is the roster CSV column's name, so what the import
rules find wrong with a value answers on its field."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.ids import Action, Block, View
from bot.regimen.calendar import DAY_NAMES, format_workdays, parse_workdays
from bot.regimen.types import Role
from bot.views.blocks import context, modal, plain
from bot.views.call_modal import _input, option
from bot.views.call_submission import (
    Values,
    conversation_of,
    selected,
    text_of,
    ticked,
    time_of,
    user_of,
)
from bot.views.data import Option, RosterForm
from bot.views.limits import OPTION_TEXT, SELECT_OPTIONS, truncate
from bot.views.settings_modal import DAY_LABELS, channel_element

PICK = {
    "people": (Action.PICK_PERSON, "People", "Someone to edit"),
    "teams": (Action.PICK_TEAM, "Teams", "A team to edit"),
    "customers": (Action.PICK_CUSTOMER, "Customers", "A customer to edit"),
}
FORMS = {"people": View.PERSON_FORM, "teams": View.TEAM_FORM, "customers": View.CUSTOMER_FORM}
KIND_OF_FORM = {view.value: kind for kind, view in FORMS.items()}
ROLES = [(r.value, r.value.capitalize()) for r in (Role.EXECUTIVE, Role.MEMBER, Role.ADMIN)]
ACTIVE = "true"


def _option(choice: Option) -> dict[str, Any]:
    return {"text": plain(truncate(choice.label, OPTION_TEXT)), "value": choice.value}


def build_roster_options(choices: Sequence[Option]) -> dict[str, Any]:
    """A roster picker's answer: at most 100 options."""
    return {"options": [_option(c) for c in list(choices)[:SELECT_OPTIONS]]}


def _picker(action: str, label: str, initial: Option | None, *, block_id: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "external_select",
        "action_id": action,
        "min_query_length": 0,
        "placeholder": plain("Type to search"),
    }
    if initial is not None:
        element["initial_option"] = _option(initial)
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": True,
    }


def build_roster_picker(kind: str) -> dict[str, Any]:
    action, title, label = PICK[kind]
    return modal(
        title,
        [
            _picker(action, label, None, block_id=Block.PICK),
            context("Leave it empty to add a new one. Many at once: `kyc import` a CSV file."),
        ],
        callback_id=View.ROSTER_PICK,
        submit="Next",
        private_metadata=json.dumps({"kind": kind}),
    )


def _text(
    form: RosterForm, name: str, label: str, *, limit: int = 200, **kw: Any
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": limit}
    if kw.pop("multiline", False):
        element["multiline"] = True
    if form.cells.get(name):
        element["initial_value"] = form.cells[name]
    return _input(name, label, element, **kw)


def _active(form: RosterForm) -> dict[str, Any]:
    box = option(ACTIVE, "Active")
    element: dict[str, Any] = {"type": "checkboxes", "options": [box]}
    if form.cells.get("active", ACTIVE) == ACTIVE:
        element["initial_options"] = [box]
    return _input("active", "Status", element, hint="Untick to deactivate; nothing is deleted.")


def _key(form: RosterForm) -> dict[str, Any]:
    box = option(ACTIVE, "Key customer")
    element: dict[str, Any] = {"type": "checkboxes", "options": [box]}
    if form.cells.get("key") == ACTIVE:
        element["initial_options"] = [box]
    return _input(
        "key",
        "Key customer",
        element,
        hint="Comes round more often in the rotation; its complaints go to the executive.",
    )


def _person_blocks(form: RosterForm) -> list[dict[str, Any]]:
    c = form.cells
    slack: dict[str, Any] = {"type": "users_select"}
    if c.get("slack_user_id"):
        slack["initial_user"] = c["slack_user_id"]
    role: dict[str, Any] = {"type": "static_select", "options": [option(*r) for r in ROLES]}
    role["initial_option"] = option(*next(r for r in ROLES if r[0] == (c.get("role") or "member")))
    days = [option(str(i), label) for i, label in enumerate(DAY_LABELS)]
    workdays: dict[str, Any] = {"type": "checkboxes", "options": days}
    if c.get("workdays"):
        workdays["initial_options"] = [days[d] for d in parse_workdays(c["workdays"] or "")]
    nudge: dict[str, Any] = {"type": "timepicker"}
    if c.get("nudge_time"):
        nudge["initial_time"] = c["nudge_time"]
    quota: dict[str, Any] = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": "40",
    }
    if c.get("weekly_quota"):
        quota["initial_value"] = c["weekly_quota"]
    return [
        _text(form, "name", "Name", optional=False),
        _text(form, "email", "Email", limit=320),
        _input("slack_user_id", "Slack account", slack),
        _text(form, "title", "Title"),
        _text(form, "phone", "Phone", limit=64),
        _input("role", "Role", role, optional=False, hint="Executives get a weekly batch."),
        _picker(Action.PICK_PERSON, "Manager", form.picked.get("manager"), block_id="manager"),
        _picker(Action.PICK_TEAM, "Team", form.picked.get("team"), block_id="team"),
        _text(form, "timezone", "Timezone", limit=64, hint="Empty: their Slack profile's."),
        _input("workdays", "Workdays", workdays, hint="None ticked: the workspace's workdays."),
        _input("nudge_time", "Morning nudge time", nudge, hint="Empty: the workspace's."),
        _input("weekly_quota", "Customers a week", quota, hint="Empty: the workspace's."),
        _active(form),
    ]


def _customer_blocks(form: RosterForm) -> list[dict[str, Any]]:
    executive = form.picked.get("executive")
    return [
        _text(form, "name", "Name", optional=False),
        _text(form, "external_id", "External id", limit=100, hint="Empty: one is made up."),
        _text(form, "tier", "Tier", limit=50),
        _key(form),
        _picker(Action.PICK_TEAM, "Team", form.picked.get("team"), block_id="team"),
        _picker(Action.PICK_PERSON, "Executive", executive, block_id="executive"),
        _text(form, "contact_name", "Contact name"),
        _text(form, "contact_title", "Contact title"),
        _text(form, "contact_email", "Contact email", limit=320),
        _text(form, "contact_phone", "Contact phone", limit=64),
        _text(form, "notes", "Notes", limit=3000, multiline=True),
        _text(
            form,
            "timezone",
            "Customer's timezone",
            limit=64,
            hint="An IANA name such as Europe/London: the times proposed to them.",
        ),
        *_paused(form),
        _active(form),
    ]


def _paused(form: RosterForm) -> list[dict[str, Any]]:
    """A paused customer's form says until when, with a box to bring it back now."""
    until = form.cells.get("paused_until")
    if not until:
        return []
    box = option(ACTIVE, f"Paused until {until}: end the pause now")
    element = {"type": "checkboxes", "options": [box]}
    return [_input("resume", "Pause", element, hint="Back in its executive's rotation.")]


def _team_blocks(form: RosterForm) -> list[dict[str, Any]]:
    channel = channel_element(form.cells.get("channel_id"))
    box = option(ACTIVE, "Faces customers")
    facing: dict[str, Any] = {"type": "checkboxes", "options": [box]}
    if form.cells.get("customer_facing", ACTIVE) == ACTIVE:
        facing["initial_options"] = [box]
    return [
        _text(form, "name", "Name", optional=False),
        _input("channel_id", "Channel", channel, hint="Where its action items are posted."),
        _text(
            form,
            "theme_tags",
            "Theme tags",
            limit=500,
            optional=True,
            hint="The team's own customer themes beside product, process, policy and people, "
            "comma-separated: onboarding, billing",
        ),
        _input(
            "customer_facing",
            "Customers",
            facing,
            hint="Untick for HR, Engineering, Legal…: its people are invited to meet customers.",
        ),
    ]


def build_roster_form(form: RosterForm) -> dict[str, Any]:
    blocks = {"people": _person_blocks, "customers": _customer_blocks, "teams": _team_blocks}
    what = {"people": "person", "customers": "customer", "teams": "team"}[form.kind]
    title = f"{'Edit' if form.record_id else 'Add'} a {what}"
    return modal(
        title,
        blocks[form.kind](form),
        callback_id=FORMS[form.kind],
        submit="Save",
        private_metadata=json.dumps({"id": form.record_id}),
    )


def parse_roster_form(values: Values) -> dict[str, str | None]:
    """The form as roster CSV cells (pickers give ids; the service turns them into names)."""
    cells: dict[str, str | None] = {}
    for name, block in values.items():
        el: dict[str, Any] = next(iter(block.values()), {}) if block else {}
        kind_of = el.get("type")
        if kind_of == "users_select":
            cells[name] = user_of(values, name)
        elif kind_of in ("static_select", "external_select"):
            cells[name] = selected(values, name)
        elif kind_of == "multi_conversations_select":
            cells[name] = conversation_of(values, name)
        elif kind_of == "timepicker":
            cells[name] = time_of(values, name)
        elif kind_of == "checkboxes" and name in ("active", "resume", "key", "customer_facing"):
            cells[name] = "true" if ticked(values, name) else "false"
        elif kind_of == "checkboxes":
            days = tuple(sorted(int(d) for d in ticked(values, name) if d.isdigit()))
            cells[name] = format_workdays(tuple(d for d in days if d < len(DAY_NAMES))) or None
        else:
            cells[name] = text_of(values, name)
    return cells
