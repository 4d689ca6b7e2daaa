"""Slack's Block Kit and text limits, in one place, and the validator every builder runs.

Numbers from Slack's Block Kit reference (api.slack.com/reference/block-kit) and the
chat.postMessage docs. The stand-in Slack uses the same validator to answer like Slack does."""

from __future__ import annotations

from typing import Any, Literal

MAX_MESSAGE_BLOCKS = 50  # blocks in a message
MAX_VIEW_BLOCKS = 100  # blocks in a modal or the App Home
MAX_MESSAGE_TEXT = 40_000  # chat.postMessage `text` (Slack truncates longer, we refuse)
SECTION_TEXT = 3000  # section.text
SECTION_FIELDS = 10  # section.fields count
FIELD_TEXT = 2000  # each section field
HEADER_TEXT = 150  # header block plain_text
CONTEXT_ELEMENTS = 10  # elements in a context block
ACTIONS_ELEMENTS = 25  # elements in an actions block
BUTTON_TEXT = 75  # button label
BUTTON_VALUE = 2000  # button value
BUTTON_STYLES = ("primary", "danger")  # a button's style, when it has one
ACTION_ID = 255  # action_id
BLOCK_ID = 255  # block_id
URL = 3000  # button / link url
VIEW_TITLE = 24  # modal title
VIEW_SUBMIT = 24  # modal submit label
VIEW_CLOSE = 24  # modal close label
PRIVATE_METADATA = 3000  # view private_metadata
CALLBACK_ID = 255  # view callback_id
EXTERNAL_ID = 255  # view external_id
INPUT_LABEL = 2000  # input block label
INPUT_HINT = 2000  # input block hint
PLAIN_TEXT_INPUT_MAX = 3000  # plain_text_input max_length / initial_value
OPTION_TEXT = 75  # option text
OPTION_VALUE = 150  # option value
SELECT_OPTIONS = 100  # options in a static select
PLACEHOLDER = 150  # element placeholder
MARKDOWN_BLOCK_TEXT = 12_000  # markdown block
IMAGE_ALT = 2000  # image alt_text

Surface = Literal["message", "modal", "home"]
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
}
INPUT_SURFACES = {"modal", "home"}
SELECTS = {
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_users_select",
}


class BlockKitLimitError(ValueError):
    """A payload the app built would be refused by Slack."""


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten display text on purpose (the stored text stays whole)."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ellipsis), 0)] + ellipsis


def _text_obj(
    obj: Any, path: str, limit: int, errors: list[str], *, plain_only: bool = False
) -> None:
    if not isinstance(obj, dict):
        errors.append(f"{path}: must be a text object")
        return
    kind = obj.get("type")
    allowed = {"plain_text"} if plain_only else {"plain_text", "mrkdwn"}
    if kind not in allowed:
        errors.append(f"{path}.type: must be {' or '.join(sorted(allowed))} (got {kind!r})")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        errors.append(f"{path}.text: must be a non-empty string")
    elif len(text) > limit:
        errors.append(f"{path}.text: must be at most {limit} characters (got {len(text)})")


def _max(value: Any, path: str, limit: int, errors: list[str]) -> None:
    if isinstance(value, str) and len(value) > limit:
        errors.append(f"{path}: must be at most {limit} characters (got {len(value)})")


def _option(opt: Any, path: str, errors: list[str]) -> None:
    if not isinstance(opt, dict):
        errors.append(f"{path}: must be an option object")
        return
    _text_obj(opt.get("text"), f"{path}.text", OPTION_TEXT, errors)
    value = opt.get("value")
    if value is not None:
        _max(value, f"{path}.value", OPTION_VALUE, errors)


def _element(el: Any, path: str, errors: list[str]) -> None:
    if not isinstance(el, dict) or not el.get("type"):
        errors.append(f"{path}: must be an element with a type")
        return
    kind = el["type"]
    _max(el.get("action_id"), f"{path}.action_id", ACTION_ID, errors)
    if "placeholder" in el:
        _text_obj(el["placeholder"], f"{path}.placeholder", PLACEHOLDER, errors, plain_only=True)
    if kind == "button":
        _text_obj(el.get("text"), f"{path}.text", BUTTON_TEXT, errors, plain_only=True)
        _max(el.get("value"), f"{path}.value", BUTTON_VALUE, errors)
        _max(el.get("url"), f"{path}.url", URL, errors)
        if "style" in el and el["style"] not in BUTTON_STYLES:
            errors.append(f"{path}.style: must be primary or danger (got {el['style']!r})")
    elif kind in SELECTS or kind in ("radio_buttons", "checkboxes", "overflow"):
        options = el.get("options") or []
        if len(options) > SELECT_OPTIONS:
            errors.append(f"{path}.options: at most {SELECT_OPTIONS} (got {len(options)})")
        for i, opt in enumerate(options):
            _option(opt, f"{path}.options[{i}]", errors)
        for i, group in enumerate(el.get("option_groups") or []):
            for j, opt in enumerate(group.get("options") or []):
                _option(opt, f"{path}.option_groups[{i}].options[{j}]", errors)
        if "initial_option" in el:
            _option(el["initial_option"], f"{path}.initial_option", errors)
    elif kind == "plain_text_input":
        max_length = el.get("max_length")
        if isinstance(max_length, int) and max_length > PLAIN_TEXT_INPUT_MAX:
            errors.append(f"{path}.max_length: at most {PLAIN_TEXT_INPUT_MAX} (got {max_length})")
        _max(el.get("initial_value"), f"{path}.initial_value", PLAIN_TEXT_INPUT_MAX, errors)
    elif kind == "image":
        _max(el.get("alt_text"), f"{path}.alt_text", IMAGE_ALT, errors)


def _block(block: Any, path: str, surface: Surface, errors: list[str]) -> None:
    if not isinstance(block, dict):
        errors.append(f"{path}: must be an object")
        return
    kind = block.get("type")
    if kind not in BLOCK_TYPES:
        errors.append(f"{path}.type: unknown block type {kind!r}")
        return
    _max(block.get("block_id"), f"{path}.block_id", BLOCK_ID, errors)
    if kind == "section":
        if "text" not in block and "fields" not in block:
            errors.append(f"{path}: a section needs text or fields")
        if "text" in block:
            _text_obj(block["text"], f"{path}.text", SECTION_TEXT, errors)
        fields = block.get("fields") or []
        if len(fields) > SECTION_FIELDS:
            errors.append(f"{path}.fields: at most {SECTION_FIELDS} (got {len(fields)})")
        for i, field in enumerate(fields):
            _text_obj(field, f"{path}.fields[{i}]", FIELD_TEXT, errors)
        if "accessory" in block:
            _element(block["accessory"], f"{path}.accessory", errors)
    elif kind == "header":
        _text_obj(block.get("text"), f"{path}.text", HEADER_TEXT, errors, plain_only=True)
    elif kind == "context":
        elements = block.get("elements") or []
        if not elements or len(elements) > CONTEXT_ELEMENTS:
            errors.append(f"{path}.elements: 1 to {CONTEXT_ELEMENTS} (got {len(elements)})")
        for i, el in enumerate(elements):
            if isinstance(el, dict) and el.get("type") in ("plain_text", "mrkdwn"):
                _text_obj(el, f"{path}.elements[{i}]", SECTION_TEXT, errors)
            else:
                _element(el, f"{path}.elements[{i}]", errors)
    elif kind == "actions":
        elements = block.get("elements") or []
        if not elements or len(elements) > ACTIONS_ELEMENTS:
            errors.append(f"{path}.elements: 1 to {ACTIONS_ELEMENTS} (got {len(elements)})")
        seen: set[str] = set()
        for i, el in enumerate(elements):
            _element(el, f"{path}.elements[{i}]", errors)
            aid = el.get("action_id") if isinstance(el, dict) else None
            if aid and aid in seen:
                errors.append(f"{path}.elements[{i}].action_id: duplicate {aid!r} in one block")
            if aid:
                seen.add(aid)
    elif kind == "image":
        if not block.get("image_url") and not block.get("slack_file"):
            errors.append(f"{path}.image_url: required")
        if not block.get("alt_text"):
            errors.append(f"{path}.alt_text: required")
        _max(block.get("alt_text"), f"{path}.alt_text", IMAGE_ALT, errors)
    elif kind == "input":
        if surface not in INPUT_SURFACES:
            errors.append(f"{path}: input blocks are only allowed in modals and the App Home")
        _text_obj(block.get("label"), f"{path}.label", INPUT_LABEL, errors, plain_only=True)
        if "hint" in block:
            _text_obj(block["hint"], f"{path}.hint", INPUT_HINT, errors, plain_only=True)
        _element(block.get("element"), f"{path}.element", errors)
    elif kind == "markdown":
        _max(block.get("text"), f"{path}.text", MARKDOWN_BLOCK_TEXT, errors)


def validate_blocks(blocks: Any, *, surface: Surface) -> list[str]:
    if not isinstance(blocks, list):
        return ["blocks: must be a list"]
    limit = MAX_MESSAGE_BLOCKS if surface == "message" else MAX_VIEW_BLOCKS
    errors: list[str] = []
    if len(blocks) > limit:
        errors.append(f"blocks: at most {limit} blocks in a {surface} (got {len(blocks)})")
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        _block(block, f"blocks[{i}]", surface, errors)
        bid = block.get("block_id") if isinstance(block, dict) else None
        if bid:
            if bid in seen:
                errors.append(f"blocks[{i}].block_id: duplicate {bid!r}")
            seen.add(bid)
    return errors


def validate_view(view: Any) -> list[str]:
    if not isinstance(view, dict):
        return ["view: must be an object"]
    kind = view.get("type")
    errors: list[str] = []
    if kind not in ("modal", "home"):
        return [f"view.type: must be modal or home (got {kind!r})"]
    if kind == "modal":
        _text_obj(view.get("title"), "view.title", VIEW_TITLE, errors, plain_only=True)
        for key, limit in (("submit", VIEW_SUBMIT), ("close", VIEW_CLOSE)):
            if key in view:
                _text_obj(view[key], f"view.{key}", limit, errors, plain_only=True)
        blocks = view.get("blocks") or []
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and "submit" not in view:
            errors.append("view.submit: a modal with input blocks needs a submit button")
    _max(view.get("callback_id"), "view.callback_id", CALLBACK_ID, errors)
    _max(view.get("private_metadata"), "view.private_metadata", PRIVATE_METADATA, errors)
    _max(view.get("external_id"), "view.external_id", EXTERNAL_ID, errors)
    errors.extend(validate_blocks(view.get("blocks", []), surface=kind))
    return errors


def validate_message(text: str | None, blocks: Any) -> list[str]:
    errors: list[str] = []
    if not text and not blocks:
        return ["no_text: a message needs text or blocks"]
    if text and len(text) > MAX_MESSAGE_TEXT:
        errors.append(f"text: must be at most {MAX_MESSAGE_TEXT} characters (got {len(text)})")
    if blocks:
        errors.extend(validate_blocks(blocks, surface="message"))
    return errors


def ensure_message(text: str | None, blocks: Any) -> None:
    errors = validate_message(text, blocks)
    if errors:
        raise BlockKitLimitError("; ".join(errors))


def ensure_view(view: Any) -> None:
    errors = validate_view(view)
    if errors:
        raise BlockKitLimitError("; ".join(errors))
