"""`kyc export KIND`: rows for the CRM, a spreadsheet or the auditors, streamed in constant memory.

Kept out of bot/cli.py; `register(app)` adds the command (bot.cli is imported lazily, so this
module can be imported from there without a cycle)."""

from __future__ import annotations

import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add `kyc export` to the app (once: calling it again changes nothing)."""
    if any(c.name == "export" for c in app.registered_commands):
        return
    from bot.cli import WorkspaceOpt, _open_db, console, fail, settings_or_exit

    @app.command("export")
    def export(
        kind: Annotated[str, typer.Argument(help="contacts | action-items | kudos | batches")],
        fmt: Annotated[
            str, typer.Option("--format", "-f", help="csv, or json (JSON Lines: one per line)")
        ] = "csv",
        since: Annotated[
            str | None,
            typer.Option(help="only from this day on, YYYY-MM-DD (UTC; batches: weeks from it)"),
        ] = None,
        executive: Annotated[
            str | None, typer.Option("--executive", "-e", help="only this executive (email)")
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", dir_okay=False, help="file to write (default: stdout)"),
        ] = None,
        workspace: WorkspaceOpt = None,
    ) -> None:
        """Export contacts, action items, kudos or batches as CSV or JSON Lines.

        `kyc export contacts` writes exactly the columns `kyc import contacts` reads."""
        from bot.services.export import EXPORTS, FORMATS, ExportError, export_rows, write_export

        settings = settings_or_exit()
        if kind not in EXPORTS:
            raise fail(f"unknown export {kind!r}: use one of {', '.join(EXPORTS)}", 2)
        fmt = fmt.lower()
        if fmt not in FORMATS:
            raise fail(f"--format: use csv or json, not {fmt!r}", 2)
        try:
            since_day = date.fromisoformat(since) if since else None
        except ValueError:
            raise fail(f"--since: bad date {since!r} (use YYYY-MM-DD)", 2) from None
        ws = workspace or settings.kyc_workspace

        async def run() -> int:
            db = await _open_db(settings)
            try:
                rows = export_rows(db, ws, kind, since=since_day, executive_email=executive)
                if output is None:
                    return await write_export(rows, fmt, sys.stdout, kind=kind)
                # Written next to the target and moved into place: a failed export leaves
                # no half-written (or emptied) file behind.
                partial = output.with_name(output.name + ".partial")
                try:
                    with partial.open("w", encoding="utf-8", newline="") as handle:
                        count = await write_export(rows, fmt, handle, kind=kind)
                    partial.replace(output)
                finally:
                    partial.unlink(missing_ok=True)
                return count
            finally:
                await db.dispose()

        try:
            count = asyncio.run(run())
        except ExportError as exc:
            raise fail(str(exc), 2) from None
        except OSError as exc:
            raise fail(f"{output}: cannot write ({exc.strerror})", 1) from None
        if output is not None:
            console.print(f"{count} row(s) written to {output}", highlight=False)
