"""The App Home tab."""

from __future__ import annotations

from typing import Any

from bot.ids import Action, acting_block
from bot.views.blocks import actions, button, context, divider, header, section
from bot.views.data import ActedFor, HomeData
from bot.views.floor import floor_blocks
from bot.views.limits import MAX_VIEW_BLOCKS, ensure_view
from bot.views.matchmaking import meet_blocks, participation_blocks
from bot.views.meetings.figures import meeting_figures_text
from bot.views.recovery import key_meeting_section, recovery_section
from bot.views.stats import figure_blocks
from bot.views.text import clip, day, escape, mention
from bot.views.themes import quarter_line

OPEN = ("planned", "attempted")
CHART_ALT = "Your proactive and reactive customer contacts and weekly completion, last 12 weeks"
STATUS = {"planned": "⏳", "attempted": "📞", "done": "✅"}


# App Home holds 100 blocks; the sections each feature adds leave these for long lists.
HOME_ITEMS = 12
HOME_FAILED = 8


def build_home(data: HomeData) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [header(f"☕ Good to see you, {clip(data.name, 100)}")]
    if data.is_executive:
        if data.figures is not None:
            blocks += figure_blocks(data.figures, data.trend, data.call_trend, with_week=False)
        if data.chart_url:
            blocks.append(
                {
                    "type": "image",
                    "image_url": data.chart_url,
                    "alt_text": CHART_ALT,
                }
            )
        if data.paused_until:
            why = f" ({clip(data.paused_reason, 200)})" if data.paused_reason else ""
            until = day(data.paused_until)
            blocks.append(context(f"🌴 Paused until {until}{why} — Resume to come back early."))
        done = sum(1 for _, _, s in data.week if s == "done")
        blocks += [divider(), header(f"This week ({data.iso_week}): {done}/{data.quota} done")]
        for customer_id, name, status in data.week[:25]:
            line = f"{STATUS.get(status, '•')} *{escape(name)}*"
            if status in ("planned", "attempted"):
                blocks.append(
                    section(line, accessory=button("Log call", Action.LOG_CALL, str(customer_id)))
                )
            else:
                blocks.append(section(line))
        if not data.week:
            blocks.append(section("No batch this week."))
        buttons = [
            button("Log a call", Action.OPEN_CALL, style="primary"),
            button("Manage a customer…", Action.MANAGE_PICK),
            button("Add customer", Action.ADD_CUSTOMER),
            button("My settings", Action.MY_SETTINGS),
            button("Resume", Action.RESUME) if data.paused_until else button("Pause", Action.PAUSE),
        ]
        if data.delegate_name:
            buttons.append(button("Stop my delegate", Action.STOP_DELEGATE))
        blocks.append(actions(*buttons, block_id="home_actions"))
        who = (
            f"🤝 Your delegate: {mention(data.delegate_user, data.delegate_name)}"
            if data.delegate_name
            else "🤝 No delegate"
        )
        blocks += floor_blocks(data.floor)
        blocks.append(
            section(
                f"{who} — a chief of staff who may log calls, see your week and pause you.",
                accessory=button(
                    "Change" if data.delegate_name else "Name one", Action.SET_DELEGATE
                ),
            )
        )
    elif not data.acting_for:
        blocks.append(
            section(
                "KYC gives your executives five customers a week to call. When a call needs "
                "something done, it lands in your team's channel — and here."
            )
        )
    blocks += key_meeting_section(list(data.key_without_meeting), data.key_coverage)
    if data.recoveries is not None:
        blocks += recovery_section(data.recoveries)
    if data.themes is not None:
        blocks.append(section(quarter_line(data.themes)))
    if data.meet is not None:  # people of teams that do not face customers
        blocks += [divider(), *meet_blocks(data.meet)]
    head = blocks
    blocks = [divider(), header("My action items")]
    for item in data.my_items[:HOME_ITEMS]:
        due = f"due {day(item.due_on)}" if item.due_on else "no due date"
        blocks.append(
            section(
                f"📌 {clip(item.text, 500)} · {due}",
                accessory=button("Done", Action.ITEM_DONE, str(item.item_id)),
            )
        )
    if not data.my_items:
        blocks.append(context("Nothing open — nice."))
    elif len(data.my_items) > HOME_ITEMS:
        more = len(data.my_items) - HOME_ITEMS
        blocks.append(context(f"…and {more} more, all in your morning item digest."))
    team: list[dict[str, Any]] = []
    team_at = len(blocks)
    if data.team is not None:  # two blocks, after "My action items"
        team_id, team_name = data.team
        team = [
            section(
                f"*Team: {clip(team_name, 200)}* — your charter: its purpose, and what its "
                "customers expect of it, each with how you measure it. Revise it after each "
                "customer meeting."
                + (
                    "\n" + meeting_figures_text(data.team_meetings)
                    if data.team_meetings is not None
                    else ""
                )
            ),
            actions(
                button("Edit charter", Action.EDIT_CHARTER, str(team_id)),
                button("Charter history", Action.CHARTER_HISTORY, str(team_id)),
                block_id="team_actions",
            ),
        ]
    if data.is_admin:
        blocks += [
            divider(),
            header("Your workspace"),
            actions(
                button("Workspace settings", Action.ADMIN_SETTINGS),
                button("People", Action.ADMIN_PEOPLE),
                button("Teams", Action.ADMIN_TEAMS),
                button("Customers", Action.ADMIN_CUSTOMERS),
                button("Add an executive", Action.ENROL_EXECUTIVE),
                button("Holidays", Action.ADMIN_HOLIDAYS),
                block_id="admin_actions",
            ),
            context("Many rows at once: `kyc import people people.csv` (and teams, customers)."),
            *participation_blocks(data.participation),
            header("Messages that could not be delivered"),
        ]
        if data.sending_stopped:
            blocks.append(
                section(
                    f"⛔ *Sending stopped:* Slack refused the bot token ({data.sending_stopped}). "
                    "Nothing is sent, nothing is lost: every message waits in the queue and goes "
                    "out once a working token is configured (`kyc outbox` lists them)."
                )
            )
        for line in data.failed_messages[:HOME_FAILED]:
            blocks.append(section(f"⚠️ {clip(line, 500)}"))
        if len(data.failed_messages) > HOME_FAILED:
            more = len(data.failed_messages) - HOME_FAILED
            blocks.append(context(f"…and {more} more: `kyc outbox` lists them all."))
        if not data.failed_messages:
            blocks.append(context("Everything went out."))
        else:
            blocks.append(
                context(
                    "Fix the cause (e.g. invite @KYC to the channel), then run `kyc outbox retry`."
                )
            )
    # A delegate's executives take the room the rest leaves (App Home holds 100 blocks).
    # The team's charter gives way to a delegate's executives when App Home is full (each needs
    # its head and one customer; 100 blocks at most).
    room = MAX_VIEW_BLOCKS - len(head) - len(blocks) - len(team)
    if data.acting_for and room < 2 * len(data.acting_for) + 3:
        team = []
        room = MAX_VIEW_BLOCKS - len(head) - len(blocks)
    blocks[team_at:team_at] = team  # right after the action items
    view = {"type": "home", "blocks": head + _acting_for(data.acting_for, room) + blocks}
    ensure_view(view)
    return view


def _acting_for(executives: tuple[ActedFor, ...], room: int) -> list[dict[str, Any]]:
    """Each executive who named this person their delegate: their week, each open customer
    with the nudge's buttons (the executive carried in the block id), within `room` blocks;
    what does not fit is one `/kyc week for` away."""
    blocks: list[dict[str, Any]] = []
    for n, acted in enumerate(executives):
        left = room - len(blocks) - 2 * (len(executives) - n - 1)  # the others' heads
        if left < 2:
            break
        done = sum(1 for _, _, s in acted.week if s == "done")
        name = escape(acted.name)
        blocks += [
            divider(),
            section(
                f"*You act for {name}* · {acted.iso_week}: {done}/{acted.quota} done — "
                "what you log is recorded as by you for them."
            ),
        ]
        left -= 2
        shown = 0
        for customer_id, customer, status in acted.week:
            if status not in OPEN:
                continue
            if left < 3:  # two for the customer, one for the note of the rest
                break
            block_id = acting_block(acted.executive_id, customer_id)
            value = str(customer_id)
            blocks += [
                section(
                    f"{STATUS.get(status, '•')} *{escape(customer)}*",
                    block_id=f"{block_id}_s",
                    accessory=button("Log call", Action.LOG_CALL, value, style="primary"),
                ),
                actions(
                    button("Left voicemail", Action.VOICEMAIL, value),
                    button("Brief", Action.BRIEF, value),
                    button("Swap", Action.SWAP, value),
                    block_id=block_id,
                ),
            ]
            left -= 2
            shown += 1
        rest = sum(1 for _, _, s in acted.week if s in OPEN) - shown
        if rest and left >= 1:
            blocks.append(context(f"{rest} more open: `/kyc week for @…` lists them all."))
    return blocks
