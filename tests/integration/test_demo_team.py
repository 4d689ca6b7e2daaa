"""`kyc demo`'s team stories, beside the executive's week: what each person saw of a key
customer's complaint owned and recovered, a back-to-the-floor shift, a matched guest, a
theme made an action point and a team's formal customer meeting, and what the database holds
at the end."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from rich.console import Console
from sqlalchemy import select

from bot.demo import floor, guest, meeting, recovery, run_demo, themes
from bot.regimen.floor import ShiftStatus
from bot.regimen.matchmaking import PairingStatus
from bot.regimen.meetings import MeetingKind
from bot.regimen.types import Channel, ContactKind, RecoveryStatus
from bot.standin.harness import LocalSlack
from storage.models import (
    ActionItem,
    Contact,
    Customer,
    CustomerMeeting,
    FloorShift,
    MatchPairing,
    Person,
    Recovery,
    TeamCharter,
    ThemeCandidate,
    ThemeStatus,
)


async def _demo() -> tuple[str, dict[str, Any]]:
    out = io.StringIO()
    seen: dict[str, Any] = {}

    async def look(env: LocalSlack) -> None:
        async with env.db.unit_of_work() as s:
            people = {p.id: p.name for p in await s.scalars(select(Person))}
            customers = {c.id: c.name for c in await s.scalars(select(Customer))}
            seen["people"], seen["customers"] = people, customers
            seen["recoveries"] = list(await s.scalars(select(Recovery)))
            seen["shifts"] = list(await s.scalars(select(FloorShift)))
            seen["pairings"] = list(await s.scalars(select(MatchPairing)))
            seen["themes"] = list(await s.scalars(select(ThemeCandidate)))
            seen["contacts"] = list(await s.scalars(select(Contact).order_by(Contact.id)))
            seen["meetings"] = list(await s.scalars(select(CustomerMeeting)))
            seen["charters"] = list(
                await s.scalars(select(TeamCharter).order_by(TeamCharter.revision))
            )
            seen["items"] = {i.id: i.text for i in await s.scalars(select(ActionItem))}

    # A week with no holiday (a holiday moves the shift's question past the week shown).
    await run_demo(Console(file=out, width=200), at_the_end=look, today=date(2026, 11, 30))
    text = out.getvalue()
    assert "Traceback" not in text and "WARNING" not in text and "&amp;" not in text
    return text, seen


def _in_order(text: str, *said: str) -> None:
    """Each of `said` is in the transcript, after the one before it."""
    at = 0
    for s in said:
        found = text.find(s, at)
        assert found >= 0, f"{s!r} not after position {at}"
        at = found + len(s)


async def test_the_demo_tells_the_teams_five_stories_through_the_app() -> None:
    text, seen = await _demo()
    lines = text.splitlines()
    assert len(lines) <= 200
    people, customers = seen["people"], seen["customers"]

    # A key customer's complaint: imported Monday, offered Tuesday, owned, called, recovered.
    _in_order(
        text,
        "Monday",
        "brings a complaint from Keystone Bank",
        "Tuesday",
        "DM @Dana Whitfield: Keystone Bank, a key customer, raised a complaint",
        "▶ Dana clicks Take ownership of Keystone Bank's complaint",
        "#cs-success: Dana Whitfield has taken ownership of Keystone Bank's complaint",
        "You own Keystone Bank's complaint: they are first in this week's calls.",
        "Logged your call with Keystone Bank",
        "Thursday",
        "brings Keystone Bank's next ticket",
        "Friday",
        "Keystone Bank's complaint, as the morning run settles it: recovered",
    )
    (rec,) = seen["recoveries"]
    assert customers[rec.customer_id] == "Keystone Bank"
    assert people[rec.executive_id] == "Dana Whitfield"
    assert rec.status == RecoveryStatus.RECOVERED
    assert rec.complained_at < rec.owned_at < rec.first_call_at < rec.recovered_at
    complaint = next(c for c in seen["contacts"] if c.summary == recovery.COMPLAINT)
    assert rec.complaint_contact_id == complaint.id

    # Back to the floor: committed, proposed to Support's lead, confirmed, reminded, reported.
    _in_order(
        text,
        "/kyc floor",
        "DM @Grace Nwosu: 🏭 @Dana Whitfield would like to do a back-to-the-floor shift",
        "▶ Grace Nwosu clicks Confirm",
        "DM @Dana Whitfield: ✅ @Grace Nwosu confirmed a back-to-the-floor shift",
        "Wednesday",
        "DM @Dana Whitfield: ⏰ Your shift is next",
        "DM @Grace Nwosu: ⏰ Tomorrow's shift",
        "Friday",
        "DM @Dana Whitfield: 🏭 How was a back-to-the-floor shift",
        "DM @Dana Whitfield: 🙏 Saved what you did and learned",
    )
    (shift,) = seen["shifts"]
    assert shift.status == ShiftStatus.DONE and shift.day.weekday() == 3  # this Thursday
    assert (shift.did, shift.learned) == (floor.DID, floor.LEARNED)
    assert shift.host_user_id == "U0MEMB005"  # Grace, who manages Support

    # A guest: Raj (Engineering) invited, joins, Dana accepts; on the call; what he learned.
    _in_order(
        text,
        "DM @Raj Patel: 🤝 Meet a customer: join @Dana Whitfield",
        "▶ Raj Patel clicks Join",
        "DM @Dana Whitfield: 🤝 @Raj Patel (Engineering) would like to join you",
        "▶ Dana clicks Accept",
        "DM @Raj Patel: 🎉 Dana Whitfield accepted: you join",
        "Wednesday",
        "Raj Patel listening in",
        "what the team made of it",
        "DM @Raj Patel: How was",
        f"▶ Raj Patel clicks What did you learn? → “{guest.LEARNED}”",
        "what you learned at",
    )
    (pairing,) = seen["pairings"]
    assert (people[pairing.guest_id], people[pairing.host_id]) == ("Raj Patel", "Dana Whitfield")
    assert pairing.status == PairingStatus.ACCEPTED and pairing.learned == guest.LEARNED
    heard = [c for c in seen["contacts"] if c.customer_id == pairing.customer_id]
    assert any(c.executive_id == pairing.host_id for c in heard)  # the call he listened in on

    # A theme: three customers' criticism tagged "reporting" → Engineering's lead → action
    # point in #engineering → done → Dana told which customers to tell.
    _in_order(
        text,
        "what the team made of it",
        "DM @Marcus Oyelaran: 🔁 A recurring theme: Reporting (Engineering)",
        "3 customers raised it",
        "▶ Marcus Oyelaran clicks Make it an action point",
        "#engineering: 🔁 Action point on a recurring theme: Reporting (Engineering)",
        f"#engineering ↳ thread: 📌 {themes.ACTION}",
        "▶ Raj Patel ships it and clicks Done in the thread",
        f"#engineering ↳ thread: ✅ @Raj Patel marked “{themes.ACTION}” done",
        "DM @Dana Whitfield: 🔁 Customers raised Reporting, and it was acted on",
        "Tell them what came of it",
    )
    (theme,) = seen["themes"]
    assert (theme.theme, theme.status, theme.action_text) == (
        "reporting",
        ThemeStatus.DONE,
        themes.ACTION,
    )
    assert people[theme.lead_id] == "Marcus Oyelaran"
    assert people[theme.owner_id] == people[theme.done_by_id] == "Raj Patel"
    assert len(theme.insight_ids) == 3

    # A formal customer meeting: Grace (Support) writes the draft charter and requests a
    # meeting with Brightwater Foods; she and Kenji are prepared; she records it as 4F; Kenji
    # accepts the charter revision it proposes; the history shows what the customer changed.
    _in_order(
        text,
        "Monday",
        "▶ Grace Nwosu on App Home → Team → Edit charter",
        "▶ Grace Nwosu requests a meeting: /kyc meeting brightwater",
        "DM @Grace Nwosu: Meeting with Brightwater Foods requested 🤝",
        "[Send with Mail app]",
        "[📅 Calendar (.ics)]",
        "Tuesday",
        "DM @Grace Nwosu: Preparing for Brightwater Foods",
        "DM @Kenji Sato: Preparing for Brightwater Foods",
        "• War: ",
        "• Advertisement: ",
        "• Love-In: ",
        "• 4F meeting: the goal: Frank, Friendly and Forthright Feedback.",
        "could be simplified or eliminated?",
        "Friday",
        "DM @Grace Nwosu: How did the meeting with Brightwater Foods go?",
        f"▶ Grace Nwosu clicks Record the meeting → 4F; “{meeting.NAMED}”",
        "#support-escalations: What Brightwater Foods changed in our charter 🤝",
        "DM @Grace Nwosu: Meeting with Brightwater Foods recorded ✅ (4F meeting)",
        f"#support-escalations ↳ thread: 📌 Simplify or eliminate: {meeting.SIMPLIFY}",
        "▶ Kenji Sato clicks Accept in #support-escalations",
        "Accepted ✅ The charter is now at revision 2",
        "modal Charter history: Support's charter — Revision 2",
        "🤝 What customers changed: after the meeting with Brightwater Foods",
        f"• ➕ {meeting.NAMED}",
        "what the team made of it",
    )
    (met,) = seen["meetings"]
    assert customers[met.customer_id] == "Brightwater Foods"
    assert people[met.organiser_id] == "Grace Nwosu"
    assert met.kind == MeetingKind.FOUR_F and met.recorded_at is not None
    assert met.starts_at.weekday() == 4  # this Friday (10:00 New York)
    contacts = [c for c in seen["contacts"] if c.source == "meeting"]
    assert sorted(people[c.executive_id] for c in contacts) == ["Grace Nwosu", "Kenji Sato"]
    assert sorted(c.executive_id for c in contacts) == sorted(met.attendee_ids)
    assert all(
        (c.kind, c.channel, c.customer_id, c.occurred_at)
        == (ContactKind.PROACTIVE, Channel.MEETING, met.customer_id, met.starts_at)
        for c in contacts
    )
    assert [seen["items"][i] for i in met.simplify_item_ids or []] == [
        "Simplify or eliminate: " + meeting.SIMPLIFY
    ]
    draft, revised = seen["charters"]
    assert (draft.revision, draft.meeting_id) == (1, None)
    assert (revised.revision, revised.meeting_id) == (2, met.id)
    assert people[revised.author_id or 0] == "Kenji Sato"
    assert [line["expectation"] for line in revised.expectations] == [
        meeting.CHARTER[0][0],
        meeting.NAMED,
    ]
