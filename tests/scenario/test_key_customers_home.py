"""Key customers with no formal meeting in 12 months, per team: on App Home for the team's
members (and every team's for admins), capped with "and N more"; in `kyc report`; and the
key customers' complaint figures on App Home and `/kyc stats`."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.regimen.types import Channel, ContactKind, RecoveryStatus
from bot.services.report import build_report
from storage.models import Customer, Recovery
from tests import factories as f
from tests.factories import utc
from tests.scenario.conftest import World
from tests.scenario.forms import admin

NOW = utc(2026, 11, 23, 13, 31)


async def _home(world: World, user: str) -> str:
    await world.env.requests.event({"type": "app_home_opened", "user": user, "tab": "home"})
    published = world.env.slack.calls_to("views.publish")[-1]
    return json.dumps(published.params["view"], ensure_ascii=False)


async def _setup(world: World) -> None:
    async with world.env.db.unit_of_work() as s:
        cs = list(await s.scalars(select(Customer).where(Customer.team_id == world.cs.id)))
        for c in cs:  # all seven of Dana's, on Customer Success
            c.key = True
        by_name = {c.name: c for c in cs}
        # Met formally 100 days ago: not due. Met 400 days ago: due. A call is not a meeting.
        await f.contact(s, by_name["Acme Corp"], NOW - timedelta(days=100), channel=Channel.MEETING)
        await f.contact(s, by_name["Globex"], NOW - timedelta(days=400), channel=Channel.MEETING)
        await f.contact(s, by_name["Hooli"], NOW - timedelta(days=10), channel=Channel.CALL)
        raj_first = await s.scalar(select(Customer).where(Customer.name == "Raj Customer 0"))
        assert raj_first is not None
        raj_first.key = True  # Support's


async def test_team_members_see_their_teams_key_customers_due_a_meeting(world: World) -> None:
    await _setup(world)
    shown = await _home(world, "U0MO")  # Mo is on Customer Success
    assert "6 key customers with no formal meeting in the last 12 months" in shown
    # Never met first (a call is not a meeting), then longest since; five listed.
    assert "Hooli" in shown and "never met formally" in shown and "Acme Corp" not in shown
    assert "Globex" not in shown and "and 1 more" in shown
    assert "Raj Customer 0" not in shown  # Support's
    # Coverage: of Customer Success's 7 key customers only Acme was met in 12 months.
    assert "Key customers met formally in 12 months: Customer Success 1/7 (14%)*" in shown
    await admin(world)
    everyone = await _home(world, "U0ADA")
    assert "7 key customers with no formal meeting" in everyone
    assert "Customer Success 1/7 (14%) · Support 0/1 (0%)" in everyone


async def test_the_report_lists_them_and_the_complaint_figures(world: World) -> None:
    await _setup(world)
    env = world.env
    async with env.db.unit_of_work() as s:
        acme = await s.scalar(select(Customer).where(Customer.name == "Acme Corp"))
        assert acme is not None
        for hours, owned, first, recovered, status in (
            (0, 2, 10, 50, RecoveryStatus.RECOVERED),
            (0, 4, 30, 100, RecoveryStatus.RECOVERED),
            (0, 12, None, None, RecoveryStatus.OWNED),
        ):
            t0 = NOW - timedelta(days=20, hours=hours)
            complaint = await f.contact(
                s, acme, t0, kind=ContactKind.REACTIVE, channel=Channel.COMPLAINT
            )
            s.add(
                Recovery(
                    workspace_id=env.team_id,
                    customer_id=acme.id,
                    complaint_contact_id=complaint.id,
                    executive_id=world.dana.id,
                    complained_at=t0,
                    offered_at=t0,
                    owned_at=t0 + timedelta(hours=owned),
                    first_call_at=t0 + timedelta(hours=first) if first else None,
                    recovered_at=t0 + timedelta(hours=recovered) if recovered else None,
                    status=status,
                )
            )
    report = await build_report(env.db, env.settings, env.team_id, now=NOW)
    assert [k.name for k in report.key_without_meeting][:2] == ["Hooli", "Initech"]
    assert len(report.key_without_meeting) == 7  # 6 of Customer Success, 1 of Support
    assert [(c.team, c.key, c.met) for c in report.key_coverage] == [
        ("Customer Success", 7, 1),
        ("Support", 1, 0),
    ]
    owned = report.recoveries
    assert owned is not None
    assert (owned.to_ownership_hours, owned.to_first_call_hours, owned.to_recovery_hours) == (
        4.0,
        20.0,
        75.0,
    )
    assert (owned.open, owned.recovered) == (1, 2)
    support = await build_report(env.db, env.settings, env.team_id, now=NOW, team="Support")
    assert [k.name for k in support.key_without_meeting] == ["Raj Customer 0"]
    assert support.recoveries is not None and support.recoveries.empty

    shown = await _home(world, "U0DANA")
    assert "Complaint to ownership: *4 h* (median)" in shown
    assert "Complaint to recovery: *3.1 days* (median)" in shown
    answer = await env.requests.slash_command("U0DANA", "stats")
    assert "Complaint to first call: *20 h*" in json.dumps(answer.json())
