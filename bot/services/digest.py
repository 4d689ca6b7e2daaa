"""Use case: queue the weekly leadership digest (text, a thread for long rosters, the chart)."""

from __future__ import annotations

import base64
from datetime import datetime

from bot.regimen.calendar import local_now, zone
from bot.services import outbox
from bot.services.report import build_report
from bot.settings import Settings
from bot.views.charts import trend_png
from bot.views.digest import build_digest_messages
from storage.db import Database


def digest_due(settings: Settings, now: datetime) -> bool:
    local = local_now(now, zone(settings.kyc_default_timezone))
    return (
        settings.kyc_digest_channel is not None
        and local.weekday() in settings.kyc_digest_day
        and local.time() >= settings.kyc_digest_time
    )


async def queue_digest(db: Database, settings: Settings, ws: str, *, now: datetime) -> bool:
    """Queue this week's digest once (keyed by workspace and week); True when queued now."""
    channel = settings.kyc_digest_channel
    if channel is None:
        return False
    report = await build_report(db, settings, ws, now=now)  # with the floor's records
    key = f"digest:{ws}:{report.iso_week}"
    png = trend_png(report.trend, "Customer contacts, last 12 weeks", report.completion)
    async with db.unit_of_work() as session:
        messages = build_digest_messages(report)
        if not await outbox.post(session, ws, key, channel, messages[0]):
            return False
        for n, more in enumerate(messages[1:], 1):
            await outbox.post(session, ws, f"{key}:{n}", channel, more, thread_of=key)
        await outbox.enqueue(
            session,
            workspace_id=ws,
            key=f"{key}:chart",
            method="files.upload_v2",
            payload={
                "channel": channel,
                "filename": f"kyc-{report.iso_week}.png",
                "title": "Proactive vs reactive contacts, last 12 weeks",
                "content_b64": base64.b64encode(png).decode(),
            },
            parent_key=key,
        )
    return True
