"""The organiser's invitation DM: when and with whom, the email to send with a button per mail
client and the calendar file, then Change… and Cancel meeting; once cancelled, why, and the
calendar file that takes it out of calendars."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.ids import Action
from bot.regimen.compose import ComposeLink
from bot.views.blocks import actions, button, context, divider, message, section
from bot.views.text import clip, escape


@dataclass(frozen=True)
class InvitationScreen:
    """The organiser's DM once a meeting is requested."""

    customer_name: str
    when: str  # "Thu 3 Dec 2026 10:00 America/New_York"
    minutes: int
    to: tuple[str, ...]  # the customer's attendees' emails
    subject: str
    body: str
    links: tuple[ComposeLink, ...]  # the preferred client first
    ics_url: str | None
    attendees: tuple[str, ...]  # Slack ids of the team's attendees
    facilitator: bool
    meeting_id: int | None = None  # its Change… and Cancel meeting buttons
    changes: int = 0  # how many times it was changed (the .ics SEQUENCE)
    cancelled: str | None = None  # cancelled: "by Ada Quinn: budget freeze" (plain text)


def _link_button(text: str, action_id: str, url: str, *, primary: bool = False) -> dict[str, Any]:
    el = button(text, action_id, style="primary" if primary else None)
    el["url"] = url
    return el


def build_meeting_cancelled_invitation(screen: InvitationScreen) -> dict[str, Any]:
    """The organiser's invitation once the meeting is cancelled: why, and the calendar file
    that takes it out of calendars; nothing left to change."""
    name = clip(screen.customer_name, 200)
    blocks: list[dict[str, Any]] = [
        section(
            f"*Meeting with {name} cancelled* ✖️\n~{escape(screen.when)}~ · "
            f"cancelled {clip(screen.cancelled or '', 600)}"
        ),
    ]
    if screen.ics_url:
        blocks.append(
            actions(
                _link_button("📅 Cancel in calendars (.ics)", Action.ICS, screen.ics_url),
                block_id="meeting_links",
            )
        )
        blocks.append(
            context(
                "Open the calendar file to take the meeting out of your calendar, and send it "
                "to whoever you invited. Tell the customer in your own words."
            )
        )
    else:
        blocks.append(context("Tell the customer, and take the meeting out of your calendar."))
    blocks.append(context("Nobody is prepared for it or asked about it any more."))
    return message(f"Meeting with {screen.customer_name} cancelled", blocks)


def build_meeting_invitation(screen: InvitationScreen) -> dict[str, Any]:
    if screen.cancelled is not None:
        return build_meeting_cancelled_invitation(screen)
    name = clip(screen.customer_name, 200)
    what = "moved" if screen.changes else "requested"
    blocks: list[dict[str, Any]] = [
        section(
            f"*Meeting with {name} {what}* 🤝\n{escape(screen.when)} · {screen.minutes} min"
            + (
                " · with " + ", ".join(f"<@{u}>" for u in screen.attendees[:20])
                if screen.attendees
                else ""
            )
        ),
    ]
    if screen.to:
        blocks.append(context("To: " + clip(", ".join(screen.to), 1500)))
    else:
        blocks.append(
            context("No email address for their people yet: add the recipients in your mail app.")
        )
    buttons = [
        _link_button(
            f"Send with {link.client.label}",
            f"{Action.COMPOSE}_{link.client}",
            link.url,
            primary=i == 0,
        )
        for i, link in enumerate(screen.links)
    ]
    if screen.ics_url:
        buttons.append(_link_button("📅 Calendar (.ics)", Action.ICS, screen.ics_url))
    blocks.append(actions(*buttons, block_id="meeting_links"))
    if any(link.shortened for link in screen.links):
        blocks.append(context("The email was too long for a link: copy the rest from below."))
    if screen.ics_url is None:
        blocks.append(context("A calendar file (.ics) needs KYC_PUBLIC_URL set on the bot."))
    blocks += [
        divider(),
        section(f"*{clip(screen.subject, 200)}*\n```{clip(screen.body, 2800)}```"),
    ]
    if screen.facilitator:
        blocks.append(context("You asked for an objective facilitator: book them for this slot."))
    blocks.append(
        context(
            "Everyone coming gets a preparation note a few days before. After the meeting, "
            "you will be asked how it went."
            + (
                f" Changed {screen.changes} time(s): send the new email and calendar file."
                if screen.changes
                else ""
            )
        )
    )
    if screen.meeting_id is not None:
        value = str(screen.meeting_id)
        blocks.append(
            actions(
                button("Change…", Action.CHANGE_MEETING, value),
                button("Cancel meeting", Action.CANCEL_MEETING, value, style="danger"),
                block_id="meeting_change",
            )
        )
    return message(f"Meeting with {screen.customer_name} {what}", blocks)
