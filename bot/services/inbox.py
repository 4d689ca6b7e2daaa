"""Submissions kept before Slack is answered, done right after.

A logged call owes a dozen records and messages (the contact, its batch entry, items, kudos,
thread posts, DMs): about 10 ms of work, and on SQLite one writer at a time, so twenty people
submitting at once waited for each other's routing before Slack heard back. Instead the
submission as typed is stored (one row, the same transaction rules) and Slack is answered;
the work follows at once in the same process, one submission at a time so answers to Slack
come first. Nothing is lost: should the process die in between, the scheduler's sweep does
what is left (`sweep`), and doing one twice stores nothing twice (the request key).

A submission found wrong only when done (its customer taken off the roster meanwhile) is
told to its author by DM instead of on the form."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.services import outbox
from bot.services.identity import NotAllowed
from bot.views.blocks import plain_note
from storage.models import Person, Submission
from storage.queries import insert_ignoring_duplicates

log = logging.getLogger("kyc.inbox")

SWEEP_AFTER = timedelta(minutes=1)  # left this long, the process that took it is gone
MAX_ATTEMPTS = 10

# What a kind of submission becomes, in the transaction that deletes it: (deps, session, the
# person who submitted it, the submission).
Handler = Callable[[Deps, AsyncSession, Person, Submission], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def handler(kind: str) -> Handler:
    # The use cases register their kinds where they live; a worker process that never
    # imported them (no Slack requests there) still sweeps every kind.
    from bot.services import calling, floor_answers, meetings, theme_decisions  # noqa: F401
    from bot.services.matchmaking import learned  # noqa: F401

    return HANDLERS[kind]


@dataclass(frozen=True)
class Received:
    workspace_id: str
    request_key: str


async def keep(
    deps: Deps, person: Person, kind: str, payload: dict[str, Any], *, request_key: str
) -> Received:
    """Store what was submitted (once per request key), before Slack is answered."""
    async with deps.db.unit_of_work(writes=True) as session:
        await insert_ignoring_duplicates(
            session,
            Submission,
            {
                "workspace_id": person.workspace_id,
                "person_id": person.id,
                "kind": kind,
                "request_key": request_key,
                "payload": payload,
                "received_at": deps.now(),
                "attempts": 0,
            },
            ["workspace_id", "request_key"],
        )
    return Received(person.workspace_id, request_key)


async def follow(deps: Deps, received: Received) -> None:
    """Right after Slack's answer: do it, one submission at a time in this process."""
    async with deps.inbox_turn:
        await _run(deps, received.workspace_id, received.request_key)


async def sweep(deps: Deps) -> int:
    """Do what a process left behind (it died between the answer and the work)."""
    async with deps.db.unit_of_work() as session:
        left = list(
            await session.execute(
                select(Submission.workspace_id, Submission.request_key)
                .where(
                    Submission.received_at < deps.now() - SWEEP_AFTER,
                    Submission.attempts < MAX_ATTEMPTS,
                )
                .order_by(Submission.id)
            )
        )
    for workspace_id, request_key in left:
        await _run(deps, workspace_id, request_key)
    return len(left)


async def _run(deps: Deps, workspace_id: str, request_key: str) -> None:
    key = (Submission.workspace_id == workspace_id, Submission.request_key == request_key)
    try:
        async with deps.db.unit_of_work(writes=True) as session:
            sub = await session.scalar(select(Submission).where(*key))
            if sub is None:
                return  # done already (by the sweep, or this process)
            person = await session.get(Person, sub.person_id)
            if person is None:
                await session.execute(delete(Submission).where(*key))
                return
            try:
                await handler(sub.kind)(deps, session, person, sub)
            except NotAllowed as exc:
                await _tell(session, person, request_key, str(exc))
            await session.execute(delete(Submission).where(*key))
    except Exception as exc:
        log.exception("submission %s could not be done yet", request_key)
        async with deps.db.unit_of_work(writes=True) as session:
            await session.execute(
                update(Submission)
                .where(*key)
                .values(
                    attempts=Submission.attempts + 1,
                    last_error=f"{type(exc).__name__}: {exc}"[:1000],
                )
            )
        return
    deps.wake_sender()


async def _tell(session: AsyncSession, person: Person, request_key: str, why: str) -> None:
    if person.slack_user_id:
        text = f"Your submission could not be saved: {why}"
        await outbox.post(
            session,
            person.workspace_id,
            f"inbox:{request_key}:refused",
            person.slack_user_id,
            plain_note(text),  # the reason may name what they typed: escaped
        )
