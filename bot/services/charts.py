"""Chart images Slack fetches for App Home: signed links, and the PNG behind them.

Slack shows an image block by fetching its URL, so the bot serves the chart itself on
`/charts/…` (HTTP mode behind a public URL, KYC_PUBLIC_URL). Each link is signed with the
signing secret, so nobody can read another executive's numbers by guessing ids."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from bot.regimen.calendar import week_monday
from bot.services.report import trend
from bot.settings import Settings
from bot.views.charts import trend_png
from storage.db import Database
from storage.models import Person


def _signature(settings: Settings, workspace_id: str, person_id: int, iso_week: str) -> str:
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    message = f"{workspace_id}:{person_id}:{iso_week}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


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
    """The PNG for a signed link, or None when the signature does not match."""
    expected = _signature(settings, workspace_id, person_id, iso_week)
    if not hmac.compare_digest(expected, signature):
        return None
    week_monday(iso_week)  # a malformed week raises ValueError
    async with db.unit_of_work() as session:
        points, completion = await trend(session, workspace_id, [person_id], now)
    return trend_png(points, "Your customer contacts, last 12 weeks", completion)
