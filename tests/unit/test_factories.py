"""The test helpers that stand in for the time of day."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.factories import utc, zone_at_local_hour


def test_a_zone_where_it_is_mid_morning_at_any_hour_of_the_day() -> None:
    start = utc(2026, 11, 29, 0, 0)  # a Sunday, into Monday: every hour, and the week's end
    for minutes in range(0, 48 * 60, 17):
        now = start + timedelta(minutes=minutes)
        local = now.astimezone(ZoneInfo(zone_at_local_hour(now)))
        assert local.hour == 9, (now, local)
