"""How a roster row plus the settings become an executive's effective regimen settings."""

from __future__ import annotations

from collections.abc import Iterable

from bot.regimen.calendar import CompanyHoliday, Regimen, holidays_for, parse_workdays, zone
from bot.regimen.types import ExecutiveProfile
from bot.settings import Settings
from storage.models import Person


def regimen_of(
    person: Person, settings: Settings, holidays: Iterable[CompanyHoliday] = ()
) -> Regimen:
    """`holidays`: the workspace's company holidays (bot/services/holidays.calendar); those
    of the person's country, and the company-wide ones, are their days off."""
    tz_name = person.timezone or person.slack_tz or settings.kyc_default_timezone
    try:
        tz = zone(tz_name)
    except ValueError:
        tz = zone(settings.kyc_default_timezone)
    try:
        workdays = parse_workdays(person.workdays) if person.workdays else settings.kyc_workdays
    except ValueError:
        workdays = settings.kyc_workdays
    return Regimen(
        person_id=person.id,
        name=person.name,
        tz=tz,
        workdays=workdays,
        nudge_time=person.nudge_time or settings.kyc_nudge_time,
        quota=person.weekly_quota or settings.kyc_weekly_quota,
        paused_until=person.paused_until,
        holidays=holidays_for(holidays, person.country),
    )


def executive_profile(person: Person, regimen: Regimen, company: str | None) -> ExecutiveProfile:
    return ExecutiveProfile(
        name=person.name,
        timezone=regimen.tz.key,
        workdays=regimen.workdays,
        title=person.title,
        email=person.email,
        phone=person.phone,
        company=company,
        paused_until=regimen.paused_until,
        holidays=regimen.holidays,
    )
