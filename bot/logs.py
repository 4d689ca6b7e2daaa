"""Where the log goes and what a line says (KYC_LOG_LEVEL, KYC_LOG_FORMAT=text|json).

Each request from Slack gets an id, and every line logged while it is handled (its listener's
tasks too: they copy the context they start in) carries that id, the workspace, the user and
the listener, so one request's lines can be picked out of a busy log. In JSON, one object per
line. Whatever the format, no line carries a token, the signing secret, the database password
or a chart link's signature, and Bolt's lines that would quote a request body are cut short
unless the level is DEBUG. APScheduler's "Running job"/"executed successfully", every minute,
and aiohttp's access lines (load balancers probe /healthz every few seconds) are DEBUG
chatter here."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar, Token
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import IO, Any

from bot.ids import Action, View
from bot.misconfig import mask, secrets_of
from bot.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers whose INFO is a line per tick or per request: shown only at DEBUG.
CHATTY = ("apscheduler", "aiohttp.access")
_ACTIONS = {a.value for a in Action}
_VIEWS = {v.value for v in View}
_WORD = re.compile(r"^[A-Za-z0-9_/.:-]{1,40}$")
_TOKEN = re.compile(r"\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+")
_CHART_SIGNATURE = re.compile(r"(/charts/[^/\s]+/\d+/[^/\s]+/)[0-9a-fA-F]{8,}(\.png)")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    workspace: str | None
    user: str | None
    listener: str


_request: ContextVar[RequestContext | None] = ContextVar("kyc_request", default=None)


def listener_of(body: dict[str, Any]) -> str:
    """What a request from Slack is for, as a short label: `command:/kyc`, `action:kyc_swap`,
    `view:kyc_call_modal`, `options:kyc_customer`, `event:app_home_opened`. Ids we never send
    are `other`, so a label is one of a known few (a log field, a metric label)."""
    kind = body.get("type")
    if body.get("command"):
        return f"command:{_word(body['command'])}"
    if kind == "block_actions":
        actions = body.get("actions") or [{}]
        return f"action:{_known(actions[0].get('action_id'), _ACTIONS)}"
    if kind in ("view_submission", "view_closed"):
        return f"view:{_known((body.get('view') or {}).get('callback_id'), _VIEWS)}"
    if kind == "block_suggestion":
        return f"options:{_known(body.get('action_id'), _ACTIONS)}"
    if kind == "event_callback":
        return f"event:{_word((body.get('event') or {}).get('type'))}"
    if kind == "url_verification":
        return "url_verification"
    return "other"


def _word(value: object) -> str:
    return value if isinstance(value, str) and _WORD.match(value) else "other"


def _known(value: object, known: set[str]) -> str:
    return value if isinstance(value, str) and value in known else "other"


def begin_request(
    *, listener: str, workspace: str | None, user: str | None
) -> Token[RequestContext | None]:
    """From here on in this task (and the tasks it starts), lines carry this request."""
    context = RequestContext(uuid.uuid4().hex[:16], workspace, user, listener)
    return _request.set(context)


def end_request(token: Token[RequestContext | None]) -> None:
    _request.reset(token)


def current_request() -> RequestContext | None:
    return _request.get()


class RequestFields(logging.Filter):
    """Puts the current request's fields on each record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _request.get()
        fields = asdict(context) if context else dict.fromkeys(RequestContext.__annotations__)
        for name, value in fields.items():
            setattr(record, name, value)
        return True


class NoRequestBodies(logging.Filter):
    """Bolt logs a rejected signature and an unhandled request with the request's body (user
    text, ids) at INFO and WARNING; below DEBUG the line keeps its first words, and the request
    fields say which request it was."""

    CUT = ("Invalid request signature detected", "Unhandled request")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("slack_bolt") and record.levelno > logging.DEBUG:
            message = record.getMessage()
            for start in self.CUT:
                if message.startswith(start):
                    record.msg, record.args = start, None
        return True


class Redactor:
    """Takes secrets out of text: the configured ones verbatim, any Slack token by its shape,
    and the signature of a chart link."""

    def __init__(self, secrets: list[str]) -> None:
        # A password of a few letters would mask every word holding them; six and up.
        self.secrets = [s for s in secrets if len(s) >= 6]

    def __call__(self, text: str) -> str:
        text = _TOKEN.sub("[redacted token]", text)
        text = _CHART_SIGNATURE.sub(r"\1[signature]\2", text)
        return mask(text, self.secrets)


class TextFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__(TEXT_FORMAT)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        if request_id:
            line += f" [request {request_id} {getattr(record, 'listener', '')}]"
        return self.redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the request's
    id, workspace, user and listener when there is one, and the traceback of an exception."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": self.redact(record.getMessage()),
        }
        for name in RequestContext.__annotations__:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.redact(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exception"] = self.redact(record.exc_text)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(settings: Settings, *, stream: IO[str] | None = None) -> logging.Handler:
    """Send the log to `stream` (stderr) at KYC_LOG_LEVEL in KYC_LOG_FORMAT; returns the
    handler. Called again, it replaces the handler it installed before."""
    level = logging.getLevelNamesMapping()[settings.kyc_log_level]
    redact = Redactor(secrets_of(settings))
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name("kyc")
    handler.setLevel(level)
    handler.setFormatter(
        JsonFormatter(redact) if settings.kyc_log_format == "json" else TextFormatter(redact)
    )
    handler.addFilter(RequestFields())
    handler.addFilter(NoRequestBodies())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "kyc"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Bolt's loggers copy the root's level when the app is built: give them this one.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("slack_bolt"):
            logging.getLogger(name).setLevel(level)
    quiet = level if level <= logging.DEBUG else max(level, logging.WARNING)
    for name in CHATTY:
        logging.getLogger(name).setLevel(quiet)
    # Set, never unset: slack-sdk formats each request's payload for DEBUG when its logger has
    # no level of its own (bot/sdklog.py); at DEBUG those lines are what was asked for.
    logging.getLogger("kyc.slack_sdk").setLevel(level)
    return handler
