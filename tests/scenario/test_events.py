"""Events KYC subscribes to beyond App Home: profile changes and messages typed in its DM."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.services.morning import run_morning
from storage.models import Person
from tests.factories import utc
from tests.scenario.conftest import World


def _profile(user_id: str, tz: str, email: str | None = None) -> dict[str, object]:
    return {
        "type": "user_change",
        "user": {
            "id": user_id,
            "team_id": "T_TEST",
            "tz": tz,
            "real_name": "Dana Whitfield",
            "profile": {"email": email, "real_name": "Dana Whitfield"},
        },
    }


async def test_a_travelling_executive_is_nudged_at_eight_thirty_where_slack_says_they_are(
    world: World,
) -> None:
    env = world.env
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        assert dana is not None
        dana.timezone, dana.slack_tz = None, "America/New_York"  # the roster leaves it to Slack
    answer = await env.requests.event(_profile("U0DANA", "Asia/Tokyo"))
    assert answer.status == 200
    async with env.db.unit_of_work() as s:
        dana = await s.get(Person, world.dana.id)
        assert dana is not None and dana.slack_tz == "Asia/Tokyo"
    # The event carries the profile: no users.info for it (it comes for the whole workspace).
    assert env.slack.calls_to("users.info") == []
    wednesday_tokyo = utc(2026, 11, 24, 23, 31)  # 08:31 in Tokyo, 18:31 in New York
    results = await run_morning(env.db, env.settings, env.team_id, now=wednesday_tokyo)
    assert {r.executive: r.outcome for r in results}["Dana Whitfield"] == "nudge queued"
    await env.deliver()
    (nudge,) = env.slack.messages("D0DANA")
    assert "Acme Corp" in nudge["text"] or "Acme Corp" in str(nudge["blocks"])


async def test_a_profile_change_of_someone_off_the_roster_stores_nothing(world: World) -> None:
    env = world.env
    async with env.db.unit_of_work() as s:
        before = await s.scalar(select(func.count()).select_from(Person))
    answer = await env.requests.event(_profile("U0STRANGER", "Europe/Paris", "x@else.test"))
    assert answer.status == 200
    async with env.db.unit_of_work() as s:
        assert await s.scalar(select(func.count()).select_from(Person)) == before


def _typed(text: str, ts: str, **extra: object) -> dict[str, object]:
    return {
        "type": "message",
        "channel": "D0DANA",
        "channel_type": "im",
        "user": "U0DANA",
        "text": text,
        "ts": ts,
        **extra,
    }


async def test_a_message_typed_in_the_dm_is_answered_with_the_commands_once_an_hour(
    world: World,
) -> None:
    env = world.env
    env.slack.state.dm_for("U0DANA")  # Dana opened the bot's Messages tab
    answer = await env.requests.event(_typed("hi, how do I log a call?", "1795435200.000100"))
    assert answer.status == 200
    await env.deliver()
    (help_dm,) = env.slack.messages("D0DANA")
    assert "`/kyc done [customer]`" in help_dm["text"] and "`/kyc help`" in help_dm["text"]
    await env.requests.event(_typed("thanks", "1795435260.000200"))  # a minute later
    await env.deliver()
    assert len(env.slack.messages("D0DANA")) == 1
    await env.requests.event(_typed("and again?", "1795438800.000300"))  # the next hour
    await env.deliver()
    assert len(env.slack.messages("D0DANA")) == 2


async def test_edits_and_bot_messages_in_the_dm_are_acknowledged_and_not_answered(
    world: World,
) -> None:
    env = world.env
    env.slack.state.dm_for("U0DANA")
    events = [
        _typed("", "1795434000.000100", subtype="message_changed", user=None),
        _typed("", "1795434000.000200", subtype="message_deleted", user=None),
        _typed("nudge", "1795434000.000300", bot_id="B0OTHER", user="U0OTHERBOT"),
        _typed("my own post", "1795434000.000400", bot_id="B0KYCBOT", user="U0KYCBOT"),
    ]
    for event in events:
        answer = await env.requests.event(event)
        assert answer.status == 200, (event, answer.text)
    await env.deliver()
    assert env.slack.messages("D0DANA") == []
