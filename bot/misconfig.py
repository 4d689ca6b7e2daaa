"""What stops a command before it can work, told in one line that names the setting.

`explain` turns the exceptions a wrong setting ends in (a URL that is no URL, a database that
refuses, a file that cannot be written, a port that is taken) into that line; `kyc`'s entry
point prints it instead of a traceback. Nothing secret reaches the line: see `mask`."""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

from bot.settings import SUPPORTED_DATABASES, Settings, SettingsError


class CannotListen(Exception):
    """`kyc serve` could not open its HTTP port."""

    def __init__(self, host: str, port: int, cause: OSError) -> None:
        super().__init__(f"{host}:{port}: {cause}")
        self.host, self.port, self.cause = host, port, cause


class SocketModeFailed(Exception):
    """Socket Mode cannot work: Slack refused SLACK_APP_TOKEN, or could not be reached in the
    tries `kyc serve` makes at start (bot/socket_mode.py). The message is the line to show."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (SQLAlchemy's .orig), its causes and grouped exceptions."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo.extend(x for x in (getattr(e, "orig", None), e.__cause__, e.__context__) if x)
        todo.extend(getattr(e, "exceptions", ()) or ())


def _where(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return f"{u.host or 'localhost'}:{u.port or 5432}"


def _database(exc: BaseException, setting: str, url: str) -> str | None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    if isinstance(exc, ArgumentError):
        return f"{setting}: not a database URL: use {SUPPORTED_DATABASES}"
    if isinstance(exc, NoSuchModuleError):
        return f"{setting}: not supported: KYC runs on SQLite or PostgreSQL ({SUPPORTED_DATABASES})"
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if isinstance(exc, sqlite3.OperationalError):
        path = Path(parsed.database or "")
        message = str(exc)
        if "unable to open database file" in message:
            if not path.parent.is_dir():
                return (
                    f"{setting}: cannot open the SQLite database {path}: "
                    f"the directory {path.parent} does not exist"
                )
            return f"{setting}: cannot open the SQLite database {path}: check its permissions"
        if "readonly database" in message:
            return (
                f"{setting}: the SQLite database {path} is read-only: KYC writes to it "
                "(check the permissions of the file and its directory)"
            )
        return None
    name = type(exc).__name__
    user = parsed.username or "(default user)"
    if name == "InvalidPasswordError":
        return f"{setting}: PostgreSQL at {_where(url)} refused the password of user {user}"
    if name == "InvalidAuthorizationSpecificationError":
        return f"{setting}: PostgreSQL at {_where(url)} refused user {user}: {exc}"
    if name == "InvalidCatalogNameError":
        return f"{setting}: PostgreSQL at {_where(url)} says {exc}: create it first (createdb)"
    if isinstance(exc, socket.gaierror):
        return f"{setting}: unknown database host {parsed.host!r}"
    if isinstance(exc, ConnectionRefusedError) or (
        isinstance(exc, OSError) and "Connect call failed" in str(exc)
    ):
        return (
            f"{setting}: cannot connect to PostgreSQL at {_where(url)} (connection refused): "
            "is it running, and are the host and port right?"
        )
    if isinstance(exc, TimeoutError) and parsed.get_backend_name() == "postgresql":
        return f"{setting}: timed out connecting to PostgreSQL at {_where(url)}"
    return None


def _listen(exc: CannotListen) -> str:
    where = f"{exc.host}:{exc.port}"
    if exc.cause.errno == errno.EADDRINUSE:
        return f"--port {exc.port}: {where} is already in use (another kyc serve?): pick another"
    if exc.cause.errno == errno.EACCES:
        return f"--port {exc.port}: not allowed to listen on {where} (ports below 1024 need root)"
    return f"--port {exc.port}: cannot listen on {where}: {exc.cause.strerror or exc.cause}"


def explain(
    exc: BaseException,
    *,
    database_url: str | None = None,
    setting: str = "DATABASE_URL",
    secrets: Iterable[str] = (),
) -> str | None:
    """One line for a known misconfiguration, or None (then it is a bug: let it show)."""
    line: str | None = None
    for e in _chain(exc):
        if isinstance(e, SettingsError):
            line = str(e)
        elif isinstance(e, CannotListen):
            line = _listen(e)
        elif isinstance(e, SocketModeFailed):
            line = str(e)
        elif database_url is not None:
            line = _database(e, setting, database_url)
        if line is not None:
            break
    return None if line is None else mask(" ".join(line.split()), secrets)


def secrets_of(settings: Settings | None) -> list[str]:
    """The values no line may show: tokens, the signing secret, the database password."""
    if settings is None:
        return []
    from sqlalchemy.engine import make_url

    values = [
        s.get_secret_value()
        for s in (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.slack_client_secret,
        )
        if s is not None
    ]
    if settings.kyc_encryption_keys is not None:
        values += settings.kyc_encryption_keys.get_secret_value().split(",")
    password = make_url(settings.database_url).password or ""
    values += [password, quote(password, safe="")]  # as typed in the URL, too
    return [v for v in values if v]


def mask(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
