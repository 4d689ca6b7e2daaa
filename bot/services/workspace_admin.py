"""Use cases of App Home → Workspace settings (admins): what the modal shows, and saving it —
the settings a workspace keeps over the environment's defaults, and who its admins are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.ids import Block
from bot.regimen.types import Role
from bot.services.home import home_data
from bot.services.identity import (
    Invalid,
    colleagues,
    ensure_workspace,
    reload_actor,
    require_admin,
)
from bot.tenancy.workspace_settings import (
    EDITABLE,
    for_workspace,
    merged,
    problems,
    stored_value,
    to_store,
)
from bot.views.data import HomeData, SettingsForm
from storage.models import Customer, Person, Workspace


async def settings_form(deps: Deps, person: Person | None) -> SettingsForm:
    """The modal's initial values: the workspace's effective settings and its admins."""
    me = require_admin(person)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work() as session:
        admins = await session.scalars(
            select(Person.slack_user_id)
            .where(
                Person.workspace_id == me.workspace_id,
                Person.role == Role.ADMIN,
                Person.slack_user_id.is_not(None),
            )
            .order_by(Person.name)
        )
        return SettingsForm(
            values={name: stored_value(settings, name) for name in EDITABLE},
            admins=tuple(a for a in admins if a),
        )


async def save_settings(
    deps: Deps, person: Person | None, chosen: dict[str, Any], admins: Sequence[str]
) -> HomeData:
    """Keep what differs from the environment's defaults (an emptied field goes back to its
    default) and make exactly `admins` the admins; returns the admin's App Home to publish.
    A value the settings would refuse, or no admin left, is answered on its field."""
    me = require_admin(person)
    kept = to_store(deps.settings, chosen)
    wrong = problems(deps.settings, kept)
    if not admins:
        wrong[Block.ADMINS] = "Keep at least one admin: nobody could change these settings."
    if wrong:
        raise Invalid(wrong)
    async with deps.db.unit_of_work(writes=True) as session:
        me = require_admin(await reload_actor(session, me))
        await ensure_workspace(session, me.workspace_id)
        ws = await session.get(Workspace, me.workspace_id)
        assert ws is not None
        # Keys this modal does not edit (none today) are left as they were.
        others = {k: v for k, v in (ws.settings or {}).items() if k not in EDITABLE}
        ws.settings = {**others, **kept}
        await _make_admins(session, me.workspace_id, admins)
        await session.flush()
        return await home_data(session, merged(deps.settings, ws.settings), me, now=deps.now())


async def _make_admins(session: AsyncSession, workspace_id: str, slack_ids: Sequence[str]) -> None:
    """Exactly these Slack users are admins (someone not on the roster joins it, named by the
    next profile sync). An admin no longer chosen becomes an executive again if they have
    customers, else a member. Admins with no Slack account yet cannot be shown in the picker,
    so they are left as they are."""
    chosen = await colleagues(session, workspace_id, slack_ids)
    off = [p.name for p in chosen.values() if not p.active]
    if off:
        why = f"{', '.join(off)}: deactivated on the roster (reactivate under People)."
        raise Invalid({Block.ADMINS: why})
    for person in chosen.values():
        person.role = Role.ADMIN
    current = await session.scalars(
        select(Person).where(
            Person.workspace_id == workspace_id,
            Person.role == Role.ADMIN,
            Person.slack_user_id.is_not(None),
        )
    )
    for person in list(current):
        if person.slack_user_id in chosen:
            continue
        owns = await session.scalar(
            select(exists().where(Customer.executive_id == person.id, Customer.active))
        )
        person.role = Role.EXECUTIVE if owns else Role.MEMBER
