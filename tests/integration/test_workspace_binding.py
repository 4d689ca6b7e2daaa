"""The workspace comes from the bot token; a roster loaded before that is adopted, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.regimen.matchmaking import PairingStatus
from bot.regimen.types import (
    BatchStatus,
    Channel,
    ContactKind,
    ItemStatus,
    RecoveryStatus,
)
from bot.services.identity import ensure_workspace
from bot.services.workspace_binding import (
    PLACEHOLDER,
    TokenTeam,
    WorkspaceError,
    adopt_roster,
    resolve_workspace,
)
from bot.settings import Settings, load_settings
from bot.standin.harness import BOT_TOKEN
from bot.standin.server import SlackStandin
from storage.db import Database
from storage.models import (
    ActionItem,
    Base,
    BatchEntry,
    CustomerContact,
    CustomerMeeting,
    FloorCommitment,
    FloorShift,
    Holiday,
    Insight,
    Kudos,
    MatchGuest,
    MatchPairing,
    OutboxMessage,
    Person,
    Recovery,
    Submission,
    TeamCharter,
    TeamNote,
    ThemeCandidate,
    ThemeStatus,
    Workspace,
)
from tests import factories as f

REAL = TokenTeam(team_id="T_REAL", name="Northwind")


async def roster(db: Database, ws: str) -> None:
    """A row in every table that has a workspace_id."""
    async with db.unit_of_work() as s:
        team = await f.team(s, workspace_id=ws)
        boss = await f.person(s, "Sam Boss", workspace_id=ws, team_id=team.id)
        ex = await f.executive(s, "Dana Whitfield", workspace_id=ws, manager_id=boss.id)
        cust = await f.customer(s, ex, "Acme", team_id=team.id)
        call = await f.contact(s, cust, f.utc(2026, 11, 23), logged_by_id=ex.id)
        complaint = await f.contact(
            s, cust, f.utc(2026, 11, 22), kind=ContactKind.REACTIVE, channel=Channel.COMPLAINT
        )
        s.add(
            MatchPairing(  # Sam (a team that does not face customers) joins Dana at Acme
                workspace_id=ws,
                guest_id=boss.id,
                host_id=ex.id,
                customer_id=cust.id,
                customer_name="Acme",
                kind="planned_call",
                ref="batch:1",
                by=date(2026, 11, 27),
                status=PairingStatus.ACCEPTED,
                invited_on=date(2026, 11, 23),
                learned="They print every invoice",
            )
        )
        s.add_all(
            [
                BatchEntry(
                    workspace_id=ws,
                    executive_id=ex.id,
                    iso_week="2026-W48",
                    customer_id=cust.id,
                    position=1,
                    status=BatchStatus.DONE,
                    contact_id=call.id,
                ),
                ActionItem(
                    workspace_id=ws,
                    contact_id=call.id,
                    customer_id=cust.id,
                    text="Send the SSO fix",
                    owner_id=boss.id,
                    team_id=team.id,
                    status=ItemStatus.OPEN,
                ),
                Kudos(workspace_id=ws, contact_id=call.id, from_id=ex.id, to_id=boss.id, note="!"),
                CustomerContact(workspace_id=ws, customer_id=cust.id, name="Jane Roe"),
                TeamNote(
                    workspace_id=ws,
                    customer_id=cust.id,
                    iso_week="2026-W48",
                    channel_id="C0CS",
                    message_ts="1700000000.000100",
                    text="They are renewing in March",
                ),
                OutboxMessage(
                    workspace_id=ws,
                    key=f"nudge:{ws}:{ex.id}:2026-11-23",
                    method="chat.postMessage",
                    payload={"channel": "U0DANA", "text": "Good morning"},
                ),
                OutboxMessage(
                    workspace_id=ws,
                    key=f"nudge:{ws}:{ex.id}:2026-11-23:reply",
                    parent_key=f"nudge:{ws}:{ex.id}:2026-11-23",
                    method="chat.postMessage",
                    payload={"channel": "U0DANA", "text": "And one more"},
                ),
                Holiday(workspace_id=ws, day=date(2026, 12, 25), name="Christmas Day"),
                Insight(
                    workspace_id=ws,
                    customer_id=cust.id,
                    contact_id=call.id,
                    field="criticism",
                    text="Invoices arrive late",
                    theme="process",
                    team_id=team.id,
                ),
                ThemeCandidate(
                    workspace_id=ws,
                    theme="process",
                    team_id=team.id,
                    status=ThemeStatus.RAISED,
                    insight_ids=[],
                    lead_id=boss.id,
                    raised_at=f.utc(2026, 11, 23),
                ),
                Recovery(  # a key customer's complaint, owned
                    workspace_id=ws,
                    customer_id=cust.id,
                    complaint_contact_id=complaint.id,
                    executive_id=ex.id,
                    complained_at=f.utc(2026, 11, 22),
                    owned_at=f.utc(2026, 11, 23),
                    status=RecoveryStatus.OWNED,
                ),
                MatchGuest(workspace_id=ws, person_id=boss.id, snoozed_until=date(2027, 1, 4)),
                Submission(  # a call kept before Slack's answer, not done yet
                    workspace_id=ws,
                    person_id=ex.id,
                    kind="call",
                    request_key="view:V0KEPT",
                    payload={"values": {}, "today": "2026-11-23"},
                    attempts=0,
                ),
            ]
        )
        meeting = CustomerMeeting(
            workspace_id=ws,
            customer_id=cust.id,
            team_id=team.id,
            organiser_id=ex.id,
            objectives="Learn what they expect of us",
            starts_at=f.utc(2026, 12, 3, 15),
            minutes=60,
            timezone="America/New_York",
            attendee_ids=[ex.id, boss.id],
            contact_ids=[],
            request_key="view:V0MEETING",
        )
        s.add(meeting)
        await s.flush()
        s.add(
            TeamCharter(
                workspace_id=ws,
                team_id=team.id,
                revision=1,
                purpose="Healthy accounts",
                expectations=[{"expectation": "Answers within a day", "measure": "median"}],
                author_id=boss.id,
                meeting_id=meeting.id,
            )
        )
        floor = FloorCommitment(
            workspace_id=ws,
            executive_id=ex.id,
            cadence="monthly",
            place="support queue",
            host_team_id=team.id,
            started_on=date(2026, 11, 23),
        )
        s.add(floor)
        await s.flush()
        shift = FloorShift(
            workspace_id=ws,
            commitment_id=floor.id,
            executive_id=ex.id,
            period="2026-12",
            day=date(2026, 12, 3),
            status="done",
            place="support queue",
            host_team_id=team.id,
            learned="Refunds take three screens",
        )
        s.add(shift)
        await s.flush()
        s.add(  # heard on the shift: an insight with no customer
            Insight(
                workspace_id=ws,
                customer_id=None,
                floor_shift_id=shift.id,
                field="criticism",
                text="Refunds need three approvals",
                theme="process",
                team_id=team.id,
            )
        )


async def counts(db: Database, ws: str) -> dict[str, int]:
    """Rows of the workspace's data, table by table (its installation is not data: the
    placeholder's test token is dropped at adoption, the team's own registered after)."""
    out = {}
    async with db.unit_of_work() as s:
        for table in Base.metadata.sorted_tables:
            if "workspace_id" in table.c and table.name != "installations":
                where = table.c.workspace_id == ws
                out[table.name] = int(
                    await s.scalar(select(func.count()).select_from(table).where(where)) or 0
                )
    return out


async def test_a_placeholder_roster_moves_whole_to_the_tokens_team(db: Database) -> None:
    await roster(db, PLACEHOLDER)
    before = await counts(db, PLACEHOLDER)
    assert all(before.values()), before  # the fixture reaches every table

    assert await adopt_roster(db, REAL) == PLACEHOLDER

    assert await counts(db, "T_REAL") == before
    async with db.unit_of_work() as s:
        assert [(w.id, w.name) for w in await s.scalars(select(Workspace))] == [
            ("T_REAL", "Northwind")
        ]
        keys = set(await s.execute(select(OutboxMessage.key, OutboxMessage.parent_key)))
        people = {p.name: p for p in await s.scalars(select(Person))}
    assert all(k.startswith("nudge:T_REAL:") for k, _ in keys)
    assert {p for _, p in keys if p} == {k for k, p in keys if p is None}
    assert people["Dana Whitfield"].manager_id == people["Sam Boss"].id
    assert await adopt_roster(db, REAL) is None  # once


async def test_an_early_request_from_the_team_does_not_block_the_adoption(db: Database) -> None:
    await roster(db, PLACEHOLDER)
    async with db.unit_of_work() as s:
        await f.workspace(s, "T_REAL")  # what the first /kyc from the team leaves behind
    assert await adopt_roster(db, REAL) == PLACEHOLDER
    assert (await counts(db, "T_REAL"))["people"] == 2


async def test_with_several_workspaces_nothing_is_guessed(db: Database) -> None:
    await roster(db, PLACEHOLDER)
    await roster(db, "T_OTHER")
    assert await adopt_roster(db, REAL) is None
    assert (await counts(db, PLACEHOLDER))["people"] == 2
    assert (await counts(db, "T_REAL"))["people"] == 0


async def test_a_team_with_its_own_roster_adopts_nothing(db: Database) -> None:
    await roster(db, PLACEHOLDER)
    await roster(db, "T_REAL")
    assert await adopt_roster(db, REAL) is None
    assert (await counts(db, PLACEHOLDER))["people"] == 2


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandin]:
    async with SlackStandin(tokens={BOT_TOKEN}) as standin:
        yield standin


def settings(**kw: object) -> Settings:
    return load_settings(_env_file=None, **kw)


async def test_the_workspace_is_the_flag_then_the_setting_then_the_token_then_the_database(
    db: Database, slack: SlackStandin
) -> None:
    tokened = settings(slack_bot_token=BOT_TOKEN, slack_api_url=slack.base_url)
    assert await resolve_workspace(db, settings(), None) == PLACEHOLDER  # empty, no token
    await roster(db, PLACEHOLDER)
    assert await resolve_workspace(db, settings(), None) == PLACEHOLDER
    assert await resolve_workspace(db, settings(kyc_workspace="T_SET"), "T_FLAG") == "T_FLAG"
    assert await resolve_workspace(db, settings(kyc_workspace="T_SET"), None) == "T_SET"
    assert slack.calls_to("auth.test") == []
    # the stand-in's token belongs to T_TEST: it adopts the placeholder roster
    assert await resolve_workspace(db, tokened, None) == "T_TEST"
    assert (await counts(db, "T_TEST"))["people"] == 2
    await roster(db, "T_OTHER")
    with pytest.raises(WorkspaceError) as err:
        await resolve_workspace(db, settings(), None)
    assert str(err.value) == (
        "2 workspaces in the database (T_OTHER, T_TEST): pass --workspace or set KYC_WORKSPACE"
    )
    assert await resolve_workspace(db, tokened, None) == "T_TEST"


async def test_a_token_slack_refuses_is_named(db: Database, slack: SlackStandin) -> None:
    wrong = settings(slack_bot_token="xoxb-wrong", slack_api_url=slack.base_url)
    with pytest.raises(WorkspaceError, match="SLACK_BOT_TOKEN: Slack refused it"):
        await resolve_workspace(db, wrong, None)


async def test_two_first_requests_from_a_new_workspace_at_once_both_go_through(
    db: Database,
) -> None:
    # Socket Mode hands over what Slack queued in one go: two requests meet a workspace new
    # to the database together, each looking before the other has added it.
    both_looked = asyncio.Barrier(2)

    async def first_request() -> None:
        async with db.unit_of_work() as s:
            look = s.get

            async def look_then_meet(*args: Any, **kwargs: Any) -> Any:
                found = await look(*args, **kwargs)
                await both_looked.wait()
                return found

            s.get = look_then_meet  # type: ignore[method-assign]
            await ensure_workspace(s, "T_NEW")

    await asyncio.gather(first_request(), first_request())
    async with db.unit_of_work() as s:
        assert await s.scalar(select(func.count()).where(Workspace.id == "T_NEW")) == 1
