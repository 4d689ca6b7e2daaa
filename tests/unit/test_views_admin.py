"""The admin surfaces (workspace settings, roster forms) stay within Slack's limits, and read
back what was typed, with an error on each field that needs one."""

from __future__ import annotations

from typing import Any

from bot.ids import Block
from bot.settings import Settings
from bot.tenancy.workspace_settings import EDITABLE, stored_value
from bot.views.data import Option, RosterForm, SettingsForm
from bot.views.limits import validate_view
from bot.views.roster_modals import (
    build_roster_form,
    build_roster_options,
    build_roster_picker,
    parse_roster_form,
)
from bot.views.settings_modal import build_settings_modal, parse_settings
from tests.blockkit_oracle import options_problems, view_problems
from tests.scenario.forms import filled


def _form(**values: Any) -> SettingsForm:
    base = Settings(_env_file=None)  # type: ignore[call-arg]
    effective = {name: stored_value(base, name) for name in EDITABLE}
    return SettingsForm(values={**effective, **values}, admins=("U0ADA",))


def worst_settings() -> list[SettingsForm]:
    """Defaults and the longest values (tests/unit/test_blockkit.py checks them too)."""
    return [
        _form(),
        _form(kyc_company="N" * 200, kyc_digest_channel="C0DIGEST", kyc_workdays=[]),
        _form(kyc_stories_channel="#stories"),  # a name from the environment, not an id
        SettingsForm(values=_form().values, admins=tuple(f"U{i:08d}" for i in range(50))),
    ]


def worst_roster_forms() -> list[RosterForm]:
    manager = Option("7", "L" * 300)
    return [
        RosterForm("people", None, {"active": "true"}),
        RosterForm(
            "people",
            3,
            {
                "name": "N" * 200,
                "email": "x@y.test",
                "slack_user_id": "U0X",
                "role": "admin",
                "workdays": "sun,mon",
                "nudge_time": "07:45",
                "weekly_quota": "40",
                "active": "false",
            },
            {"manager": manager, "team": Option("2", "Support")},
        ),
        RosterForm("customers", 9, {"notes": "n" * 3000, "name": "<!channel>"}),
        RosterForm(
            "customers",
            9,
            {"name": "N" * 200, "timezone": "Z" * 64, "paused_until": "2027-11-23"},
        ),
        RosterForm("teams", 1, {"name": "CS", "channel_id": "C0CS"}),
    ]


def test_the_settings_modal_is_valid_for_slack_with_defaults_and_long_values() -> None:
    for form in worst_settings():
        view = build_settings_modal(form)
        assert validate_view(view) == []
        assert view_problems(view) == []
        assert len(view["blocks"]) <= 100


def test_the_settings_modal_submitted_as_opened_parses_to_the_effective_settings() -> None:
    form = _form(kyc_digest_channel="C0DIGEST", kyc_company="Northwind")
    chosen, admins, errors = parse_settings(filled(build_settings_modal(form)))
    assert errors == {}
    assert admins == ["U0ADA"]
    assert chosen == {name: form.values[name] for name in EDITABLE}


def test_each_bad_settings_field_gets_its_own_error() -> None:
    view = build_settings_modal(_form())
    _chosen, _admins, errors = parse_settings(
        filled(
            view,
            kyc_default_timezone="Nowhere/Land",
            kyc_weekly_quota="41",
            kyc_digest_day=[],
            kyc_catchup_until="06:00",
            admins=[],
        )
    )
    assert set(errors) == {
        "kyc_default_timezone",
        "kyc_weekly_quota",
        "kyc_digest_day",
        "kyc_catchup_until",
        Block.ADMINS,
    }
    assert "Nowhere/Land" in errors["kyc_default_timezone"]


def test_roster_pickers_forms_and_options_are_valid_for_slack() -> None:
    forms = [build_roster_picker("people")] + [build_roster_form(f) for f in worst_roster_forms()]
    for view in forms:
        assert validate_view(view) == [] and view_problems(view) == []
    options = build_roster_options([Option(str(i), "x" * 100) for i in range(150)])
    assert len(options["options"]) == 100 and options_problems(options) == []


def test_a_roster_form_reads_back_as_csv_cells() -> None:
    form = RosterForm(
        "people",
        3,
        {"name": "Mo", "role": "member", "workdays": "mon,fri", "active": "true"},
        {"team": Option("2", "Support")},
    )
    cells = parse_roster_form(filled(build_roster_form(form), active=[], email="mo@x.test"))
    assert cells["name"] == "Mo" and cells["email"] == "mo@x.test"
    assert (cells["role"], cells["team"], cells["workdays"]) == ("member", "2", "mon,fri")
    assert cells["active"] == "false" and cells["manager"] is None
