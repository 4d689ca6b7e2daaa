"""Meeting figures from the database on a fixed data set, against hand-computed values (both
engines): the report, the digest and the HTML page carry them."""

from __future__ import annotations

from datetime import date

from bot.regimen.meetings import MeetingKind as K
from bot.regimen.types import ContactKind, ItemStatus
from bot.services.meeting_figures import quarter_figures
from bot.services.report import build_report
from bot.settings import load_settings
from bot.views.digest import build_digest_messages, build_html
from storage.db import Database
from storage.models import ActionItem, CustomerMeeting, TeamCharter
from tests import factories as f
from tests.factories import utc

SETTINGS = load_settings(_env_file=None)
NOW = utc(2026, 11, 25, 15)


def _charter(team_id: int, revision: int, lines: list[str], meeting_id: int | None, at: date):
    return TeamCharter(  # type: ignore[no-untyped-def]
        workspace_id=f.WS,
        team_id=team_id,
        revision=revision,
        purpose="Healthy accounts",
        expectations=[{"expectation": e, "measure": ""} for e in lines],
        meeting_id=meeting_id,
        created_at=utc(at.year, at.month, at.day),
    )


async def test_meeting_figures_on_a_fixed_data_set(db: Database) -> None:
    async with db.unit_of_work() as s:
        cs = await f.team(s, "Customer Success")
        sup = await f.team(s, "Support")
        dana = await f.executive(s, "Dana", team_id=cs.id)
        acme = await f.customer(s, dana, "Acme", team_id=cs.id)
        contact = await f.contact(s, acme, utc(2026, 10, 5), kind=ContactKind.PROACTIVE)

        def meeting(team_id: int, day: date, kind: K | None, n: int) -> CustomerMeeting:
            return CustomerMeeting(
                workspace_id=f.WS,
                customer_id=acme.id,
                team_id=team_id,
                organiser_id=dana.id,
                objectives="Hear them",
                starts_at=utc(day.year, day.month, day.day, 15),
                minutes=60,
                timezone="America/New_York",
                attendee_ids=[dana.id],
                contact_ids=[],
                kind=kind.value if kind else None,
                request_key=f"view:V{n}",
            )

        held = [
            meeting(cs.id, date(2026, 10, 5), K.FOUR_F, 1),
            meeting(cs.id, date(2026, 11, 2), K.ADVERTISEMENT, 2),
            meeting(cs.id, date(2026, 11, 20), None, 3),  # not recorded
            meeting(cs.id, date(2026, 9, 30), K.WAR, 4),  # last quarter
            meeting(cs.id, date(2026, 12, 10), None, 5),  # ahead: not held yet
            meeting(sup.id, date(2026, 11, 3), K.LOVE_IN, 6),
        ]
        s.add_all(held)
        await s.flush()
        items = [
            ActionItem(
                workspace_id=f.WS,
                contact_id=contact.id,
                customer_id=acme.id,
                text=f"Simplify or eliminate: report {n}",
                status=done,
                created_at=utc(2026, 10, 5),
            )
            for n, done in enumerate((ItemStatus.DONE, ItemStatus.OPEN, ItemStatus.DONE))
        ]
        s.add_all(items)
        await s.flush()
        held[0].simplify_item_ids = [items[0].id, items[1].id]
        held[1].simplify_item_ids = [items[2].id]
        s.add_all(
            [
                _charter(
                    cs.id, 1, ["Answers within a day", "Invoices right"], None, date(2026, 9, 1)
                ),
                # the 4F meeting: one line reworded, one added
                _charter(
                    cs.id,
                    2,
                    ["Answer us the same day", "Invoices right", "One person stays with us"],
                    held[0].id,
                    date(2026, 10, 6),
                ),
                # an edit of the team's own: not the customers'
                _charter(cs.id, 3, ["Answer us the same day"], None, date(2026, 10, 20)),
                # the advertisement: one line added
                _charter(
                    cs.id,
                    4,
                    ["Answer us the same day", "Fewer reports"],
                    held[1].id,
                    date(2026, 11, 3),
                ),
            ]
        )
    async with db.unit_of_work() as s:
        cs_figs, sup_figs = await quarter_figures(s, f.WS, now=NOW)
    assert (cs_figs.team, cs_figs.quarter, cs_figs.held) == ("Customer Success", "2026-Q4", 3)
    assert cs_figs.kinds == {K.ADVERTISEMENT: 1, K.FOUR_F: 1}
    assert cs_figs.four_f_share == 0.5
    assert (cs_figs.lines_added, cs_figs.lines_changed) == (2, 1)
    assert (cs_figs.simplify_raised, cs_figs.simplify_done) == (3, 2)
    assert sup_figs.kinds == {K.LOVE_IN: 1} and sup_figs.four_f_share == 0.0

    report = await build_report(db, SETTINGS, f.WS, now=NOW)
    assert report.meetings == (cs_figs, sup_figs)
    digest = str(build_digest_messages(report)[0]["blocks"])
    assert "*Customer Success*: 4F 1 of 2 recorded meeting(s) (50%)" in digest
    assert "added 2, changed 1 · simplify or eliminate: 2/3 done" in digest
    page = build_html(report, b"")
    assert "<h2>Customer meetings, 2026-Q4</h2>" in page
    team = await build_report(db, SETTINGS, f.WS, now=NOW, team="Support")
    assert [m.team for m in team.meetings] == ["Support"]


def test_kyc_report_prints_each_team_s_meetings(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import asyncio
    from datetime import UTC, datetime

    from sqlalchemy import select

    from storage.models import Customer, Person, Team
    from tests.integration.test_cli import EXAMPLES, kyc

    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'kyc.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("KYC_WORKSPACE", "T0NORTHWIND")
    monkeypatch.setenv("COLUMNS", "300")
    for kind in ("teams", "people", "customers"):
        assert kyc("import", kind, str(EXAMPLES / f"{kind}.csv"))[0] == 0

    async def add_meeting() -> None:
        db = Database(url)
        try:
            async with db.unit_of_work() as s:
                team = await s.scalar(select(Team).order_by(Team.id).limit(1))
                customer = await s.scalar(select(Customer).order_by(Customer.id).limit(1))
                person = await s.scalar(select(Person).order_by(Person.id).limit(1))
                assert team and customer and person
                s.add(
                    CustomerMeeting(
                        workspace_id=team.workspace_id,
                        customer_id=customer.id,
                        team_id=team.id,
                        organiser_id=person.id,
                        objectives="Hear them",
                        starts_at=datetime.now(UTC).replace(microsecond=0),
                        minutes=60,
                        timezone="UTC",
                        attendee_ids=[person.id],
                        contact_ids=[],
                        kind="four_f",
                        request_key="view:V1",
                    )
                )
                return None
        finally:
            await db.dispose()

    asyncio.run(add_meeting())
    code, out = kyc("report")
    assert code == 0
    assert "4F 1 of 1 recorded meeting(s) (100%)" in out
    assert "War 0 Advertisement 0 Love-In 0 4F meeting 1" in out
