"""Chart images Slack fetches for App Home: signed links, and the PNG behind them.

Slack shows an image block by fetching its URL, so the bot serves the chart itself on
`/charts/…` (HTTP mode behind a public URL, KYC_PUBLIC_URL). Each link is signed with the
signing secret, so nobody can read another executive's numbers by guessing ids. The signature
covers the link's week, and a link lives for its week and the CHART_LINK_WEEKS after (App
Home is published afresh each time it is opened, with this week's link): a link copied out
of Slack stops working, and the chart it shows ends with its own week. Matplotlib draws in a
thread, so a chart never stalls the requests and sends of the event loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

from bot.regimen.calendar import iso_week_of, week_monday
from bot.services import signed_links
from bot.services.report import trend
from bot.settings import Settings
from bot.views.charts import trend_png
from storage.db import Database
from storage.models import Person

CHART_LINK_WEEKS = 4
# Monday begins 14 hours before UTC's Monday on the Line Islands (UTC+14).
EARLIEST_OFFSET = timedelta(hours=14)


class ChartExpired(Exception):
    """A genuine link whose week is more than CHART_LINK_WEEKS behind this one."""


def _signature(settings: Settings, workspace_id: str, person_id: int, iso_week: str) -> str:
    return signed_links.signature(settings, f"{workspace_id}:{person_id}:{iso_week}")


def chart_url(settings: Settings, person: Person, iso_week: str) -> str | None:
    if not settings.kyc_public_url or settings.slack_signing_secret is None:
        return None
    sig = _signature(settings, person.workspace_id, person.id, iso_week)
    base = settings.kyc_public_url.rstrip("/")
    return f"{base}/charts/{person.workspace_id}/{person.id}/{iso_week}/{sig}.png"


async def chart_png(
    db: Database,
    settings: Settings,
    workspace_id: str,
    person_id: int,
    iso_week: str,
    signature: str,
    *,
    now: datetime,
) -> bytes | None:
    """The PNG for a signed link: the 12 weeks up to the link's week. None when the signature
    does not match or the week has begun nowhere yet; ChartExpired when the week is too old;
    ValueError when it is no ISO week."""
    expected = _signature(settings, workspace_id, person_id, iso_week)
    if not signed_links.matches(expected, signature):
        return None
    monday = week_monday(iso_week)
    starts = datetime.combine(monday, time(0), UTC)
    if starts - EARLIEST_OFFSET > now:
        return None
    if monday < week_monday(iso_week_of(now.date())) - timedelta(weeks=CHART_LINK_WEEKS):
        raise ChartExpired(iso_week)
    as_of = min(now, starts + timedelta(weeks=1) - timedelta(microseconds=1))
    async with db.unit_of_work() as session:
        points, completion = await trend(session, workspace_id, [person_id], as_of)
    title = "Your customer contacts, last 12 weeks"
    return await asyncio.to_thread(trend_png, points, title, completion)
