"""App Home → Workspace settings: an admin sets up their workspace in Slack, no environment
variable or CLI; what they save is what the next request runs by."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.ids import Action, Block, View
from bot.regimen.types import Role
from storage.models import Person, Workspace
from tests.scenario.calls import call_values, call_view
from tests.scenario.conftest import World
from tests.scenario.forms import admin as _admin
from tests.scenario.forms import click, submitted


async def _open_settings(world: World, user: str = "U0ADA") -> dict:  # type: ignore[type-arg]
    await world.env.requests.block_actions(user, click(Action.ADMIN_SETTINGS))
    view: dict = world.env.slack.calls_to("views.open")[-1].params["view"]  # type: ignore[type-arg]
    return view


async def test_an_admin_sees_the_workspace_buttons_on_app_home(world: World) -> None:
    await _admin(world)
    await world.env.requests.event({"type": "app_home_opened", "user": "U0ADA", "tab": "home"})
    home = json.dumps(world.env.slack.calls_to("views.publish")[-1].params["view"])
    for action in (Action.ADMIN_SETTINGS, Action.ADMIN_PEOPLE, Action.ADMIN_TEAMS):
        assert action.value in home


async def test_saved_settings_are_kept_over_the_defaults_and_the_next_brief_uses_them(
    world: World,
) -> None:
    env = world.env
    await _admin(world)
    view = await _open_settings(world)
    assert view["callback_id"] == View.SETTINGS
    shown = json.dumps(view)
    assert "Northwind" in shown and "U0ADA" in shown  # the effective settings, the admins
    answer = await env.requests.view_submission(
        "U0ADA",
        submitted(
            view,
            kyc_company="Northwind Traders",
            kyc_default_timezone="Europe/London",
            kyc_weekly_quota="7",
            kyc_stories_channel=["C0CS"],
            admins=["U0ADA", "U0LEE"],
        ),
    )
    assert answer.status == 200 and not answer.text  # closed
    async with env.db.unit_of_work() as s:
        ws = await s.get(Workspace, env.team_id)
        lee = await s.scalar(select(Person).where(Person.slack_user_id == "U0LEE"))
    assert ws is not None and ws.settings == {
        "kyc_company": "Northwind Traders",
        "kyc_default_timezone": "Europe/London",
        "kyc_weekly_quota": 7,
        "kyc_stories_channel": "C0CS",
    }  # only what differs from the environment's defaults
    assert lee is not None and lee.role == Role.ADMIN
    home = env.slack.calls_to("views.publish")[-1].params
    assert home["user_id"] == "U0ADA" and Action.ADMIN_SETTINGS.value in json.dumps(home)

    await env.requests.block_actions("U0DANA", click(Action.BRIEF, str(world.customers[0].id)))
    brief = json.dumps(env.slack.calls_to("views.open")[-1].params["view"])
    assert "Northwind Traders" in brief

    # Opened again, the modal shows what was saved; emptied, the company is the default again.
    view = await _open_settings(world)
    assert "Northwind Traders" in json.dumps(view)
    await env.requests.view_submission("U0ADA", submitted(view, kyc_company=None))
    async with env.db.unit_of_work() as s:
        ws = await s.get(Workspace, env.team_id)
    assert ws is not None and "kyc_company" not in ws.settings


async def test_an_unknown_timezone_is_answered_on_its_field(world: World) -> None:
    await _admin(world)
    view = await _open_settings(world)
    answer = await world.env.requests.view_submission(
        "U0ADA", submitted(view, kyc_default_timezone="Mars/Olympus_Mons")
    )
    errors = answer.json()["errors"]
    assert (
        list(errors) == ["kyc_default_timezone"]
        and "Mars/Olympus_Mons" in errors["kyc_default_timezone"]
    )


async def test_a_cut_off_before_the_nudge_and_no_workday_are_answered_on_their_fields(
    world: World,
) -> None:
    await _admin(world)
    view = await _open_settings(world)
    answer = await world.env.requests.view_submission(
        "U0ADA", submitted(view, kyc_catchup_until="07:00", kyc_workdays=[])
    )
    assert set(answer.json()["errors"]) == {"kyc_catchup_until", "kyc_workdays"}


async def test_removing_every_admin_is_answered_on_the_admins_field(world: World) -> None:
    env = world.env
    await _admin(world)
    view = await _open_settings(world)
    answer = await env.requests.view_submission("U0ADA", submitted(view, admins=[]))
    assert Block.ADMINS.value in answer.json()["errors"]
    async with env.db.unit_of_work() as s:
        ada = await s.scalar(select(Person).where(Person.slack_user_id == "U0ADA"))
    assert ada is not None and ada.role == Role.ADMIN


async def test_someone_new_made_admin_joins_the_roster(world: World) -> None:
    env = world.env
    await _admin(world)
    view = await _open_settings(world)
    await env.requests.view_submission("U0ADA", submitted(view, admins=["U0NEW"]))
    async with env.db.unit_of_work() as s:
        by_id = {p.slack_user_id: p for p in await s.scalars(select(Person))}
    assert by_id["U0NEW"].role == Role.ADMIN
    assert by_id["U0ADA"].role == Role.MEMBER  # no customers of her own


async def test_a_non_admin_is_refused_the_settings(world: World) -> None:
    env = world.env
    await env.requests.block_actions("U0MO", click(Action.ADMIN_SETTINGS))
    assert not env.slack.calls_to("views.open")
    await env.deliver()
    assert "Only KYC admins" in env.slack.messages("D0MO")[-1]["text"]
    # A modal opened while they were admin, submitted after: replaced by the refusal.
    ada = await _admin(world)
    view = await _open_settings(world)
    async with env.db.unit_of_work() as s:
        (await s.get(Person, ada.id)).role = Role.MEMBER  # type: ignore[union-attr]
    answer = await env.requests.view_submission("U0ADA", submitted(view, kyc_company="Evil"))
    assert answer.json()["response_action"] == "update"
    async with env.db.unit_of_work() as s:
        ws = await s.get(Workspace, env.team_id)
    assert ws is not None and not ws.settings


async def test_a_success_story_goes_to_the_stories_channel_the_admin_chose(world: World) -> None:
    env = world.env
    env.slack.add_channel("C0STORY", "stories")
    await _admin(world)
    view = await _open_settings(world)
    await env.requests.view_submission("U0ADA", submitted(view, kyc_stories_channel=["C0STORY"]))
    story = {
        Block.SUCCESS_STORY.value: {
            Action.INPUT.value: {"type": "checkboxes", "selected_options": [{"value": "yes"}]}
        }
    }
    values = call_values(world.customers[0].id, sentiment="promoter", **story)
    answer = await env.requests.view_submission("U0DANA", call_view(values))
    assert answer.status == 200 and answer.text == ""
    await env.deliver()
    (post,) = env.slack.messages("C0STORY")
    assert "Success-story candidate: Acme Corp" in post["text"]
