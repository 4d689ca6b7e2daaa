"""Messages the bot owes, written in the caller's transaction and delivered by the sender."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict, Unpack

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Installation, OutboxMessage, OutboxStatus, Workspace, utcnow
from storage.queries import insert_ignoring_duplicates

QUIET = {"unfurl_links": False, "unfurl_media": False}
# "Ready at once", whatever the sender's clock says (tests and the demo run on a controlled clock).
READY = datetime(1970, 1, 1, tzinfo=UTC)


class Queued(TypedDict):
    """One Slack call owed: `parent_key` names the message it waits for (a thread's parent, the
    message a chat.update edits), `ref_kind`/`ref_id` what it is about, `not_before` when."""

    workspace_id: str
    key: str
    method: str
    payload: dict[str, Any]
    parent_key: NotRequired[str | None]
    ref_kind: NotRequired[str | None]
    ref_id: NotRequired[int | None]
    not_before: NotRequired[datetime | None]


def _row(**q: Unpack[Queued]) -> dict[str, Any]:
    return {
        "workspace_id": q["workspace_id"],
        "key": q["key"],
        "method": q["method"],
        "payload": q["payload"],
        "parent_key": q.get("parent_key"),
        "channel": q["payload"].get("channel"),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": q.get("not_before") or READY,
        "ref_kind": q.get("ref_kind"),
        "ref_id": q.get("ref_id"),
        "created_at": utcnow(),
    }


async def enqueue(session: AsyncSession, **q: Unpack[Queued]) -> bool:
    """Queue one Slack call under an idempotency key; a key already queued is left alone.

    Returns True when this call queued it."""
    return await insert_ignoring_duplicates(session, OutboxMessage, _row(**q), ["key"])


class Where(TypedDict, total=False):
    """Where a post goes beyond its channel: under which message, about what, not before when."""

    thread_of: str | None
    ref_kind: str | None
    ref_id: int | None
    not_before: datetime | None


def post_row(
    workspace_id: str, key: str, channel: str, message: dict[str, Any], **where: Unpack[Where]
) -> dict[str, Any]:
    """The outbox row of a chat.postMessage; `thread_of` is the key of the message to reply
    under."""
    return _row(
        workspace_id=workspace_id,
        key=key,
        method="chat.postMessage",
        payload={"channel": channel, **message, **QUIET},
        parent_key=where.get("thread_of"),
        ref_kind=where.get("ref_kind"),
        ref_id=where.get("ref_id"),
        not_before=where.get("not_before"),
    )


async def post(
    session: AsyncSession,
    workspace_id: str,
    key: str,
    channel: str,
    message: dict[str, Any],
    **where: Unpack[Where],
) -> bool:
    """Queue one chat.postMessage (see `post_row`); True when this call queued it."""
    row = post_row(workspace_id, key, channel, message, **where)
    return await insert_ignoring_duplicates(session, OutboxMessage, row, ["key"])


class Outgoing:
    """The posts one use case owes, gathered as it goes and queued in one statement at the end
    (in the same transaction): a logged call owes about ten."""

    def __init__(self, workspace_id: str) -> None:
        self.workspace_id = workspace_id
        self.rows: list[dict[str, Any]] = []

    def post(self, key: str, channel: str, message: dict[str, Any], **where: Unpack[Where]) -> None:
        """As `post`; `thread_of` may name a message gathered earlier in the same batch."""
        self.rows.append(post_row(self.workspace_id, key, channel, message, **where))

    async def queue(self, session: AsyncSession) -> None:
        """Insert what was gathered; keys queued before are left alone."""
        await insert_ignoring_duplicates(session, OutboxMessage, self.rows, ["key"])
        self.rows = []


async def queued_keys(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of `keys` are in the outbox already (sent or not)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(
            await session.scalars(select(OutboxMessage.key).where(OutboxMessage.key.in_(chunk)))
        )
    return found


async def post_all(
    session: AsyncSession, workspace_id: str, posts: Sequence[tuple[str, str, dict[str, Any]]]
) -> set[str]:
    """Queue many top-level chat.postMessage calls, given as (key, channel, message), in one
    statement; returns the keys this call queued (the others were queued before)."""
    queued_before = await queued_keys(session, [key for key, _, _ in posts])
    rows = [
        post_row(workspace_id, key, channel, message)
        for key, channel, message in posts
        if key not in queued_before
    ]
    await insert_ignoring_duplicates(session, OutboxMessage, rows, ["key"])
    return {row["key"] for row in rows}


async def update(
    session: AsyncSession, workspace_id: str, key: str, of_key: str, message: dict[str, Any]
) -> bool:
    """Queue a chat.update of the message sent under `of_key` (it waits until that one is sent)."""
    return await enqueue(
        session,
        workspace_id=workspace_id,
        key=key,
        method="chat.update",
        payload=dict(message),
        parent_key=of_key,
    )


@dataclass(frozen=True)
class Delivery:
    """Where one queued message stands."""

    key: str
    status: OutboxStatus
    sent_at: datetime | None
    next_attempt_at: datetime
    last_error: str | None
    held_by: str | None  # the worker delivering it right now
    token_refused: str | None  # Slack refused the workspace's token (the one it has now): why

    def settled(self) -> bool:
        """Sent or parked, or stuck until an admin acts (its workspace's token is refused)."""
        return self.status != OutboxStatus.PENDING or self.token_refused is not None


async def deliveries(session: AsyncSession, keys: Sequence[str]) -> dict[str, Delivery]:
    """Where each of `keys` stands (keys never queued are left out)."""
    found: dict[str, Delivery] = {}
    for start in range(0, len(keys), 500):
        rows = await session.execute(
            select(
                OutboxMessage.key,
                OutboxMessage.status,
                OutboxMessage.sent_at,
                OutboxMessage.next_attempt_at,
                OutboxMessage.last_error,
                OutboxMessage.claimed_by,
                case(
                    (Installation.token_fingerprint == Workspace.blocked_token, "refused"),
                    else_=None,
                ).label("refused"),
                Workspace.sending_blocked,
            )
            .join(Workspace, Workspace.id == OutboxMessage.workspace_id)
            .outerjoin(Installation, Installation.workspace_id == OutboxMessage.workspace_id)
            .where(OutboxMessage.key.in_(keys[start : start + 500]))
        )
        for r in rows:
            found[r.key] = Delivery(
                key=r.key,
                status=r.status,
                sent_at=r.sent_at,
                next_attempt_at=r.next_attempt_at,
                last_error=r.last_error,
                held_by=r.claimed_by,
                token_refused=r.sending_blocked if r.refused else None,
            )
    return found


async def failed(session: AsyncSession, workspace_id: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if workspace_id:
        stmt = stmt.where(OutboxMessage.workspace_id == workspace_id)
    return list(await session.scalars(stmt.order_by(OutboxMessage.id)))
