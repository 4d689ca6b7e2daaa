"""Themes' figures in the report and digest, computed by SQL on a fixed data set against
hand-computed values (both engines): the week's quotes and the quarter's themes."""

from __future__ import annotations

from datetime import timedelta

from bot.services.report import build_report
from bot.settings import load_settings
from storage.db import Database
from tests import factories as f
from tests.factories import utc

SETTINGS = load_settings(_env_file=None)
NOW = utc(2026, 11, 25, 15)  # Wednesday of 2026-W48, in 2026Q4 (from 1 Oct)


async def test_quotes_and_quarter_themes_on_a_fixed_data_set(db: Database) -> None:
    async with db.unit_of_work() as s:
        cs = await f.team(s, "Customer Success")
        dana = await f.executive(s, "Dana")
        acme, globex, initech = [
            await f.customer(s, dana, n) for n in ("Acme", "Globex", "Initech")
        ]
        # The last 7 days: Globex (2 fields, newest), Acme (1); Initech 8 days ago: left out.
        await f.contact(s, acme, NOW - timedelta(days=3), criticism="Invoices late")
        await f.contact(
            s,
            globex,
            NOW - timedelta(days=1),
            stressed_areas="Month-end close",
            in_their_words="We live and die by the close",
        )
        await f.contact(s, initech, NOW - timedelta(days=8), criticism="Too old to quote")
        await f.contact(s, initech, NOW - timedelta(days=2), summary="Nothing criticised")
        s.add_all(
            [
                # raised Q3, acted on 2 Oct (Q4), done 15 Nov (Q4)
                f.theme_candidate(
                    "product", utc(2026, 9, 20), utc(2026, 10, 2), utc(2026, 11, 15), team_id=cs.id
                ),
                f.theme_candidate(
                    "process", utc(2026, 10, 1, 0, 5), team_id=cs.id
                ),  # raised Q4, open
                f.theme_candidate(
                    "policy", utc(2026, 11, 3), utc(2026, 11, 24), team_id=None
                ),  # raised + acted Q4
                f.theme_candidate(
                    "people", utc(2026, 6, 1), utc(2026, 9, 30), utc(2026, 9, 30), team_id=cs.id
                ),  # Q3
            ]
        )
    report = await build_report(db, SETTINGS, f.WS, now=NOW)
    assert [(q.customer, q.field, q.text) for q in report.quotes] == [
        ("Globex", "stressed_areas", "Month-end close"),
        ("Globex", "in_their_words", "We live and die by the close"),
        ("Acme", "criticism", "Invoices late"),
    ]
    q = report.themes_quarter
    assert q is not None
    # Raised in Q4: process, policy = 2; acted on in Q4: product, policy = 2; done: product = 1.
    assert (q.quarter, q.raised, q.acted, q.done) == ("2026Q4", 2, 2, 1)
    assert report.themes_acted == ("Product (Customer Success)", "Policy")
