"""A customer's history shows everything the issue lists (both engines): the key flag, open
complaints and who owns them, the themes its insights were tagged to (per touchpoint, and
on the first page with what became of them), and colleagues who met it with what they
learned; a recovered complaint, another customer's rows and a pairing not accepted stay out."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from bot.regimen.matchmaking import PairingStatus
from bot.regimen.types import RecoveryStatus
from bot.services.history import _page
from bot.views.history import build_history_modal
from storage.db import Database
from storage.models import Insight, MatchPairing, Recovery, ThemeCandidate, ThemeStatus
from tests import factories as f
from tests.factories import utc


async def test_the_first_page_shows_key_complaints_themes_and_guests(db: Database) -> None:
    async with db.unit_of_work() as s:
        cs = await f.team(s, "Customer Success")
        eng = await f.team(s, "Engineering", customer_facing=False)
        dana = await f.executive(s, "Dana", team_id=cs.id)
        eve = await f.person(s, "Eve", team_id=eng.id)
        acme = await f.customer(s, dana, "Acme", team_id=cs.id, key=True)
        other = await f.customer(s, dana, "Other", team_id=cs.id)
        c1 = await f.contact(s, acme, utc(2026, 11, 2), criticism="Invoices late")
        c2 = await f.contact(s, acme, utc(2026, 11, 9), criticism="Still late")
        c3 = await f.contact(s, other, utc(2026, 11, 9), criticism="Not Acme's")
        insights = [
            Insight(
                workspace_id=f.WS,
                customer_id=cust.id,
                contact_id=c.id,
                field="criticism",
                text=text,
                theme=theme,
                team_id=cs.id,
                created_at=c.occurred_at,
            )
            for cust, c, text, theme in (
                (acme, c1, "Invoices late", "process"),
                (acme, c2, "Still late", "process"),
                (acme, c2, "Portal slow", "product"),
                (other, c3, "Not Acme's", "policy"),
            )
        ]
        s.add_all(insights)
        await s.flush()
        s.add(
            ThemeCandidate(
                workspace_id=f.WS,
                theme="process",
                team_id=cs.id,
                status=ThemeStatus.ACTION,
                insight_ids=[insights[0].id, 999],
                raised_at=utc(2026, 11, 16),
            )
        )
        complaint = await f.contact(s, acme, utc(2026, 11, 3, 9))
        old = await f.contact(s, acme, utc(2026, 10, 1, 9))
        s.add_all(
            [
                Recovery(
                    workspace_id=f.WS,
                    customer_id=acme.id,
                    complaint_contact_id=complaint.id,
                    executive_id=dana.id,
                    complained_at=utc(2026, 11, 3, 9),
                    offered_at=utc(2026, 11, 3, 10),
                    owned_at=utc(2026, 11, 4, 10),
                    status=RecoveryStatus.OWNED,
                ),
                Recovery(
                    workspace_id=f.WS,
                    customer_id=acme.id,
                    complaint_contact_id=old.id,
                    executive_id=dana.id,
                    complained_at=utc(2026, 10, 1, 9),
                    status=RecoveryStatus.RECOVERED,
                ),
            ]
        )
        for ref, status, learned, on in (
            ("batch:1", PairingStatus.ACCEPTED, "They  reconcile\nby hand", date(2026, 11, 26)),
            ("batch:2", PairingStatus.PASSED, "never went", date(2026, 11, 19)),
        ):
            s.add(
                MatchPairing(
                    workspace_id=f.WS,
                    guest_id=eve.id,
                    host_id=dana.id,
                    customer_id=acme.id,
                    customer_name="Acme",
                    kind="planned_call",
                    ref=ref,
                    on=on,
                    by=on,
                    status=status,
                    invited_on=date(2026, 11, 23),
                    learned=learned,
                )
            )
    async with db.unit_of_work() as s:
        first = await _page(s, acme, 0, ZoneInfo("UTC"))
    assert first.key is True
    assert first.recoveries == (
        "Complaint of Tue 3 Nov 2026 owned by Dana since Wed 4 Nov 2026, not called yet",
    )
    assert first.themes == (
        "Process — Customer Success: said 2 times; an action point",
        "Product — Customer Success: said once",
    )
    assert first.guests == ("Eve (Engineering), Thu 26 Nov 2026: They reconcile by hand",)
    by_summary = {e.criticism: e.themes for e in first.entries if e.criticism}
    assert by_summary == {"Still late": ("Process", "Product"), "Invoices late": ("Process",)}

    shown = json.dumps(build_history_modal(first), ensure_ascii=False)
    assert "⭐ A key customer" in shown
    assert "*Open complaints*\\n• Complaint of Tue 3 Nov 2026 owned by Dana" in shown
    assert "*Themes they raised*\\n• Process — Customer Success: said 2 times" in shown
    assert "• Eve (Engineering), Thu 26 Nov 2026: They reconcile by hand" in shown
    assert "_Themes:_ Process, Product" in shown

    async with db.unit_of_work() as s:
        plain = await _page(s, other, 0, ZoneInfo("UTC"))
    assert (plain.key, plain.recoveries, plain.guests) == (False, (), ())
    assert plain.themes == ("Policy — Customer Success: said once",)
