"""`kyc person erase`: nothing of the person is left anywhere, nothing more is sent them, and
the figures still count their calls. Both engines."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.regimen.types import BatchStatus, ContactKind, ItemStatus, Sentiment
from bot.services.erasure import ERASED, Redactor, UnknownPerson, erase_person
from bot.services.report import build_report
from bot.settings import load_settings
from storage.db import Database
from storage.models import (
    ActionItem,
    Base,
    BatchEntry,
    Installation,
    Kudos,
    OutboxMessage,
    OutboxStatus,
    Person,
)
from tests import factories as f
from tests.factories import utc

SETTINGS = load_settings(_env_file=None)
NOW = utc(2026, 11, 25, 15)  # Wednesday of 2026-W48
NAME, EMAIL, SLACK = "Ava Lindqvist", "ava.lindqvist@northwind.test", "U0AVA1234"
DM = "D0AVA1234"


def _msg(key: str, channel: str | None, payload: dict[str, Any], **kw: Any) -> OutboxMessage:
    sent = kw.get("status") == OutboxStatus.SENT
    return OutboxMessage(
        workspace_id=f.WS,
        key=key,
        method=kw.pop("method", "chat.postMessage"),
        payload=payload,
        channel=channel,
        sent_at=NOW - timedelta(days=1) if sent else None,
        **kw,
    )


async def _workspace_with_ava(db: Database) -> dict[str, int]:
    """Ava is an executive, a manager, gives and gets kudos, owns items, is named in
    summaries, and has DMs sent and owed."""
    async with db.unit_of_work() as s:
        ava = await f.executive(s, NAME, email=EMAIL, slack_user_id=SLACK, phone="+1 555 0100")
        dana = await f.executive(s, "Dana Whitfield", slack_user_id="U0DANA001")
        mo = await f.person(s, "Mo Santos", manager_id=ava.id)
        theirs = [
            await f.customer(s, ava, f"Acme {i}", notes=f"Ask {NAME} first") for i in range(3)
        ]
        danas = await f.customer(s, dana, "Globex")
        c1 = await f.contact(
            s,
            theirs[0],
            NOW - timedelta(days=2),
            summary=f"{NAME} promised the roadmap; write to {EMAIL.upper()}",
            criticism=f"<@{SLACK}> was late",
        )
        await f.contact(s, theirs[1], NOW - timedelta(days=5), sentiment=Sentiment.PROMOTER)
        await f.contact(
            s, theirs[2], NOW - timedelta(days=3), kind=ContactKind.REACTIVE, summary="ticket"
        )
        c4 = await f.contact(
            s, danas, NOW - timedelta(days=1), details_to_remember=f"friend of {NAME.lower()}"
        )
        s.add_all(
            [
                Kudos(
                    workspace_id=f.WS,
                    contact_id=c1.id,
                    from_id=ava.id,
                    to_id=dana.id,
                    note=f"Thanks from {NAME}",
                ),
                Kudos(
                    workspace_id=f.WS,
                    contact_id=c4.id,
                    from_id=dana.id,
                    to_id=ava.id,
                    note=f"Great save, <@{SLACK}|ava>!",
                ),
            ]
        )
        open_item = ActionItem(
            workspace_id=f.WS,
            contact_id=c1.id,
            customer_id=theirs[0].id,
            text=f"{NAME} sends the deck",
            owner_id=ava.id,
            status=ItemStatus.OPEN,
            channel_id=DM,
        )
        done_item = ActionItem(
            workspace_id=f.WS,
            contact_id=c1.id,
            customer_id=theirs[0].id,
            text="call back",
            owner_id=ava.id,
            status=ItemStatus.DONE,
            done_at=NOW,
            done_by_id=ava.id,
        )
        s.add_all([open_item, done_item])
        for week, pos, status, reason in (
            ("2026-W47", 1, BatchStatus.CARRIED_OVER, None),
            ("2026-W48", 1, BatchStatus.DONE, None),
            ("2026-W48", 2, BatchStatus.SWAPPED, f"{NAME} is on holiday"),
            ("2026-W49", 1, BatchStatus.PLANNED, None),
        ):
            s.add(
                BatchEntry(
                    workspace_id=f.WS,
                    executive_id=ava.id,
                    iso_week=week,
                    customer_id=theirs[pos].id,
                    position=pos,
                    status=status,
                    swap_reason=reason,
                )
            )
        await s.execute(  # she installed KYC (an OAuth install's row)
            update(Installation)
            .where(Installation.workspace_id == f.WS)
            .values(installer_user_id=SLACK, bot_token="gAAAAAB-encrypted")
        )
        s.add_all(
            [
                # sent to her, a reply owed under it, a nudge and an edit owed to her DM
                _msg(
                    "nudge:1",
                    SLACK,
                    {"channel": SLACK, "text": f"Good morning {NAME}"},
                    status=OutboxStatus.SENT,
                    result_channel=DM,
                    result_ts="1.1",
                ),
                _msg("nudge:1:reply", None, {"text": "your five"}, parent_key="nudge:1"),
                _msg("nudge:2", SLACK, {"channel": SLACK, "text": "Good morning"}),
                _msg(
                    "item:1:done-update",
                    DM,
                    {"channel": DM, "text": "done"},
                    method="chat.update",
                    status=OutboxStatus.FAILED,
                ),
                _msg(
                    "tell:x",
                    "C0TEAM",
                    {"channel": "C0TEAM", "user": SLACK, "text": "psst"},
                    method="chat.postEphemeral",
                ),
                # to others, naming her
                _msg(
                    f"tell:{f.WS}:{SLACK}:abc",
                    "C0TEAM",
                    {
                        "channel": "C0TEAM",
                        "blocks": [
                            {
                                "type": "section",
                                "text": {"type": "mrkdwn", "text": f"<@{SLACK}> logged a call"},
                            }
                        ],
                    },
                    status=OutboxStatus.SENT,
                    result_channel="C0TEAM",
                    result_ts="2.2",
                ),
                _msg(
                    "kudos:dana",
                    "U0DANA001",
                    {"channel": "U0DANA001", "text": f"Kudos from {NAME} ({EMAIL})"},
                ),
            ]
        )
        await s.flush()
        return {
            "ava": ava.id,
            "dana": dana.id,
            "mo": mo.id,
            "open": open_item.id,
            "done": done_item.id,
        }


async def _everything(db: Database) -> list[tuple[str, str, str]]:
    """Every text and JSON cell of every table: (table, column, text)."""
    out = []
    async with db.unit_of_work() as s:
        for table in Base.metadata.sorted_tables:
            for row in (await s.execute(select(table))).mappings():
                for column, value in row.items():
                    if isinstance(value, str):
                        out.append((table.name, column, value))
                    elif isinstance(value, dict | list):
                        out.append((table.name, column, json.dumps(value, ensure_ascii=False)))
    return out


async def _totals(db: Database) -> tuple[int, int, float | None]:
    report = await build_report(db, SETTINGS, f.WS, now=NOW)
    return report.proactive, report.reactive, report.proactive_share


async def test_nothing_of_an_erased_person_is_left_and_the_figures_still_count_her(
    db: Database,
) -> None:
    ids = await _workspace_with_ava(db)
    before = await _totals(db)
    assert before == (3, 1, 0.75)
    found = [c for c in await _everything(db) if NAME.lower() in c[2].lower()]
    assert len(found) > 5  # the scan below does see her where she is

    report = await erase_person(db, f.WS, EMAIL.upper(), now=NOW)

    for table, column, text in await _everything(db):
        for trace in (NAME, EMAIL, SLACK):
            assert trace.lower() not in text.lower(), f"{trace} left in {table}.{column}: {text}"
    assert await _totals(db) == before
    async with db.unit_of_work() as s:
        ava = await s.get(Person, ids["ava"])
        assert ava is not None and ava.name == f"Erased person #{ids['ava']}"
        assert not ava.active and ava.erased_at == NOW
        assert (ava.slack_user_id, ava.phone, ava.title, ava.timezone) == (None,) * 4
        mo = await s.get(Person, ids["mo"])
        assert mo is not None and mo.manager_id is None
        items = {i.id: i for i in await s.scalars(select(ActionItem))}
        assert items[ids["open"]].owner_id is None  # the team still sees it
        assert items[ids["done"]].owner_id == ids["ava"]
        weeks = sorted((b.iso_week, b.status) for b in await s.scalars(select(BatchEntry)))
        assert weeks == [("2026-W47", BatchStatus.CARRIED_OVER), ("2026-W48", BatchStatus.DONE)]
        kept = {m.key: m for m in await s.scalars(select(OutboxMessage))}
        assert sorted(kept) == sorted([f"tell:{f.WS}:{ERASED}:abc", "kudos:dana", "nudge:1"])
        assert kept["nudge:1"].payload == {"purged": True}  # sent to her: no contents kept
        assert kept["kudos:dana"].payload["text"] == f"Kudos from {ERASED} ({ERASED})"
        block = kept[f"tell:{f.WS}:{ERASED}:abc"].payload["blocks"][0]["text"]["text"]
        assert block == f"{ERASED} logged a call"
        install = await s.scalar(select(Installation))
        assert install is not None and install.bot_token == "gAAAAAB-encrypted"
    assert report.messages_deleted == 4 and report.messages_emptied == 1
    assert report.items_unassigned == 1 and report.reports_released == 1
    assert report.batch_entries_cleared == 2 and report.customers_left == 3

    again = await erase_person(db, f.WS, EMAIL, now=NOW + timedelta(days=1))
    assert again.already and again.person_id == ids["ava"]


async def test_an_unknown_email_erases_nothing(db: Database) -> None:
    await _workspace_with_ava(db)
    with pytest.raises(UnknownPerson, match=r"nobody@northwind\.test"):
        await erase_person(db, f.WS, "nobody@northwind.test", now=NOW)
    assert any(NAME in text for _t, _c, text in await _everything(db))


async def test_a_shift_an_erased_lead_was_to_host_asks_the_team_channel_instead(
    db: Database,
) -> None:
    """Not "[erased]" as where to post: the proposal and reminders go to the host team's
    channel, where anyone of the team may confirm; a shift already done keeps its record."""
    from datetime import date

    from storage.models import FloorCommitment, FloorShift

    await _workspace_with_ava(db)
    async with db.unit_of_work() as s:
        support = await f.team(s, "Support", channel_id="C0SUPPORT")
        dana = await s.scalar(select(Person).where(Person.name == "Dana Whitfield"))
        assert dana is not None
        held = FloorCommitment(
            workspace_id=f.WS,
            executive_id=dana.id,
            cadence="monthly",
            place="support queue",
            host_team_id=support.id,
            started_on=date(2026, 11, 2),
        )
        s.add(held)
        await s.flush()
        for period, day, status in (("2026-11", 3, "done"), ("2026-12", 8, "proposed")):
            s.add(
                FloorShift(
                    workspace_id=f.WS,
                    commitment_id=held.id,
                    executive_id=dana.id,
                    period=period,
                    day=date(2026, int(period[-2:]), day),
                    status=status,
                    place="support queue",
                    host_team_id=support.id,
                    host_user_id=SLACK,
                )
            )
    await erase_person(db, f.WS, EMAIL, now=NOW)
    async with db.unit_of_work() as s:
        shifts = {
            sh.status: (sh.host_user_id, sh.host_channel)
            for sh in await s.scalars(select(FloorShift))
        }
    assert shifts["proposed"] == (None, "C0SUPPORT")
    assert shifts["done"] == (ERASED, None)  # history: rewritten like every other cell


def test_the_redactor_takes_out_whole_names_mentions_and_addresses_only() -> None:
    scrub = Redactor("Ann Lee", "ann@x.test", "U0ANN0001")
    assert scrub("ANN LEE met Ann Leeds") == f"{ERASED} met Ann Leeds"
    assert (
        scrub("<@U0ANN0001|ann> and <@U0ANN0001>, U0ANN0001") == f"{ERASED} and {ERASED}, {ERASED}"
    )
    assert scrub("mail Ann@X.test now") == f"mail {ERASED} now"
    assert Redactor("Tom & Jo", None, None)("hi Tom &amp; Jo") == f"hi {ERASED}"
    assert Redactor("Al", None, None)("Al and Alice") == "Al and Alice"  # too short to be sure
