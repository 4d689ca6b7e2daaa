"""The container files stay true to the project: the image installs what `make install` does,
copies what the package build reads, and compose runs commands `kyc` has.

No container engine runs here, so these read the files; what they compare them with is real:
make's own expansion of the install line, pyproject's build settings, the CLI's help."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import app

ROOT = Path(__file__).resolve().parents[2]


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) of each Dockerfile line, continuations joined."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1]) for ln in lines]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    return data


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_image_installs_the_app_with_make_installs_line() -> None:
    make = subprocess.run(
        ["make", "-n", "-s", "install"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    (install,) = make.stdout.strip().splitlines()
    assert "pip install" in install and "[dev]" not in install and " -e " not in install
    pip_runs = [args for op, args in dockerfile() if op == "RUN" and "pip" in args]
    assert pip_runs == [install]


def test_the_image_copies_everything_the_package_build_reads() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = project["tool"]["setuptools"]["packages"]["find"]["include"]
    needed = {p.rstrip("*") for p in packages} | {"pyproject.toml", project["project"]["readme"]}
    needed |= set(project["project"].get("license-files", []))
    copied = {src for op, args in dockerfile() if op == "COPY" for src in args.split()[:-1]}
    assert needed <= copied, f"the image build would miss {needed - copied}"


def test_the_image_runs_kyc_serve_as_a_user_with_a_healthz_check() -> None:
    steps = dockerfile()
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = [args for op, args in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0")
    (health,) = [args for op, args in steps if op == "HEALTHCHECK"]
    assert "http://127.0.0.1:3000/healthz" in health and "curl" not in health
    (cmd,) = [args for op, args in steps if op == "CMD"]
    assert cmd == '["kyc", "serve", "--port", "3000"]'


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def test_compose_runs_two_web_replicas_and_one_worker_with_commands_kyc_has() -> None:
    services = compose()["services"]
    commands = {name: s["command"] for name, s in services.items() if "command" in s}
    assert commands["web"][:3] == ["kyc", "serve", "--no-scheduler"]
    assert services["web"]["deploy"]["replicas"] == 2
    assert commands["worker"] == ["kyc", "worker"]
    assert services["worker"]["healthcheck"] == {"disable": True}  # it serves no /healthz
    top = _help()
    for name, (program, sub, *args) in commands.items():
        assert program == "kyc"
        assert f"│ {sub} " in top, f"{name}: kyc has no command {sub!r}"
        options = _help(sub)
        for option in (a for a in args if a.startswith("--")):
            assert f" {option} " in options, f"{name}: kyc {sub} has no {option}"


def test_compose_reads_env_and_points_every_kyc_process_at_its_postgresql() -> None:
    services = compose()["services"]
    for name in ("web", "worker"):
        service = services[name]
        assert service["env_file"] == ".env"
        url = service["environment"]["DATABASE_URL"]
        assert url.startswith("postgresql://") and "@db:5432/" in url
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["db"]["image"].startswith("postgres:")
