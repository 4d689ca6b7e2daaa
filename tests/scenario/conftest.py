"""Scenario fixtures: the real app on loopback, the Slack stand-in, a controlled clock."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.standin.harness import Clock, LocalSlack
from bot.standin.server import SlackStandin
from bot.standin.signed import Answer, SlackSender
from storage.models import Customer, Person, Team
from tests import blockkit_oracle as oracle
from tests import factories as f
from tests.factories import utc


@pytest.fixture(autouse=True)
def slack_takes_every_payload(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """After each scenario, every Block Kit payload the app sent (each Web API call any stand-in
    recorded, refused ones included) and answered on Slack's own requests (a slash command's
    message, a modal's response_action view, a picker's options) is checked with the
    independent oracle, not with the app's validator that the stand-in shares."""
    standins: list[SlackStandin] = []
    answers: list[tuple[str, Any]] = []
    start = SlackStandin.start
    post_raw = SlackSender.post_raw

    async def recording_start(self: SlackStandin, *args: Any, **kw: Any) -> str:
        standins.append(self)
        return await start(self, *args, **kw)

    async def recording_post_raw(self: SlackSender, body: str, *args: Any, **kw: Any) -> Answer:
        answer = await post_raw(self, body, *args, **kw)
        with contextlib.suppress(ValueError):  # not JSON: nothing to check
            answers.append((body[:60], answer.json()))
        return answer

    monkeypatch.setattr(SlackStandin, "start", recording_start)
    monkeypatch.setattr(SlackSender, "post_raw", recording_post_raw)
    yield
    checked: list[tuple[str, list[str]]] = []
    for slack in standins:
        for n, call in enumerate(slack.calls):
            checked.append(
                (f"call {n} {call.method}", oracle.call_problems(call.method, call.params))
            )
    for body, answer in answers:
        if isinstance(answer, dict) and ("options" in answer or "option_groups" in answer):
            checked.append((f"answer to {body}", oracle.options_problems(answer)))
        else:
            checked.append((f"answer to {body}", oracle.answer_problems(answer)))
    oracle.assert_slack_would_take(checked)


@dataclass
class World:
    env: LocalSlack
    dana: Person  # executive, New York
    raj: Person  # executive, Kolkata
    mo: Person  # account manager on Customer Success, manager: lee
    lee: Person  # CS lead
    cs: Team
    support: Team
    customers: list[Customer]


@pytest.fixture
async def world(sqlite_url: str) -> AsyncIterator[World]:
    clock = Clock(utc(2026, 11, 23, 13, 31))  # Monday 08:31 in New York
    async with LocalSlack(sqlite_url, team_id=f.WS, clock=clock, kyc_company="Northwind") as env:
        async with env.db.unit_of_work() as s:
            cs = await f.team(s, "Customer Success", channel_id="C0CS", channel_name="#cs")
            support = await f.team(s, "Support", channel_id="C0SUP", channel_name="#support")
            dana = await f.executive(
                s,
                "Dana Whitfield",
                slack_user_id="U0DANA",
                timezone="America/New_York",
                email="dana@northwind.test",
            )
            raj = await f.executive(
                s,
                "Raj Mehta",
                slack_user_id="U0RAJ",
                timezone="Asia/Kolkata",
                email="raj@northwind.test",
            )
            lee = await f.person(s, "Lee Park", slack_user_id="U0LEE", team_id=cs.id)
            mo = await f.person(
                s, "Mo Santos", slack_user_id="U0MO", team_id=cs.id, manager_id=lee.id
            )
            customers = [
                await f.customer(s, dana, name, team_id=cs.id)
                for name in (
                    "Acme Corp",
                    "Globex",
                    "Initech",
                    "Umbrella",
                    "Hooli",
                    "Stark Ind",
                    "Wayne Ent",
                )
            ]
            for i in range(6):
                await f.customer(s, raj, f"Raj Customer {i}", team_id=support.id)
        for p in (dana, raj, lee, mo):
            env.slack.add_user(
                p.slack_user_id or "",
                name=p.name,
                email=p.email,
                tz=p.timezone or "America/New_York",
            )
        env.slack.add_channel("C0CS", "cs")
        env.slack.add_channel("C0SUP", "support", is_member=False)
        yield World(env, dana, raj, mo, lee, cs, support, customers)
