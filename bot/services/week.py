"""Use case: an executive's week — the batch with a pre-call brief for each customer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.brief import build_brief
from bot.regimen.calendar import Regimen, iso_week_of
from bot.services import holidays
from bot.services.people import executive_profile, regimen_of
from bot.services.planning import plan_week_in
from bot.settings import Settings
from bot.views.data import WeekItem, WeekView
from storage import queries
from storage.models import Person


async def week_views(
    session: AsyncSession,
    settings: Settings,
    workspace_id: str,
    people: Sequence[Person],
    now: datetime,
) -> list[WeekView]:
    """Plan where needed and brief every customer of each executive's current week."""
    by_week: dict[str, list[Person]] = {}
    local_dates: dict[int, date] = {}
    regimens: dict[int, Regimen] = {}
    days_off = await holidays.calendar(session, workspace_id, around=now.date())
    for person in people:
        reg = regimen_of(person, settings, days_off)
        regimens[person.id] = reg
        local_dates[person.id] = reg.today(now)
        by_week.setdefault(iso_week_of(local_dates[person.id]), []).append(person)

    views: list[WeekView] = []
    for iso_week, group in by_week.items():
        weeks = await plan_week_in(
            session,
            settings,
            workspace_id,
            iso_week,
            as_of=now,
            executive_ids=[p.id for p in group],
        )
        ids = [e.customer_id for w in weeks for e in w.active]
        profiles, contacts, items = await queries.brief_material(session, workspace_id, ids)
        people_by_id = {p.id: p for p in group}
        for w in weeks:
            person = people_by_id[w.executive_id]
            reg = regimens[person.id]
            exec_profile = executive_profile(person, reg, settings.kyc_company)
            entries = tuple(
                WeekItem(
                    position=e.position,
                    customer_id=e.customer_id,
                    status=e.status,
                    brief=build_brief(
                        customer=profiles[e.customer_id],
                        contacts=contacts.get(e.customer_id, []),
                        open_items=items.get(e.customer_id, []),
                        executive=exec_profile,
                        now=now,
                    ),
                )
                for e in w.active
                if e.customer_id in profiles
            )
            views.append(
                WeekView(
                    executive_id=person.id,
                    executive_name=person.name,
                    slack_user_id=person.slack_user_id,
                    regimen=reg,
                    iso_week=iso_week,
                    local_date=local_dates[person.id],
                    items=entries,
                    skipped=w.skipped,
                )
            )
    return views
