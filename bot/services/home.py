"""Use case: what someone's App Home shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.types import ItemStatus
from bot.services import floor_record, outbox, theme_figures
from bot.services.call_routing import card
from bot.services.charts import chart_url
from bot.services.identity import (
    executives_delegating_to,
    is_admin,
    is_executive,
    reload_actor,
)
from bot.services.key_customers import key_meetings
from bot.services.matchmaking.meet import meet_home, team_participation
from bot.services.meeting_figures import quarter_figures
from bot.services.people import regimen_of
from bot.services.recoveries import figures_in as recovery_figures
from bot.services.report import call_trend, trend
from bot.services.stats import figures
from bot.services.week import week_views
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.data import ActedFor, HomeData, WeekView
from storage.models import ActionItem, Customer, Person, Team, Workspace


async def home_data(
    session: AsyncSession, settings: Settings, person: Person, *, now: datetime
) -> HomeData:
    items = list(
        await session.execute(
            select(ActionItem, Customer.name)
            .join(Customer, Customer.id == ActionItem.customer_id)
            .where(
                ActionItem.workspace_id == person.workspace_id,
                ActionItem.owner_id == person.id,
                ActionItem.status == ItemStatus.OPEN,
            )
            .order_by(ActionItem.due_on, ActionItem.id)
            .limit(20)
        )
    )
    my_items = tuple(card(item, person) for item, _name in items)
    data = HomeData(
        name=person.name,
        is_executive=is_executive(person),
        is_admin=is_admin(person),
        my_items=my_items,
        paused_until=person.paused_until,
        paused_reason=person.paused_reason,
    )
    if person.team_id is not None:
        team = await session.get(Team, person.team_id)
        if team is not None:
            quarter = await quarter_figures(
                session,
                person.workspace_id,
                now=now,
                tz=settings.kyc_default_timezone,
                team_id=team.id,
            )
            data = replace(
                data, team=(team.id, team.name), team_meetings=quarter[0] if quarter else None
            )
    if is_admin(person):
        parked = await outbox.failed(session, person.workspace_id)
        ws = await session.get(Workspace, person.workspace_id)
        stopped = None
        if ws is not None and ws.sending_blocked:
            since = f"{ws.sending_blocked_at:%a %d %b %H:%M} UTC" if ws.sending_blocked_at else ""
            stopped = f"{ws.sending_blocked} {since}".strip()
        data = replace(
            data,
            failed_messages=tuple(f"{m.method} {m.key}: {m.last_error}" for m in parked[:20]),
            sending_stopped=stopped,
        )
    key = await key_meetings(
        session, person.workspace_id, now, viewer=person, tz=regimen_of(person, settings).tz
    )
    data = replace(data, key_without_meeting=key.due, key_coverage=key.coverage)
    if is_admin(person) or is_executive(person):
        data = replace(
            data,
            recoveries=await recovery_figures(
                session,
                person.workspace_id,
                executive_id=None if is_admin(person) else person.id,
            ),
        )
        data = replace(
            data,
            themes=await theme_figures.quarter(
                session, person.workspace_id, now, settings.kyc_default_timezone
            ),
        )
    data = replace(data, meet=await meet_home(session, settings, person, now))
    if is_admin(person):
        shares = await team_participation(session, settings, person.workspace_id, now)
        data = replace(data, participation=tuple(shares))
    acted = await executives_delegating_to(session, person)
    if acted:  # a chief of staff works their executives' weeks from here
        weeks = await week_views(session, settings, person.workspace_id, acted, now)
        data = replace(data, acting_for=tuple(_acted_for(w) for w in weeks))
    if not data.is_executive:
        return data
    delegate = await session.get(Person, person.delegate_id) if person.delegate_id else None
    if delegate is not None:
        data = replace(data, delegate_name=delegate.name, delegate_user=delegate.slack_user_id)
    (week,) = await week_views(session, settings, person.workspace_id, [person], now)
    (numbers,) = await figures(session, settings, person.workspace_id, [person], now=now)
    points, _completion = await trend(session, person.workspace_id, [person.id], now)
    calls = await call_trend(session, person.workspace_id, [person.id], now)
    return replace(
        data,
        floor=await floor_record.figures_of(session, settings, person, now=now),
        figures=numbers,
        trend=points,
        call_trend=calls,
        chart_url=chart_url(settings, person, week.iso_week),
        iso_week=week.iso_week,
        quota=week.quota,
        week=tuple((i.customer_id, i.name, i.status.value) for i in week.items),
    )


def _acted_for(week: WeekView) -> ActedFor:
    return ActedFor(
        week.executive_id,
        week.executive_name,
        week.iso_week,
        week.quota,
        tuple((i.customer_id, i.name, i.status.value) for i in week.items),
    )


async def show_home(deps: Deps, person: Person) -> HomeData:
    """What someone's App Home shows, in its own unit of work."""
    settings = await for_workspace(deps.db, deps.settings, person.workspace_id)
    async with deps.db.unit_of_work() as session:
        return await home_data(
            session, settings, await reload_actor(session, person), now=deps.now()
        )
