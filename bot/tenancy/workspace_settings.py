"""Settings per workspace: what an admin set in Slack, over the environment's defaults.

The environment (bot/settings.py) gives every default; `Workspace.settings` holds what an
admin changed for their workspace, by the Settings field name, as JSON. `for_workspace` is the
one way a use case gets the settings it should run by."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import bindparam, select

from bot.settings import Settings
from storage.db import Database
from storage.models import Workspace

# What an admin may change in Slack (App Home → Workspace settings), and nothing else: the
# delivery and operations settings stay the operator's.
EDITABLE = (
    "kyc_company",
    "kyc_digest_channel",
    "kyc_stories_channel",
    "kyc_default_timezone",
    "kyc_nudge_time",
    "kyc_workdays",
    "kyc_weekly_quota",
    "kyc_catchup_until",
    "kyc_digest_day",
    "kyc_digest_time",
    "kyc_overdue_escalation_days",
    "kyc_story_reminder_days",
    "kyc_key_tiers",
    "kyc_key_cadence_weeks",
    "kyc_key_tier_cadence",
    "kyc_recovery_window_days",
    "kyc_match_every_weeks",
    "kyc_match_repeat_days",
    "kyc_match_host_weekly",
    "kyc_declined_comeback_weeks",
    "kyc_meeting_prep_days",
)

_STORED = select(Workspace.settings).where(Workspace.id == bindparam("ws"))


def merged(base: Settings, stored: dict[str, Any] | None) -> Settings:
    """`base` with the workspace's own values over it; a stored value that no longer
    validates (a setting renamed, a timezone withdrawn) falls back to the default."""
    if not stored:
        return base
    chosen = {k: v for k, v in stored.items() if k in EDITABLE}
    if not chosen:
        return base
    try:
        checked = type(base).model_validate({**_raw(base), **chosen})
    except ValidationError:
        good = {}
        for name, value in chosen.items():
            try:
                type(base).model_validate({**_raw(base), name: value})
            except ValidationError:
                continue
            good[name] = value
        checked = type(base).model_validate({**_raw(base), **good})
    return base.model_copy(update={k: getattr(checked, k) for k in chosen})


def _raw(base: Settings) -> dict[str, Any]:
    # Secrets are not needed to validate the editable fields; leave them out of the copy.
    return {k: getattr(base, k) for k in EDITABLE}


def stored_value(settings: Settings, name: str) -> Any:
    """A setting as JSON stores it (times as HH:MM, workdays as a list)."""
    value = getattr(settings, name)
    if hasattr(value, "strftime"):
        return value.strftime("%H:%M")
    if isinstance(value, tuple):
        return list(value)
    return value


def to_store(base: Settings, chosen: dict[str, Any]) -> dict[str, Any]:
    """What a workspace keeps of the values an admin chose: those that differ from the
    environment's default (None, a field emptied, is the default)."""
    return {
        name: value
        for name, value in chosen.items()
        if name in EDITABLE and value is not None and value != stored_value(base, name)
    }


def problems(base: Settings, chosen: dict[str, Any]) -> dict[str, str]:
    """Why a chosen value would not do, by field name; {} when every one would."""
    try:
        type(base).model_validate({**_raw(base), **chosen})
    except ValidationError as exc:
        return {
            str(err["loc"][0]): err["msg"].removeprefix("Value error, ")
            for err in exc.errors()
            if err["loc"] and err["loc"][0] in EDITABLE
        }
    return {}


async def for_workspace(db: Database, base: Settings, workspace_id: str) -> Settings:
    """The settings `workspace_id` runs by. Kept for a few seconds per process (an admin's
    change shows at once in this process, within 5 s in the others)."""
    rows = await db.read(_STORED, {"ws": workspace_id}, keep_for=5.0)
    return merged(base, rows[0] if rows else None)
