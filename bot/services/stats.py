"""Use case: the figures for executives (`/kyc stats`, App Home, `kyc report`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.brief import local_moment
from bot.regimen.metrics import ExecutiveFigures, Scores, SentimentMix, median, streak
from bot.regimen.types import ContactKind
from bot.services.people import regimen_of
from bot.settings import Settings
from storage import stats
from storage.models import Person


async def figures(
    session: AsyncSession, settings: Settings, ws: str, people: Sequence[Person], *, now: datetime
) -> list[ExecutiveFigures]:
    """Every figure for each executive, in a fixed number of grouped queries."""
    ids = [p.id for p in people]
    if not ids:
        return []
    d30, d90 = now - timedelta(days=30), now - timedelta(days=90)
    today = now.date()
    contacts = await stats.contact_counts(session, ws, ids, d30, now)
    batches = await stats.weekly_batches(session, ws, ids, stats.weeks_back(today, 27))
    cover = await stats.coverage(session, ws, ids, d90)
    calls = await stats.call_opinion(session, ws, ids, d90, now)
    tickets = await stats.customer_side(session, ws, ids, d90, d30, now)
    open_items = await stats.items(session, ws, ids, today, d90)
    kudos = await stats.kudos(session, ws, ids, d90)
    out = []
    for person in people:
        reg = regimen_of(person, settings)
        week = reg.week(now)
        weeks = batches.get(person.id, [])
        this = next(((d, t) for w, d, t in weeks if w == week), (0, 0))
        customers, covered, longest, longest_at = cover.get(person.id, (0, 0, None, None))
        call_mix, call_scores = calls.get(person.id, (SentimentMix(), Scores()))
        ticket_mix, ticket_scores, customer_only = tickets.get(
            person.id, (SentimentMix(), Scores(), 0)
        )
        n_open, n_overdue, n_snoozed, closing = open_items.get(person.id, (0, 0, 0, []))
        given, received = kudos.get(person.id, (0, 0))
        out.append(
            ExecutiveFigures(
                executive_id=person.id,
                name=person.name,
                proactive_30d=contacts.get(person.id, {}).get(ContactKind.PROACTIVE, 0),
                reactive_30d=contacts.get(person.id, {}).get(ContactKind.REACTIVE, 0),
                done_this_week=this[0],
                target_this_week=this[1],
                streak_weeks=streak(weeks, week),
                customers=customers,
                covered_90d=covered,
                longest_without=longest,
                longest_without_since=(  # the executive's day, not UTC's
                    local_moment(longest_at, reg.tz).date() if longest_at else None
                ),
                call_sentiment=call_mix,
                call_scores=call_scores,
                ticket_sentiment=ticket_mix,
                ticket_scores=ticket_scores,
                customer_only_30d=customer_only,
                items_open=n_open,
                items_overdue=n_overdue,
                items_snoozed=n_snoozed,
                median_days_to_close=median(closing),
                kudos_given=given,
                kudos_received=received,
            )
        )
    return out
