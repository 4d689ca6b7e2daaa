"""The Web API methods the stand-in knows, each checking what Slack checks.
(Long on purpose: one short handler per Slack method, in the order of Slack's reference.)

A call sees only its token's workspace: another workspace's channel is `channel_not_found`,
its user `user_not_found` (users.lookupByEmail: `users_not_found`), as Slack answers."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from bot.standin.api import CALLER, SlackError, method
from bot.standin.state import Channel, User
from bot.views.limits import validate_message, validate_view

if TYPE_CHECKING:
    from bot.standin.server import SlackStandin

_seq = itertools.count(1)


def _user(s: SlackStandin, user_id: str) -> User | None:
    return s.state.user_in(s.calling_team.id, user_id)


def _channel(s: SlackStandin, channel_id: str) -> Channel | None:
    return s.state.channel_in(s.calling_team.id, channel_id)


def _channel_for_post(s: SlackStandin, channel_id: str) -> Channel:
    state = s.state
    if channel_id.startswith(("U", "W")):
        user = _user(s, channel_id)
        if user is None:
            raise SlackError("channel_not_found")
        if user.deleted:
            raise SlackError("user_disabled")
        return state.dm_for(channel_id)
    channel = _channel(s, channel_id)
    if channel is None:
        raise SlackError("channel_not_found")
    if channel.is_im:
        user = state.users.get(channel.user or "")
        if user is not None and user.deleted:
            raise SlackError("user_disabled")
        return channel
    if channel.is_archived:
        raise SlackError("is_archived")
    if not channel.is_member:
        raise SlackError("not_in_channel")
    return channel


def _check_message(p: dict[str, Any]) -> None:
    text, blocks = p.get("text"), p.get("blocks")
    if not text and not blocks:
        raise SlackError("no_text")
    errors = validate_message(text, blocks)
    if any(e.startswith("text:") for e in errors):
        raise SlackError("msg_too_long")
    if errors:
        raise SlackError("invalid_blocks", *errors)


@method("api.test")
async def api_test(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    return {"args": {k: v for k, v in p.items() if k != "token"}}


@method("auth.test")
async def auth_test(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    team = s.calling_team
    answer: dict[str, Any] = {
        "url": team.url,
        "team": team.name,
        "user": "kyc",
        "team_id": team.id,
        "user_id": team.bot_user_id,
        "bot_id": team.bot_id,
        "is_enterprise_install": s.oauth.is_enterprise_install(CALLER.get().token),
    }
    if team.enterprise_id is not None:
        answer["enterprise_id"] = team.enterprise_id
    return answer


@method("chat.postMessage", "channel")
async def post_message(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    channel = _channel_for_post(s, str(p["channel"]))
    _check_message(p)
    for block in p.get("blocks") or []:
        file_id = (block.get("slack_file") or {}).get("id") if isinstance(block, dict) else None
        if file_id is not None and file_id not in s.state.uploads:
            raise SlackError("invalid_blocks", f"[ERROR] slack_file {file_id} does not exist")
    thread_ts = p.get("thread_ts")
    if thread_ts and s.state.find_message(channel.id, str(thread_ts)) is None:
        raise SlackError("thread_not_found")
    ts = s.state.next_ts()
    message = {
        "seq": next(_seq),
        "channel": channel.id,
        "ts": ts,
        "thread_ts": thread_ts,
        "text": p.get("text"),
        "blocks": p.get("blocks") or [],
        "metadata": p.get("metadata"),
        "user": s.calling_team.bot_user_id,
        "user_id": channel.user,
        "unfurl_links": p.get("unfurl_links"),
        "files": [],
    }
    s.state.messages.setdefault(channel.id, []).append(message)
    return {"channel": channel.id, "ts": ts, "message": {k: message[k] for k in ("text", "ts")}}


@method("chat.postEphemeral", "channel", "user")
async def post_ephemeral(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    _channel_for_post(s, str(p["channel"]))
    if _user(s, str(p["user"])) is None:
        raise SlackError("user_not_in_channel")
    _check_message(p)
    return {"message_ts": s.state.next_ts()}


@method("chat.update", "channel", "ts")
async def chat_update(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    channel = _channel_for_post(s, str(p["channel"]))
    message = s.state.find_message(channel.id, str(p["ts"]))
    if message is None:
        raise SlackError("message_not_found")
    _check_message(p)
    message["text"], message["blocks"] = p.get("text"), p.get("blocks") or []
    message["edited"] = True
    return {"channel": channel.id, "ts": message["ts"], "text": message["text"]}


@method("chat.delete", "channel", "ts")
async def chat_delete(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    channel = _channel_for_post(s, str(p["channel"]))
    message = s.state.find_message(channel.id, str(p["ts"]))
    if message is None:
        raise SlackError("message_not_found")
    s.state.messages[channel.id].remove(message)
    return {"channel": channel.id, "ts": message["ts"]}


@method("chat.getPermalink", "channel", "message_ts")
async def permalink(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    return {
        "channel": p["channel"],
        "permalink": f"{s.calling_team.url}archives/{p['channel']}/p{p['message_ts']}",
    }


@method("conversations.open")
async def conversations_open(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    users = str(p.get("users") or "")
    if not users:
        raise SlackError("users_list_not_supplied")
    first = users.split(",")[0]
    if _user(s, first) is None:
        raise SlackError("user_not_found")
    return {"channel": {"id": s.state.dm_for(first).id}}


@method("conversations.join", "channel")
async def conversations_join(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(s, str(p["channel"]))
    if channel is None:
        raise SlackError("channel_not_found")
    if channel.is_private or channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    channel.is_member = True
    return {"channel": {"id": channel.id, "name": channel.name, "is_member": True}}


@method("conversations.info", "channel")
async def conversations_info(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    channel = _channel(s, str(p["channel"]))
    if channel is None:
        raise SlackError("channel_not_found")
    return {
        "channel": {
            "id": channel.id,
            "name": channel.name,
            "is_private": channel.is_private,
            "is_member": channel.is_member,
            "is_archived": channel.is_archived,
            "is_im": channel.is_im,
        }
    }


def _readable(s: SlackStandin, channel_id: str) -> list[dict[str, Any]]:
    channel = _channel(s, channel_id)
    if channel is None:
        raise SlackError("channel_not_found")
    if not channel.is_member and not channel.is_im:
        raise SlackError("not_in_channel")
    return s.state.messages.get(channel_id, [])


def _public(m: dict[str, Any], with_metadata: bool) -> dict[str, Any]:
    out = {"type": "message", "ts": m["ts"], "text": m["text"], "user": m["user"]}
    if m.get("thread_ts"):
        out["thread_ts"] = m["thread_ts"]
    if with_metadata and m.get("metadata"):
        out["metadata"] = m["metadata"]
    return out


def _page(p: dict[str, Any], messages: list[dict[str, Any]], meta: bool) -> dict[str, Any]:
    """Slack's paging: `oldest`/`latest` bound the ts, `limit` (at most 999 for history,
    1000 for replies; Slack advises 200) a page, `cursor` where the last page stopped."""
    oldest, latest = float(p.get("oldest") or 0), float(p.get("latest") or "inf")
    inside = [m for m in messages if oldest <= float(m["ts"]) <= latest]
    limit = min(int(p.get("limit") or 100), 999)
    if limit < 1:
        raise SlackError("invalid_limit")
    start = 0
    if p.get("cursor"):
        try:
            start = int(str(p["cursor"]).removeprefix("next_ts:"))
        except ValueError:
            raise SlackError("invalid_cursor") from None
    page = inside[start : start + limit]
    more = start + limit < len(inside)
    out: dict[str, Any] = {"messages": [_public(m, meta) for m in page], "has_more": more}
    if more:
        out["response_metadata"] = {"next_cursor": f"next_ts:{start + limit}"}
    return out


def _with_metadata(p: dict[str, Any]) -> bool:
    return str(p.get("include_all_metadata", "")).lower() in ("1", "true")


@method("conversations.history", "channel")
async def conversations_history(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    top = [m for m in _readable(s, str(p["channel"])) if not m.get("thread_ts")]
    return _page(p, list(reversed(top)), _with_metadata(p))  # newest first, as Slack


@method("conversations.replies", "channel", "ts")
async def conversations_replies(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    messages = _readable(s, str(p["channel"]))
    root = next((m for m in messages if m["ts"] == str(p["ts"])), None)
    if root is None:
        raise SlackError("thread_not_found")
    thread = [root] + [m for m in messages if m.get("thread_ts") == root["ts"]]
    return _page(p, thread, _with_metadata(p))  # oldest first, as Slack


@method("users.info", "user")
async def users_info(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    user = _user(s, str(p["user"]))
    if user is None:
        raise SlackError("user_not_found")
    return {"user": user.as_slack()}


@method("users.lookupByEmail", "email")
async def users_lookup(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    email = str(p["email"]).lower()
    team = s.calling_team.id
    same = (u for u in s.state.users.values() if u.team == team)
    user = next((u for u in same if (u.email or "").lower() == email), None)
    if user is None:
        raise SlackError("users_not_found")
    return {"user": user.as_slack()}


def _check_view(view: Any) -> dict[str, Any]:
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", "[ERROR] view: must be an object")
    errors = validate_view(view)
    if errors:
        raise SlackError("invalid_arguments", *(f"[ERROR] {e}" for e in errors))
    return view


def _store_view(
    s: SlackStandin, view: dict[str, Any], view_id: str | None = None
) -> dict[str, Any]:
    view_id = view_id or s.state.next_view_id()
    stored = {
        **view,
        "id": view_id,
        "hash": f"{view_id}.{len(s.state.calls)}",
        "state": {"values": {}},
    }
    s.state.views[view_id] = stored
    s.state.view_teams[view_id] = s.calling_team.id
    return stored


def _trigger(s: SlackStandin, trigger_id: str) -> None:
    if trigger_id in s.state.expired_triggers:
        raise SlackError("expired_trigger_id")


@method("views.open", "trigger_id", "view")
async def views_open(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    _trigger(s, str(p["trigger_id"]))
    view = _check_view(p["view"])
    if view.get("type") != "modal":
        raise SlackError("invalid_arguments", "[ERROR] views.open needs a modal")
    return {"view": _store_view(s, view)}


@method("views.push", "trigger_id", "view")
async def views_push(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    _trigger(s, str(p["trigger_id"]))
    return {"view": _store_view(s, _check_view(p["view"]))}


@method("views.update", "view")
async def views_update(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    view = _check_view(p["view"])
    view_id = p.get("view_id")
    if not view_id and p.get("external_id"):
        view_id = next(
            (k for k, v in s.state.views.items() if v.get("external_id") == p["external_id"]), None
        )
    if not view_id:
        raise SlackError("invalid_arguments", "[ERROR] view_id or external_id is required")
    current = s.state.views.get(str(view_id))
    if current is None or s.state.view_teams.get(str(view_id)) != s.calling_team.id:
        raise SlackError("not_found")
    if p.get("hash") and p["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    return {"view": _store_view(s, view, str(view_id))}


@method("views.publish", "user_id", "view")
async def views_publish(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    if _user(s, str(p["user_id"])) is None:
        raise SlackError("user_not_found")
    view = _check_view(p["view"])
    if view.get("type") != "home":
        raise SlackError("invalid_arguments", "[ERROR] views.publish needs a home view")
    return {"view": _store_view(s, view)}


@method("reactions.add", "channel", "name", "timestamp")
async def reactions_add(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    channel = _channel_for_post(s, str(p["channel"]))
    if s.state.find_message(channel.id, str(p["timestamp"])) is None:
        raise SlackError("message_not_found")
    return {}


@method("files.getUploadURLExternal", "filename", "length")
async def upload_url(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    file_id = f"F{next(_seq):08d}"
    return {"upload_url": f"{s.base_url}upload/{file_id}", "file_id": file_id}


@method("files.completeUploadExternal", "files")
async def complete_upload(s: SlackStandin, p: dict[str, Any]) -> dict[str, Any]:
    files = p["files"] if isinstance(p["files"], list) else []
    for f in files:
        if f.get("id") not in s.state.uploads:
            raise SlackError("invalid_arguments", f"[ERROR] file {f.get('id')} was not uploaded")
    shared = [
        {"id": f["id"], "title": f.get("title"), "size": len(s.state.uploads[f["id"]])}
        for f in files
    ]
    if p.get("channel_id"):
        channel = _channel_for_post(s, str(p["channel_id"]))
        s.state.messages.setdefault(channel.id, []).append(
            {
                "seq": next(_seq),
                "channel": channel.id,
                "ts": s.state.next_ts(),
                "thread_ts": p.get("thread_ts"),
                "text": "",
                "blocks": [],
                "files": shared,
                "metadata": None,
                "user": s.calling_team.bot_user_id,
                "user_id": channel.user,
                "unfurl_links": None,
            }
        )
    return {"files": shared}
