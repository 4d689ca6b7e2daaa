"""`kyc demo`: a week of KYC against the local Slack stand-in, printed as a transcript.
(Long on purpose: the demo reads top to bottom like the week it shows.)"""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel
from sqlalchemy import select

from bot.ids import Action, Block, View, numbered
from bot.regimen.calendar import iso_week_of, local_instant, week_monday
from bot.services.morning import run_morning
from bot.services.roster_import import KINDS, import_csv
from bot.standin.harness import Clock, LocalSlack
from storage.migrate import upgrade_async
from storage.models import ActionItem, Person, Team

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TEAM = "T0NORTHWIND"


def plain(text: str, names: dict[str, str]) -> str:
    """mrkdwn as a person reads it: mentions as @Name, links as their label, entities decoded."""
    text = re.sub(r"<@(\w+)>", lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    text = re.sub(r"<#(\w+)(\|[^>]*)?>", lambda m: "#" + names.get(m.group(1), m.group(1)), text)
    text = re.sub(r"<!date\^\d+\^[^|]*\|([^>]*)>", r"\1", text)
    text = re.sub(r"<([^|>]+)\|([^>]+)>", r"\2", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render_blocks(blocks: list[dict[str, Any]], names: dict[str, str]) -> str:
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("header", "section") and block.get("text"):
            lines.append(plain(block["text"]["text"], names))
        for field in block.get("fields") or []:
            lines.append(plain(field["text"], names))
        if kind == "context":
            lines.append(" ".join(plain(e.get("text", ""), names) for e in block["elements"]))
        if kind == "actions":
            lines.append(
                "  ".join(f"[{e['text']['text']}]" for e in block["elements"] if "text" in e)
            )
        if kind == "divider":
            lines.append("─" * 40)
        if kind == "input":
            lines.append(f"▸ {block['label']['text']}")
    return "\n".join(line for line in lines if line.strip())


def show(console: Console, title: str, body: str, style: str = "cyan") -> None:
    console.print(Panel(body, title=title, title_align="left", border_style=style))


async def run_demo(console: Console, *, weeks: int = 1) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}"
        await upgrade_async(url)
        clock = Clock()
        async with LocalSlack(url, team_id=TEAM, clock=clock, kyc_company="Northwind Cloud") as env:
            await _roster(env)
            names = await _names(env)
            async with env.db.unit_of_work() as s:
                execs = list(await s.scalars(select(Person).where(Person.role == "executive")))
            dana = execs[0]
            tz = env.settings.kyc_default_timezone if not dana.timezone else dana.timezone
            from bot.regimen.calendar import zone

            today = datetime.now(UTC).date()
            monday = week_monday(iso_week_of(today))
            if weeks > 1:
                console.print(f"[dim]Simulating {weeks - 1} earlier week(s) of calls…[/dim]")
                for back in range(weeks - 1, 0, -1):
                    await simulate_week(env, clock, monday - timedelta(weeks=back), seed=back)
            await _week(console, env, clock, dana, zone(tz), monday, names)
            if weeks > 1:
                from bot.services.planning import plan_week

                # the scheduler's planning job has every executive's week ready by now
                await plan_week(env.db, env.settings, TEAM, iso_week_of(monday), as_of=clock())
                await _digest(console, env, clock, names)


async def simulate_week(env: LocalSlack, clock: Clock, monday: Any, *, seed: int) -> None:
    """A plausible week for every executive: most of the batch called, some voicemails,
    some complaints, action items that mostly get done (no transcript)."""
    import random

    from bot.regimen.types import Outcome, Sentiment
    from bot.services import items as item_service
    from bot.services.calls import log_call
    from bot.services.planning import plan_week
    from bot.views.data import CallSubmission, ItemInput, KudosInput
    from storage.models import BatchEntry

    rng = random.Random(seed)
    clock.set(datetime.combine(monday, time(14, 0), UTC))
    await plan_week(env.db, env.settings, TEAM, iso_week_of(monday), as_of=clock())
    async with env.db.unit_of_work() as s:
        mates = [
            p.slack_user_id
            for p in await s.scalars(select(Person).where(Person.role == "member"))
            if p.slack_user_id
        ]
        entries = list(
            await s.scalars(select(BatchEntry).where(BatchEntry.iso_week == iso_week_of(monday)))
        )
    for n, entry in enumerate(entries):
        if rng.random() < 0.25:
            continue  # not called this week: it carries over
        clock.set(datetime.combine(monday + timedelta(days=rng.randint(0, 4)), time(15), UTC))
        outcome = rng.choice([Outcome.REACHED] * 3 + [Outcome.VOICEMAIL, Outcome.MEETING_SCHEDULED])
        sentiment = rng.choice(list(Sentiment)) if outcome != Outcome.VOICEMAIL else None
        sub = CallSubmission(
            customer_id=entry.customer_id,
            outcome=outcome,
            sentiment=sentiment,
            score=rng.randint(4, 10) if sentiment else None,
            summary="Good call; reporting export is slow" if sentiment else None,
            criticism=rng.choice(
                [None, "export is slow", "pricing unclear", "support response slow"]
            ),
            stressed_areas=rng.choice([None, "reporting export", "pricing", "onboarding"]),
            make_it_great=None,
            details_to_remember=None,
            items=(ItemInput("Follow up on the export", rng.choice(mates), None, None),)
            if sentiment == Sentiment.UNHAPPY
            else (),
            kudos=(KudosInput(rng.choice(mates), "Great support"),) if rng.random() < 0.2 else (),
        )
        async with env.db.unit_of_work() as s:
            me = await s.get(Person, entry.executive_id)
            assert me is not None
            await log_call(s, env.settings, me, sub, request_key=f"sim-{seed}-{n}", now=clock())
    clock.set(datetime.combine(monday + timedelta(days=4), time(20), UTC))
    async with env.db.unit_of_work() as s:
        from storage.models import ActionItem

        for item in await s.scalars(select(ActionItem).where(ActionItem.status == "open")):
            if rng.random() < 0.8 and item.owner_id:
                owner = await s.get(Person, item.owner_id)
                if owner is not None:
                    await item_service.mark_done(s, owner, item.id, now=clock())
    await env.deliver()


async def _digest(console: Console, env: LocalSlack, clock: Clock, names: dict[str, str]) -> None:
    from bot.services.digest import queue_digest

    console.rule("[bold]Monday: the leadership digest[/bold]")
    env.slack.add_channel("C0LEADERS", "leadership")
    names["C0LEADERS"] = "leadership"
    env.settings.kyc_digest_channel = "C0LEADERS"
    seen = len(env.slack.messages())
    await queue_digest(env.db, env.settings, TEAM, now=clock())
    await env.deliver()
    for m in _new_messages(env, seen):
        files = [b["slack_file"]["id"] for b in m.get("blocks") or [] if b.get("slack_file")]
        if files:  # the chart: uploaded unshared, then shared by a post naming the file
            size = len(env.slack.state.uploads.get(files[0], b""))
            show(
                console,
                "#leadership (thread reply)",
                f"📈 {m['text']} ({size:,} bytes PNG)",
                "magenta",
            )
        else:
            _print_messages(console, env, [m], names)


async def _roster(env: LocalSlack) -> None:
    for kind in KINDS:
        report = await import_csv(env.db, TEAM, kind, EXAMPLES / f"{kind}.csv")
        if not report.ok:
            raise RuntimeError("; ".join(map(str, report.errors)))
    async with env.db.unit_of_work() as s:
        for p in await s.scalars(select(Person)):
            if p.slack_user_id:
                env.slack.add_user(
                    p.slack_user_id, name=p.name, email=p.email, tz=p.timezone or "America/New_York"
                )
        for t in await s.scalars(select(Team)):
            if t.channel_id:
                env.slack.add_channel(t.channel_id, (t.channel_name or t.name).lstrip("#"))


async def _names(env: LocalSlack) -> dict[str, str]:
    async with env.db.unit_of_work() as s:
        names = {
            p.slack_user_id: p.name for p in await s.scalars(select(Person)) if p.slack_user_id
        }
        for t in await s.scalars(select(Team)):
            if t.channel_id:
                names[t.channel_id] = (t.channel_name or t.name).lstrip("#")
    return names


def _new_messages(env: LocalSlack, seen: int) -> list[dict[str, Any]]:
    return env.slack.messages()[seen:]


def _print_messages(
    console: Console, env: LocalSlack, msgs: list[dict[str, Any]], names: dict[str, str]
) -> None:
    for m in msgs:
        where = m.get("channel", "")
        label = (
            ("DM to @" + names.get(m.get("user_id") or "", where))
            if where.startswith("D")
            else ("#" + names.get(where, where))
        )
        if m.get("thread_ts"):
            label += " (thread reply)"
        body = render_blocks(m.get("blocks") or [], names) or plain(m.get("text") or "", names)
        show(console, label, body, "green" if where.startswith("D") else "magenta")


async def _week(
    console: Console,
    env: LocalSlack,
    clock: Clock,
    dana: Person,
    tz: Any,
    monday: Any,
    names: dict[str, str],
) -> None:
    console.rule(f"[bold]Monday {monday:%d %B %Y}, {dana.name}'s morning[/bold]")
    clock.set(local_instant(monday, time(8, 31), tz).astimezone(UTC))
    seen = len(env.slack.messages())
    await run_morning(env.db, env.settings, TEAM, now=clock())
    await env.deliver()
    _print_messages(console, env, _new_messages(env, seen), names)

    console.rule("[bold]After a call: /kyc done[/bold]")
    async with env.db.unit_of_work() as s:
        from storage.models import BatchEntry, Customer

        entry = await s.scalar(
            select(BatchEntry)
            .where(BatchEntry.executive_id == dana.id)
            .order_by(BatchEntry.position)
        )
        assert entry is not None
        customer = await s.get(Customer, entry.customer_id)
        assert customer is not None
        mates = list(await s.scalars(select(Person).where(Person.role == "member").limit(2)))
    clock.set(clock() + timedelta(hours=1))
    first_word = customer.name.split()[0].lower()
    await env.requests.slash_command(dana.slack_user_id or "", f"done {first_word}")
    opened = env.slack.calls_to("views.open")[-1].params["view"]
    console.print(
        f"/kyc done {first_word} → the call modal opens with [bold]{customer.name}[/bold] "
        f"preselected ({len(opened['blocks'])} blocks)."
    )
    values = _call_values(customer.id, mates)
    seen = len(env.slack.messages())
    await env.requests.view_submission(
        dana.slack_user_id or "",
        {
            "id": "V_DEMO_1",
            "callback_id": View.CALL.value,
            "private_metadata": opened.get("private_metadata", ""),
            "state": {"values": values},
            "hash": "h1",
        },
    )
    await env.deliver()
    _print_messages(console, env, _new_messages(env, seen), names)

    console.rule("[bold]The team acts: Done on each item[/bold]")
    async with env.db.unit_of_work() as s:
        items = list(
            await s.scalars(
                select(ActionItem)
                .where(
                    ActionItem.customer_id == customer.id,
                    ActionItem.status == "open",
                    ActionItem.owner_id.in_([m.id for m in mates]),
                )
                .order_by(ActionItem.id)
            )
        )
    seen = len(env.slack.messages())
    for item in items:
        owner = next(m for m in mates if m.id == item.owner_id)
        await env.requests.block_actions(
            owner.slack_user_id or "",
            [
                {
                    "action_id": Action.ITEM_DONE.value,
                    "value": str(item.id),
                    "type": "button",
                    "block_id": "item",
                }
            ],
            channel_id=item.channel_id,
        )
    await env.deliver()
    _print_messages(console, env, _new_messages(env, seen), names)

    console.rule("[bold]Dana opens KYC's App Home[/bold]")
    await env.requests.event({"type": "app_home_opened", "user": dana.slack_user_id, "tab": "home"})
    home = env.slack.calls_to("views.publish")[-1].params["view"]
    show(console, "App Home", render_blocks(home["blocks"], names), "yellow")


def _call_values(customer_id: int, mates: list[Person]) -> dict[str, Any]:
    def text(value: str) -> dict[str, Any]:
        return {Action.INPUT.value: {"type": "plain_text_input", "value": value}}

    def choice(value: str) -> dict[str, Any]:
        return {Action.INPUT.value: {"type": "static_select", "selected_option": {"value": value}}}

    def user(uid: str | None) -> dict[str, Any]:
        return {Action.INPUT.value: {"type": "users_select", "selected_user": uid}}

    due = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    values: dict[str, Any] = {
        Block.CUSTOMER.value: {
            Action.CUSTOMER_SELECT.value: {
                "type": "external_select",
                "selected_option": {"value": str(customer_id)},
            }
        },
        Block.OUTCOME.value: choice("reached"),
        Block.SENTIMENT.value: choice("satisfied"),
        Block.SUMMARY.value: text("Happy with the rollout; the reporting export is slow for them."),
        Block.CRITICISM.value: text("Export of monthly reports takes minutes."),
        Block.DETAILS.value: text("Daughter starts university in January."),
    }
    for n, (mate, what) in enumerate(
        [(mates[0], "Look into the slow monthly export"), (mates[1], "Send the Q1 roadmap")], 1
    ):
        values[numbered(Block.ITEM_TEXT, n)] = text(what)
        values[numbered(Block.ITEM_OWNER, n)] = user(mate.slack_user_id)
        values[numbered(Block.ITEM_DUE, n)] = {
            Action.INPUT.value: {"type": "datepicker", "selected_date": due}
        }
    values[numbered(Block.KUDOS_TO, 1)] = user(mates[1].slack_user_id)
    values[numbered(Block.KUDOS_NOTE, 1)] = text("The customer praised the onboarding you ran.")
    return values
