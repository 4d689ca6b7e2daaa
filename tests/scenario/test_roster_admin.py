"""App Home → People, Teams, Customers: the chief of staff keeps the roster in Slack, by the
same rules as `kyc import`; nothing is ever deleted, only deactivated."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.ids import Action, Block
from storage.models import Customer, Person, Team
from tests.scenario.conftest import World
from tests.scenario.forms import admin as _admin
from tests.scenario.forms import click, submitted


async def _form(world: World, button: Action, pick: int | None) -> dict[str, Any]:
    """Click the App Home button, choose the row in the picker (None: add one): its form."""
    env = world.env
    await env.requests.block_actions("U0ADA", click(button))
    picker = env.slack.calls_to("views.open")[-1].params["view"]
    answer = await env.requests.view_submission(
        "U0ADA", submitted(picker, pick=str(pick) if pick else None)
    )
    body = answer.json()
    assert body["response_action"] == "update", body
    form: dict[str, Any] = body["view"]
    return form


async def _save(world: World, form: dict[str, Any], **changes: Any) -> dict[str, Any]:
    answer = await world.env.requests.view_submission("U0ADA", submitted(form, **changes))
    assert answer.status == 200
    body: dict[str, Any] = answer.json() if answer.text else {}
    return body


async def test_an_admin_adds_a_person_with_team_manager_and_regimen(world: World) -> None:
    await _admin(world)
    form = await _form(world, Action.ADMIN_PEOPLE, None)
    done = await _save(
        world,
        form,
        name="Sam Rivera",
        email="Sam@Northwind.test",
        slack_user_id="U0SAM",
        role="executive",
        manager=str(world.lee.id),
        team=str(world.cs.id),
        timezone="Europe/Berlin",
        workdays=["0", "1", "2"],
        nudge_time="09:15",
        weekly_quota="3",
    )
    assert "Added Sam Rivera" in json.dumps(done["view"])
    async with world.env.db.unit_of_work() as s:
        sam = await s.scalar(select(Person).where(Person.name == "Sam Rivera"))
    assert sam is not None
    assert (sam.email, sam.slack_user_id, sam.role) == ("sam@northwind.test", "U0SAM", "executive")
    assert (sam.manager_id, sam.team_id) == (world.lee.id, world.cs.id)
    assert (sam.timezone, sam.workdays, sam.weekly_quota) == ("Europe/Berlin", "mon,tue,wed", 3)
    assert sam.nudge_time is not None and sam.nudge_time.strftime("%H:%M") == "09:15"
    assert sam.active


async def test_a_duplicate_email_and_bad_values_are_answered_on_their_fields(
    world: World,
) -> None:
    await _admin(world)
    form = await _form(world, Action.ADMIN_PEOPLE, None)
    answer = await world.env.requests.view_submission(
        "U0ADA",
        submitted(
            form,
            name="Dana Again",
            email="DANA@northwind.test",
            timezone="Mars/Base",
            weekly_quota="41",
        ),
    )
    errors = answer.json()["errors"]
    assert set(errors) == {"email", "timezone", "weekly_quota"}
    assert "Dana Whitfield" in errors["email"]
    async with world.env.db.unit_of_work() as s:
        assert await s.scalar(select(Person).where(Person.name == "Dana Again")) is None


async def test_an_admin_finds_a_customer_by_typing_and_edits_it(world: World) -> None:
    env = world.env
    await _admin(world)
    acme = world.customers[0]
    options = await env.requests.block_suggestion(
        "U0ADA", Action.PICK_CUSTOMER.value, Block.PICK.value, "acm"
    )
    assert [o["value"] for o in options.json()["options"]] == [str(acme.id)]
    executives = await env.requests.block_suggestion(
        "U0ADA", Action.PICK_PERSON.value, "executive", ""
    )
    names = [o["text"]["text"] for o in executives.json()["options"]]
    assert "Raj Mehta" in names and "Mo Santos" not in names

    form = await _form(world, Action.ADMIN_CUSTOMERS, acme.id)
    assert "Acme Corp" in json.dumps(form) and "Dana Whitfield" in json.dumps(form)
    await _save(
        world,
        form,
        name="Acme Corporation",
        tier="gold",
        executive=str(world.raj.id),
        contact_email="ceo@acme.test",
    )
    async with env.db.unit_of_work() as s:
        saved = await s.get(Customer, acme.id)
    assert saved is not None
    assert (saved.name, saved.tier) == ("Acme Corporation", "gold")
    assert saved.executive_id == world.raj.id
    assert saved.external_id == acme.external_id and saved.active


async def test_a_customer_given_to_a_non_executive_is_answered_on_the_field(world: World) -> None:
    await _admin(world)
    form = await _form(world, Action.ADMIN_CUSTOMERS, world.customers[1].id)
    answer = await world.env.requests.view_submission(
        "U0ADA", submitted(form, executive=str(world.mo.id))
    )
    assert "not an executive" in answer.json()["errors"]["executive"]


async def test_an_admin_deactivates_a_team_member(world: World) -> None:
    await _admin(world)
    form = await _form(world, Action.ADMIN_PEOPLE, world.mo.id)
    assert "Mo Santos" in json.dumps(form) and "Lee Park" in json.dumps(form)
    await _save(world, form, active=[])
    async with world.env.db.unit_of_work() as s:
        mo = await s.get(Person, world.mo.id)
    assert mo is not None and not mo.active
    assert (mo.manager_id, mo.team_id) == (world.lee.id, world.cs.id)  # the rest as it was


async def test_an_admin_renames_a_team_and_gives_it_a_channel(world: World) -> None:
    await _admin(world)
    form = await _form(world, Action.ADMIN_TEAMS, world.support.id)
    await _save(world, form, name="Support & Care", channel_id=["C0CARE"])
    taken = await world.env.requests.view_submission(
        "U0ADA", submitted(await _form(world, Action.ADMIN_TEAMS, None), name="customer success")
    )
    assert "name" in taken.json()["errors"]
    async with world.env.db.unit_of_work() as s:
        teams = {t.id: t for t in await s.scalars(select(Team))}
    assert teams[world.support.id].name == "Support & Care"
    assert teams[world.support.id].channel_id == "C0CARE"
    assert len(teams) == 2


async def test_the_last_admin_cannot_make_themselves_a_member(world: World) -> None:
    ada = await _admin(world)
    form = await _form(world, Action.ADMIN_PEOPLE, ada.id)
    answer = await world.env.requests.view_submission("U0ADA", submitted(form, role="member"))
    assert "role" in answer.json()["errors"]


async def test_the_roster_is_for_admins_only(world: World) -> None:
    env = world.env
    await env.requests.block_actions("U0MO", click(Action.ADMIN_PEOPLE))
    assert not env.slack.calls_to("views.open")
    options = await env.requests.block_suggestion(
        "U0MO", Action.PICK_PERSON.value, Block.PICK.value, ""
    )
    assert options.json()["options"] == []


async def test_an_admin_sets_a_customers_timezone_and_ends_its_pause(world: World) -> None:
    from datetime import date

    await _admin(world)
    acme = world.customers[0]
    async with world.env.db.unit_of_work() as s:
        stored = await s.get(Customer, acme.id)
        assert stored is not None
        stored.paused_until = date(2027, 1, 15)
    form = await _form(world, Action.ADMIN_CUSTOMERS, acme.id)
    assert "Paused until 2027-01-15" in json.dumps(form)
    # A timezone is checked as the CSV's cell is: answered on its field, nothing stored.
    bad = await world.env.requests.view_submission(
        "U0ADA", submitted(form, timezone="Mars/Olympus", resume=["true"])
    )
    assert "unknown timezone 'Mars/Olympus'" in bad.json()["errors"]["timezone"]
    async with world.env.db.unit_of_work() as s:
        kept = await s.get(Customer, acme.id)
        assert kept is not None and kept.paused_until == date(2027, 1, 15)
    await _save(world, form, timezone="Europe/Paris", resume=["true"])
    async with world.env.db.unit_of_work() as s:
        saved = await s.get(Customer, acme.id)
        assert saved is not None
        assert (saved.timezone, saved.paused_until) == ("Europe/Paris", None)
    # Not paused any more: no box to tick.
    again = await _form(world, Action.ADMIN_CUSTOMERS, acme.id)
    assert "Paused until" not in json.dumps(again) and "Europe/Paris" in json.dumps(again)


async def test_an_admin_marks_a_key_customer_on_its_form(world: World) -> None:
    await _admin(world)
    acme = world.customers[0]
    form = await _form(world, Action.ADMIN_CUSTOMERS, acme.id)
    await _save(world, form, key=["true"])
    async with world.env.db.unit_of_work() as s:
        saved = await s.get(Customer, acme.id)
        assert saved is not None and saved.key is True
    again = await _form(world, Action.ADMIN_CUSTOMERS, acme.id)
    (box,) = [b for b in again["blocks"] if b.get("block_id") == "key"]
    assert box["element"]["initial_options"][0]["value"] == "true"
    await _save(world, again, key=[])
    async with world.env.db.unit_of_work() as s:
        saved = await s.get(Customer, acme.id)
        assert saved is not None and saved.key is False
