"""A customer's history read from a real database, on both engines: newest first, paged, with
each touchpoint's items, and the open items on the first page."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.regimen.types import Channel, ContactKind, ItemStatus, Outcome
from bot.services.history import PAGE_SIZE, _page
from storage.db import Database
from storage.models import ActionItem
from tests import factories as f
from tests.factories import utc

START = utc(2026, 6, 1, 15)


async def test_pages_are_newest_first_and_carry_items(db: Database) -> None:
    async with db.unit_of_work() as s:
        dana = await f.executive(s, "Dana")
        pat = await f.person(s, "Pat")
        acme = await f.customer(s, dana, "Acme")
        other = await f.customer(s, dana, "Other")
        await f.contact(s, other, START)  # another customer's: never shown
        for i in range(PAGE_SIZE * 2 + 3):
            c = await f.contact(
                s,
                acme,
                START + timedelta(days=i),
                channel=Channel.VISIT if i % 2 else Channel.CALL,
                outcome=Outcome.DECLINED if i == 0 else Outcome.REACHED,
                summary=f"touch {i}",
                executive_id=dana.id,
                logged_by_id=pat.id if i == 22 else dana.id,
            )
        await f.contact(s, acme, START + timedelta(days=30), kind=ContactKind.REACTIVE)
        s.add_all(
            [
                ActionItem(
                    workspace_id=acme.workspace_id,
                    customer_id=acme.id,
                    contact_id=c.id,
                    text=text,
                    status=status,
                    owner_id=pat.id,
                )
                for text, status in (("ship it", ItemStatus.DONE), ("call back", ItemStatus.OPEN))
            ]
        )
    async with db.unit_of_work() as s:
        first = await _page(s, acme, 0, ZoneInfo("UTC"))
        last = await _page(s, acme, 99, ZoneInfo("UTC"))  # past the end: the last page
    assert (first.total, first.pages, first.page) == (24, 3, 0)
    assert first.entries[0].kind == ContactKind.REACTIVE
    newest = first.entries[1]
    assert newest.summary == "touch 22" and newest.channel == Channel.CALL
    assert newest.who == "Dana (logged by Pat)"
    assert newest.items == ("ship it (done)", "call back (open)")
    assert first.open_items == ("call back — Pat",)
    assert last.page == 2 and [e.summary for e in last.entries] == [
        "touch 3",
        "touch 2",
        "touch 1",
        "touch 0",
    ]
    assert last.entries[-1].outcome == Outcome.DECLINED and last.open_items == ()
