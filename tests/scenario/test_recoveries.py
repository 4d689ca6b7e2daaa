"""A key customer's complaint, owned by its executive sponsor (seed 003): offered in a DM at the
next morning, once; "Take ownership" puts the customer first in this week's batch, tells the
team channel and starts one recovery, however many clicks; the recovery closes when the owner
has called and the customer's next contact is not a complaint. Key customers marked in Slack."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from bot.ids import Action
from bot.regimen.types import BatchStatus, Channel, ContactKind, RecoveryStatus
from bot.services.morning import run_morning
from bot.services.roster_import import import_csv
from storage.models import BatchEntry, Customer, Recovery
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World
from tests.scenario.forms import click

MONDAY = utc(2026, 11, 23, 13, 31)  # 08:31 in New York, Dana's nudge time
TUESDAY = utc(2026, 11, 24, 13, 31)


async def _make_key(world: World, name: str) -> Customer:
    async with world.env.db.unit_of_work() as s:
        customer = await s.scalar(select(Customer).where(Customer.name == name))
        assert customer is not None
        customer.key = True
        customer.external_id = name.upper().replace(" ", "-")
        return customer


async def _import_complaint(
    world: World, tmp_path: Path, customer: str, at: str, ref: str = "CRM-1"
) -> None:
    path = tmp_path / f"{ref}.csv"
    path.write_text(
        "external_ref,customer,occurred_at,channel,kind,summary\n"
        f'{ref},{customer},{at},complaint,reactive,"Invoices wrong <!channel> & late"\n',
        encoding="utf-8",
    )
    report = await import_csv(world.env.db, world.env.team_id, "contacts", path)
    assert report.ok, [str(e) for e in report.errors]


async def _morning(world: World, now: object) -> None:
    env = world.env
    env.clock.set(now)  # type: ignore[arg-type]
    await run_morning(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()


def _offers(world: World) -> list[dict[str, object]]:
    return [
        m
        for m in world.env.slack.messages("D0DANA")
        if Action.TAKE_OWNERSHIP.value in json.dumps(m["blocks"])
    ]


def _button_value(offer: dict[str, object]) -> str:
    for block in offer["blocks"]:  # type: ignore[attr-defined]
        for el in block.get("elements", []):
            if el.get("action_id") == Action.TAKE_OWNERSHIP:
                return str(el["value"])
    raise AssertionError("no Take ownership button")


async def _recoveries(world: World) -> list[Recovery]:
    async with world.env.db.unit_of_work() as s:
        return list(await s.scalars(select(Recovery)))


async def test_an_imported_complaint_reaches_the_sponsor_the_next_morning_once(
    world: World, tmp_path: Path
) -> None:
    await _make_key(world, "Wayne Ent")
    # Monday 18:00 UTC is 13:00 in New York: past Dana's catch-up cut-off.
    await _import_complaint(world, tmp_path, "WAYNE-ENT", "2026-11-23T18:00:00Z")
    await _morning(world, utc(2026, 11, 23, 18, 30))
    assert _offers(world) == []
    await _morning(world, TUESDAY)
    (offer,) = _offers(world)
    shown = json.dumps(offer["blocks"], ensure_ascii=False)
    assert "Wayne Ent" in shown and "a key customer" in shown
    assert "Invoices wrong &lt;!channel&gt; &amp; late" in shown  # escaped
    for later in (utc(2026, 11, 24, 13, 45), utc(2026, 11, 25, 13, 31)):
        await _morning(world, later)
    assert len(_offers(world)) == 1
    (rec,) = await _recoveries(world)
    assert (rec.status, rec.executive_id) == (RecoveryStatus.OFFERED, world.dana.id)
    assert rec.offered_at == TUESDAY


async def test_a_non_key_customers_complaint_sends_no_dm(world: World, tmp_path: Path) -> None:
    async with world.env.db.unit_of_work() as s:
        globex = await s.scalar(select(Customer).where(Customer.name == "Globex"))
        assert globex is not None
        globex.external_id = "GLOBEX"
    await _import_complaint(world, tmp_path, "GLOBEX", "2026-11-22T20:00:00Z")
    await _morning(world, MONDAY)
    assert _offers(world) == []
    assert await _recoveries(world) == []


async def test_take_ownership_tops_the_batch_tells_the_team_and_starts_one_recovery(
    world: World, tmp_path: Path
) -> None:
    env = world.env
    wayne = await _make_key(world, "Wayne Ent")  # key, never called: planned by cadence
    await _import_complaint(world, tmp_path, "WAYNE-ENT", "2026-11-22T20:00:00Z")
    await _morning(world, MONDAY)
    (offer,) = _offers(world)
    value = _button_value(offer)

    env.clock.set(utc(2026, 11, 23, 15, 31))  # two hours after the offer
    for _ in range(2):  # a double click
        await env.requests.block_actions("U0DANA", click(Action.TAKE_OWNERSHIP, value))
    await env.deliver()

    (rec,) = await _recoveries(world)
    assert rec.status == RecoveryStatus.OWNED
    assert rec.owned_at == utc(2026, 11, 23, 15, 31)
    posts = [m for m in env.slack.messages("C0CS") if "owns" in m["text"]]
    assert len(posts) == 1
    assert "Dana Whitfield" in json.dumps(posts[0]["blocks"]) and "Wayne Ent" in posts[0]["text"]
    async with env.db.unit_of_work() as s:
        batch = list(
            await s.scalars(
                select(BatchEntry)
                .where(BatchEntry.executive_id == world.dana.id, BatchEntry.iso_week == "2026-W48")
                .order_by(BatchEntry.position)
            )
        )
    assert batch[0].customer_id == wayne.id and batch[0].status == BatchStatus.PLANNED
    assert [b.customer_id for b in batch].count(wayne.id) == 1 and len(batch) == 5
    notes = [m["text"] for m in env.slack.messages("D0DANA") if "complaint" in m["text"]]
    assert any("first in this week" in t for t in notes)

    # Raj is not Wayne's sponsor: refused politely, nothing changes.
    before = len(env.slack.messages("C0CS"))
    await env.requests.block_actions("U0RAJ", click(Action.TAKE_OWNERSHIP, value))
    await env.deliver()
    assert any("executive sponsor" in m["text"] for m in env.slack.messages("D0RAJ"))
    assert len(env.slack.messages("C0CS")) == before


async def _owned(world: World, tmp_path: Path) -> Customer:
    wayne = await _make_key(world, "Wayne Ent")
    await _import_complaint(world, tmp_path, "WAYNE-ENT", "2026-11-22T20:00:00Z")
    await _morning(world, MONDAY)
    (offer,) = _offers(world)
    await world.env.requests.block_actions(
        "U0DANA", click(Action.TAKE_OWNERSHIP, _button_value(offer))
    )
    return wayne


async def test_the_recovery_closes_when_called_and_the_next_contact_is_not_a_complaint(
    world: World, tmp_path: Path
) -> None:
    wayne = await _owned(world, tmp_path)
    async with world.env.db.unit_of_work() as s:
        await f.contact(s, wayne, utc(2026, 11, 23, 16), executive_id=world.dana.id)  # the call
    await _morning(world, TUESDAY)
    (rec,) = await _recoveries(world)
    assert (rec.status, rec.first_call_at) == (RecoveryStatus.OWNED, utc(2026, 11, 23, 16))
    async with world.env.db.unit_of_work() as s:
        await f.contact(
            s, wayne, utc(2026, 11, 24, 15), kind=ContactKind.REACTIVE, channel=Channel.ORDER
        )
    await _morning(world, utc(2026, 11, 25, 13, 31))
    (rec,) = await _recoveries(world)
    assert (rec.status, rec.recovered_at) == (RecoveryStatus.RECOVERED, utc(2026, 11, 24, 15))


async def test_a_new_complaint_after_the_call_is_not_a_recovery(
    world: World, tmp_path: Path
) -> None:
    wayne = await _owned(world, tmp_path)
    async with world.env.db.unit_of_work() as s:
        await f.contact(s, wayne, utc(2026, 11, 23, 16), executive_id=world.dana.id)
    await _import_complaint(world, tmp_path, "WAYNE-ENT", "2026-11-24T10:00:00Z", ref="CRM-2")
    await _morning(world, TUESDAY)
    first, second = sorted(await _recoveries(world), key=lambda r: r.id)
    assert first.status == RecoveryStatus.RELAPSED and first.recovered_at is None
    assert second.status == RecoveryStatus.OFFERED
    assert len(_offers(world)) == 2


async def test_the_sponsor_marks_a_key_customer_from_the_brief_and_others_cannot(
    world: World,
) -> None:
    env = world.env
    acme = world.customers[0]
    view = {"id": "V0BRIEF", "hash": "h1"}
    await env.requests.block_actions("U0DANA", click(Action.TOGGLE_KEY, str(acme.id)), view=view)
    (update,) = env.slack.calls_to("views.update")
    shown = json.dumps(update.params["view"])
    assert "*Key customer*" in shown and "Not a key customer" in shown
    await env.requests.block_actions("U0MO", click(Action.TOGGLE_KEY, str(acme.id)), view=view)
    await env.deliver()
    assert any("executive sponsor" in m["text"] for m in env.slack.messages("D0MO"))
    async with env.db.unit_of_work() as s:
        fresh = await s.get(Customer, acme.id)
        assert fresh is not None and fresh.key is True
    await env.requests.block_actions("U0DANA", click(Action.TOGGLE_KEY, str(acme.id)), view=view)
    async with env.db.unit_of_work() as s:
        fresh = await s.get(Customer, acme.id)
        assert fresh is not None and fresh.key is False


async def test_a_key_customer_not_in_the_batch_is_added_at_the_top(
    world: World, tmp_path: Path
) -> None:
    env = world.env
    wayne = await _make_key(world, "Wayne Ent")
    async with env.db.unit_of_work() as s:  # called last week: not due by its 4-week cadence
        await f.contact(s, wayne, utc(2026, 11, 17, 15), executive_id=world.dana.id)
    await _morning(world, MONDAY)  # the week is planned before the complaint comes in
    # 09:00 in New York, before Dana's catch-up cut-off: offered the same morning.
    await _import_complaint(world, tmp_path, "WAYNE-ENT", "2026-11-23T14:00:00Z")
    await _morning(world, utc(2026, 11, 23, 14, 30))
    (offer,) = _offers(world)
    async with env.db.unit_of_work() as s:
        planned = set(
            await s.scalars(
                select(BatchEntry.customer_id).where(BatchEntry.executive_id == world.dana.id)
            )
        )
    assert wayne.id not in planned and len(planned) == 5
    await env.requests.block_actions("U0DANA", click(Action.TAKE_OWNERSHIP, _button_value(offer)))
    async with env.db.unit_of_work() as s:
        batch = list(
            await s.scalars(
                select(BatchEntry)
                .where(BatchEntry.executive_id == world.dana.id, BatchEntry.iso_week == "2026-W48")
                .order_by(BatchEntry.position)
            )
        )
    assert batch[0].customer_id == wayne.id and len(batch) == 6
    # The week stays at five: the last customer still only planned made room for Wayne.
    assert sum(1 for b in batch if b.status.counts_toward_quota) == 5
    (swapped,) = [b for b in batch if b.status == BatchStatus.SWAPPED]
    assert swapped == batch[-1]
    assert swapped.swap_reason == "Made room for Wayne Ent's recovery call"
    (rec,) = await _recoveries(world)
    assert rec.first_call_at is None  # last week's call came before the complaint


async def test_a_complaint_logged_with_kyc_log_is_offered_the_same_morning(world: World) -> None:
    from bot.ids import Block, View
    from tests.scenario.calls import choice, text

    env = world.env
    acme = await _make_key(world, "Acme Corp")
    env.clock.set(utc(2026, 11, 23, 14, 0))  # 09:00 in New York
    await env.requests.slash_command("U0DANA", "log")
    values = {
        Block.CUSTOMER.value: {
            Action.CUSTOMER_SELECT.value: {
                "type": "external_select",
                "selected_option": {"value": str(acme.id)},
            }
        },
        Block.CHANNEL.value: choice("escalation"),
        Block.SUMMARY.value: text("Outage, third this month"),
    }
    view = {"id": "V_LOG", "callback_id": View.REACTIVE.value, "state": {"values": values}}
    assert (await env.requests.view_submission("U0DANA", view)).status == 200
    await _morning(world, utc(2026, 11, 23, 14, 1))
    (offer,) = _offers(world)
    assert "Outage, third this month" in json.dumps(offer["blocks"])
    assert "an escalation" in json.dumps(offer["blocks"])


async def test_a_customer_called_this_week_stays_done_and_the_owner_is_told_to_call_again(
    world: World, tmp_path: Path
) -> None:
    """Dana reached Acme on Monday; Acme complains on Tuesday: taking ownership does not take
    Monday's call back (the week's count stays), it tells her to call again."""
    env = world.env
    acme = await _make_key(world, "Acme Corp")
    await _morning(world, MONDAY)
    async with env.db.unit_of_work() as s:
        entry = await s.scalar(
            select(BatchEntry).where(
                BatchEntry.executive_id == world.dana.id, BatchEntry.customer_id == acme.id
            )
        )
        assert entry is not None
        entry.status = BatchStatus.DONE
    await _import_complaint(world, tmp_path, "ACME-CORP", "2026-11-24T12:00:00Z")
    await _morning(world, TUESDAY)
    (offer,) = _offers(world)
    await env.requests.block_actions("U0DANA", click(Action.TAKE_OWNERSHIP, _button_value(offer)))
    await env.deliver()
    async with env.db.unit_of_work() as s:
        batch = list(
            await s.scalars(
                select(BatchEntry)
                .where(BatchEntry.executive_id == world.dana.id, BatchEntry.iso_week == "2026-W48")
                .order_by(BatchEntry.position)
            )
        )
    assert (batch[0].customer_id, batch[0].status) == (acme.id, BatchStatus.DONE)
    assert sum(1 for b in batch if b.status == BatchStatus.DONE) == 1
    said = [m["text"] for m in env.slack.messages("D0DANA")]
    assert any("You spoke with them this week already: call them again" in t for t in said)
