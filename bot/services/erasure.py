"""Use case: `kyc person erase` — remove a person's personal data and every message owed to
them, keeping the anonymous counts the figures are made of.

Their Person row stays under a neutral name (contacts, kudos and batches count by its id);
their email, Slack id and settings are cleared and they are no longer active. Every free-text
and JSON cell of the workspace (storage/redaction.py finds them from the models) has their
full name, email and Slack id, mentions included, replaced by "[erased]". Messages still owed
to them are deleted, and sent ones to them keep no contents. One unit of work: all or nothing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.calendar import iso_week_of
from bot.regimen.floor import ShiftStatus
from bot.regimen.types import BatchStatus, ItemStatus
from bot.services.retention import purged_payload
from bot.views.text import escape
from storage.db import Database
from storage.models import (
    ActionItem,
    BatchEntry,
    Customer,
    FloorShift,
    OutboxMessage,
    OutboxStatus,
    Person,
    Team,
    ThemeCandidate,
)
from storage.redaction import rewrite_texts

ERASED = "[erased]"
MIN_NAME = 3  # a shorter "full name" would erase ordinary words


class UnknownPerson(LookupError):
    """Nobody with that email (or Slack id) in the workspace; the message is one line."""


def erased_marker(workspace_id: str, identifier: str) -> str:
    """What an erased person's email cell holds: a one-way hash of what they were known by,
    so a second `erase` can say it was done, and nothing that reads as an address."""
    digest = hashlib.sha256(f"{workspace_id}:{identifier.strip().lower()}".encode()).hexdigest()
    return f"erased:{digest}"


@dataclass(frozen=True)
class Redactor:
    """Replaces a person's full name (as written and as mrkdwn escapes it), email and Slack id,
    and `<@U…>` / `<@U…|label>` mentions of them, with "[erased]", ignoring case."""

    name: str | None
    email: str | None
    slack_user_id: str | None
    pattern: re.Pattern[str] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        parts: list[str] = []
        if self.slack_user_id:
            parts.append(rf"<@{re.escape(self.slack_user_id)}(?:\|[^>]*)?>")
        words = sorted(self.terms, key=len, reverse=True)
        for term in words:
            # whole words only: "Ann Lee" is not taken out of "Ann Leeds"
            start = r"(?<!\w)" if term[0].isalnum() else ""
            end = r"(?!\w)" if term[-1].isalnum() else ""
            parts.append(start + re.escape(term) + end)
        if parts:
            object.__setattr__(self, "pattern", re.compile("|".join(parts), re.IGNORECASE))

    @property
    def terms(self) -> list[str]:
        """The strings to look for (a cell without any of them is left alone)."""
        out = [t for t in (self.email, self.slack_user_id) if t]
        if self.name and len(self.name.strip()) >= MIN_NAME:
            out += {self.name.strip(), escape(self.name.strip())}
        return out

    def __call__(self, text: str) -> str:
        return self.pattern.sub(ERASED, text) if self.pattern else text


@dataclass(frozen=True)
class ErasureReport:
    person_id: int
    already: bool = False
    messages_deleted: int = 0  # owed to them, never sent
    messages_emptied: int = 0  # sent to them: contents dropped
    rows_rewritten: dict[str, int] = field(default_factory=dict)  # per table
    items_unassigned: int = 0
    reports_released: int = 0  # people they managed
    batch_entries_cleared: int = 0
    customers_left: int = 0  # still name them as executive: to reassign


async def find_person(session: AsyncSession, workspace_id: str, who: str) -> Person | None:
    """By email or Slack id, erased or not."""
    key = who.strip()
    known = func.lower(Person.email) == key.lower() if "@" in key else Person.slack_user_id == key
    return await session.scalar(
        select(Person).where(
            Person.workspace_id == workspace_id,
            or_(known, Person.email == erased_marker(workspace_id, key)),
        )
    )


async def _hand_over(session: AsyncSession, workspace_id: str, slack_id: str) -> None:
    """Where the erased person's Slack id says whom to ask or where to post (rewriting it to
    "[erased]" would send there): a back-to-the-floor shift they host, not yet done, asks the
    host team's channel instead; an action point's thread in their DM has no home any more."""
    await session.execute(
        update(FloorShift)
        .where(
            FloorShift.workspace_id == workspace_id,
            FloorShift.host_user_id == slack_id,
            FloorShift.status.in_([ShiftStatus.PROPOSED.value, ShiftStatus.CONFIRMED.value]),
        )
        .values(
            host_user_id=None,
            host_channel=select(Team.channel_id)
            .where(Team.id == FloorShift.host_team_id)
            .scalar_subquery(),
        )
    )
    await session.execute(
        update(ThemeCandidate)
        .where(ThemeCandidate.workspace_id == workspace_id, ThemeCandidate.channel_id == slack_id)
        .values(channel_id=None)
    )


async def erase_person(
    db: Database, workspace_id: str, who: str, *, now: datetime
) -> ErasureReport:
    """Erase the person known by `who` (email or Slack id); raises UnknownPerson."""
    async with db.unit_of_work(writes=True) as session:
        person = await find_person(session, workspace_id, who)
        if person is None:
            raise UnknownPerson(f"{who}: nobody with that email or Slack id in {workspace_id}")
        if person.erased_at is not None:
            return ErasureReport(person.id, already=True)
        scrub = Redactor(person.name, person.email, person.slack_user_id)
        deleted, emptied = await _their_messages(session, workspace_id, person.slack_user_id)
        pid = person.id
        person.erased_at = now
        person.name = f"Erased person #{pid}"
        person.email = erased_marker(workspace_id, person.email or person.slack_user_id or "")
        for attr in (
            "slack_user_id",
            "slack_tz",
            "timezone",
            "title",
            "phone",
            "workdays",
            "paused_reason",
            "nudge_again_at",
            "nudge_skipped_on",
            "email_client",
        ):
            setattr(person, attr, None)
        person.nudge_time = person.paused_until = person.weekly_quota = None
        person.active = False
        await session.flush()
        released = await _count_update(
            session,
            update(Person)
            .where(Person.workspace_id == workspace_id, Person.manager_id == pid)
            .values(manager_id=None),
        )
        unassigned = await _count_update(
            session,
            update(ActionItem)
            .where(
                ActionItem.workspace_id == workspace_id,
                ActionItem.owner_id == pid,
                ActionItem.status == ItemStatus.OPEN,
            )
            .values(owner_id=None),
        )
        cleared = await _count_update(
            session,
            delete(BatchEntry).where(
                BatchEntry.workspace_id == workspace_id,
                BatchEntry.executive_id == pid,
                BatchEntry.iso_week >= iso_week_of(now.date()),
                BatchEntry.status != BatchStatus.DONE,
            ),
        )
        if slack_id := scrub.slack_user_id:
            await _hand_over(session, workspace_id, slack_id)
        rewritten = await rewrite_texts(session, workspace_id, scrub.terms, scrub)
        customers = await session.scalar(
            select(func.count())
            .select_from(Customer)
            .where(Customer.workspace_id == workspace_id, Customer.executive_id == pid)
        )
    return ErasureReport(
        pid,
        messages_deleted=deleted,
        messages_emptied=emptied,
        rows_rewritten=rewritten,
        items_unassigned=unassigned,
        reports_released=released,
        batch_entries_cleared=cleared,
        customers_left=int(customers or 0),
    )


async def _count_update(session: AsyncSession, stmt: Executable) -> int:
    result = cast(CursorResult[Any], await session.execute(stmt))
    return int(result.rowcount or 0)


async def _their_messages(
    session: AsyncSession, workspace_id: str, slack_user_id: str | None
) -> tuple[int, int]:
    """Delete what is owed to them (to their Slack id or a DM channel opened for them, and
    whatever waits on those, as a thread reply or an edit); drop the contents of what was
    sent them. Returns (deleted, emptied)."""
    if not slack_user_id:
        return 0, 0
    ws = OutboxMessage.workspace_id == workspace_id
    dms = await session.scalars(
        select(OutboxMessage.result_channel)
        .where(ws, OutboxMessage.channel == slack_user_id)
        .where(OutboxMessage.result_channel.is_not(None))
        .distinct()
    )
    targets = {slack_user_id, *(c for c in dms if c)}
    sent = (
        await session.execute(
            select(OutboxMessage.id, OutboxMessage.key, OutboxMessage.payload).where(
                ws, OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.channel.in_(targets)
            )
        )
    ).all()
    unsent = (
        await session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.key,
                OutboxMessage.parent_key,
                OutboxMessage.channel,
                OutboxMessage.payload,
            ).where(ws, OutboxMessage.status != OutboxStatus.SENT)
        )
    ).all()
    theirs = {r.key for r in sent}
    theirs |= {r.key for r in unsent if _addressed_to(r.channel, r.payload, targets, slack_user_id)}
    grew = True
    while grew:  # replies and edits that would land in their DM
        before = len(theirs)
        theirs |= {r.key for r in unsent if r.parent_key in theirs}
        grew = len(theirs) > before
    ids = [r.id for r in unsent if r.key in theirs]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(chunk)))
    if sent:
        await session.execute(
            update(OutboxMessage),
            [{"id": r.id, "payload": purged_payload(r.payload)} for r in sent],
        )
    return len(ids), len(sent)


def _addressed_to(
    channel: str | None, payload: dict[str, object] | None, targets: set[str], user: str
) -> bool:
    payload = payload or {}
    return channel in targets or payload.get("channel") in targets or payload.get("user") == user


def summary(report: ErasureReport) -> Sequence[str]:
    """What `kyc person erase` prints."""
    if report.already:
        return [f"Person #{report.person_id} was already erased: nothing to do."]
    rewritten = sum(report.rows_rewritten.values())
    tables = ", ".join(f"{t} {n}" for t, n in sorted(report.rows_rewritten.items()))
    lines = [
        f"Erased person #{report.person_id}: name, email, Slack id and settings cleared; "
        "no longer active.",
        f"{report.messages_deleted} message(s) owed to them deleted; "
        f"{report.messages_emptied} sent to them emptied.",
        f"{rewritten} row(s) naming them rewritten" + (f" ({tables})." if tables else "."),
        f"{report.items_unassigned} open action item(s) unassigned; "
        f"{report.reports_released} report(s) no longer have them as manager; "
        f"{report.batch_entries_cleared} planned batch entr(ies) cleared.",
    ]
    if report.customers_left:
        lines.append(
            f"{report.customers_left} customer(s) still have them as executive: give them "
            "another with `kyc import customers`."
        )
    return lines
