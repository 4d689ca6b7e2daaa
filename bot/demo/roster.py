"""The demo's people and customers: the examples (examples/*.csv, as `kyc import` reads them),
then what the team's stories need beside them, imported the same way: Engineering (a team
that does not face customers, with its own theme tag) and Raj, its engineer; Keystone Bank,
Dana's key customer; Brightwater Foods, Support's key customer (a formal customer meeting).
A story needing more people or customers adds its rows here."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.services.roster_import import KINDS, import_csv
from bot.standin.harness import LocalSlack
from storage.models import Person, Team

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

EXTRA = {
    "teams": (
        "name,channel_id,channel_name,customer_facing,theme_tags\n"
        "Engineering,C0ENG0001,#engineering,no,reporting\n"
    ),
    "people": (
        "email,slack_user_id,name,title,role,team,manager,timezone\n"
        "raj.patel@northwindcloud.example,U0ENG0001,Raj Patel,Software Engineer,member,"
        "Engineering,marcus.oyelaran@northwindcloud.example,America/New_York\n"
    ),
    "customers": (
        "external_id,name,key\nNW-1037,Keystone Bank,yes\nNW-1002,Brightwater Foods,yes\n"
    ),
}


async def load(env: LocalSlack, tmp: Path) -> None:
    """The examples, then EXTRA; every person and channel known to the Slack stand-in."""
    for kind in KINDS:
        await _import(env, kind, EXAMPLES / f"{kind}.csv")
        if kind in EXTRA:
            path = tmp / f"demo-{kind}.csv"
            path.write_text(EXTRA[kind], encoding="utf-8")
            await _import(env, kind, path)
    async with env.db.unit_of_work() as s:
        for p in await s.scalars(select(Person)):
            if p.slack_user_id:
                env.slack.add_user(
                    p.slack_user_id, name=p.name, email=p.email, tz=p.timezone or "America/New_York"
                )
        for t in await s.scalars(select(Team)):
            if t.channel_id:
                env.slack.add_channel(t.channel_id, (t.channel_name or t.name).lstrip("#"))


async def _import(env: LocalSlack, kind: str, path: Path) -> None:
    report = await import_csv(env.db, env.team_id, kind, path)
    if not report.ok:
        raise RuntimeError("; ".join(map(str, report.errors)))


async def names(env: LocalSlack) -> dict[str, str]:
    """Slack ids (people and channels) to the names a person reads."""
    async with env.db.unit_of_work() as s:
        found = {
            p.slack_user_id: p.name for p in await s.scalars(select(Person)) if p.slack_user_id
        }
        for t in await s.scalars(select(Team)):
            if t.channel_id:
                found[t.channel_id] = (t.channel_name or t.name).lstrip("#")
    return found
