"""What the sender puts on the wire from what the outbox stored: the same bytes as decoding the
stored JSON, adding the key as metadata (posts) or the parent's thread (replies) and encoding
it again, which it no longer does for a post without a parent."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scheduler.sender import METADATA_EVENT, Sender


def decoded_and_encoded_again(key: str, stored: dict[str, Any]) -> bytes:
    payload = dict(stored)
    payload["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
    return json.dumps(payload).encode()


NUDGE = {
    "channel": "U0DANA",
    "text": 'Good morning ☕ — «Acme» & <Globex> "quoted" \\ back',
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x\ny"}}],
    "unfurl_links": False,
    "score": 7.5,
    "none": None,
}


def test_a_post_goes_as_stored_with_its_key_the_same_bytes_as_before() -> None:
    stored = json.dumps(NUDGE)
    body = Sender._body("nudge:T1:U0DANA:2026-11-30", "chat.postMessage", stored, None, None, None)
    assert body == decoded_and_encoded_again("nudge:T1:U0DANA:2026-11-30", NUDGE)
    assert json.loads(body)["metadata"]["event_payload"]["key"] == "nudge:T1:U0DANA:2026-11-30"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(st.text(), json_values, min_size=1, max_size=6), st.text(min_size=1))
def test_any_stored_object_gives_what_decoding_and_encoding_it_gave(
    stored: dict[str, Any], key: str
) -> None:
    body = Sender._body(key, "chat.postMessage", json.dumps(stored), None, None, None)
    assert json.loads(body) == {
        **stored,
        "metadata": {"event_type": METADATA_EVENT, "event_payload": {"key": key}},
    }
    if "metadata" not in stored:
        assert body == decoded_and_encoded_again(key, stored)


def test_an_empty_object_or_one_with_metadata_goes_through_a_dict() -> None:
    assert json.loads(Sender._body("k", "chat.postMessage", "{}", None, None, None)) == {
        "metadata": {"event_type": METADATA_EVENT, "event_payload": {"key": "k"}}
    }
    stored = json.dumps({"channel": "C1", "metadata": {"event_type": "other"}})
    body = json.loads(Sender._body("k", "chat.postMessage", stored, None, None, None))
    assert body["metadata"]["event_payload"] == {"key": "k"}


def test_a_reply_takes_its_parents_channel_and_thread_and_an_update_its_ts() -> None:
    stored = json.dumps({"text": "item"})
    parent = json.dumps({"channel": "C0CS", "text": "the call"})
    reply = json.loads(Sender._body("r", "chat.postMessage", stored, "C0CS", "1.0", parent))
    assert (reply["channel"], reply["thread_ts"]) == ("C0CS", "1.0")
    assert reply["metadata"]["event_payload"] == {"key": "r"}
    update = json.loads(Sender._body("u", "chat.update", stored, "C0CS", "1.0", parent))
    assert (update["channel"], update["ts"]) == ("C0CS", "1.0")
    assert "metadata" not in update


def test_a_call_that_is_not_a_post_goes_exactly_as_stored() -> None:
    stored = json.dumps({"channel": "C0CS", "ts": "1.0", "name": "white_check_mark"})
    assert Sender._body("k", "reactions.add", stored, None, None, None) == stored.encode()
