"""Use case: the leadership report — every executive's figures, the trend, what customers said."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import iso_week_of, local_now, zone
from bot.regimen.metrics import (
    WeekPoint,
    WeekScores,
    last_months,
    monthly_sentiment,
    share,
    weekly_scores,
    weekly_trend,
)
from bot.regimen.themes import ThemeEvent, quarter_figures, quarter_start
from bot.regimen.types import ContactKind
from bot.services import floor_record
from bot.services.key_customers import key_meetings
from bot.services.matchmaking.meet import team_participation
from bot.services.meeting_figures import quarter_figures as meeting_quarter
from bot.services.recoveries import figures_in as recovery_figures
from bot.services.stats import figures
from bot.settings import Settings
from bot.views.data import Report, SaidQuote
from storage import queries, stats
from storage import themes as theme_store
from storage.db import Database
from storage.models import Contact, Customer, Person, Team


def trend_weeks(now: datetime, count: int = 12) -> list[str]:
    return [iso_week_of((now - timedelta(weeks=n)).date()) for n in range(count - 1, -1, -1)]


async def trend(
    session: AsyncSession, ws: str, ids: Sequence[int], now: datetime
) -> tuple[tuple[WeekPoint, ...], tuple[float | None, ...]]:
    """Proactive and reactive contacts per week over 12 weeks, and each week's completion
    (done ÷ batch, summed over the executives): the chart's two series."""
    weeks = trend_weeks(now)
    days = await stats.daily_contacts(session, ws, ids, now - timedelta(weeks=12))
    batches = await stats.weekly_batches(session, ws, ids, weeks[0])
    done = dict.fromkeys(weeks, 0)
    target = dict.fromkeys(weeks, 0)
    for rows in batches.values():
        for w, d, t in rows:
            if w in done:
                done[w] += d
                target[w] += t
    points = tuple(weekly_trend([(d, k.value, n) for _e, d, k, n in days], weeks))
    return points, tuple(share(done[w], target[w]) for w in weeks)


async def call_trend(
    session: AsyncSession, ws: str, ids: Sequence[int], now: datetime
) -> tuple[WeekScores, ...]:
    """The executives' calls' NPS and sentiment per ISO week over 12 weeks (tickets apart)."""
    weeks = trend_weeks(now)
    days = await stats.daily_call_opinion(session, ws, ids, now - timedelta(weeks=12), now)
    return tuple(weekly_scores(days, weeks))


async def build_report(
    db: Database, settings: Settings, ws: str, *, now: datetime, team: str | None = None
) -> Report:
    team_id: int | None = None
    async with db.unit_of_work() as session:
        execs = await queries.executives(session, ws)
        former = await queries.former_executives(session, ws)
        if team:
            team_row = await session.scalar(
                select(Team).where(Team.workspace_id == ws, Team.name.ilike(team))
            )
            if team_row is None:
                raise ValueError(f"unknown team {team!r}")
            team_id = team_row.id
            execs = [p for p in execs if p.team_id == team_row.id]
            former = [p for p in former if p.team_id == team_row.id]
        team_id = team_row.id if team and team_row is not None else None
        ids = [p.id for p in execs]
        # Who left (or was erased) has no line, but their calls still happened.
        counted = ids + [p.id for p in former]
        figs = await figures(session, settings, ws, execs, now=now)
        gone = await stats.contact_counts(
            session, ws, [p.id for p in former], now - timedelta(days=30), now
        )
        points, completion = await trend(session, ws, counted, now)
        calls = await call_trend(session, ws, counted, now)
        # The whole workspace's report counts every customer's; a team's, its sponsors'.
        nobody = await stats.customer_only_contacts(
            session, ws, counted if team else None, now - timedelta(days=30), now
        )
        months = last_months(now.date())
        moods = await stats.daily_sentiments(session, ws, counted, now - timedelta(days=190))
        stories = await _stories(session, ws, ids, now - timedelta(days=7))
        kudos = await stats.kudos(session, ws, ids, now - timedelta(days=7))
        kudos_given = sum(given for given, _received in kudos.values())
        meetings = await meeting_quarter(
            session,
            ws,
            now=now,
            tz=settings.kyc_default_timezone,
            team_id=team_id,
        )
        quotes = await theme_store.recent_quotes(
            session, ws, now - timedelta(days=7), now, executive_ids=counted if team else None
        )
        # The quarter turns on the workspace's default timezone, as the meeting figures' do.
        tz = zone(settings.kyc_default_timezone)
        local_today = local_now(now, tz).date()
        events = await theme_store.theme_events(session, ws, tz, team_id=team_id)
        owned = await recovery_figures(session, ws, executive_ids=counted if team else None)
        key = await key_meetings(session, ws, now, team_id=team_id, tz=tz)
        taking_part = await team_participation(session, settings, ws, now)
        if team:
            taking_part = [t for t in taking_part if t.team_name.casefold() == team.casefold()]
    on_floor = await floor_record.records(
        db, settings, ws, now=now, executive_ids=counted if team else None
    )
    return Report(
        iso_week=iso_week_of(now.date()),
        executives=tuple(figs),
        trend=points,
        completion=completion,
        sentiment_by_month=tuple(monthly_sentiment([(d, m.value, n) for d, m, n in moods], months)),
        stories=stories,
        kudos_given=kudos_given,
        team=team,
        former_proactive=sum(c.get(ContactKind.PROACTIVE, 0) for c in gone.values()),
        former_reactive=sum(c.get(ContactKind.REACTIVE, 0) for c in gone.values()),
        customer_only_proactive=nobody.get(ContactKind.PROACTIVE, 0),
        customer_only_reactive=nobody.get(ContactKind.REACTIVE, 0),
        call_trend=calls,
        meetings=meetings,
        quotes=tuple(SaidQuote(c, f, t) for c, f, t in quotes),
        themes_quarter=quarter_figures([e for e, _ in events], local_today),
        themes_acted=acted_this_quarter(events, local_today),
        recoveries=owned,
        key_without_meeting=key.due,
        key_coverage=key.coverage,
        participation=tuple(taking_part),
        floor=tuple(r.figures for r in on_floor),
    )


def acted_this_quarter(events: Sequence[tuple[ThemeEvent, str]], today: date) -> tuple[str, ...]:
    start = quarter_start(today)
    return tuple(
        label for e, label in events if e.acted_on is not None and start <= e.acted_on <= today
    )


async def _stories(session, ws: str, ids: Sequence[int], since: datetime):  # type: ignore[no-untyped-def]
    rows = await session.execute(
        select(Customer.name, Person.name)
        .select_from(Contact)
        .join(Customer, Customer.id == Contact.customer_id)
        .join(Person, Person.id == Contact.executive_id)
        .where(
            Contact.workspace_id == ws,
            Contact.success_story.is_(True),
            Contact.occurred_at >= since,
            Contact.executive_id.in_(ids),
        )
        .order_by(Contact.occurred_at.desc())
        .limit(20)
    )
    return tuple((c, e) for c, e in rows)
