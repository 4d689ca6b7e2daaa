"""Who is asking: Slack users mapped to roster people, and who may do what."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.regimen.types import Role
from storage.models import Person, Workspace
from storage.queries import insert_ignoring_duplicates

if TYPE_CHECKING:
    from bot.deps import Deps

Actor = Person  # who is acting, as handlers see them (they import no storage)


class NotAllowed(Exception):
    """The actor may not do this; the message is shown to them as is."""


class Refused(NotAllowed):
    """The actor may not use this at all (not on the roster, not an executive): a modal is
    replaced by the message rather than marked on a field."""


class Invalid(NotAllowed):
    """A form the use case cannot take as it is: why, field by field (block id -> message)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(fields.values()))
        self.fields = fields


NOT_ADMIN = "Only KYC admins can change the workspace's settings and roster."


async def ensure_workspace(session: AsyncSession, workspace_id: str) -> None:
    if await session.get(Workspace, workspace_id) is None:
        # Two first requests from a new workspace at once (Socket Mode hands them over
        # together): one inserts it, the other finds it there.
        await insert_ignoring_duplicates(session, Workspace, {"id": workspace_id}, ["id"])


async def person_by_slack_id(
    session: AsyncSession, workspace_id: str, slack_user_id: str
) -> Person | None:
    return await session.scalar(
        select(Person).where(
            Person.workspace_id == workspace_id, Person.slack_user_id == slack_user_id
        )
    )


async def link_slack_user(
    session: AsyncSession,
    workspace_id: str,
    slack_user_id: str,
    *,
    email: str | None,
    tz: str | None,
    name: str | None = None,
) -> Person | None:
    """Attach a Slack id (and profile timezone) to the roster row with the same email."""
    person = await person_by_slack_id(session, workspace_id, slack_user_id)
    if person is None and email:
        person = await session.scalar(
            select(Person).where(
                Person.workspace_id == workspace_id,
                func.lower(Person.email) == email.lower(),
            )
        )
        if person is not None and person.slack_user_id is None:
            person.slack_user_id = slack_user_id
    if person is not None:
        if tz:
            person.slack_tz = tz
        if name and person.name == person.slack_user_id:
            person.name = name
    return person


async def colleague(session: AsyncSession, workspace_id: str, slack_user_id: str) -> Person:
    """The roster person for a Slack user picked in a form; someone new is added as a member."""
    return (await colleagues(session, workspace_id, [slack_user_id]))[slack_user_id]


async def colleagues(
    session: AsyncSession, workspace_id: str, slack_user_ids: Iterable[str | None]
) -> dict[str, Person]:
    """`colleague` for every Slack user picked in one form, in one query."""
    wanted = {u for u in slack_user_ids if u}
    if not wanted:
        return {}
    found = {
        p.slack_user_id or "": p
        for p in await session.scalars(
            select(Person).where(
                Person.workspace_id == workspace_id, Person.slack_user_id.in_(sorted(wanted))
            )
        )
    }
    for user_id in sorted(wanted - found.keys()):
        found[user_id] = Person(
            workspace_id=workspace_id,
            slack_user_id=user_id,
            name=user_id,  # the profile sync fills the real name; messages use mentions
            role=Role.MEMBER,
            active=True,
        )
        session.add(found[user_id])
    await session.flush()
    return found


def is_admin(person: Person | None) -> bool:
    return person is not None and person.role == Role.ADMIN


def require_admin(person: Person | None) -> Person:
    """The actor, when an admin of their workspace; else they are told only admins may."""
    if person is None or not is_admin(person):
        raise Refused(NOT_ADMIN)
    return person


def is_executive(person: Person | None) -> bool:
    return person is not None and person.role == Role.EXECUTIVE and person.active


async def reload_actor(session: AsyncSession, person: Person) -> Person:
    """The person acting, loaded into this unit of work (they may have left the roster since
    the request began)."""
    fresh = await session.get(Person, person.id)
    if fresh is None:
        raise NotAllowed("You are no longer on the KYC roster.")
    return fresh


def require_executive(person: Person | None, why: str) -> Person:
    """The actor, when an executive on the roster; else `why` is what they are told."""
    if person is None or not is_executive(person):
        raise Refused(why)
    return person


NOT_AN_EXECUTIVE_TO_ACT_FOR = "{name} is not an executive on the KYC roster."
NOT_THEIR_DELEGATE = (
    "You are not {name}'s delegate: only the delegate they named (`/kyc delegate @you`) can "
    "act for them."
)


def acting_for(actor: Person | None, executive: Person | None) -> Person:
    """The executive `actor` may act for: themselves, or one who named `actor` their
    delegate (chief of staff). Anyone else is refused, saying why. What the delegate does is
    recorded as by the delegate (logged_by) for the executive (executive_id)."""
    if actor is None:
        raise Refused("You are not on the KYC roster yet — ask your KYC admin to add you.")
    if executive is None or executive.workspace_id != actor.workspace_id:
        raise Refused("That person is not on the KYC roster.")
    if not is_executive(executive):
        raise Refused(NOT_AN_EXECUTIVE_TO_ACT_FOR.format(name=executive.name))
    if executive.id != actor.id and executive.delegate_id != actor.id:
        raise Refused(NOT_THEIR_DELEGATE.format(name=executive.name))
    return executive


async def executive_for(session: AsyncSession, actor: Person, slack_user_id: str | None) -> Person:
    """`acting_for` the executive with this Slack id (None: the actor, as an executive)."""
    if slack_user_id is None:
        return acting_for(actor, actor)
    found = await person_by_slack_id(session, actor.workspace_id, slack_user_id)
    return acting_for(actor, found)


async def executives_delegating_to(session: AsyncSession, person: Person) -> list[Person]:
    """The executives who named `person` their delegate."""
    return list(
        await session.scalars(
            select(Person)
            .where(
                Person.workspace_id == person.workspace_id,
                Person.delegate_id == person.id,
                Person.active.is_(True),
            )
            .order_by(Person.name)
        )
    )


def require_enrolled(person: Person | None, why: str) -> Person:
    """The actor, when on the roster at all; else `why` is what they are told."""
    if person is None:
        raise Refused(why)
    return person


async def follow_profile(deps: Deps, workspace_id: str, user: dict[str, Any]) -> None:
    """A Slack profile changed (a new timezone on a trip, say): the roster row follows it."""
    profile = user.get("profile") or {}
    async with deps.db.unit_of_work(writes=True) as session:
        await link_slack_user(
            session,
            workspace_id,
            user["id"],
            email=profile.get("email"),
            tz=user.get("tz"),
            name=profile.get("real_name") or user.get("real_name"),
        )
