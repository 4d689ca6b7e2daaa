"""Use cases behind the follow-up email modal: the email after a voicemail (logged once per
click), the recap after a reached call, the short note after a declined one
(recap.declined_note: no recap, no "tried to reach you"), and the executive's choice of email
client, each returning what the modal shows (bot/views/email_modal.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.compose import EmailClient, compose_links
from bot.regimen.recap import declined_note, recap_email
from bot.regimen.types import (
    CustomerProfile,
    FollowupEmail,
    Outcome,
    RecapCall,
    RecapItem,
)
from bot.services import calling, calls
from bot.services.ics_links import ics_url
from bot.services.identity import NotAllowed, reload_actor, require_executive
from bot.services.people import executive_profile, regimen_of
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.email_modal import NOTE, RECAP, VOICEMAIL, EmailScreen
from bot.views.limits import URL
from storage import queries
from storage.models import ActionItem, Contact, Person

NOT_YOUR_CALL = "That call is not one of yours."


def preferred_client(person: Person) -> EmailClient:
    try:
        return EmailClient(person.email_client or EmailClient.MAILTO)
    except ValueError:
        return EmailClient.MAILTO


def _screen(
    settings: Settings,
    me: Person,
    kind: str,
    ref: int,
    customer: CustomerProfile,
    email: FollowupEmail,
    now: datetime,
    *,
    clicker: Person | None = None,
) -> EmailScreen:
    """The modal of `me`'s email; the links open in the mail app of who clicked (`clicker`,
    their delegate, or `me`)."""
    client = preferred_client(clicker or me)
    for_id = me.id if clicker is not None and clicker.id != me.id else None
    return EmailScreen(
        kind=kind,
        ref=ref,
        customer_name=customer.name,
        email=email,
        links=compose_links(email.to, email.subject, email.body, limit=URL, first=client),
        preferred=client,
        ics_url=ics_url(settings, me, customer.customer_id, email.slots, now=now),
        ics_needs_url=not settings.kyc_public_url,
        customer_timezone=customer.timezone,
        for_id=for_id,
    )


async def after_voicemail(
    deps: Deps,
    person: Person | None,
    customer_id: int,
    *,
    request_key: str,
    for_id: int | None = None,
) -> EmailScreen:
    """Log the voicemail (once per request_key), and the email to send next: the
    executive's, signed by them, also when their delegate (`for_id`) clicked."""
    brief = await calling.voicemail(
        deps, person, customer_id, request_key=request_key, for_id=for_id
    )
    if for_id is not None:
        me = await calling.executive_acted_for(deps, person, None, for_id)
    else:
        me = require_executive(person, calling.NO_BATCH)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    email = brief.followup_email
    # Opened by their delegate: the links open in the delegate's own mail app.
    clicker = person if for_id is not None else None
    return _screen(
        settings, me, VOICEMAIL, customer_id, brief.customer, email, deps.now(), clicker=clicker
    )


async def _recap(
    session: AsyncSession, settings: Settings, me: Person, contact_id: int, now: datetime
) -> tuple[str, CustomerProfile, FollowupEmail]:
    """The email after one of `me`'s touches, and its kind: the recap (RECAP), or after a
    decline the short note (NOTE)."""
    contact = await session.get(Contact, contact_id)
    if contact is None or contact.workspace_id != me.workspace_id:
        raise NotAllowed(NOT_YOUR_CALL)
    if contact.executive_id != me.id:
        raise NotAllowed(NOT_YOUR_CALL)
    await calls.own_customer(session, me, contact.customer_id)
    profiles, _, _ = await queries.brief_material(session, me.workspace_id, [contact.customer_id])
    customer = profiles[contact.customer_id]
    executive = executive_profile(me, regimen_of(me, settings), settings.kyc_company)
    if contact.outcome == Outcome.DECLINED:
        return NOTE, customer, declined_note(customer=customer, executive=executive)
    rows = await session.execute(
        select(ActionItem.text, Person.name, ActionItem.due_on)
        .outerjoin(Person, Person.id == ActionItem.owner_id)
        .where(ActionItem.contact_id == contact.id)
        .order_by(ActionItem.id)
    )
    owner = (
        await session.get(Person, contact.follow_up_owner_id)
        if contact.follow_up_owner_id
        else None
    )
    call = RecapCall(
        occurred_at=contact.occurred_at,
        summary=contact.summary,
        items=tuple(RecapItem(text, name, due) for text, name, due in rows),
        follow_up_owner=owner.name if owner else None,
        follow_up_on=contact.follow_up_on,
    )
    return RECAP, customer, recap_email(customer=customer, executive=executive, call=call, now=now)


async def recap(deps: Deps, person: Person | None, contact_id: int) -> EmailScreen:
    """The recap email of one of the executive's calls (the short note after a decline)."""
    me = require_executive(person, calling.NO_BATCH)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work() as session:
        fresh = await reload_actor(session, me)
        kind, customer, email = await _recap(session, settings, fresh, contact_id, deps.now())
    return _screen(settings, fresh, kind, contact_id, customer, email, deps.now())


async def choose_client(
    deps: Deps,
    person: Person | None,
    client: str,
    kind: str,
    ref: int,
    *,
    for_id: int | None = None,
) -> EmailScreen:
    """Remember the clicker's email client, and the open email with links for it (the
    voicemail's email drafted again, nothing logged). `for_id`: the executive whose email it
    is, when their delegate opened it (`identity.acting_for` checks); the choice is the
    delegate's own, as it is their mail app."""
    if for_id is not None:
        me = await calling.executive_acted_for(deps, person, None, for_id)
    else:
        me = require_executive(person, calling.NO_BATCH)
    assert person is not None
    try:
        chosen = EmailClient(client)
    except ValueError:
        raise NotAllowed("Pick one of the email clients offered.") from None
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    now = deps.now()
    async with deps.db.unit_of_work(writes=True) as session:
        clicker = await reload_actor(session, person)
        clicker.email_client = chosen.value
        fresh = clicker if clicker.id == me.id else await reload_actor(session, me)
        if kind in (RECAP, NOTE):
            shown, customer, email = await _recap(session, settings, fresh, ref, now)
        else:
            brief = await calling._brief(session, settings, fresh, ref, now)
            shown, customer, email = VOICEMAIL, brief.customer, brief.followup_email
    return _screen(settings, fresh, shown, ref, customer, email, now, clicker=clicker)
