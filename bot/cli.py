"""The `kyc` command: set-up, rosters, planning, and running the bot.

Longer than our ~300 lines on purpose: each command is a thin typer function (options in,
one service call, a table out), and a user's question ("what does `kyc outbox` show?") is
answered by reading them side by side; the work itself lives in bot/services."""

from __future__ import annotations

import asyncio
import socket
import sys
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from bot.regimen.calendar import iso_week_of, parse_iso_week
from bot.settings import Settings, SettingsError, load_settings, safe_url

if TYPE_CHECKING:
    from storage.db import Database

app = typer.Typer(
    help="KYC — customers with morning coffee, in Slack.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console()
# Piped or captured output is read by programs and editors: a `file:line:` message or a
# table row stays on its line instead of being wrapped at 80 columns.
console.soft_wrap = not console.is_terminal
err = Console(stderr=True, soft_wrap=True)


class ImportKind(StrEnum):
    """What `kyc import` loads (bot.services.roster_import.KINDS)."""

    teams = "teams"
    people = "people"
    customers = "customers"
    contacts = "contacts"
    customer_contacts = "customer-contacts"
    holidays = "holidays"


class ExportKind(StrEnum):
    """What `kyc export` writes (bot.services.export.EXPORTS)."""

    contacts = "contacts"
    action_items = "action-items"
    kudos = "kudos"
    batches = "batches"
    customers = "customers"
    teams = "teams"


class Preset(StrEnum):
    """The CRM exports `kyc import --preset` reads (bot.services.csv_presets.PRESETS)."""

    hubspot = "hubspot"
    salesforce = "salesforce"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


WorkspaceOpt = Annotated[
    str | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Slack team id (default: KYC_WORKSPACE, else the bot token's workspace)",
    ),
]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        console.print(f"kyc {version('kyc')}", highlight=False)
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="print the version"),
    ] = None,
) -> None:
    """KYC — customers with morning coffee, in Slack."""


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(Text(message, style="red"))  # messages carry user data: never markup
    return typer.Exit(code)


async def _workspace(db: Database, settings: Settings, flag: str | None) -> str:
    """--workspace, KYC_WORKSPACE, the token's team, or the database's only workspace."""
    from bot.services.workspace_binding import WorkspaceError, resolve_workspace

    try:
        return await resolve_workspace(db, settings, flag)
    except WorkspaceError as exc:
        raise fail(str(exc), 2) from None


def parse_at(at: str | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(at)
    except ValueError:
        raise fail(f"--at: bad instant {at!r} (use e.g. 2026-11-23T08:30:00-05:00)", 2) from None
    if value.tzinfo is None:
        raise fail("--at: give a UTC offset, e.g. 2026-11-23T08:30:00-05:00", 2)
    return value


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations (kyc serve does this on start)."""
    from storage.migrate import upgrade

    settings = settings_or_exit()
    upgrade(settings.database_url, revision)
    url = escape(safe_url(settings.database_url))
    console.print(f"Database at [bold]{url}[/bold] is up to date.")


@db_app.command("downgrade")
def db_downgrade(
    revision: str,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="don't ask before dropping")] = False,
) -> None:
    """Revert migrations down to REVISION ('base' removes every table)."""
    from storage.migrate import downgrade

    settings = settings_or_exit()
    if revision == "base" and not yes:
        typer.confirm(
            f"This drops every table and all data in {safe_url(settings.database_url)}. Go on?",
            abort=True,
        )
    downgrade(settings.database_url, revision)
    console.print(f"Database downgraded to {escape(revision)}.")


@db_app.command("copy")
def db_copy(
    to: Annotated[str, typer.Option("--to", help="the empty target, postgresql://user:pw@host/db")],
) -> None:
    """Copy the whole database (DATABASE_URL) into an empty one, e.g. SQLite to PostgreSQL.

    Stop the bot first: rows written during the copy may be missed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from bot.misconfig import explain, secrets_of
    from bot.settings import check_database_url, to_async_url
    from storage.database_copy import CopyRefused, copy_database
    from storage.migrate import upgrade

    settings = settings_or_exit()
    try:
        check_database_url(to)
    except ValueError as exc:
        raise fail(f"--to: {exc}", 2) from None
    if to_async_url(to) == to_async_url(settings.database_url):
        raise fail("--to: that is DATABASE_URL itself: give another database", 2)
    upgrade(settings.database_url)  # both sides on the same schema before any row moves
    try:
        upgrade(to)
    except Exception as exc:
        line = explain(exc, database_url=to, setting="--to", secrets=secrets_of(settings))
        if line is None:
            raise
        raise fail(line) from None

    progress = Progress(
        TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(), console=console
    )
    task = progress.add_task("copying", start=False)

    def start(counts: dict[str, int]) -> None:  # shown once the target is found empty
        progress.update(task, total=sum(counts.values()))
        progress.start_task(task)
        progress.start()

    def rows(table: str, n: int) -> None:
        progress.update(task, advance=n, description=table)

    try:
        copied = asyncio.run(copy_database(settings.database_url, to, on_start=start, on_rows=rows))
    except CopyRefused as exc:
        raise fail(str(exc), 2) from None
    finally:
        if progress.live.is_started:
            progress.stop()
    table = Table(title=f"Copied to {escape(safe_url(to))}")
    for col in ("Table", "Rows here", "Rows there"):
        table.add_column(col)
    for t in copied:
        table.add_row(t.name, str(t.source_rows), str(t.target_rows))
    console.print(table)
    wrong = [t.name for t in copied if t.source_rows != t.target_rows]
    if wrong:
        raise fail(f"row counts differ in {', '.join(wrong)}: the copy is not complete")
    total = sum(t.target_rows for t in copied)
    console.print(f"{total} rows copied; point DATABASE_URL at the new database.", markup=False)


@app.command("import")
def import_roster(
    kind: Annotated[ImportKind, typer.Argument(help="what the file holds")],
    file: Annotated[Path, typer.Argument(exists=False, dir_okay=False)],
    preset: Annotated[
        Preset | None,
        typer.Option(help="read a CRM export's columns; the others are ignored with a warning"),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option("--map", help="read the file's column OLD as KYC's NEW: 'OLD=NEW'"),
    ] = None,
    encoding: Annotated[
        str, typer.Option(help="the file's encoding, e.g. cp1252 for an old Excel file")
    ] = "utf-8",
    workspace: WorkspaceOpt = None,
) -> None:
    """Load a roster CSV; a file with any bad row writes nothing."""
    from bot.services.csv_presets import PRESETS, MapError, parse_maps
    from bot.services.roster_import import import_csv

    settings = settings_or_exit()
    if not file.is_file():
        raise fail(f"{file}: no such file", 2)
    if preset and kind.value not in PRESETS[preset.value]:
        raise fail(f"--preset {preset.value} reads {', '.join(PRESETS[preset.value])}", 2)
    try:
        renames = parse_maps(maps or [])
    except MapError as exc:
        raise fail(str(exc), 2) from None

    async def run() -> int:
        db = await _open_db(settings)
        try:
            ws = await _workspace(db, settings, workspace)
            from bot.tenancy.workspace_settings import for_workspace

            report = await import_csv(
                db,
                ws,
                kind.value,
                file,
                preset=preset.value if preset else None,
                maps=renames,
                encoding=encoding,
                key_tiers=(await for_workspace(db, settings, ws)).key_tiers(),
            )
        finally:
            await db.dispose()
        for warning in report.warnings:
            err.print(warning, markup=False, highlight=False)
        if not report.ok:
            for error in report.errors:
                err.print(str(error), markup=False, highlight=False)
            fail(f"{len(report.errors)} error(s); nothing was imported from {file}.")
            return 1
        console.print(
            f"{kind.value}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged ({file})",
            markup=False,
        )
        return 0

    raise typer.Exit(asyncio.run(run()))


@app.command("plan")
def plan(
    week: Annotated[str | None, typer.Option(help="ISO week, e.g. 2026-W48")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show without saving")] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Plan each executive's weekly batch and print it (by the workspace's own settings:
    its quota, and how long a decline sits out)."""
    from bot.services.planning import plan_week
    from bot.tenancy.workspace_settings import for_workspace

    settings = settings_or_exit()
    now = datetime.now(UTC)
    if week is not None:
        try:
            parse_iso_week(week)
        except ValueError as exc:
            raise fail(f"--week: {exc}", 2) from None
    iso_week = week or iso_week_of(now.date())

    async def run() -> None:
        db = await _open_db(settings)
        try:
            ws = await _workspace(db, settings, workspace)
            weeks = await plan_week(
                db,
                await for_workspace(db, settings, ws),
                ws,
                iso_week,
                as_of=now,
                dry_run=dry_run,
            )
        finally:
            await db.dispose()
        title = f"Weekly batches for {iso_week}" + (" (dry run: nothing saved)" if dry_run else "")
        table = Table(title=title, show_lines=True)
        for col in ("Executive", "Progress", "Customers"):
            table.add_column(col)
        for w in weeks:
            if w.skipped:
                table.add_row(Text(w.executive_name), "—", Text(w.skipped, style="dim"))
                continue
            lines = [
                f"{e.position}. {escape(e.customer_name)}"
                + ("" if e.status.value == "planned" else f" [dim]({e.status.value})[/dim]")
                for e in w.active
            ]
            table.add_row(Text(w.executive_name), f"{w.done}/{w.quota}", "\n".join(lines))
        if not weeks:
            console.print("No executives on the roster yet: run `kyc import people FILE.csv`.")
            return
        console.print(table)

    asyncio.run(run())


NO_TOKENS = """[bold]No Slack tokens are set[/bold], so KYC can't talk to your workspace yet.

To connect it:
  1. Go to https://api.slack.com/apps → [bold]Create New App[/bold] → [bold]From a manifest[/bold],
     pick your workspace and paste the contents of [cyan]manifest.yml[/cyan].
  2. [bold]Install to Workspace[/bold]; copy the [bold]Bot User OAuth Token[/bold] (xoxb-…)
     and, under Basic Information, the [bold]Signing Secret[/bold] and an
     [bold]App-Level Token[/bold] with connections:write (xapp-…, for Socket Mode).
  3. Put them in [cyan].env[/cyan] (see .env.example): SLACK_BOT_TOKEN, and SLACK_APP_TOKEN
     (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode). The workspace comes from the token.
  4. Load your roster: kyc import teams|people|customers FILE.csv (samples in examples/);
     holidays: kyc import holidays FILE.csv, or kyc holidays load --country GB --year 2027.
  5. Run [cyan]make run[/cyan] again.

Meanwhile, here is a week of KYC against a local stand-in of Slack ([cyan]kyc demo[/cyan]):
"""


def _logging(settings: Settings) -> None:
    from bot.logs import configure_logging

    configure_logging(settings)  # KYC_LOG_LEVEL, KYC_LOG_FORMAT


@app.command("serve")
def serve(
    port: Annotated[
        int | None,
        typer.Option(
            help="HTTP port for /slack/events, /healthz, /readyz and /metrics "
            "(default: KYC_HTTP_PORT, else 3000 in HTTP mode and none in Socket Mode)"
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="interface to listen on")] = "0.0.0.0",
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="web only: no nudges or sending here")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="processes answering Slack on the one port (SO_REUSEPORT); the scheduler and "
            "the sender run in the first only",
        ),
    ] = 1,
) -> None:
    """Run the bot (Socket Mode when SLACK_APP_TOKEN is set, else HTTP on --port)."""
    from bot.server import serve as run_server
    from bot.server import serve_in_processes
    from storage.migrate import upgrade

    settings = settings_or_exit()
    if not (settings.slack_bot_token or settings.slack_app_token or settings.slack_signing_secret):
        console.print(NO_TOKENS)
        demo(weeks=1)
        return
    if settings.slack_bot_token is None and not settings.oauth:
        raise fail(
            "SLACK_BOT_TOKEN is not set: the bot needs its xoxb- token to talk to Slack (or "
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, for workspaces to install it through OAuth).",
            2,
        )
    if settings.oauth and settings.slack_app_token is not None:
        raise fail(
            "SLACK_APP_TOKEN: Socket Mode cannot serve the OAuth install (Slack allows it only "
            "over HTTP): unset SLACK_APP_TOKEN, or SLACK_CLIENT_ID for one workspace.",
            2,
        )
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise fail(
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify requests from Slack "
            "(or set SLACK_APP_TOKEN for Socket Mode).",
            2,
        )
    # What can be wrong with the set-up fails here, in one line, before the log starts.
    port = port or settings.kyc_http_port
    if settings.slack_app_token is None:
        port = port or 3000  # Slack's requests come in here; Socket Mode needs no port
    if workers > 1:
        if not port:
            raise fail("--workers needs an HTTP port (HTTP mode, or --port in Socket Mode).", 2)
        _listen(host, port, shared=True).close()  # each worker opens its own in the group
        upgrade(settings.database_url)
        _logging(settings)
        scheduler = not no_scheduler
        code = serve_in_processes(
            settings, host=host, port=port, workers=workers, scheduler=scheduler
        )
        raise typer.Exit(code)
    listening = _listen(host, port) if port else None
    upgrade(settings.database_url)
    _logging(settings)
    asyncio.run(
        run_server(
            settings,
            host=host,
            port=port,
            web=True,
            scheduler=not no_scheduler,
            sock=listening,
        )
    )


def _listen(host: str, port: int, *, shared: bool = False) -> socket.socket:
    """The HTTP port, opened before anything else starts: taken or forbidden, we stop at once.
    `shared`: only bound, in the SO_REUSEPORT group the workers join (see --workers)."""
    from bot.misconfig import CannotListen

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise CannotListen(host, port, exc) from exc
    if shared:
        return sock
    sock.listen(128)
    sock.setblocking(False)
    return sock


@app.command("worker")
def worker(
    port: Annotated[
        int | None,
        typer.Option(
            help="serve /healthz, /readyz and /metrics on this port "
            "(default: KYC_HTTP_PORT, else no HTTP)"
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="interface to listen on, with a port")] = "0.0.0.0",
) -> None:
    """Run only the scheduler and the outbox sender (for deployments that split them)."""
    from bot.server import serve as run_server

    settings = settings_or_exit()
    if settings.slack_bot_token is None and not settings.oauth:
        raise fail(
            "SLACK_BOT_TOKEN is not set: the worker needs it to send messages (or "
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, to send with the installations' tokens).",
            2,
        )
    port = port or settings.kyc_http_port
    listening = _listen(host, port) if port else None
    _logging(settings)
    asyncio.run(
        run_server(settings, host=host, port=port, web=False, scheduler=True, sock=listening)
    )


run_app = typer.Typer(
    help="Run a scheduled job once, now or at a given instant.", no_args_is_help=True
)
app.add_typer(run_app, name="run")


@run_app.command("morning")
def run_morning_cmd(
    at: Annotated[
        str | None, typer.Option(help="the instant, e.g. 2026-11-23T08:30:00-05:00 (default: now)")
    ] = None,
    workspace: WorkspaceOpt = None,
    no_send: Annotated[
        bool, typer.Option("--no-send", help="queue only; the sender delivers")
    ] = False,
    wait: Annotated[
        float,
        typer.Option(help="seconds to wait out Slack's rate limits and retries before returning"),
    ] = 300,
) -> None:
    """Send the morning nudges due at that instant (planning the week first where needed).

    Returns when every nudge it queued is sent or parked, or after --wait seconds; exits 1
    when any is parked or still waiting."""
    from bot.services.morning import run_morning
    from bot.tenancy.runtime import build_tenancy
    from bot.tenancy.workspace_settings import for_workspace
    from scheduler.sender import sender_from_settings

    settings = settings_or_exit()
    now = parse_at(at)
    started = datetime.now(UTC)

    async def run() -> tuple[list[Any], dict[str, Any]]:
        db = await _open_db(settings)
        try:
            ws = await _workspace(db, settings, workspace)
            results = await run_morning(db, await for_workspace(db, settings, ws), ws, now=now)
            keys = [r.key for r in results if r.key]
            if no_send or (settings.slack_bot_token is None and not settings.oauth):
                from bot.services import outbox

                async with db.unit_of_work() as session:
                    return results, await outbox.deliveries(session, keys)
            sender = sender_from_settings(db, settings, build_tenancy(db, settings).tokens)
            try:
                return results, await sender.settle(keys, wait=wait)
            finally:
                await sender.close()
        finally:
            await db.dispose()

    results, states = asyncio.run(run())
    table = Table(title=f"Morning at {now.isoformat()}")
    for col in ("Executive", "Local time", "Outcome"):
        table.add_column(col)
    unsettled = 0
    for r in results:
        outcome, ok = _delivery_label(r.outcome, states.get(r.key) if r.key else None, started)
        unsettled += not ok
        table.add_row(escape(r.executive), r.local_time, escape(outcome))
    console.print(table)
    if settings.slack_bot_token is None and not settings.oauth and not no_send:
        console.print("[yellow]SLACK_BOT_TOKEN is not set: nudges are queued, not sent.[/]")
    elif unsettled and not no_send:
        raise fail(f"{unsettled} message(s) parked or still waiting: see `kyc outbox`.", 1)


def _delivery_label(outcome: str, state: Any, started: datetime) -> tuple[str, bool]:
    """What really happened to a morning's message: sent now, sent earlier, waiting (for
    what) or parked (why); the bool says whether it is settled well."""
    from storage.models import OutboxStatus

    if state is None:
        return outcome, True
    if state.status == OutboxStatus.SENT:
        if state.sent_at is not None and state.sent_at >= started:
            return "sent now", True
        when = f" ({state.sent_at:%a %H:%M} UTC)" if state.sent_at else ""
        return f"sent earlier{when}", True
    if state.status == OutboxStatus.FAILED:
        return f"parked: {state.last_error or 'unknown error'}", False
    if state.token_refused:
        return f"waiting: Slack refused the bot token ({state.token_refused})", False
    if state.held_by:
        return "waiting: being sent by another worker", False
    if state.last_error is None:  # not tried yet (--no-send, or no token)
        return ("queued earlier, not sent yet" if outcome == "queued earlier" else outcome), False
    return f"waiting: {state.last_error} (next try {state.next_attempt_at:%H:%M:%S} UTC)", False


outbox_app = typer.Typer(help="Messages the bot owes Slack.", invoke_without_command=True)
app.add_typer(outbox_app, name="outbox")


@outbox_app.callback()
def outbox_list(
    ctx: typer.Context,
    failed: Annotated[bool, typer.Option("--failed", help="only parked messages")] = False,
) -> None:
    """List queued and parked messages (`kyc outbox --failed`)."""
    if ctx.invoked_subcommand is not None:
        return
    from sqlalchemy import select

    from storage.models import OutboxMessage, OutboxStatus, Workspace

    settings = settings_or_exit()

    async def run() -> None:
        db = await _open_db(settings)
        try:
            async with db.unit_of_work() as session:
                stmt = select(OutboxMessage).order_by(OutboxMessage.id)
                if failed:
                    stmt = stmt.where(OutboxMessage.status == OutboxStatus.FAILED)
                else:
                    stmt = stmt.where(OutboxMessage.status != OutboxStatus.SENT)
                rows = list(await session.scalars(stmt.limit(500)))
                blocked = list(
                    await session.execute(
                        select(
                            Workspace.id, Workspace.sending_blocked, Workspace.sending_blocked_at
                        ).where(Workspace.sending_blocked.is_not(None))
                    )
                )
        finally:
            await db.dispose()
        for ws, why, since in blocked:
            err.print(
                f"Workspace {ws}: sending stopped since {since:%Y-%m-%d %H:%M} UTC: Slack "
                f"refused the bot token ({why}). Configure a working SLACK_BOT_TOKEN and restart "
                "(or `kyc outbox retry` once it works again); its messages stay queued.",
                markup=False,
            )
        if not rows:
            console.print(
                "Nothing parked." if failed else "Nothing waiting: every message went out."
            )
            return
        table = Table(title="Parked messages" if failed else "Waiting messages")
        for col in ("Id", "Key", "Method", "Status", "Attempts", "Error"):
            table.add_column(col)
        for m in rows:
            table.add_row(
                str(m.id),
                escape(m.key),
                m.method,
                m.status.value,
                str(m.attempts),
                escape(m.last_error or ""),
            )
        console.print(table)

    asyncio.run(run())


@outbox_app.command("retry")
def outbox_retry(workspace: WorkspaceOpt = None) -> None:
    """Queue parked messages again, after fixing what stopped them (e.g. invite the bot)."""
    from scheduler.sender import retry_failed

    settings = settings_or_exit()

    async def run() -> int:
        db = await _open_db(settings)
        try:
            return await retry_failed(db, workspace_id=workspace)
        finally:
            await db.dispose()

    console.print(f"{asyncio.run(run())} message(s) queued again; the running bot sends them.")


@outbox_app.command("purge")
def outbox_purge(
    days: Annotated[
        int | None,
        typer.Option(min=1, help="older than this many days (default: KYC_RETENTION_DAYS)"),
    ] = None,
) -> None:
    """Drop the contents of messages sent more than KYC_RETENTION_DAYS ago (the scheduler
    does it daily); their keys stay, so nothing is sent twice."""
    from bot.services.retention import purge_sent

    settings = settings_or_exit()
    keep = days or settings.kyc_retention_days

    async def run() -> int:
        db = await _open_db(settings)
        try:
            return await purge_sent(db, now=datetime.now(UTC), days=keep)
        finally:
            await db.dispose()

    console.print(f"{asyncio.run(run())} sent message(s) older than {keep} days purged.")


keys_app = typer.Typer(
    help="The keys the installations' tokens are encrypted with (KYC_ENCRYPTION_KEYS).",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")


@keys_app.command("new")
def keys_new() -> None:
    """Print a new Fernet key, for KYC_ENCRYPTION_KEYS (put it first to rotate)."""
    from bot.tenancy.crypto import TokenCipher

    console.print(TokenCipher.new_key(), markup=False, highlight=False)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Encrypt every stored token again with the first key of KYC_ENCRYPTION_KEYS; after
    this the older keys can be dropped from the setting."""
    from bot.tenancy.crypto import CipherError
    from bot.tenancy.runtime import build_tenancy

    settings = settings_or_exit()
    if settings.kyc_encryption_keys is None:
        raise fail("KYC_ENCRYPTION_KEYS is not set: nothing is encrypted with it", 2)

    async def run() -> int:
        db = await _open_db(settings)
        try:
            return await build_tenancy(db, settings).store.reseal()
        except CipherError as exc:
            raise fail(str(exc)) from None
        finally:
            await db.dispose()

    done = asyncio.run(run())
    console.print(f"{done} installations encrypted with the first key", highlight=False)


@app.command("workspaces")
def workspaces_cmd() -> None:
    """The workspaces in the database: installed or not, and when an uninstalled one's data
    is purged."""
    from sqlalchemy import select

    from storage.models import Installation, Workspace

    settings = settings_or_exit()

    async def run() -> list[tuple[str, str, str]]:
        db = await _open_db(settings)
        try:
            async with db.unit_of_work() as s:
                installed = set(await s.scalars(select(Installation.workspace_id)))
                rows = []
                for ws in await s.scalars(select(Workspace).order_by(Workspace.id)):
                    if ws.uninstalled_at is not None:
                        until = ws.purge_after.date().isoformat() if ws.purge_after else "?"
                        state = f"uninstalled {ws.uninstalled_at.date()}, purged {until}"
                    elif ws.id in installed:
                        state = "installed"
                    else:
                        state = "not installed (a roster waiting for its install)"
                    rows.append((ws.id, ws.name or "", state))
                return rows
        finally:
            await db.dispose()

    table = Table("workspace", "name", "state")
    for row in asyncio.run(run()):
        table.add_row(*(Text(v) for v in row))
    console.print(table)


holidays_app = typer.Typer(help="Company holidays: no nudges, plans or reminders on them.")
app.add_typer(holidays_app, name="holidays")


@holidays_app.command("load")
def holidays_load(
    country: Annotated[str, typer.Option(help="ISO country code, e.g. GB, US, DE")],
    year: Annotated[int, typer.Option(help="the year, e.g. 2027")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Load a country's public holidays (from the `holidays` package) for the people of that
    country (people.csv's `country`). Run again: nothing doubles."""
    from bot.services.holidays import UnknownCountry, load_public

    settings = settings_or_exit()

    async def run() -> tuple[int, int, int]:
        db = await _open_db(settings)
        try:
            ws = await _workspace(db, settings, workspace)
            return await load_public(db, ws, country, year)
        except UnknownCountry as exc:
            raise fail(str(exc), 2) from None
        finally:
            await db.dispose()

    created, updated, unchanged = asyncio.run(run())
    console.print(
        f"holidays {country.upper()} {year}: {created} created, {updated} updated, "
        f"{unchanged} unchanged",
        markup=False,
    )


person_app = typer.Typer(help="People on the roster.", no_args_is_help=True)
app.add_typer(person_app, name="person")


@person_app.command("erase")
def person_erase(
    email: Annotated[str, typer.Argument(help="their email (or Slack user id)")],
    workspace: WorkspaceOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="don't ask first")] = False,
) -> None:
    """Erase a person: their personal data everywhere, and every message owed to them.

    Their contacts still count in the figures, under "Erased person #id". Cannot be undone."""
    from bot.services.erasure import UnknownPerson, erase_person, summary

    settings = settings_or_exit()
    if not yes:
        typer.confirm(
            f"This erases {email}'s name, email and Slack id from every record, and cannot be "
            "undone. Go on?",
            abort=True,
        )

    async def run() -> list[str]:
        db = await _open_db(settings)
        try:
            ws = await _workspace(db, settings, workspace)
            report = await erase_person(db, ws, email, now=datetime.now(UTC))
        except UnknownPerson as exc:
            raise fail(str(exc)) from None
        finally:
            await db.dispose()
        return list(summary(report))

    for line in asyncio.run(run()):
        console.print(line, markup=False, highlight=False)


@app.command("report")
def report(
    week: Annotated[
        str | None, typer.Option(help="the week to report on, e.g. 2026-W47 (default: this one)")
    ] = None,
    team: Annotated[str | None, typer.Option(help="only this team's executives")] = None,
    html_file: Annotated[
        Path | None, typer.Option("--html", help="also write a self-contained HTML page")
    ] = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """The leadership figures in the terminal (and as an HTML page with the trend chart)."""
    from bot.regimen.meeting_figures import headline
    from bot.regimen.meetings import MeetingKind
    from bot.regimen.metrics import percent
    from bot.services.report import build_report
    from bot.views.stats import call_nps_text, ticket_text

    settings = settings_or_exit()
    at = datetime.now(UTC)
    if week is not None:
        from bot.regimen.calendar import week_monday

        try:
            # as it stood at the end of that week (Sunday 23:59 UTC)
            end = week_monday(week) + timedelta(days=6)
        except ValueError as exc:
            raise fail(f"--week: {exc}", 2) from None
        at = min(at, datetime.combine(end, time(23, 59), UTC))

    async def run() -> None:
        db = await _open_db(settings)
        try:
            ws = await _workspace(db, settings, workspace)
            data = await build_report(db, settings, ws, now=at, team=team)
        except ValueError as exc:
            raise fail(str(exc), 2) from None
        finally:
            await db.dispose()
        console.print(
            f"[bold]{percent(data.proactive_share)} proactive[/bold] — {data.proactive} "
            f"proactive and {data.reactive} reactive customer contacts in 30 days ({data.iso_week})"
        )
        if data.silent:
            silent = escape(", ".join(data.silent))
            console.print(f"[red]No customer contact in 30 days:[/red] {silent}")
        table = Table(title="Executives")
        for col in (
            "Executive",
            "Proactive 30d",
            "Week",
            "Streak",
            "Coverage 90d",
            "Longest without a call",
            "Call NPS",
            "Ticket satisfaction",
            "Open",
            "Overdue",
            "Kudos",
        ):
            table.add_column(col)
        for f in data.executives:
            table.add_row(
                Text(f.name),
                percent(f.proactive_share),
                f"{f.done_this_week}/{f.target_this_week}",
                str(f.streak_weeks),
                percent(f.coverage),
                Text(f.longest_without or "—"),
                call_nps_text(f.call_scores),
                ticket_text(f.ticket_scores),
                str(f.items_open),
                str(f.items_overdue),
                str(f.kudos_given),
            )
        console.print(table)
        console.print(
            f"Call NPS (90 days, own calls): {call_nps_text(data.call_scores)} · "
            f"Ticket satisfaction (customers' tickets): {ticket_text(data.ticket_scores)}",
            markup=False,
        )
        weekly = "  ".join(
            f"{w.iso_week[-3:]}: {'—' if w.nps is None else f'{w.nps:+d}'} "
            f"😟{w.mix.unhappy} 🙂{w.mix.satisfied} 🤩{w.mix.promoter}"
            for w in data.call_trend
        )
        console.print(f"Calls by week (Call NPS, sentiment): {weekly}", markup=False)
        moods = "  ".join(
            f"{m.month}: 😟{m.mix.unhappy} 🙂{m.mix.satisfied} 🤩{m.mix.promoter}"
            for m in data.sentiment_by_month
        )
        console.print(f"Call sentiment by month: {moods}", markup=False)
        for m in data.meetings:  # the teams' customer meetings this quarter
            console.print(
                f"Customer meetings {m.quarter}, {m.team}: {headline(m)} · "
                + " ".join(f"{k.label} {m.kinds.get(k, 0)}" for k in MeetingKind)
                + f" · charter lines customers added {m.lines_added}, changed "
                f"{m.lines_changed} · simplify or eliminate {m.simplify_done}/"
                f"{m.simplify_raised} done",
                markup=False,
            )
        from bot.views.report_text import floor_lines, said_lines, themes_lines

        for line in said_lines(data) + themes_lines(data):
            console.print(line, markup=False, highlight=False)
        if data.recoveries is not None and not data.recoveries.empty:
            from bot.views.recovery import recovery_lines

            owned = " · ".join(line.replace("*", "") for line in recovery_lines(data.recoveries))
            console.print(f"Key customers' complaints: {owned}", markup=False)
        if data.key_coverage:
            from bot.views.recovery import key_coverage_line

            console.print(key_coverage_line(data.key_coverage, cap=50), markup=False)
        if data.key_without_meeting:
            from bot.views.recovery import key_meeting_lines

            console.print(
                f"Key customers with no formal meeting in 12 months "
                f"({len(data.key_without_meeting)}):",
                markup=False,
            )
            for line in key_meeting_lines(list(data.key_without_meeting), cap=50):
                console.print(f"  {line}", markup=False)
        for t in data.participation:  # teams that do not face customers (matchmaking)
            console.print(
                f"{t.team_name}: {t.met_90d}/{t.people} met a customer in 90 days "
                f"({t.share_90d:.0%}), {t.met_quarter}/{t.people} this quarter",
                markup=False,
            )
        for line in floor_lines(data):
            console.print(line, markup=False, highlight=False)
        if html_file is not None:
            from bot.views.charts import trend_png
            from bot.views.digest import build_html

            png = trend_png(data.trend, "Customer contacts, last 12 weeks", data.completion)
            html_file.write_text(build_html(data, png), encoding="utf-8")
            console.print(f"Wrote {html_file}", markup=False)

    asyncio.run(run())


@app.command("export")
def export(
    kind: Annotated[ExportKind, typer.Argument(help="what to export")],
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="csv, or json (JSON Lines)")
    ] = ExportFormat.csv,
    since: Annotated[str | None, typer.Option(help="from this date on, YYYY-MM-DD")] = None,
    executive: Annotated[str | None, typer.Option(help="only this executive (email)")] = None,
    output: Annotated[Path | None, typer.Option(help="file to write (default: stdout)")] = None,
    excel: Annotated[
        bool, typer.Option("--excel", help="CSV with a UTF-8 BOM, so Excel reads accents")
    ] = False,
    workspace: WorkspaceOpt = None,
) -> None:
    """Stream rows for the CRM or the auditors, in constant memory. In CSV a cell starting
    with = + - @ is written after a ' so that a spreadsheet never runs it."""
    from datetime import date as date_type

    from bot.services.export import export_rows, write_export

    settings = settings_or_exit()
    try:
        since_day = date_type.fromisoformat(since) if since else None
    except ValueError:
        raise fail(f"--since: bad date {since!r} (use YYYY-MM-DD)", 2) from None
    if excel and fmt is not ExportFormat.csv:
        raise fail("--excel is for CSV: leave out --format json", 2)

    # A file is written beside the target and renamed when complete: a failed export never
    # leaves half a file where a good one was.
    partial = output.with_name(output.name + ".partial") if output else None

    async def run() -> int:
        db = await _open_db(settings)
        out = partial.open("w", encoding="utf-8", newline="") if partial else sys.stdout
        try:
            rows = export_rows(
                db,
                await _workspace(db, settings, workspace),
                kind.value,
                since=since_day,
                executive_email=executive,
            )
            return await write_export(rows, kind.value, fmt.value, out, excel=excel)
        except ValueError as exc:
            raise fail(str(exc), 2) from None
        finally:
            if partial:
                out.close()
            await db.dispose()

    try:
        count = asyncio.run(run())
    except BaseException:
        if partial:
            partial.unlink(missing_ok=True)
        raise
    if output and partial:
        partial.replace(output)
        console.print(f"{count} row(s) written to {output}", markup=False)


@app.command("demo")
def demo(weeks: Annotated[int, typer.Option(help="weeks to simulate")] = 1) -> None:
    """A week of KYC against a local Slack stand-in, printed as a transcript (no Slack needed)."""
    from bot.demo import run_demo

    asyncio.run(run_demo(console, weeks=weeks))


async def _open_db(settings: Settings) -> Database:
    from storage.db import Database
    from storage.migrate import upgrade_async

    await upgrade_async(settings.database_url)
    return Database(settings.database_url)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        from bot.misconfig import explain, secrets_of

        try:
            settings: Settings | None = load_settings()
        except SettingsError:
            settings = None
        line = explain(
            exc,
            database_url=settings.database_url if settings else None,
            secrets=secrets_of(settings),
        )
        if line is None:
            raise  # not a setting: a bug, and its traceback is what helps
        err.print(Text(line, style="red"))
        sys.exit(1)


if __name__ == "__main__":
    main()
