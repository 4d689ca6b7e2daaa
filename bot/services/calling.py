"""Interactive use cases around a call, one unit of work each, returning what to show: the
call modal's form, a submitted call or reactive contact, a voicemail click, a brief.

Handlers parse the payload and call one of these; the confirmation DM is queued here, in the
same transaction as what it confirms."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.regimen.brief import build_brief
from bot.regimen.calendar import local_now, zone
from bot.regimen.themes import BUILT_IN, parse_tags, theme_value
from bot.regimen.types import Brief, Channel, Outcome, Sentiment
from bot.services import calls, holidays, inbox, outbox
from bot.services import executive as exec_service
from bot.services.identity import (
    NotAllowed,
    acting_for,
    executive_for,
    reload_actor,
    require_executive,
)
from bot.services.people import executive_profile, regimen_of
from bot.settings import Settings
from bot.tenancy.workspace_settings import for_workspace
from bot.views.call_submission import parse_call_submission
from bot.views.commands import build_simple
from bot.views.data import CallForm, CallSubmission, Option
from bot.views.email_modal import build_call_confirmation
from bot.views.text import escape
from storage import customer_people, queries
from storage.models import Customer, Person, Submission, Team

NOT_AN_EXECUTIVE = "Only executives on the KYC roster log calls."
_TEAMS = select(Team).where(Team.workspace_id == bindparam("workspace_id")).order_by(Team.name)
NO_BATCH = "Only executives on the KYC roster have customer batches."
MAX_ITEMS, MAX_KUDOS = 10, 5


def call_meta(customer_id: int | None, items: int, kudos: int, for_id: int | None = None) -> str:
    """The call modal's private_metadata: which customer, how many item and kudos rows, and
    for which executive when a delegate logs it (absent: the submitter's own call)."""
    meta: dict[str, Any] = {"c": customer_id, "i": items, "k": kudos}
    if for_id is not None:
        meta["f"] = for_id
    return json.dumps(meta)


async def form_for_call(
    deps: Deps,
    person: Person | None,
    customer_id: int | None,
    *,
    items: int = 1,
    kudos: int = 1,
    typed: str | None = None,
    for_user: str | None = None,
    for_id: int | None = None,
    kind: Channel | None = None,
) -> CallForm:
    """What the call modal shows: the customer (given, or the best match for what was typed
    after `/kyc done`), the teams to route items to, and how many rows. `for_user` (a Slack
    id) or `for_id`: the executive a delegate logs the call for (identity.acting_for)."""
    if for_user is not None or for_id is not None:
        me = await executive_acted_for(deps, person, for_user, for_id)
    else:
        me = require_executive(person, NO_BATCH)
    acting = person is not None and me.id != person.id
    customer = None
    if typed or customer_id:  # `/kyc done` with no customer named opens no unit of work
        settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
        async with deps.db.unit_of_work() as session:
            if typed:
                match = await exec_service.best_match(session, settings, me, typed, now=deps.now())
                customer_id = match.customer_id if match else None
            customer = await session.get(Customer, customer_id) if customer_id else None
        if customer is not None and customer.executive_id != me.id:
            customer = None
    # The roster's teams change with an import, not with requests: kept a minute.
    teams = await deps.db.read(_TEAMS, {"workspace_id": me.workspace_id}, keep_for=60)
    items, kudos = min(max(items, 1), MAX_ITEMS), min(max(kudos, 1), MAX_KUDOS)
    options = tuple(Option(str(t.id), t.name) for t in teams[:100])
    default_team = str(customer.team_id if customer else me.team_id)
    return CallForm(
        customer=Option(str(customer.id), customer.name) if customer else None,
        item_count=items,
        kudos_count=kudos,
        private_metadata=call_meta(
            customer.id if customer else None, items, kudos, me.id if acting else None
        ),
        acting_for=me.name if acting else None,
        kind=kind or Channel.CALL,
        teams=options,
        default_team=next((o for o in options if o.value == default_team), None),
        themes=theme_options(teams),
    )


def theme_options(teams: list[Team]) -> tuple[Option, ...]:
    """The call modal's themes: the built-ins, then each team's own tags (100 at most)."""
    options = [Option(value, label) for value, label in BUILT_IN]
    for team in teams:
        try:
            tags = parse_tags(team.theme_tags)
        except ValueError:
            continue
        options += [Option(theme_value(t, team.id), f"{t} ({team.name})") for t in tags]
    return tuple(options[:100])


async def executive_acted_for(
    deps: Deps, person: Person | None, for_user: str | None, for_id: int | None = None
) -> Person:
    """The executive `person` acts for, by Slack id or roster id; refused unless their
    delegate (or themselves)."""
    if person is None:
        return acting_for(None, None)
    async with deps.db.unit_of_work() as session:
        if for_user is not None:
            return await executive_for(session, person, for_user)
        return acting_for(person, await session.get(Person, for_id) if for_id else None)


async def local_today(deps: Deps, person: Person | None) -> date:
    """The actor's local date (the default timezone's for a stranger), for validating the
    dates typed in a modal."""
    if person is None:
        return local_now(deps.now(), zone(deps.settings.kyc_default_timezone)).date()
    settings = await for_workspace(deps.db, deps.settings, person.workspace_id)
    return local_now(deps.now(), regimen_of(person, settings).tz).date()


async def _confirm(session: AsyncSession, person: Person, key: str, text: str) -> None:
    if person.slack_user_id:
        await outbox.post(
            session, person.workspace_id, key, person.slack_user_id, build_simple(text)
        )


async def submit_call(
    deps: Deps,
    person: Person | None,
    submission: CallSubmission,
    values: dict[str, Any],
    today: date,
    *,
    request_key: str,
    for_id: int | None = None,
) -> inbox.Received:
    """Keep the call as typed, before Slack hears back (a resubmitted modal is kept once);
    `logged_call` stores it with every message it owes right after (bot/services/inbox.py).
    What can be refused is checked now, to be answered on the form. `for_id`: the executive
    a delegate logs it for."""
    if for_id is not None:
        executive = await executive_acted_for(deps, person, None, for_id)
    else:
        executive = require_executive(person, NOT_AN_EXECUTIVE)
    assert person is not None
    rows = await deps.db.read(_CUSTOMER, {"id": submission.customer_id})
    calls.check_own(rows[0] if rows else None, executive)
    payload: dict[str, Any] = {"values": values, "today": today.isoformat()}
    if executive.id != person.id:
        payload["for"] = executive.id
    return await inbox.keep(deps, person, "call", payload, request_key=request_key)


_CUSTOMER = select(Customer).where(Customer.id == bindparam("id"))


@inbox.handles("call")
async def logged_call(deps: Deps, session: AsyncSession, me: Person, kept: Submission) -> None:
    """A kept call, stored with its messages and a confirmation DM, as of when it came."""
    payload = kept.payload
    sub, errors = parse_call_submission(
        payload["values"], today=date.fromisoformat(payload["today"])
    )
    if sub is None:
        raise NotAllowed("; ".join(errors.values()) or "the form could not be read")
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    # A delegate's call is the executive's: checked again, as the delegate may be revoked.
    executive = (
        acting_for(me, await session.get(Person, payload["for"])) if payload.get("for") else me
    )
    logged = await calls.log_call(
        session,
        settings,
        executive,
        sub,
        request_key=kept.request_key,
        now=kept.received_at,
        logged_by=me,
    )
    if not logged.duplicate:
        head = logged_words(
            logged,
            by=None if executive.id == me.id else (me.name, executive.name),
            comeback_weeks=settings.kyc_declined_comeback_weeks,
        )
        parts = [head]
        if logged.item_count:
            parts.append(f"{logged.item_count} action item(s) posted to the team.")
        if logged.kudos_count:
            parts.append(f"{logged.kudos_count} kudos on their way 🎉")
        # After a reached call, the recap email to the customer is one click away.
        recap = logged.contact_id if sub.outcome.reached_customer else None
        key = f"call:{logged.contact_id}:confirm"
        if executive.slack_user_id:
            message = build_call_confirmation(" ".join(parts), recap)
            await outbox.post(
                session, executive.workspace_id, key, executive.slack_user_id, message
            )
        if executive.id != me.id:  # the delegate who logged it is told too
            await _confirm(session, me, f"{key}:delegate", " ".join(parts))


# How a confirmation names each kind of touchpoint ("Visit with Acme logged").
_NOUNS = {
    Channel.CALL: "call",
    Channel.VISIT: "visit",
    Channel.OFFICE: "visit to our office",
    Channel.MEAL: "lunch or dinner",
    Channel.EVENT: "event",
    Channel.FLOOR: "back-to-the-floor shift",
}


def logged_words(
    logged: calls.LoggedCall, *, by: tuple[str, str] | None = None, comeback_weeks: int = 4
) -> str:
    """The confirmation's first sentence, in the words of the touchpoint logged; `by`: (the
    delegate's name, the executive's name) when a delegate logged it. A decline is said
    kindly: no blame, no score, and when the customer comes round again."""
    noun = _NOUNS.get(logged.channel, logged.channel.label.lower())
    name = escape(logged.customer_name)
    if logged.outcome == Outcome.DECLINED:
        who = f" (logged by {escape(by[0])} for {escape(by[1])})" if by else ""
        return (
            f"Logged{who}: {name} said not now — no harm done 🙂 A refusal is usually the mark "
            f"of a busy person, not a no. They are off this week's list, with nothing against "
            f"the week, and will come round again in {comeback_weeks} weeks."
        )
    progress = f"{logged.done_this_week}/{logged.quota}"
    if by is None:
        if logged.channel == Channel.CALL:
            return f"Logged your call with {name} ✅ {progress} this week."
        return f"{noun[0].upper()}{noun[1:]} with {name} logged ✅ {progress} this week."
    return (
        f"{noun[0].upper()}{noun[1:]} with {name} logged by {escape(by[0])} for "
        f"{escape(by[1])} ✅ {progress} this week."
    )


async def submit_reactive(
    deps: Deps, person: Person | None, fields: dict[str, Any], *, request_key: str
) -> None:
    """A complaint, ticket or escalation the customer started: stored and confirmed."""
    me = require_executive(person, "Only executives on the KYC roster log customer contacts.")
    reg = regimen_of(me, await for_workspace(deps.db, deps.settings, me.workspace_id))
    today = local_now(deps.now(), reg.tz).date()
    on = fields.get("occurred_on")
    occurred = (
        deps.now()
        if on in (None, today)
        else datetime.combine(on, time(12), reg.tz).astimezone(UTC)
    )
    async with deps.db.unit_of_work(writes=True) as session:
        me = await reload_actor(session, me)
        contact = await calls.log_reactive(
            session,
            me,
            customer_id=int(fields["customer_id"]),
            channel=Channel(fields["channel"]),
            sentiment=Sentiment(fields["sentiment"]) if fields.get("sentiment") else None,
            summary=fields.get("summary"),
            occurred_at=occurred,
            request_key=request_key,
        )
        await _confirm(
            session,
            me,
            f"reactive:{contact.id}:confirm",
            "Logged ✅ It counts as a reactive contact — the next proactive call "
            "to this customer will come up early in your batch.",
        )
    deps.wake_sender()


async def _brief(
    session: AsyncSession, settings: Settings, me: Person, customer_id: int, now: datetime
) -> Brief:
    await calls.own_customer(session, me, customer_id)
    # The brief draws on the history: every recent touchpoint's details and insights, and what
    # was done for the customer since they were last reached.
    profiles, contacts, open_items = await queries.brief_material(
        session, me.workspace_id, [customer_id], contacts_each=100
    )
    reg = regimen_of(
        me, settings, await holidays.calendar(session, me.workspace_id, around=now.date())
    )
    return build_brief(
        customer=profiles[customer_id],
        contacts=contacts.get(customer_id, []),
        open_items=open_items.get(customer_id, []),
        executive=executive_profile(me, reg, settings.kyc_company),
        now=now,
        people=await customer_people.people_of(session, me.workspace_id, customer_id),
        team_notes=await customer_people.team_notes_of(session, me.workspace_id, customer_id),
        done_items=await queries.done_items(session, me.workspace_id, customer_id, None),
    )


async def brief(
    deps: Deps, person: Person | None, customer_id: int, *, for_id: int | None = None
) -> Brief:
    """The full pre-call brief of one of the executive's customers; `for_id`: the executive
    their delegate clicked for (on the delegate's App Home), checked by `acting_for`."""
    if for_id is not None:
        me = await executive_acted_for(deps, person, None, for_id)
    else:
        me = require_executive(person, NO_BATCH)
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    async with deps.db.unit_of_work() as session:
        fresh = await reload_actor(session, me)
        return await _brief(session, settings, fresh, customer_id, deps.now())


async def voicemail(
    deps: Deps,
    person: Person | None,
    customer_id: int,
    *,
    request_key: str,
    for_id: int | None = None,
) -> Brief:
    """Log a voicemail attempt once per request_key (a double click logs one), and return
    the brief whose follow-up email the executive sends next. `for_id`: the executive their
    delegate clicked for (on the delegate's App Home); it is theirs, logged by the delegate,
    and they are told."""
    from sqlalchemy.exc import IntegrityError

    if for_id is not None:
        me = await executive_acted_for(deps, person, None, for_id)
    else:
        me = require_executive(person, NO_BATCH)
    assert person is not None
    settings = await for_workspace(deps.db, deps.settings, me.workspace_id)
    for attempt in (1, 2):
        try:
            async with deps.db.unit_of_work(writes=True) as session:
                by = await reload_actor(session, person)
                fresh = acting_for(by, await session.get(Person, me.id))  # still their delegate
                contact = await calls.log_voicemail(
                    session,
                    settings,
                    fresh,
                    customer_id,
                    now=deps.now(),
                    request_key=request_key,
                    logged_by=by,
                )
                brief = await _brief(session, settings, fresh, customer_id, deps.now())
                if by.id != fresh.id:  # by X for Y, as a call: the executive hears of it
                    await _confirm(
                        session,
                        fresh,
                        f"voicemail:{contact.id}:for",
                        f"{escape(by.name)} left a voicemail with "
                        f"{escape(brief.customer.name)} for you 📞 (as your delegate).",
                    )
                return brief
        except IntegrityError:  # the other click of a double click won the race
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
