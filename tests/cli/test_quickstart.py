"""README's quick start, run as written from `ftjobs serve` on (the venv and `pip install` lines aside: this
environment has the package), in one shell, prints what README shows but for ids, times and ports."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from ftjobs.testing import free_port
from tests.cli.console import console_steps, normalised
from tests.processes import process_group

VARIABLE = [
    (re.compile(r"ftjob-[A-Za-z0-9]+"), "ftjob-ID"),
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"), "DATE"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r"reports: /\S*/reports/"), "reports: DIR/reports/"),
    (re.compile(r"\d+\.\d s"), "N s"),
    (re.compile(r"\(\d+ cases\)"), "(N cases)"),
]
PROGRESS = re.compile(r"^ftjob-ID  \w+  \(N?\d*\.?\d*s\)$")  # a wait's status lines: how many depends on timing


def _normal(lines: list[str]) -> list[str]:
    """README's variable parts named, and a wait's status lines left out (how many there are depends on timing)."""
    return [line for line in normalised(lines, VARIABLE) if not PROGRESS.match(re.sub(r"\(\d+\.\ds\)", "(Ns)", line))]


def test_readme_quick_start_runs_as_shown(tmp_path: Path) -> None:
    """From `ftjobs serve` on, each command prints README's lines; the server is stopped with the last line."""
    steps = console_steps("quickstart")
    assert steps[0][0].startswith("python3 -m venv")
    assert steps[1][0].startswith("pip install")
    port = free_port()
    script = ["set -u"]
    for index, (command, _) in enumerate(steps[2:], start=2):
        script += [f"echo '@@ {index}'", command.replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace(
            "--port 8000", f"--port {port}"
        )]  # fmt: skip
    script.append("echo '@@ end'")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "FTJOBS_CONTRACT_BASE_URL"):
        env.pop(name, None)
    output = tmp_path / "output.txt"
    with (
        output.open("w") as sink,
        process_group(["bash", "-c", "\n".join(script)], cwd=tmp_path, output=sink, env=env) as run,
    ):
        run.wait(180)
    printed: dict[int, list[str]] = {}
    current = -1
    for line in output.read_text().splitlines():
        marker = re.fullmatch(r"@@ (\d+|end)", line)
        if marker:
            current = -2 if marker.group(1) == "end" else int(marker.group(1))
            printed[current] = []
        else:
            printed.setdefault(current, []).append(line)
    assert -2 in printed, output.read_text()[-3000:]
    for index, (command, shown) in enumerate(steps[2:], start=2):
        assert _normal(printed.get(index, [])) == _normal(shown), f"$ {command}"
    waited = [line for line in printed[5] if re.search(r"  \(\d+\.\ds\)$", line)]
    assert waited
    assert waited[-1].split()[1] == "running"  # the wait's status lines end where it was asked to
