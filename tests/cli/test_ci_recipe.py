"""README's GitHub Actions recipe works: its `run:` steps, run as written in one shell, start the server,
run the suite (exit 0), leave the reports to upload and write the step summary."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import yaml

from ftjobs.testing import free_port
from tests.conftest import ROOT


def _recipe() -> dict[str, object]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- ci-recipe:start -->\n```yaml\n(.*?)```\n<!-- ci-recipe:end -->", readme, re.S)
    assert block is not None, "README has no CI recipe between the markers"
    loaded: dict[str, object] = yaml.safe_load(block.group(1))
    return loaded


def test_readme_ci_recipe_runs(tmp_path: Path) -> None:
    """The recipe's steps (the install aside: this environment has the package) pass and leave the reports."""
    steps = _recipe()["jobs"]["contract"]["steps"]  # type: ignore[index]
    runs = [step["run"] for step in steps if "run" in step and "pip install" not in step["run"]]
    uploads = [step["with"]["path"] for step in steps if str(step.get("uses", "")).startswith("actions/upload")]
    assert len(runs) == 2
    assert uploads == ["reports/"]
    summary = tmp_path / "step-summary.md"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PORT": str(free_port()),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    # One shell, as the runner's job keeps the background server; its own process group, stopped whole after.
    script = "set -e\n" + "\n".join(runs)
    log = tmp_path / "job.log"
    with log.open("w") as sink:
        process = subprocess.Popen(  # noqa: S603 -- bash with README's commands
            ["bash", "-c", script],  # noqa: S607 -- bash from PATH, as a CI runner has it
            cwd=tmp_path,
            env=env,
            stdout=sink,  # a file, not a pipe: the background server keeps its copy open
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            process.wait(timeout=300)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)  # the server the recipe left in the background
    output = log.read_text()
    assert process.returncode == 0, output[-3000:]
    assert output.strip().splitlines()[-1].startswith("CONFORMS")
    assert (tmp_path / "reports" / "junit.xml").is_file()
    assert (tmp_path / "reports" / "contract-summary.md").is_file()
    assert summary.read_text().startswith("### ftjobs contract: CONFORMS")
