"""README's console blocks (`$ command` lines, each followed by what it prints), for the tests that run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import ROOT

Variable = tuple[re.Pattern[str], str]


def console_steps(marker: str) -> list[tuple[str, list[str]]]:
    """The commands of README's console block between `<!-- marker:start -->` and `<!-- marker:end -->`, each with
    the lines README shows after it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pattern = rf"<!-- {marker}:start -->\n```console\n(.*?)```\n<!-- {marker}:end -->"
    block = re.search(pattern, readme, re.S)
    assert block is not None, f"README has no {marker} block between the markers"
    steps: list[tuple[str, list[str]]] = []
    for line in block.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def normalised(lines: Iterable[str], variable: Iterable[Variable]) -> list[str]:
    """The lines with each variable part (ids, dates, ports …) replaced by its name, trailing spaces dropped."""
    rules = list(variable)
    normal = []
    for line in lines:
        for pattern, replacement in rules:
            line = pattern.sub(replacement, line)
        normal.append(line.rstrip())
    return normal


def run_console(steps: list[tuple[str, list[str]]], base_url: str, cwd: Path) -> dict[int, list[str]]:
    """Run the steps' commands in one bash, in order, README's base URL replaced by `base_url`, `ftjobs` from
    this environment; what each printed (stdout and stderr, interleaved as a terminal shows them)."""
    script = []
    for index, (command, _) in enumerate(steps):
        script.append(f"echo '@@ {index}'")
        script.append(command.replace("http://127.0.0.1:8000/v1", base_url))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("OPENAI_BASE_URL", None)
    ran = subprocess.run(  # noqa: S603 -- bash with README's commands
        ["bash", "-c", "\n".join(script)],  # noqa: S607 -- bash from PATH
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )
    printed: dict[int, list[str]] = {}
    current = -1
    for line in ran.stdout.splitlines():
        marker = re.fullmatch(r"@@ (\d+)", line)
        if marker:
            current = int(marker.group(1))
            printed[current] = []
        else:
            printed.setdefault(current, []).append(line)
    return printed
