"""Where a logged call's messages go: the action items as a thread in each owning team's
channel, kudos to the team, the colleague and their manager, the success story, the follow-up
reminder. Every step reads one `RoutedCall` and adds to its outbox batch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

import bot.views.items as item_views
from bot.regimen.calendar import local_instant
from bot.regimen.types import ItemStatus, Outcome
from bot.services import outbox
from bot.services.people import regimen_of
from bot.settings import Settings
from bot.views.data import CallSubmission, CallThread, ItemCard, KudosCard
from bot.views.data import Person as Shown
from storage.models import ActionItem, Contact, Customer, Kudos, Person, Team


@dataclass
class RoutedCall:
    """A call just stored, and what routing it needs."""

    session: AsyncSession
    settings: Settings
    out: outbox.Outgoing  # the messages it owes, queued together at the end
    people: dict[str, Person]  # everyone the form names, by Slack id
    executive: Person
    customer: Customer
    contact: Contact
    submission: CallSubmission
    now: datetime
    occasion: str = "call"  # "meeting": a team's formal customer meeting's items


async def route_call(call: RoutedCall) -> None:
    """Store the call's items and kudos and queue every message it owes, in one statement."""
    await _route_items(call)
    await _route_kudos(call)
    _schedule_follow_ups(call)
    await call.out.queue(call.session)


def shown(person: Person | None) -> Shown | None:
    return Shown(person.name, person.slack_user_id) if person else None


async def _route_items(call: RoutedCall) -> None:
    session, out, people, now = call.session, call.out, call.people, call.now
    executive, customer, contact, sub = call.executive, call.customer, call.contact, call.submission
    ws = executive.workspace_id
    by_team: dict[int | None, list[tuple[ActionItem, Person | None]]] = {}
    for item_in in sub.items:
        owner = people.get(item_in.owner_user_id or "")
        team_id = item_in.team_id or (owner.team_id if owner else None) or customer.team_id
        item = ActionItem(
            workspace_id=ws,
            contact_id=contact.id,
            customer_id=customer.id,
            text=item_in.text,
            owner_id=owner.id if owner else None,
            team_id=team_id,
            due_on=item_in.due_on,
            status=ItemStatus.OPEN,
            created_at=now,
        )
        session.add(item)
        by_team.setdefault(team_id, []).append((item, owner))
    await session.flush()
    for team_id, items in by_team.items():
        team = await session.get(Team, team_id) if team_id else None
        # A team without a channel still gets its thread: in the executive's DM, nothing lost.
        channel = (team.channel_id if team else None) or executive.slack_user_id or ""
        parent_key = items_parent_key(contact.id, team_id)
        out.post(
            parent_key,
            channel,
            item_views.build_items_parent(
                CallThread(
                    executive=Shown(executive.name, executive.slack_user_id),
                    customer_name=customer.name,
                    outcome=contact.outcome or Outcome.REACHED,
                    sentiment=contact.sentiment,
                    summary=contact.summary,
                    team_name=team.name if team else "No team",
                    item_count=len(items),
                    occasion=call.occasion,
                )
            ),
        )
        for item, owner in items:
            out.post(
                item_reply_key(item.id),
                channel,
                item_views.build_item_reply(card(item, owner)),
                thread_of=parent_key,
                ref_kind="item",
                ref_id=item.id,
            )


def item_reply_key(item_id: int) -> str:
    return f"item:{item_id}:reply"


def items_parent_key(contact_id: int, team_id: int | None) -> str:
    """The key of a call's thread parent in a team's channel: its items' notes reply under it."""
    return f"call:{contact_id}:items:{team_id or 0}"


def card(item: ActionItem, owner: Person | None, done_by: Person | None = None) -> ItemCard:
    return ItemCard(
        item_id=item.id,
        text=item.text,
        owner=shown(owner),
        due_on=item.due_on,
        done=item.status == ItemStatus.DONE,
        done_by=shown(done_by),
    )


async def _route_kudos(call: RoutedCall) -> None:
    session, out, people, now = call.session, call.out, call.people, call.now
    executive, customer, contact, sub = call.executive, call.customer, call.contact, call.submission
    ws = executive.workspace_id
    for n, k in enumerate(sub.kudos, start=1):
        mate = people[k.to_user_id]
        kudos = Kudos(
            workspace_id=ws,
            contact_id=contact.id,
            from_id=executive.id,
            to_id=mate.id,
            note=k.note,
            created_at=now,
        )
        session.add(kudos)
        kcard = KudosCard(
            giver=Shown(executive.name, executive.slack_user_id),
            colleague=Shown(mate.name, mate.slack_user_id),
            note=k.note,
            customer_name=customer.name,
        )
        base = f"call:{contact.id}:kudos:{n}"
        team = await session.get(Team, mate.team_id) if mate.team_id else None
        if team and team.channel_id:
            out.post(f"{base}:team", team.channel_id, item_views.build_kudos_post(kcard))
        if mate.slack_user_id:
            out.post(
                f"{base}:dm",
                mate.slack_user_id,
                item_views.build_kudos_dm(kcard, to_manager=False),
            )
        manager = await session.get(Person, mate.manager_id) if mate.manager_id else None
        if manager and manager.slack_user_id:
            out.post(
                f"{base}:manager",
                manager.slack_user_id,
                item_views.build_kudos_dm(kcard, to_manager=True),
            )


def _schedule_follow_ups(call: RoutedCall) -> None:
    out, settings, now = call.out, call.settings, call.now
    executive, customer, contact = call.executive, call.customer, call.contact
    follow_owner = call.people.get(call.submission.follow_up_owner_user_id or "")
    exec_shown = Shown(executive.name, executive.slack_user_id)
    if contact.success_story:
        if settings.kyc_stories_channel:
            out.post(
                f"call:{contact.id}:story",
                settings.kyc_stories_channel,
                item_views.build_story_post(customer.name, exec_shown, contact.summary),
            )
        if executive.slack_user_id:
            out.post(
                f"call:{contact.id}:story-reminder",
                executive.slack_user_id,
                item_views.build_story_reminder(customer.name),
                not_before=now + timedelta(days=settings.kyc_story_reminder_days),
            )
    if contact.follow_up_on and follow_owner and follow_owner.slack_user_id:
        reg = regimen_of(follow_owner, settings)
        at = local_instant(contact.follow_up_on, min(reg.nudge_time, time(9, 0)), reg.tz)
        out.post(
            f"call:{contact.id}:follow-up",
            follow_owner.slack_user_id,
            item_views.build_follow_up_reminder(customer.name, contact.summary, exec_shown),
            not_before=max(at, now),
        )
