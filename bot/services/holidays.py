"""Use cases: company holidays — loaded from holidays.csv, from the `holidays` package by
country, or one at a time by an admin on App Home; and the calendar every regimen reads.

A holiday with a country is a day off for the people of that country (people.csv's
`country`); one without is a day off for everyone. A day and country hold one holiday: a
second load of the same day renames it rather than adding another."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.ids import Block
from bot.regimen.calendar import CompanyHoliday, local_now
from bot.services.identity import Invalid, ensure_workspace, reload_actor, require_admin
from bot.services.people import regimen_of
from bot.tenancy.workspace_settings import for_workspace
from bot.views.data import HolidayLine, HolidaysScreen
from storage.db import Database
from storage.models import Holiday, Person

if TYPE_CHECKING:
    from bot.services.roster_import import Rows

# Escalations count overdue days back to the due date; a year back covers any of them.
LOOKBACK = timedelta(days=400)


def _domain(row: Holiday) -> CompanyHoliday:
    return CompanyHoliday(row.day, row.name, row.country)


async def calendar(
    session: AsyncSession, workspace_id: str, *, around: date | None = None
) -> list[CompanyHoliday]:
    """The workspace's company holidays (from a year before `around`), for regimen_of."""
    query = select(Holiday).where(Holiday.workspace_id == workspace_id)
    if around is not None:
        query = query.where(Holiday.day >= around - LOOKBACK)
    return [_domain(h) for h in await session.scalars(query.order_by(Holiday.day))]


async def calendars(
    session: AsyncSession, workspace_ids: Iterable[str], *, around: date | None = None
) -> dict[str, list[CompanyHoliday]]:
    """`calendar` of several workspaces in one query."""
    wanted = sorted(set(workspace_ids))
    out: dict[str, list[CompanyHoliday]] = {ws: [] for ws in wanted}
    if not wanted:
        return out
    query = select(Holiday).where(Holiday.workspace_id.in_(wanted))
    if around is not None:
        query = query.where(Holiday.day >= around - LOOKBACK)
    for h in await session.scalars(query.order_by(Holiday.day)):
        out[h.workspace_id].append(_domain(h))
    return out


def _country(value: str | None) -> str | None:
    return value.upper() if value else None


async def _upsert(
    session: AsyncSession, workspace_id: str, items: Iterable[CompanyHoliday]
) -> tuple[int, int, int]:
    """(created, updated, unchanged), keyed by day and country."""
    existing = {
        (h.day, h.country): h
        for h in await session.scalars(select(Holiday).where(Holiday.workspace_id == workspace_id))
    }
    created = updated = unchanged = 0
    for item in items:
        key = (item.day, _country(item.country))
        found = existing.get(key)
        if found is None:
            existing[key] = Holiday(
                workspace_id=workspace_id, day=item.day, name=item.name, country=key[1]
            )
            session.add(existing[key])
            created += 1
        elif found.name != item.name:
            found.name = item.name
            updated += 1
        else:
            unchanged += 1
    await session.flush()
    return created, updated, unchanged


async def write_rows(session: AsyncSession, workspace_id: str, rows: Rows) -> tuple[int, int, int]:
    """holidays.csv's rows (checked by roster_import's rules): a day and country once a file."""
    seen: dict[tuple[date, str | None], int] = {}
    for row in rows.rows:
        day, country = row.values.get("date"), _country(row.values.get("country"))
        if day is None:
            continue
        if (day, country) in seen:
            rows.error(
                row.line, "date", f"{day} is on line {seen[(day, country)]} too (same country)"
            )
        else:
            seen[(day, country)] = row.line
    if rows.errors:
        return 0, 0, 0
    return await _upsert(
        session,
        workspace_id,
        (
            CompanyHoliday(r.values["date"], r.values["name"], r.values.get("country"))
            for r in rows.rows
        ),
    )


class UnknownCountry(ValueError):
    """The `holidays` package has no calendar for this country code."""


def public_holidays(country: str, year: int) -> list[CompanyHoliday]:
    """The public holidays of `country` (ISO 3166 code, e.g. GB) in `year`, from the
    `holidays` package, each tagged with that country."""
    import holidays as package  # imported here: only this command needs it

    code = country.upper()
    try:
        found = package.country_holidays(code, years=year)
    except NotImplementedError:
        raise UnknownCountry(
            f"no public holidays known for country {country!r} (use an ISO code such as GB)"
        ) from None
    return [CompanyHoliday(day, str(name), code) for day, name in sorted(found.items())]


async def load_public(
    db: Database, workspace_id: str, country: str, year: int
) -> tuple[int, int, int]:
    """`kyc holidays load --country GB --year 2027`: (created, updated, unchanged)."""
    items = public_holidays(country, year)
    async with db.unit_of_work(writes=True) as session:
        await ensure_workspace(session, workspace_id)
        return await _upsert(session, workspace_id, items)


ShownHoliday = HolidayLine
SHOWN = 40  # the modal's list: with its form, well within a modal's 100 blocks


async def upcoming(
    session: AsyncSession, workspace_id: str, today: date, limit: int = 20
) -> list[ShownHoliday]:
    """The next company holidays from `today`, for the admin's list on App Home."""
    rows = await session.scalars(
        select(Holiday)
        .where(Holiday.workspace_id == workspace_id, Holiday.day >= today)
        .order_by(Holiday.day, Holiday.country.nulls_first())
        .limit(limit)
    )
    return [ShownHoliday(h.id, h.day, h.name, h.country) for h in rows]


async def add_holiday(
    db: Database,
    actor: Person,
    day: date | None,
    name: str,
    country: str | None,
    *,
    today: date | None = None,
) -> None:
    """An admin adds one holiday (from the App Home modal); not before `today`, if given."""
    problems: dict[str, str] = {}
    if day is None:
        problems[Block.HOLIDAY_DATE] = "Pick a date."
    elif today is not None and day < today:
        problems[Block.HOLIDAY_DATE] = f"{day.isoformat()} is in the past: pick a day from today."
    if not name.strip():
        problems[Block.HOLIDAY_NAME] = "Name the holiday."
    elif len(name) > 200:
        problems[Block.HOLIDAY_NAME] = "At most 200 characters."
    if country and not (country.isalpha() and 2 <= len(country) <= 3):
        problems[Block.HOLIDAY_COUNTRY] = "A country code such as GB or US, or nothing."
    if problems:
        raise Invalid(problems)
    assert day is not None
    async with db.unit_of_work(writes=True) as session:
        me = require_admin(await reload_actor(session, actor))
        await _upsert(session, me.workspace_id, [CompanyHoliday(day, name.strip(), country)])


async def remove_holiday(db: Database, actor: Person, holiday_id: int) -> None:
    """An admin removes one holiday; another workspace's id is passed over."""
    async with db.unit_of_work(writes=True) as session:
        me = require_admin(await reload_actor(session, actor))
        row = await session.get(Holiday, holiday_id)
        if row is not None and row.workspace_id == me.workspace_id:
            await session.delete(row)


async def _admin_today(deps: Deps, actor: Person) -> date:
    settings = await for_workspace(deps.db, deps.settings, actor.workspace_id)
    return local_now(deps.now(), regimen_of(actor, settings).tz).date()


async def holidays_screen(deps: Deps, person: Person | None) -> HolidaysScreen:
    """App Home → Holidays: the next holidays from the admin's local today."""
    me = require_admin(person)
    today = await _admin_today(deps, me)
    async with deps.db.unit_of_work() as session:
        me = require_admin(await reload_actor(session, me))
        shown = await upcoming(session, me.workspace_id, today, limit=SHOWN)
    return HolidaysScreen(today, tuple(shown))


async def add_from_modal(
    deps: Deps, person: Person | None, day: date | None, name: str, country: str | None
) -> HolidaysScreen:
    """The modal's form: a day from today, named; the list shown again with it."""
    me = require_admin(person)
    await add_holiday(deps.db, me, day, name, country, today=await _admin_today(deps, me))
    return await holidays_screen(deps, me)


async def remove_from_modal(deps: Deps, person: Person | None, holiday_id: int) -> HolidaysScreen:
    """A Remove button of the modal's list: the list shown again without it."""
    me = require_admin(person)
    await remove_holiday(deps.db, me, holiday_id)
    return await holidays_screen(deps, me)
