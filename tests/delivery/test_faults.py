"""Delivery through a faulty Slack (429, 500, timeouts, lost answers), still exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.regimen.types import Role
from bot.services.morning import run_morning
from bot.standin.harness import BOT_TOKEN, Clock, LocalSlack
from bot.standin.state import FaultPlan
from scheduler.sender import Sender, sender_client
from storage.models import ActionItem, OutboxMessage, OutboxStatus
from tests import factories as f
from tests.factories import utc
from tests.scenario.calls import call_values, call_view

EXECS = 200
CALLS = 50


async def test_a_faulty_slack_still_gets_every_message_exactly_once_in_thread_order(
    sqlite_url: str,
) -> None:
    clock = Clock(utc(2026, 11, 23, 13, 31))
    async with LocalSlack(sqlite_url, team_id=f.WS, clock=clock) as env:
        async with env.db.unit_of_work() as s:
            team = await f.team(s, "Customer Success", channel_id="C0CS")
            lead = await f.person(s, "Lee", slack_user_id="U0LEAD", team_id=team.id)
            mate = await f.person(
                s, "Mo", slack_user_id="U0MATE", team_id=team.id, manager_id=lead.id
            )
            execs = []
            for i in range(EXECS):
                ex = await f.executive(
                    s, f"Exec {i:03d}", slack_user_id=f"U{i:07d}X", role=Role.EXECUTIVE
                )
                execs.append(
                    (ex, [await f.customer(s, ex, f"C{i}-{j}", team_id=team.id) for j in range(5)])
                )
        env.slack.add_channel("C0CS", "cs")
        for p in (lead, mate, *[e for e, _ in execs]):
            env.slack.add_user(p.slack_user_id or "", name=p.name)

        await run_morning(env.db, env.settings, env.team_id, now=clock())
        for i, (ex, customers) in enumerate(execs[:CALLS]):
            values = call_values(
                customers[0].id,
                items=[(f"First thing {i}", "U0MATE", None), (f"Second thing {i}", "U0LEAD", None)],
                kudos=[("U0MATE", f"Thanks {i}")],
            )
            answer = await env.requests.view_submission(
                ex.slack_user_id or "", call_view(values, f"V{i}")
            )
            assert answer.status == 200 and answer.text == ""

        env.slack.faults = FaultPlan(
            rate=0.2, lost_reply_rate=0.05, seed=11, retry_after=0, timeout_delay=0.5
        )
        sender = Sender(
            env.db,
            sender_client(BOT_TOKEN, env.slack.base_url, timeout=0.25),
            clock=clock,
            retry_base=1.0,
            concurrency=8,
            channel_interval=0,
        )
        for _ in range(200):
            try:
                await sender.drain()
            except BaseException:
                await sender.close()
                raise
            async with env.db.unit_of_work() as s:
                pending = list(
                    await s.scalars(
                        select(OutboxMessage.id).where(OutboxMessage.status != OutboxStatus.SENT)
                    )
                )
            if not pending:
                break
            clock.set(clock() + timedelta(seconds=30))  # let backed-off retries come due
        await sender.close()
        assert pending == []

        async with env.db.unit_of_work() as s:
            keys = list(await s.scalars(select(OutboxMessage.key)))
            items = list(await s.scalars(select(ActionItem).order_by(ActionItem.id)))
        posted = Counter(
            m["metadata"]["event_payload"]["key"] for m in env.slack.messages() if m.get("metadata")
        )
        assert sum(1 for k in keys if k.startswith("nudge:")) == EXECS
        posts = [k for k in keys if not k.endswith("-update")]
        assert {k: posted[k] for k in posts} == {k: 1 for k in posts}  # exactly once each
        faults = [
            c for c in env.slack.calls if c.error in ("ratelimited", "server_error", "timeout")
        ]
        assert len(faults) > 50  # the faults really happened
        checks = env.slack.calls_to("conversations.history") + env.slack.calls_to(
            "conversations.replies"
        )
        assert checks  # answers were lost, and the sender looked before posting again

        # In order within each thread: item replies appear in the order the items were logged.
        by_ts = {m["ts"]: m for m in env.slack.messages("C0CS")}
        for contact_items in _group(items):
            stamps = [i.message_ts for i in contact_items]
            assert all(ts in by_ts for ts in stamps)
            assert stamps == sorted(stamps, key=float)


def _group(items: list[ActionItem]) -> list[list[ActionItem]]:
    groups: dict[int, list[ActionItem]] = {}
    for item in items:
        groups.setdefault(item.contact_id, []).append(item)
    return list(groups.values())
