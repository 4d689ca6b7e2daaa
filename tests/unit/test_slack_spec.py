"""The spec checks themselves: they find what is wrong, and without the spec they skip, saying
so, rather than pass on an empty list of problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.standin.state import RecordedCall
from tests import slack_spec

MINI_SPEC = {
    "paths": {
        "/chat.postMessage": {
            "post": {
                "parameters": [
                    {"name": "token", "required": True},
                    {"name": "channel", "required": True},
                    {"name": "text", "required": False},
                ]
            }
        }
    }
}


@pytest.fixture
def spec_at(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def point_to(path: Path) -> None:
        monkeypatch.setattr(slack_spec, "SPEC", path)
        slack_spec.load_spec.cache_clear()

    yield point_to
    slack_spec.load_spec.cache_clear()


def call(method: str, **params: object) -> RecordedCall:
    return RecordedCall(method, dict(params), True, None, 0.0)


def test_calls_are_checked_for_their_method_and_required_params(spec_at, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(MINI_SPEC))
    spec_at(spec)
    assert slack_spec.spec_problems([call("chat.postMessage", channel="C1", text="x")]) == []
    assert slack_spec.spec_problems(
        [call("chat.postMessage", text="x"), call("chat.postMessagee", channel="C1")]
    ) == ["chat.postMessage: missing channel", "chat.postMessagee: not in Slack's Web API spec"]


def test_without_the_spec_a_check_skips_and_says_why(spec_at, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec_at(tmp_path / "absent.json")
    with pytest.raises(pytest.skip.Exception, match="Slack's Web API spec is not at"):
        slack_spec.spec_problems([call("chat.postMessage", channel="C1")])
    with pytest.raises(pytest.skip.Exception):
        slack_spec.required_params("chat.postMessage")
