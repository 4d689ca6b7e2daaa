"""The app manifests ask for exactly the scopes and events the code needs.

Which Web API methods the code calls is read from the source; which scope each needs, from
Slack's OpenAPI spec (../shared/slack/slack_web_openapi_v2.json); a scope missing from the
manifest would otherwise show up only on the first install, as `missing_scope`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.standin.scopes import SCOPES, manifest_bot_scopes
from bot.standin.server import METHODS
from tests.slack_spec import load_spec, needs_spec

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = [ROOT / "manifest.yml", ROOT / "manifest.http.yml"]
# The bot's own code; bot/standin plays Slack and calls nothing.
SOURCES = [
    p
    for d in ("bot", "handlers", "scheduler", "storage")
    for p in sorted((ROOT / d).rglob("*.py"))
    if "standin" not in p.parts
]

# --- what the code calls ---------------------------------------------------------------------
CLIENT_CALL = re.compile(
    r"client(?:\"\])?\.(?!api_call\b)([a-z]+_\w+)\("
)  # client.chat_postMessage(
API_CALL = re.compile(r"api_call\(\s*\"([\w.]+)\"")  # client.api_call("chat.postMessage", ...)
OUTBOX_METHOD = re.compile(r"\bmethod\s*=(?!=)\s*\"([a-z]+\.\w+)\"")  # outbox rows: method="..."
SAY = re.compile(r"\bsay\(")  # Bolt's say() is a chat.postMessage
# slack-sdk's upload helper: two Web API calls around an upload to the URL the first returns.
SDK_HELPERS = {"files.upload_v2": ["files.getUploadURLExternal", "files.completeUploadExternal"]}


def _method(client_attr: str) -> str:
    if client_attr == "files_upload_v2":
        return "files.upload_v2"
    return client_attr.replace("_", ".")  # chat_postMessage -> chat.postMessage


def called_methods() -> dict[str, set[str]]:
    """Web API method -> the files calling it."""
    found: dict[str, set[str]] = {}
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        names = [_method(m) for m in CLIENT_CALL.findall(text)]
        names += API_CALL.findall(text) + OUTBOX_METHOD.findall(text)
        names += ["chat.postMessage"] * len(SAY.findall(text))
        for name in names:
            for method in SDK_HELPERS.get(name, [name]):
                found.setdefault(method, set()).add(str(path.relative_to(ROOT)))
    return found


# --- the scope each needs --------------------------------------------------------------------
# The 2021 spec names classic scopes: a bot token asks for the granular one instead, and cannot
# hold a user token's at all.
FOR_BOT_TOKENS: dict[str, str | None] = {"chat:write:bot": "chat:write", "chat:write:user": None}
# Methods newer than the spec, or whose spec scope is the user token's: the bot token's scope
# from the method's page in Slack's docs.
NOT_IN_SPEC = {
    "files.getUploadURLExternal": {"files:write"},  # 2022, newer than the spec
    "files.completeUploadExternal": {"files:write"},
    "conversations.join": {"channels:join"},  # the spec's channels:write is for user tokens
    # Socket Mode's: the app-level token's connections:write (SLACK_APP_TOKEN), no bot scope
    "apps.connections.open": set(),
}
# The spec lists one scope per kind of conversation for these; KYC needs the kinds it uses them
# on: team channels, public (channels) and private (groups), and the executives' DMs (im).
KINDS = {
    "conversations.open": {"im"},  # only to find a DM
    "conversations.history": {"channels", "groups", "im"},  # the check before a re-post
    "conversations.replies": {"channels", "groups", "im"},
}
# Events need the scope of what they carry (Slack's events reference; not in the Web API spec).
EVENT_SCOPES: dict[str, set[str]] = {
    "app_home_opened": set(),
    "user_change": {"users:read"},
    "message.im": {"im:history"},
    "message.channels": {"channels:history"},
    "app_uninstalled": set(),  # sent to every app, no scope
    "tokens_revoked": set(),
}
TOKEN_SCOPE = re.compile(r"Requires scope: `([^`]+)`")


def spec_scopes(method: str) -> set[str] | None:
    """The scopes the spec accepts for `method` (any one will do); None: not in the spec."""
    spec = load_spec()
    assert spec is not None
    ops = spec["paths"].get("/" + method)
    if ops is None:
        return None
    found: set[str] = set()
    for op in ops.values():
        security = op.get("security") or []
        for requirement in security:
            for scopes in requirement.values():
                found.update(scopes)
        if not security:  # some operations say it only in the token's description
            for param in op.get("parameters", []):
                m = TOKEN_SCOPE.search(param.get("description") or "")
                if param.get("name") == "token" and m:
                    found.add(m.group(1))
    return found - {"none"}


def bot_alternatives(method: str) -> set[str]:
    """The bot-token scopes Slack accepts for `method`, any one of them."""
    if method in NOT_IN_SPEC:
        return NOT_IN_SPEC[method]
    scopes = spec_scopes(method)
    assert scopes is not None, f"{method}: not in Slack's spec; give its scope in NOT_IN_SPEC"
    return {b for s in scopes if (b := FOR_BOT_TOKENS.get(s, s)) is not None}


def needed_scopes(method: str) -> set[str]:
    """The scopes the bot token must hold for the way KYC calls `method`."""
    alternatives = bot_alternatives(method)
    if method in KINDS:
        picked = {s for s in alternatives if s.split(":")[0] in KINDS[method]}
        assert len(picked) == len(KINDS[method]), f"{method}: {alternatives} lacks a kind"
        return picked
    assert len(alternatives) <= 1, f"{method}: Slack offers {alternatives}; say which in KINDS"
    return alternatives


# --- the manifests -----------------------------------------------------------------------------
def manifest(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def bot_scopes(path: Path = MANIFESTS[0]) -> set[str]:
    return set(manifest(path)["oauth_config"]["scopes"]["bot"])


def bot_events(path: Path = MANIFESTS[0]) -> set[str]:
    return set(manifest(path)["settings"]["event_subscriptions"]["bot_events"])


def registered_events() -> set[str]:
    """Events the code listens to: app.event("...") and app.message(...)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    events = set(re.findall(r"app\.event\(\s*\"([\w.]+)\"", text))
    if re.search(r"app\.message\(", text):
        events.add("message")
    return events


# --- tests -------------------------------------------------------------------------------------
def test_the_scanner_finds_the_calls_we_know_of() -> None:
    called = called_methods()
    for method in (
        "auth.test",  # bot/server.py, on start
        "views.open",  # the call modal
        "chat.postMessage",  # the outbox
        "users.lookupByEmail",  # the roster sync
        "conversations.history",  # the check before a re-post
        "files.getUploadURLExternal",  # the digest's chart
    ):
        assert method in called, f"the scanner no longer finds {method}: {sorted(called)}"


@needs_spec
def test_every_method_the_code_calls_has_its_scope_in_the_manifest() -> None:
    granted = bot_scopes()
    missing = [
        f"{method} needs {scope} (called in {', '.join(sorted(files))})"
        for method, files in sorted(called_methods().items())
        for scope in sorted(needed_scopes(method) - granted)
    ]
    assert missing == [], "manifest.yml lacks scopes:\n" + "\n".join(missing)


def test_every_subscribed_event_has_its_scope_in_the_manifest() -> None:
    events = bot_events()
    unknown = events - EVENT_SCOPES.keys()
    assert not unknown, f"say in EVENT_SCOPES which scope {unknown} needs (Slack's events docs)"
    missing = {e: EVENT_SCOPES[e] - bot_scopes() for e in events if EVENT_SCOPES[e] - bot_scopes()}
    assert missing == {}


@needs_spec
def test_the_manifest_asks_for_no_scope_the_code_does_not_use() -> None:
    used = {s for method in called_methods() for s in needed_scopes(method)}
    used |= {s for e in bot_events() for s in EVENT_SCOPES.get(e, set())}
    if manifest(MANIFESTS[0])["features"].get("slash_commands"):
        used.add("commands")
    assert bot_scopes() - used == set()


def test_every_event_the_code_listens_to_is_subscribed() -> None:
    subscribed = bot_events()
    registered = registered_events()
    assert {"app_home_opened", "user_change", "message"} <= registered  # the scan works
    for event in registered:
        if event == "message":  # subscribed per kind of conversation: message.im, ...
            assert any(e.startswith("message.") for e in subscribed), subscribed
        else:
            assert event in subscribed, f"{event} is handled but not subscribed"


def test_both_manifests_declare_the_same_scopes_and_events() -> None:
    socket, http = MANIFESTS
    assert bot_scopes(socket) == bot_scopes(http)
    assert bot_events(socket) == bot_events(http)
    commands = [
        [
            {k: v for k, v in c.items() if k != "url"}
            for c in manifest(p)["features"]["slash_commands"]
        ]
        for p in MANIFESTS
    ]
    assert commands[0] == commands[1]


def test_the_http_manifest_sends_every_request_to_slack_events() -> None:
    app = manifest(ROOT / "manifest.http.yml")
    settings = app["settings"]
    assert settings["socket_mode_enabled"] is False
    assert manifest(ROOT / "manifest.yml")["settings"]["socket_mode_enabled"] is True
    urls = [
        *(c["url"] for c in app["features"]["slash_commands"]),
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        settings["interactivity"]["message_menu_options_url"],  # the customer picker
    ]
    assert urls == ["https://YOUR-HOST/slack/events"] * 4


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_the_standins_manifest_reader_reads_what_yaml_reads(path: Path) -> None:
    assert manifest_bot_scopes(path) == bot_scopes(path)


@needs_spec
def test_the_standins_scope_table_agrees_with_slacks_spec() -> None:
    assert set(SCOPES) == set(METHODS), "every method the stand-in answers has its scope"
    for method, scope in SCOPES.items():
        alternatives = bot_alternatives(method)
        if scope is None:
            assert alternatives == set(), f"{method} needs one of {alternatives}"
            continue
        kinds = ("channels", "groups", "im", "mpim") if "{kind}" in scope else ("",)
        asked = {scope.format(kind=k) for k in kinds}
        assert asked <= alternatives, f"{method}: the stand-in asks {asked}, Slack {alternatives}"


def test_an_oauth_install_asks_for_the_manifests_scopes() -> None:
    from bot.tenancy.oauth import BOT_SCOPES

    assert set(BOT_SCOPES) == bot_scopes()
