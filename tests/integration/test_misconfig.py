"""A wrong setting is one line on stderr naming it, a non-zero exit, and no traceback; and no
token, signing secret or database password is ever shown."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.app import build_app
from bot.deps import Deps
from bot.misconfig import explain
from bot.server import http_app, serves_events
from bot.settings import load_settings
from bot.standin.server import SlackStandin
from bot.standin.signed import SlackSender
from storage.db import Database
from storage.migrate import upgrade_async
from tests.conftest import PG_SKIP, pg_url
from tests.scenario.test_serve import free_port, serving

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BOT_TOKEN = "xoxb-1111-2222-botsecretvalue"
SIGNING_SECRET = "signing-secret-value-3333"
APP_TOKEN = "xapp-1-A0KYC-appsecretvalue"
PASSWORD = "pg-password-4444"
SECRETS = (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, PASSWORD)


def kyc(cwd: Path, settings: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "KYC_")) and k not in ("DATABASE_URL", "COLUMNS")
    }
    # Slack is never reached here: a token's workspace would be asked of a port that refuses.
    env.update(SLACK_API_URL="http://127.0.0.1:1/api/", **settings)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line(result: subprocess.CompletedProcess[str], *named: str) -> str:
    shown = result.stdout + result.stderr
    assert result.returncode != 0, shown
    assert "Traceback" not in shown
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].strip(), result.stderr
    for text in named:
        assert text in lines[0]
    for secret in SECRETS:
        assert secret not in shown
    return lines[0]


def with_tokens(**settings: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, **settings}


@pytest.mark.parametrize(
    ("database_url", "named"),
    [
        ("foo", ("DATABASE_URL", "not a database URL")),
        (
            f"mysql://kyc:{PASSWORD}@localhost/kyc",
            ("DATABASE_URL", "mysql is not supported", "SQLite or PostgreSQL"),
        ),
        (
            f"postgresql://kyc:{PASSWORD}@127.0.0.1:1/kyc",
            ("DATABASE_URL", "PostgreSQL at 127.0.0.1:1", "connection refused"),
        ),
        (
            "sqlite:///{tmp}/no/such/dir/kyc.db",
            ("DATABASE_URL", "/no/such/dir does not exist"),
        ),
    ],
    ids=["not-a-url", "mysql", "postgres-refuses", "missing-sqlite-directory"],
)
def test_a_database_url_that_cannot_work_is_one_line(
    tmp_path: Path, database_url: str, named: tuple[str, ...]
) -> None:
    url = database_url.format(tmp=tmp_path)
    result = kyc(tmp_path, with_tokens(DATABASE_URL=url, KYC_WORKSPACE="T1"), "plan", "--dry-run")
    assert_one_line(result, *named)


@pytest.fixture
def pg() -> str:
    base = pg_url()
    if base is None:
        pytest.skip(PG_SKIP)
    return base


def test_an_unknown_postgres_role_is_one_line(tmp_path: Path, pg: str) -> None:
    parts = urlsplit(pg)
    url = urlunsplit(parts._replace(netloc=f"kyc_nobody:{PASSWORD}@{parts.hostname}:{parts.port}"))
    result = kyc(tmp_path, with_tokens(DATABASE_URL=url), "db", "upgrade")
    assert_one_line(result, "DATABASE_URL", 'role "kyc_nobody" does not exist')


def test_a_wrong_postgres_password_is_one_line_without_the_password() -> None:
    # The test server trusts every local connection, so the refusal is made here as asyncpg
    # and SQLAlchemy raise it.
    from asyncpg.exceptions import InvalidPasswordError
    from sqlalchemy.exc import DBAPIError

    url = f"postgresql://kyc:{PASSWORD}@db.internal:5433/kyc"
    cause = InvalidPasswordError('password authentication failed for user "kyc"')
    try:
        try:
            raise cause
        except InvalidPasswordError as exc:
            raise DBAPIError("connect", None, exc) from exc
    except DBAPIError as wrapped:
        line = explain(wrapped, database_url=url, secrets=[PASSWORD])
    assert line == "DATABASE_URL: PostgreSQL at db.internal:5433 refused the password of user kyc"


@pytest.fixture
def read_only_sqlite(tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "kyc.db"
    assert kyc(tmp_path, {"DATABASE_URL": f"sqlite:///{path}"}, "db", "upgrade").returncode == 0
    for extra in tmp_path.glob("kyc.db-*"):
        extra.unlink()
    if os.geteuid() == 0:  # root writes through file modes: make the file immutable instead
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", path]).returncode:
            pytest.skip("running as root without chattr: cannot make a read-only file")
        try:
            yield f"sqlite:///{path}"
        finally:
            subprocess.run(["chattr", "-i", path], check=True)
        return
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        yield f"sqlite:///{path}"
    finally:
        tmp_path.chmod(0o755)


def test_a_read_only_sqlite_database_is_one_line(tmp_path: Path, read_only_sqlite: str) -> None:
    result = kyc(
        tmp_path,
        with_tokens(DATABASE_URL=read_only_sqlite, KYC_WORKSPACE="T1"),
        "import",
        "teams",
        str(EXAMPLES / "teams.csv"),
    )
    assert_one_line(result, "DATABASE_URL", "is read-only")


def test_serve_on_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kyc(
            tmp_path,
            with_tokens(DATABASE_URL=f"sqlite:///{tmp_path / 'kyc.db'}"),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        )
    assert_one_line(result, f"--port {port}", "already in use")


def test_serve_in_http_mode_without_a_signing_secret_refuses(tmp_path: Path) -> None:
    settings = {"SLACK_BOT_TOKEN": BOT_TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}"}
    result = kyc(tmp_path, settings, "serve", "--port", str(free_port()))
    assert result.returncode == 2
    line = assert_one_line(result, "SLACK_SIGNING_SECRET")
    assert "SLACK_APP_TOKEN" in line  # Socket Mode is the other way
    assert "Your customers this week" not in result.stdout  # no demo with a token set
    assert not (tmp_path / "k.db").exists()


async def test_socket_mode_needs_no_signing_secret_and_then_takes_no_http_events(
    tmp_path: Path,
) -> None:
    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        slack.add_user("U0DANA", name="Dana Whitfield")
        settings = load_settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp_path / 'kyc.db'}",
            slack_bot_token=BOT_TOKEN,
            slack_app_token=APP_TOKEN,
            slack_api_url=slack.base_url,
        )
        await upgrade_async(settings.database_url)
        db = Database(settings.database_url)
        deps = Deps(settings=settings, db=db)
        try:
            await deps.tenancy.store.register_env("T_TEST", team_name=None, enterprise_id=None)
            app = build_app(deps)
            # what arrives over Slack's socket
            form = {"team_id": "T_TEST", "user_id": "U0DANA", "command": "/kyc", "text": "help"}
            answer = await app.async_dispatch(
                AsyncBoltRequest(body=urlencode(form), mode="socket_mode")
            )
            assert answer.status == 200 and "/kyc done" in answer.body
            # and nothing arrives over HTTP: there is no secret to tell Slack from a forger
            web_app = http_app(app, deps, slack_events=serves_events(settings))
            async with TestClient(TestServer(web_app)) as client:
                sender = SlackSender(str(client.make_url("/slack/events")), "forged")
                assert (await sender.slash_command("U0DANA", "help")).status in (404, 405)
                assert (await client.get("/healthz")).status == 200
        finally:
            await db.dispose()


def test_repr_of_the_settings_shows_no_secret() -> None:
    settings = load_settings(
        _env_file=None,
        database_url=f"postgresql://kyc:{PASSWORD}@db.internal/kyc",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_app_token=APP_TOKEN,
    )
    for shown in (repr(settings), str(settings)):
        assert "postgresql://kyc:***@db.internal/kyc" in shown
        for secret in SECRETS:
            assert secret not in shown


async def test_a_running_bot_logs_no_secret(tmp_path: Path) -> None:
    """`kyc serve` start to stop, with a request, a forged request and a Slack call: the
    database password (PostgreSQL when configured), tokens and signing secret stay unseen."""
    base = pg_url()
    if base is None:
        url = f"sqlite:///{tmp_path / 'kyc.db'}"
        secrets = SECRETS[:3]
    else:
        parts = urlsplit(base)
        netloc = f"{parts.username or 'postgres'}:{PASSWORD}@{parts.hostname}:{parts.port or 5432}"
        url = urlunsplit(parts._replace(netloc=netloc))  # trusted locally: any password works
        secrets = SECRETS
    upgraded = kyc(tmp_path, {"DATABASE_URL": url}, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert PASSWORD not in upgraded.stdout + upgraded.stderr

    async with SlackStandin(tokens={BOT_TOKEN}) as slack:
        slack.add_user("U0DANA", name="Dana Whitfield")
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KYC_"))}
        env.update(
            DATABASE_URL=url,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.base_url,
            KYC_WORKSPACE="T_TEST",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), "--host", "127.0.0.1"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            await serving(port)
            events = f"http://127.0.0.1:{port}/slack/events"
            assert (
                await SlackSender(events, SIGNING_SECRET).slash_command("U0DANA", "help")
            ).status == 200
            assert (
                await SlackSender(events, "forged").slash_command("U0DANA", "help")
            ).status == 401
            await asyncio.sleep(0.5)
        finally:
            proc.send_signal(signal.SIGTERM)
            output = (await asyncio.to_thread(proc.communicate, timeout=30))[0].decode()
    assert proc.returncode == 0, output
    assert "connected to Slack workspace" in output  # the log did run
    for secret in secrets:
        assert secret not in output
