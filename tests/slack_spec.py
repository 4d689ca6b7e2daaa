"""Check recorded Web API calls against Slack's published OpenAPI spec, when it is present."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SPEC = Path(__file__).resolve().parents[2] / "shared" / "slack" / "slack_web_openapi_v2.json"
# Methods newer than the 2021 spec, checked against Slack's current docs instead.
NEWER_THAN_SPEC = {"files.getUploadURLExternal", "files.completeUploadExternal"}


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any] | None:
    if not SPEC.is_file():
        return None
    data: dict[str, Any] = json.loads(SPEC.read_text())
    return data


def required_params(method: str) -> set[str] | None:
    spec = load_spec()
    if spec is None:
        return None
    path = spec["paths"].get("/" + method)
    if path is None:
        return None
    required: set[str] = set()
    for op in path.values():
        required |= {p["name"] for p in op.get("parameters", []) if p.get("required")}
    return required - {"token"}


def spec_problems(calls: list[Any]) -> list[str]:
    """For each recorded call: the method exists in the spec and has the params it requires.

    Without the spec file (a clone without ../shared) there is nothing to check against."""
    if load_spec() is None:
        return []
    problems = []
    for call in calls:
        if call.method in NEWER_THAN_SPEC:
            continue
        required = required_params(call.method)
        if required is None:
            problems.append(f"{call.method}: not in Slack's Web API spec")
            continue
        missing = sorted(r for r in required if call.params.get(r) in (None, ""))
        if missing:
            problems.append(f"{call.method}: missing {', '.join(missing)}")
    return problems
