"""Check recorded Web API calls against Slack's published OpenAPI spec, when it is present.

Without the spec (a clone without ../shared) every check here is skipped, with the reason
shown in pytest's summary: never an empty list of problems that passes for a clean bill."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

# ../shared/slack/ beside the repository; KYC_SLACK_SPEC points elsewhere (or nowhere).
SPEC = Path(
    os.environ.get("KYC_SLACK_SPEC")
    or Path(__file__).resolve().parents[2] / "shared" / "slack" / "slack_web_openapi_v2.json"
)
# Methods newer than the 2021 spec, checked against Slack's current docs instead.
NEWER_THAN_SPEC = {"files.getUploadURLExternal", "files.completeUploadExternal"}
SPEC_MISSING = f"Slack's Web API spec is not at {SPEC}: nothing to check the calls against"


@lru_cache(maxsize=1)
def load_spec() -> dict[str, Any] | None:
    if not SPEC.is_file():
        return None
    data: dict[str, Any] = json.loads(SPEC.read_text())
    return data


# A test that checks against the spec: skipped, with the reason, without it.
needs_spec = pytest.mark.skipif(load_spec() is None, reason=SPEC_MISSING)


def require_spec() -> dict[str, Any]:
    """The spec, or this test skipped with the reason (never a silent pass)."""
    spec = load_spec()
    if spec is None:
        pytest.skip(SPEC_MISSING)
    return spec


def required_params(method: str) -> set[str] | None:
    """The parameters `method` requires (token aside); None: not in the spec."""
    spec = require_spec()
    path = spec["paths"].get("/" + method)
    if path is None:
        return None
    required: set[str] = set()
    for op in path.values():
        required |= {p["name"] for p in op.get("parameters", []) if p.get("required")}
    return required - {"token"}


def spec_problems(calls: list[Any]) -> list[str]:
    """For each recorded call: the method exists in the spec and has the params it requires.

    Without the spec file the calling test is skipped, saying so."""
    require_spec()
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
