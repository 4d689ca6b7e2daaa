"""The first install just works: a bot token and the examples, no team id typed anywhere."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot.standin.harness import BOT_TOKEN, SIGNING_SECRET
from bot.standin.server import SlackStandin
from bot.standin.signed import SlackSender
from storage.db import Database
from storage.models import Person, Workspace
from tests.scenario.test_serve import free_port, serving, wait_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DANA = "U0EXEC001"  # an executive in examples/people.csv


def newcomer_env(tmp_path: Path, slack: SlackStandin, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KYC_"))}
    env.pop("DATABASE_URL", None)
    return {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'kyc.db'}", **settings}


async def kyc(env: dict[str, str], cwd: Path, *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode()


async def import_examples(env: dict[str, str], cwd: Path) -> None:
    for kind in ("teams", "people", "customers", "contacts"):
        code, out = await kyc(env, cwd, "import", kind, str(EXAMPLES / f"{kind}.csv"))
        assert code == 0, out


async def serve_and_log_a_call(env: dict[str, str], cwd: Path, slack: SlackStandin) -> str:
    """`kyc serve`, then Dana's `/kyc done`: returns the server's output."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), "--host", "127.0.0.1"],
        env={**env, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "KYC_CATCHUP_UNTIL": "00:00"},
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        await serving(port)
        sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
        answer = await sender.slash_command(DANA, "done Acme")
        assert answer.status == 200 and "not on the KYC roster" not in answer.text

        async def opened() -> bool:
            return bool(slack.calls_to("views.open"))

        await wait_for(opened)
    finally:
        proc.send_signal(signal.SIGTERM)
        output = (await asyncio.to_thread(proc.communicate, timeout=30))[0].decode()
    assert proc.returncode == 0, output
    (call,) = slack.calls_to("views.open")
    assert call.ok, call.error
    view = call.params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert "Acme Logistics" in json.dumps(view)  # one of Dana's customers in the examples
    return output


async def roster(tmp_path: Path) -> tuple[list[str], set[str]]:
    db = Database(f"sqlite:///{tmp_path / 'kyc.db'}")
    try:
        async with db.unit_of_work() as s:
            workspaces = list(await s.scalars(select(Workspace.id)))
            people = set(await s.scalars(select(Person.workspace_id)))
    finally:
        await db.dispose()
    return workspaces, people


async def test_with_only_a_bot_token_the_examples_load_and_dana_logs_a_call(
    tmp_path: Path,
) -> None:
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        slack.add_user(DANA, name="Dana Whitfield", email="dana.whitfield@northwindcloud.example")
        env = newcomer_env(tmp_path, slack, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=slack.base_url)
        await import_examples(env, tmp_path)
        assert await roster(tmp_path) == (["T_TEST"], {"T_TEST"})  # the token's team

        code, out = await kyc(env, tmp_path, "plan", "--dry-run", "--week", "2026-W48")
        assert code == 0 and "Dana Whitfield" in out

        await serve_and_log_a_call(env, tmp_path, slack)


async def test_a_roster_loaded_before_the_token_is_adopted_by_the_tokens_team(
    tmp_path: Path,
) -> None:
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        slack.add_user(DANA, name="Dana Whitfield", email="dana.whitfield@northwindcloud.example")
        no_token = newcomer_env(tmp_path, slack)
        await import_examples(no_token, tmp_path)
        assert await roster(tmp_path) == (["T_DEFAULT"], {"T_DEFAULT"})

        env = {**no_token, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": slack.base_url}
        output = await serve_and_log_a_call(env, tmp_path, slack)
        assert "adopted the roster stored under T_DEFAULT as Slack workspace T_TEST" in output
        assert await roster(tmp_path) == (["T_TEST"], {"T_TEST"})
