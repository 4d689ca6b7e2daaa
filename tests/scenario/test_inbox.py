"""A submitted call is kept before Slack hears back and done right after: nothing is lost when
the process dies in between, fails once, or finds it no longer allowed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.services import calls, inbox
from storage.models import Contact, Customer, OutboxMessage, Submission
from tests.scenario.calls import call_values, call_view
from tests.scenario.conftest import World


async def _count(world: World, model: type) -> int:
    async with world.env.db.unit_of_work() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _dms_to(world: World, user: str) -> list[str]:
    async with world.env.db.unit_of_work() as s:
        rows = await s.scalars(select(OutboxMessage).where(OutboxMessage.channel == user))
        return [str(r.payload.get("text")) for r in rows]


async def test_a_call_kept_by_a_process_that_died_after_answering_is_done_by_the_sweep(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def died(*_: object) -> None:
        return None  # the process is gone between Slack's answer and the work

    monkeypatch.setattr(inbox, "follow", died)
    view = call_view(call_values(world.customers[0].id, summary="Export is slow"))
    answer = await world.env.requests.view_submission("U0DANA", view)
    assert answer.status == 200 and answer.text == ""  # Slack heard back: the modal closes
    assert await _count(world, Submission) == 1 and await _count(world, Contact) == 0

    assert await inbox.sweep(world.env.deps) == 0  # too fresh: its process may be on it
    world.env.clock.set(world.env.clock() + timedelta(minutes=2))
    assert await inbox.sweep(world.env.deps) == 1
    async with world.env.db.unit_of_work() as s:
        (contact,) = list(await s.scalars(select(Contact)))
    assert contact.summary == "Export is slow"
    assert contact.occurred_at == world.env.clock() - timedelta(minutes=2)  # when it came
    assert await _count(world, Submission) == 0
    assert any("Logged your call with Acme Corp" in t for t in await _dms_to(world, "U0DANA"))


async def test_a_call_submitted_twice_is_kept_and_stored_once(world: World) -> None:
    view = call_view(call_values(world.customers[0].id))
    for _ in range(2):
        assert (await world.env.requests.view_submission("U0DANA", view)).status == 200
    assert await _count(world, Contact) == 1 and await _count(world, Submission) == 0


async def test_a_failure_while_doing_it_keeps_it_for_the_next_sweep(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = calls.log_call
    failures = [RuntimeError("database went away")]

    async def flaky(*args: object, **kw: object) -> object:
        if failures:
            raise failures.pop()
        return await real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(calls, "log_call", flaky)
    view = call_view(call_values(world.customers[0].id))
    assert (await world.env.requests.view_submission("U0DANA", view)).status == 200
    async with world.env.db.unit_of_work() as s:
        (kept,) = list(await s.scalars(select(Submission)))
    assert kept.attempts == 1 and "database went away" in (kept.last_error or "")
    assert await _count(world, Contact) == 0
    world.env.clock.set(world.env.clock() + timedelta(minutes=2))
    assert await inbox.sweep(world.env.deps) == 1
    assert await _count(world, Contact) == 1 and await _count(world, Submission) == 0


async def test_a_call_refused_when_done_is_told_to_its_author(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def died(*_: object) -> None:
        return None

    monkeypatch.setattr(inbox, "follow", died)
    acme = world.customers[0]
    view = call_view(call_values(acme.id))
    assert (await world.env.requests.view_submission("U0DANA", view)).status == 200
    async with world.env.db.unit_of_work() as s:  # meanwhile Acme went to Raj
        customer = await s.get(Customer, acme.id)
        assert customer is not None
        customer.executive_id = world.raj.id
    world.env.clock.set(world.env.clock() + timedelta(minutes=2))
    assert await inbox.sweep(world.env.deps) == 1
    assert await _count(world, Contact) == 0 and await _count(world, Submission) == 0
    told = await _dms_to(world, "U0DANA")
    assert any("could not be saved" in t and "Acme Corp" in t for t in told), told


async def test_a_customer_not_on_the_list_is_answered_on_the_form_and_nothing_kept(
    world: World,
) -> None:
    raj_customer = await _first_customer_of(world, world.raj.id)
    view = call_view(call_values(raj_customer))
    answer = await world.env.requests.view_submission("U0DANA", view)
    assert answer.json()["response_action"] == "errors"
    assert "not on your customer list" in str(answer.json()["errors"])
    assert await _count(world, Submission) == 0


async def _first_customer_of(world: World, executive_id: int) -> int:
    async with world.env.db.unit_of_work() as s:
        found = await s.scalar(
            select(Customer.id).where(Customer.executive_id == executive_id).limit(1)
        )
    assert found is not None
    return int(found)
