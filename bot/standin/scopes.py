"""The bot scopes Slack asks for, method by method, and the ones manifest.yml grants.

With `SlackStandin(scopes=...)` the stand-in refuses a call whose scope was not granted, as
Slack does, so a scope missing from the manifest fails the scenario tests, not the first
install. The table covers the methods the stand-in implements (bot/standin/methods.py);
tests/unit/test_manifest.py checks it against Slack's published spec."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot.standin.state import State

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"

# Bot-token scope per method; None: no scope. "{kind}" is the kind of conversation the call is
# about: channels (public), groups (private), im or mpim, as Slack names its scopes.
SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.getPermalink": None,
    "conversations.open": "{kind}:write",
    "conversations.join": "channels:join",
    "conversations.info": "{kind}:read",
    "conversations.history": "{kind}:history",
    "conversations.replies": "{kind}:history",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "views.open": None,
    "views.push": None,
    "views.update": None,
    "views.publish": None,
    "reactions.add": "reactions:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "oauth.v2.access": None,  # takes the app's client id and secret, no token
    "api.test": None,
}


def _kind(state: State, method: str, params: dict[str, Any]) -> str:
    if method == "conversations.open":
        return "mpim" if "," in str(params.get("users") or "") else "im"
    channel = state.channels.get(str(params.get("channel") or ""))
    if channel is None:
        return "channels"  # Slack answers channel_not_found after the scope check
    if channel.is_im:
        return "im"
    return "groups" if channel.is_private else "channels"


def needed_scope(state: State, method: str, params: dict[str, Any]) -> str | None:
    """The scope `method` needs for these arguments; None when it needs none."""
    scope = SCOPES.get(method)
    if scope is None:
        return None
    return scope.format(kind=_kind(state, method, params))


def missing_scope(
    state: State, granted: set[str], method: str, params: dict[str, Any]
) -> dict[str, Any] | None:
    """Slack's answer to a call the token has no scope for; None when the call may go on."""
    needed = needed_scope(state, method, params)
    if needed is None or needed in granted:
        return None
    return {
        "ok": False,
        "error": "missing_scope",
        "needed": needed,
        "provided": ",".join(sorted(granted)),
    }


_KEY = re.compile(r"^(?P<indent> *)(?P<key>[\w.-]+):(?P<rest>.*)$")
_ITEM = re.compile(r"^(?P<indent> *)- +(?P<value>.*)$")


def manifest_bot_scopes(path: Path = MANIFEST) -> set[str] | None:
    """`oauth_config.scopes.bot` of a Slack app manifest (block-style YAML, as ours is);
    None when there is no manifest (an installed copy of KYC has none)."""
    if not path.is_file():
        return None
    stack: list[tuple[int, str]] = []  # the keys enclosing the current line, with indents
    scopes: set[str] = set()
    found = False
    for line in path.read_text(encoding="utf-8").splitlines():
        bare = line.split(" #", 1)[0].rstrip()
        if not bare.strip() or bare.lstrip().startswith("#"):
            continue
        key, item = _KEY.match(bare), _ITEM.match(bare)
        m = item or key
        assert m is not None or bare.startswith(" "), f"{path}: cannot read {line!r}"
        if m is None:
            continue  # a folded text's continuation
        indent = len(m["indent"])
        while stack and (stack[-1][0] > indent or (key is not None and stack[-1][0] == indent)):
            stack.pop()
        path_here = [k for _, k in stack]
        if item and path_here == ["oauth_config", "scopes", "bot"]:
            scopes.add(item["value"].strip().strip("\"'"))
        elif key:
            stack.append((indent, key["key"]))
            if [*path_here, key["key"]] == ["oauth_config", "scopes", "bot"]:
                found = True
                if key["rest"].strip():
                    raise ValueError(f"{path}: write the bot scopes as a list, one a line")
    if not found:
        raise ValueError(f"{path}: no oauth_config.scopes.bot")
    return scopes
