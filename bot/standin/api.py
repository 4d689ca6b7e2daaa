"""What every Web API method of the stand-in shares: the registry of methods, Slack's error,
and who is calling. (Apart from server.py so that method modules, methods.py and oauth.py,
can import it without importing the server that imports them.)"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.standin.server import SlackStandin

Handler = Callable[["SlackStandin", dict[str, Any]], Awaitable[dict[str, Any]]]
METHODS: dict[str, tuple[tuple[str, ...], Handler]] = {}


class SlackError(Exception):
    def __init__(self, error: str, *messages: str) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)


def method(name: str, *required: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        METHODS[name] = (required, fn)
        return fn

    return register


@dataclass(frozen=True)
class Caller:
    """The request being answered: its token and that token's workspace (None when the token
    is unknown), or, for oauth.v2.access, the app's HTTP Basic credentials."""

    token: str | None = None
    team: str | None = None
    basic: tuple[str, str] | None = None


NOBODY = Caller()  # frozen: a safe default
# Set by the server for each request it answers; the method handlers read it.
CALLER: ContextVar[Caller] = ContextVar("standin_caller", default=NOBODY)
