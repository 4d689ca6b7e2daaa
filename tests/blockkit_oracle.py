"""An independent Block Kit oracle: would Slack take this payload?

The app checks its payloads with its own validator (`bot/views/limits.py`), and the Slack
stand-in answers with that same validator, so a limit loosened there would pass both. This
oracle shares nothing with it: Slack's documented limits are written down again here, from
https://api.slack.com/reference/block-kit (blocks, block elements, composition objects, views)
and the chat.postMessage docs, and every block and view is also parsed with slack_sdk's own
models (`slack_sdk.models.blocks`, `slack_sdk.models.views`), whose `to_dict()` runs their
validators all the way down. Slack's numbers change rarely; when one does, change it here and
in `bot/views/limits.py`, on purpose, twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any, Literal

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

Surface = Literal["message", "modal", "home"]

# Slack's documented limits, by where they apply.
BLOCKS = {"message": 50, "modal": 100, "home": 100}
MESSAGE_TEXT = 40_000  # chat.postMessage `text`
HEADER_TEXT = 150
SECTION_TEXT = 3000
SECTION_FIELDS = 10
SECTION_FIELD_TEXT = 2000
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
BUTTON_URL = 3000
BUTTON_STYLES = {"primary", "danger"}  # or no style at all
ACTION_ID = 255
BLOCK_ID = 255
MODAL_TITLE = 24
MODAL_SUBMIT = 24
MODAL_CLOSE = 24
PRIVATE_METADATA = 3000
CALLBACK_ID = 255
EXTERNAL_ID = 255
INPUT_LABEL = 2000
INPUT_HINT = 2000
PLACEHOLDER = 150
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = {
    "static_select": 100,
    "multi_static_select": 100,
    "radio_buttons": 10,
    "checkboxes": 10,
    "overflow": 5,
}
OPTION_GROUPS = 100
PLAIN_TEXT_INPUT = 3000  # max_length and initial_value
IMAGE_ALT = 2000
IMAGE_URL = 3000
MARKDOWN_BLOCK_TEXT = 12_000
CONFIRM = {"title": 100, "text": 300, "confirm": 30, "deny": 30}

BLOCK_TYPES = {
    "section",
    "header",
    "divider",
    "context",
    "actions",
    "image",
    "input",
    "rich_text",
    "markdown",
    "file",
    "video",
}
INPUT_ELEMENTS = {
    "plain_text_input",
    "number_input",
    "email_text_input",
    "url_text_input",
    "datepicker",
    "timepicker",
    "datetimepicker",
    "checkboxes",
    "radio_buttons",
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_external_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
    "rich_text_input",
    "file_input",
}


class _Check:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, what: str) -> None:
        self.problems.append(f"{path}: {what}")

    def at_most(self, value: Any, limit: int, path: str) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.fail(path, f"{len(value)} characters, Slack takes at most {limit}")

    def count(self, items: Any, limit: int, path: str, *, at_least: int = 0) -> None:
        n = len(items) if isinstance(items, list) else 0
        if not at_least <= n <= limit:
            self.fail(path, f"{n} items, Slack takes {at_least} to {limit}")

    def text(self, obj: Any, limit: int, path: str, *, plain: bool = False) -> None:
        kinds = {"plain_text"} if plain else {"plain_text", "mrkdwn"}
        if not isinstance(obj, dict) or obj.get("type") not in kinds:
            self.fail(path, f"must be a {' or '.join(sorted(kinds))} text object, got {obj!r}")
            return
        text = obj.get("text")
        if not isinstance(text, str) or not text:
            self.fail(f"{path}.text", "must be a non-empty string")
            return
        self.at_most(text, limit, f"{path}.text")

    def option(self, opt: Any, path: str) -> None:
        if not isinstance(opt, dict):
            self.fail(path, "must be an option object")
            return
        self.text(opt.get("text"), OPTION_TEXT, f"{path}.text")
        self.at_most(opt.get("value"), OPTION_VALUE, f"{path}.value")

    def element(self, el: Any, path: str) -> None:
        if not isinstance(el, dict) or not isinstance(el.get("type"), str):
            self.fail(path, "must be an element with a type")
            return
        kind = el["type"]
        self.at_most(el.get("action_id"), ACTION_ID, f"{path}.action_id")
        if "placeholder" in el:
            self.text(el["placeholder"], PLACEHOLDER, f"{path}.placeholder", plain=True)
        if "confirm" in el:
            confirm = el["confirm"]
            for key, limit in CONFIRM.items():
                self.text(confirm.get(key), limit, f"{path}.confirm.{key}", plain=key != "text")
        if kind == "button":
            self.text(el.get("text"), BUTTON_TEXT, f"{path}.text", plain=True)
            self.at_most(el.get("value"), BUTTON_VALUE, f"{path}.value")
            self.at_most(el.get("url"), BUTTON_URL, f"{path}.url")
            if "style" in el and el["style"] not in BUTTON_STYLES:
                self.fail(f"{path}.style", f"{el['style']!r} is not primary or danger")
        elif kind in OPTIONS or kind.endswith("select"):
            options = el.get("options")
            if options is not None:
                self.count(options, OPTIONS.get(kind, 100), f"{path}.options", at_least=1)
                for i, opt in enumerate(options):
                    self.option(opt, f"{path}.options[{i}]")
            groups = el.get("option_groups")
            if groups is not None:
                self.count(groups, OPTION_GROUPS, f"{path}.option_groups", at_least=1)
                for i, group in enumerate(groups):
                    self.text(group.get("label"), OPTION_TEXT, f"{path}.option_groups[{i}].label")
                    for j, opt in enumerate(group.get("options") or []):
                        self.option(opt, f"{path}.option_groups[{i}].options[{j}]")
            if "initial_option" in el:
                self.option(el["initial_option"], f"{path}.initial_option")
        elif kind == "plain_text_input":
            max_length = el.get("max_length")
            if isinstance(max_length, int) and not 1 <= max_length <= PLAIN_TEXT_INPUT:
                self.fail(f"{path}.max_length", f"{max_length}, Slack takes 1 to 3000")
            self.at_most(el.get("initial_value"), PLAIN_TEXT_INPUT, f"{path}.initial_value")
        elif kind == "image":
            self.at_most(el.get("alt_text"), IMAGE_ALT, f"{path}.alt_text")

    def block(self, block: Any, path: str, surface: Surface) -> None:
        if not isinstance(block, dict):
            self.fail(path, "must be an object")
            return
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            self.fail(f"{path}.type", f"unknown block type {kind!r}")
            return
        self.at_most(block.get("block_id"), BLOCK_ID, f"{path}.block_id")
        if kind == "header":
            self.text(block.get("text"), HEADER_TEXT, f"{path}.text", plain=True)
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                self.fail(path, "a section needs text or fields")
            if "text" in block:
                self.text(block["text"], SECTION_TEXT, f"{path}.text")
            if "fields" in block:
                self.count(block["fields"], SECTION_FIELDS, f"{path}.fields", at_least=1)
                for i, field in enumerate(block["fields"] or []):
                    self.text(field, SECTION_FIELD_TEXT, f"{path}.fields[{i}]")
            if "accessory" in block:
                self.element(block["accessory"], f"{path}.accessory")
        elif kind == "context":
            elements = block.get("elements")
            self.count(elements, CONTEXT_ELEMENTS, f"{path}.elements", at_least=1)
            for i, el in enumerate(elements or []):
                if isinstance(el, dict) and el.get("type") in ("plain_text", "mrkdwn"):
                    self.text(el, SECTION_TEXT, f"{path}.elements[{i}]")
                elif isinstance(el, dict) and el.get("type") == "image":
                    self.element(el, f"{path}.elements[{i}]")
                else:
                    self.fail(f"{path}.elements[{i}]", "a context takes text and images only")
        elif kind == "actions":
            elements = block.get("elements")
            self.count(elements, ACTIONS_ELEMENTS, f"{path}.elements", at_least=1)
            ids = [e.get("action_id") for e in elements or [] if isinstance(e, dict)]
            for i, el in enumerate(elements or []):
                self.element(el, f"{path}.elements[{i}]")
            if len([a for a in ids if a]) != len({a for a in ids if a}):
                self.fail(f"{path}.elements", f"action_ids repeat in one block: {ids}")
        elif kind == "image":
            if not block.get("image_url") and not block.get("slack_file"):
                self.fail(path, "an image needs image_url or slack_file")
            if not block.get("alt_text"):
                self.fail(f"{path}.alt_text", "required")
            self.at_most(block.get("alt_text"), IMAGE_ALT, f"{path}.alt_text")
            self.at_most(block.get("image_url"), IMAGE_URL, f"{path}.image_url")
        elif kind == "input":
            if surface == "message":
                self.fail(path, "input blocks belong in modals and App Home, not messages")
            self.text(block.get("label"), INPUT_LABEL, f"{path}.label", plain=True)
            if "hint" in block:
                self.text(block["hint"], INPUT_HINT, f"{path}.hint", plain=True)
            element = block.get("element")
            if not isinstance(element, dict) or element.get("type") not in INPUT_ELEMENTS:
                self.fail(f"{path}.element", f"not an input element: {element!r}")
            else:
                self.element(element, f"{path}.element")
        elif kind == "markdown":
            self.at_most(block.get("text"), MARKDOWN_BLOCK_TEXT, f"{path}.text")

    def blocks(self, blocks: Any, surface: Surface, path: str = "blocks") -> None:
        if not isinstance(blocks, list):
            self.fail(path, "must be a list")
            return
        if len(blocks) > BLOCKS[surface]:
            self.fail(path, f"{len(blocks)} blocks, a {surface} takes at most {BLOCKS[surface]}")
        seen: set[str] = set()
        for i, block in enumerate(blocks):
            self.block(block, f"{path}[{i}]", surface)
            bid = block.get("block_id") if isinstance(block, dict) else None
            if bid in seen:
                self.fail(f"{path}[{i}].block_id", f"{bid!r} used twice")
            if bid:
                seen.add(bid)
        self.sdk_blocks(blocks, path)

    def sdk_blocks(self, blocks: list[Any], path: str) -> None:
        """slack_sdk's models: an unknown type parses to None; to_dict() validates down."""
        logging.getLogger("slack_sdk.models").setLevel(logging.ERROR)  # unknown-key chatter
        for i, raw in enumerate(blocks):
            if not isinstance(raw, dict):
                continue
            try:
                parsed = Block.parse(raw)
                if parsed is None:
                    self.fail(f"{path}[{i}]", "slack_sdk does not know this block")
                else:
                    parsed.to_dict()
            except (SlackObjectFormationError, TypeError, ValueError, KeyError) as exc:
                self.fail(f"{path}[{i}]", f"slack_sdk: {exc}")

    def view(self, view: Any) -> None:
        if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
            self.fail("view", f"must be a modal or home view, got {view!r:.80}")
            return
        surface: Surface = view["type"]
        if surface == "modal":
            self.text(view.get("title"), MODAL_TITLE, "view.title", plain=True)
            if "close" in view:
                self.text(view["close"], MODAL_CLOSE, "view.close", plain=True)
            if "submit" in view:
                self.text(view["submit"], MODAL_SUBMIT, "view.submit", plain=True)
            blocks = view.get("blocks") or []
            if "submit" not in view and any(
                isinstance(b, dict) and b.get("type") == "input" for b in blocks
            ):
                self.fail("view.submit", "a modal with input blocks needs a submit button")
        elif "submit" in view or "close" in view:
            self.fail("view", "App Home has no submit or close")
        self.at_most(view.get("private_metadata"), PRIVATE_METADATA, "view.private_metadata")
        self.at_most(view.get("callback_id"), CALLBACK_ID, "view.callback_id")
        self.at_most(view.get("external_id"), EXTERNAL_ID, "view.external_id")
        self.blocks(view.get("blocks", []), surface, "view.blocks")
        try:
            View(**view).to_dict()
        except (SlackObjectFormationError, TypeError, ValueError, KeyError) as exc:
            self.fail("view", f"slack_sdk: {exc}")


def view_problems(view: Any) -> list[str]:
    """What Slack would refuse in a modal or App Home view ([] when nothing)."""
    check = _Check()
    check.view(view)
    return check.problems


def message_problems(message: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a message payload ({"text", "blocks", ...}; [] when nothing)."""
    check = _Check()
    text, blocks = message.get("text"), message.get("blocks")
    if not text and not blocks:
        check.fail("message", "needs text or blocks")
    check.at_most(text, MESSAGE_TEXT, "text")
    if blocks is not None:
        check.blocks(blocks, "message")
    return check.problems


MESSAGE_METHODS = {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage"}
VIEW_METHODS = {"views.open", "views.push", "views.update", "views.publish"}


def _decoded(value: Any) -> Any:
    """Form-encoded calls carry blocks and views as JSON strings."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        return json.loads(value)
    return value


def call_problems(method: str, params: dict[str, Any]) -> list[str]:
    """The Block Kit problems of one Web API call's arguments (other methods: none)."""
    if method in MESSAGE_METHODS:
        message = dict(params)
        if "blocks" in message:
            message["blocks"] = _decoded(message["blocks"])
        return message_problems(message)
    if method in VIEW_METHODS:
        return view_problems(_decoded(params.get("view")))
    return []


def answer_problems(answer: Any) -> list[str]:
    """The Block Kit problems of what the app answered Slack on the HTTP request itself: a
    slash command's message, or a view_submission's response_action with a view."""
    if not isinstance(answer, dict):
        return []
    if "view" in answer:
        return view_problems(answer["view"])
    if "blocks" in answer or "text" in answer:
        return message_problems(answer)
    return []


def assert_slack_would_take(payloads: Iterable[tuple[str, list[str]]]) -> None:
    """Fail with every problem, each under the call or payload it was found in."""
    found = [f"{where}: {p}" for where, problems in payloads for p in problems]
    assert not found, "Slack would refuse:\n" + "\n".join(found)


def options_problems(answer: dict[str, Any]) -> list[str]:
    """What Slack would refuse in an external select's options answer ([] when nothing)."""
    check = _Check()
    options, groups = answer.get("options"), answer.get("option_groups")
    if options is not None:
        check.count(options, OPTIONS["static_select"], "options")
        for i, opt in enumerate(options):
            check.option(opt, f"options[{i}]")
    if groups is not None:
        check.count(groups, OPTION_GROUPS, "option_groups", at_least=1)
        for i, group in enumerate(groups):
            check.text(group.get("label"), OPTION_TEXT, f"option_groups[{i}].label", plain=True)
            check.count(group.get("options"), OPTIONS["static_select"], f"option_groups[{i}]")
            for j, opt in enumerate(group.get("options") or []):
                check.option(opt, f"option_groups[{i}].options[{j}]")
    if options is None and groups is None:
        check.fail("answer", "needs options or option_groups")
    return check.problems
