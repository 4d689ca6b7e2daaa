"""A workspace's installation life cycle, as Slack reports it: installed through OAuth (the
installer becomes its first admin and is welcomed), uninstalled or its bot token revoked
(bot/tenancy/installations.py `uninstall`: tokens gone, nothing more sent, data kept for the
grace period)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import exists, select

from bot.deps import Deps
from bot.regimen.types import Role
from bot.services import outbox
from bot.services.identity import colleague
from bot.tenancy.installations import uninstall
from bot.views.installs import build_welcome
from storage.models import Person

log = logging.getLogger("kyc.installs")


async def installed(deps: Deps, workspace_id: str, installer: str | None) -> bool:
    """After the OAuth flow saved the installation: with no admin yet, the installer becomes
    the first, and is sent a welcome DM. True when they were made admin now."""
    if not installer:
        return False
    async with deps.db.unit_of_work(writes=True) as session:
        has_admin = await session.scalar(
            select(
                exists().where(
                    Person.workspace_id == workspace_id,
                    Person.role == Role.ADMIN,
                    Person.active.is_(True),
                )
            )
        )
        if has_admin:
            return False
        person = await colleague(session, workspace_id, installer)
        person.role = Role.ADMIN
        person.active = True
        await outbox.post(
            session, workspace_id, f"welcome:{workspace_id}:{installer}", installer, build_welcome()
        )
    deps.wake_sender()
    log.info("workspace %s: its installer %s is its first admin", workspace_id, installer)
    return True


async def uninstalled(deps: Deps, workspace_id: str) -> None:
    """`app_uninstalled`, or `tokens_revoked` naming the bot: either, both, in any order."""
    grace = timedelta(days=deps.settings.kyc_uninstall_grace_days)
    dropped = await uninstall(deps.db, workspace_id, now=deps.now(), grace=grace)
    if dropped:
        log.info("workspace %s: %d queued messages dropped at uninstall", workspace_id, dropped)
