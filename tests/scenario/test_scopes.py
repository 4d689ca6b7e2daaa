"""The scenarios run with the scopes manifest.yml grants: a scope the code needs and the
manifest lacks fails here, as it would on the first install."""

from __future__ import annotations

from sqlalchemy import select

from bot.services.digest import queue_digest
from bot.standin.scopes import manifest_bot_scopes
from storage.models import OutboxMessage, OutboxStatus
from tests.scenario.conftest import World


async def test_the_stand_in_grants_exactly_the_manifests_scopes(world: World) -> None:
    granted = world.env.slack.scopes
    assert granted is not None and granted == manifest_bot_scopes()
    assert {"chat:write", "files:write"} <= granted


async def test_without_files_write_the_digest_chart_is_refused_with_missing_scope(
    world: World,
) -> None:
    env = world.env
    env.slack.scopes = (manifest_bot_scopes() or set()) - {"files:write"}
    env.slack.add_channel("C0LEAD", "leadership")
    env.settings.kyc_digest_channel = "C0LEAD"
    assert await queue_digest(env.db, env.settings, env.team_id, now=env.clock())
    await env.deliver()
    (digest,) = env.slack.messages("C0LEAD")  # the text went out, the chart did not
    assert "Dana Whitfield" in str(digest["blocks"])
    (refused,) = env.slack.calls_to("files.getUploadURLExternal")
    assert refused.error == "missing_scope" and refused.response["needed"] == "files:write"
    async with env.db.unit_of_work() as s:
        chart = await s.scalar(select(OutboxMessage).where(OutboxMessage.key.like("%:chart")))
    assert chart is not None and chart.status == OutboxStatus.FAILED  # parked, for the admins
    assert "missing_scope" in (chart.last_error or "")
