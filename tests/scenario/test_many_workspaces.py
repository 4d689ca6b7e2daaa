"""Two companies in one database, each installed through Slack's OAuth flow: nothing crosses.

The stand-in plays Slack for both workspaces and refuses, as Slack does, any call made with one
workspace's token about the other's channels or people (channel_not_found, user_not_found), so
a message sent with the wrong token fails loudly here, besides the checks on recorded calls."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from bot.regimen.types import Role
from bot.services.export import export_rows
from bot.standin.harness import Clock, LocalSlack
from bot.standin.signed import SlackSender
from bot.tenancy.installations import fingerprint
from scheduler.jobs import housekeeping_tick, morning_tick
from storage.models import Base, Installation, OutboxMessage, Person, Workspace
from tests import factories as f
from tests.factories import utc
from tests.scenario.calls import call_values, call_view

ALPHA, BETA = "T0ALPHA", "T0BETA"


@dataclass
class Company:
    team: str
    name: str
    admin: str  # the installer's Slack id
    executive: str  # an executive's Slack id
    customers: list[str]
    requests: SlackSender
    customer_ids: list[int] = field(default_factory=list)


@pytest.fixture
async def two(sqlite_url: str) -> AsyncIterator[tuple[LocalSlack, Company, Company]]:
    clock = Clock(utc(2026, 11, 23, 13, 31))  # Monday 08:31 in New York
    async with LocalSlack(sqlite_url, team_id=ALPHA, clock=clock, oauth=True) as env:
        alpha = Company(ALPHA, "Alpha", "U0ALICE", "U0ADA", ["Acme", "Apex"], env.requests)
        beta = Company(
            BETA, "Beta", "U0BOB", "U0BEA", ["Bolt", "Brio"], env.requests.for_team(BETA)
        )
        for c in (alpha, beta):
            for uid in (c.admin, c.executive):
                env.slack.add_user(uid, name=f"{c.name} {uid}", tz="America/New_York", team=c.team)
            page = await env.install(c.team, c.name, installer=c.admin)
            assert "Thank you" in page or "installed" in page.lower()
            async with env.db.unit_of_work() as s:
                ex = await f.executive(
                    s,
                    f"{c.name} Exec",
                    workspace_id=c.team,
                    slack_user_id=c.executive,
                    timezone="America/New_York",
                )
                for name in c.customers:
                    c.customer_ids.append((await f.customer(s, ex, f"{name} Corp")).id)
        yield env, alpha, beta


async def test_each_company_installs_and_gets_its_own_morning_calls_and_home(
    two: tuple[LocalSlack, Company, Company],
) -> None:
    env, alpha, beta = two
    # The installer is the first admin, welcomed in their own workspace.
    async with env.db.unit_of_work() as s:
        admins = {
            (p.workspace_id, p.slack_user_id)
            for p in await s.scalars(select(Person).where(Person.role == Role.ADMIN))
        }
    assert admins == {(ALPHA, alpha.admin), (BETA, beta.admin)}

    await morning_tick(env.deps)
    await env.deliver()
    for c, other in ((alpha, beta), (beta, alpha)):
        dms = [m for m in env.slack.messages() if m.get("channel", "").startswith("D")]
        mine = [m for m in dms if c.customers[0] in json.dumps(m.get("blocks"))]
        assert len(mine) == 1, c.name  # one nudge, with this company's customers only
        shown = json.dumps(mine[0]["blocks"])
        assert all(f"{n} Corp" in shown for n in c.customers)
        assert not any(f"{n} Corp" in shown for n in other.customers)

        # Its executive logs a call: the modal opens and the call is stored in its workspace.
        opened = len(env.slack.calls_to("views.open"))
        await c.requests.slash_command(c.executive, f"done {c.customers[0]}")
        assert len(env.slack.calls_to("views.open")) == opened + 1
        answer = await c.requests.view_submission(
            c.executive,
            call_view(call_values(c.customer_ids[0], summary=f"Talked with {c.name}")),
        )
        assert answer.status == 200

        await c.requests.event({"type": "app_home_opened", "user": c.executive, "tab": "home"})
        home = json.dumps(env.slack.calls_to("views.publish")[-1].params["view"])
        assert f"{c.customers[0]} Corp" in home
        assert not any(f"{n} Corp" in home for n in other.customers)
    await env.deliver()

    # Every call Slack saw was made with the token of the workspace it was about (the stand-in
    # refuses another workspace's channels and people, as Slack does: none was refused).
    users = env.slack.state.users
    for call in env.slack.calls:
        assert call.ok, (call.method, call.error)
        person = str(call.params.get("channel") or call.params.get("user_id") or "")
        if person in users:
            assert call.team == users[person].team, (call.method, person, call.team)
    async with env.db.unit_of_work() as s:
        logged = dict(
            (
                await s.execute(
                    text("SELECT workspace_id, count(*) FROM contacts GROUP BY workspace_id")
                )
            ).all()
        )
    assert logged == {ALPHA: 1, BETA: 1}
    for c, other in ((alpha, beta), (beta, alpha)):
        rows = [json.dumps(r, default=str) async for r in export_rows(env.db, c.team, "contacts")]
        assert rows and all(other.name not in r for r in rows)


async def test_tokens_are_stored_encrypted_and_a_dump_holds_none_in_clear(
    two: tuple[LocalSlack, Company, Company],
) -> None:
    env, _, _ = two
    issued = [c.response["access_token"] for c in env.slack.calls_to("oauth.v2.access")]
    assert len(issued) == 2
    async with env.db.unit_of_work() as s:
        dump = ""
        for table in Base.metadata.sorted_tables:
            for row in (await s.execute(select(table))).all():
                dump += json.dumps([str(v) for v in row])
        stored = {
            r.workspace_id: r.token_fingerprint for r in await s.scalars(select(Installation))
        }
    for token in issued:
        assert token not in dump
    assert sorted(stored.values()) == sorted(fingerprint(t) for t in issued)


async def test_uninstalling_mid_morning_stops_that_workspace_and_its_data_waits_then_goes(
    two: tuple[LocalSlack, Company, Company],
) -> None:
    env, alpha, beta = two
    await morning_tick(env.deps)
    async with env.db.unit_of_work() as s:
        queued = await s.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")
        )
    assert queued and queued >= 2
    # Slack revokes the tokens, then tells the app, twice and in both orders.
    env.slack.uninstall(BETA)
    await beta.requests.tokens_revoked(bot=["U0BETABOT"])
    await beta.requests.app_uninstalled()
    await beta.requests.app_uninstalled()
    before = len(env.slack.calls)
    await env.deliver()
    after = env.slack.calls[before:]
    assert after and all(c.team == ALPHA for c in after), [(c.method, c.team) for c in after]
    async with env.db.unit_of_work() as s:
        ws = await s.get(Workspace, BETA)
        assert ws is not None and ws.uninstalled_at is not None
        assert await s.scalar(select(Installation).where(Installation.workspace_id == BETA)) is None
        left = await s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.workspace_id == BETA, OutboxMessage.status != "sent")
        )
    assert left == 0

    # Installed again within the grace period: the workspace and its roster are back.
    env.clock.set(env.clock() + timedelta(days=10))
    await env.install(BETA, "Beta", installer=beta.admin)
    async with env.db.unit_of_work() as s:
        ws = await s.get(Workspace, BETA)
        assert ws is not None and ws.uninstalled_at is None and ws.purge_after is None
        people = await s.scalar(
            select(func.count()).select_from(Person).where(Person.workspace_id == BETA)
        )
    assert people == 2

    # Uninstalled for good: after the grace period not one row of it is left.
    await beta.requests.app_uninstalled()
    env.clock.set(env.clock() + timedelta(days=31))
    await housekeeping_tick(env.deps)
    async with env.db.unit_of_work() as s:
        for table in Base.metadata.sorted_tables:
            column = table.c.get("workspace_id") if table.name != "workspaces" else table.c.id
            if column is None:
                continue
            count = await s.scalar(select(func.count()).select_from(table).where(column == BETA))
            assert count == 0, table.name
        assert await s.get(Workspace, ALPHA) is not None
