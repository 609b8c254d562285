"""`ftjobs contract` as a CI job sees it: exit codes 0, 1, 2 that mean one thing each, one line per failure
to start, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ftjobs._cli import main
from ftjobs.testing import JobStore, Timings, create_app, free_port, serve_app
from tests.conftest import ROOT
from tests.contract.asgi import KEY

FTJOBS = str(Path(sys.executable).parent / "ftjobs")  # the console script, as people run it


def _ftjobs(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- our interpreter, our command
        [FTJOBS, *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_help_documents_the_exit_codes_and_options() -> None:
    """`--help` names the three outcomes and the options a real run needs."""
    shown = CliRunner().invoke(main, ["contract", "--help"]).output
    for text in (
        "0    conforms",
        "1    does not conform",
        "2    could not test",
        "--pause-job",
        "--header",
        "--request-timeout",
        "--max-time",
        "--rate-limit",
        "--workers",
        "--exclude-check",
    ):
        assert text in shown


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--base-url", "127.0.0.1:8000/v1", "--api-key", "k"], "http(s) URL"),
        (["--base-url", "http://127.0.0.1:9/v1", "--api-key", "k", "--stateful-steps", "1"], "--stateful-steps"),
        (["--base-url", "http://127.0.0.1:9/v1", "--api-key", "k", "--header", "no-colon"], "NAME:VALUE"),
    ],
)
def test_usage_errors_exit_2_in_one_line(tmp_path: Path, args: list[str], words: str) -> None:
    """Arguments no run can use: exit 2, what is wrong on stderr, no traceback, no report."""
    result = _ftjobs("contract", *args, "--report-dir", str(tmp_path / "r"), cwd=tmp_path)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_server_down_exits_2(tmp_path: Path) -> None:
    """Nothing listening: outcome 2, the last line says COULD NOT TEST."""
    port = free_port()
    result = _ftjobs("contract", "--base-url", f"http://127.0.0.1:{port}/v1", "--api-key", "k", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.strip().splitlines()[-1].startswith("COULD NOT TEST")
    assert (tmp_path / "reports" / "contract-summary.json").is_file()


def test_a_broken_server_exits_1_and_a_correct_one_0(tmp_path: Path) -> None:
    """The verdicts: 1 when a property fails, 0 when everything the mode asks for passed."""
    args = ["--api-key", KEY, "--safe", "--max-examples", "2"]
    with serve_app(
        create_app(JobStore(timings=Timings(0.1, 0.1, 60)), api_keys=[KEY, "sk-ftjobs-contract-wrong"])
    ) as port:
        # accepting a wrong key: wrong_credentials_401 fails
        broken = _ftjobs("contract", "--base-url", f"http://127.0.0.1:{port}/v1", *args, cwd=tmp_path)
    with serve_app(create_app(JobStore(), api_keys=[KEY])) as port:
        correct = _ftjobs("contract", "--base-url", f"http://127.0.0.1:{port}/v1", *args, cwd=tmp_path)
    assert broken.returncode == 1, broken.stdout[-2000:]
    assert broken.stdout.strip().splitlines()[-1].startswith("DOES NOT CONFORM")
    assert correct.returncode == 0, correct.stdout[-2000:]
    assert correct.stdout.strip().splitlines()[-1].startswith("CONFORMS")


def test_missing_extra_is_one_line_with_the_pip_command(tmp_path: Path) -> None:
    """Without schemathesis installed: exit 2 and the exact pip command, no ModuleNotFoundError traceback."""
    code = "import sys; sys.modules['schemathesis'] = None; from ftjobs._cli import main; main()"
    result = subprocess.run(  # noqa: S603 -- our interpreter
        [sys.executable, "-c", code, "contract", "--base-url", "http://127.0.0.1:9/v1", "--api-key", "k"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert f"pip install '{ROOT}[contract]'" in result.stderr  # this checkout: no package index holds ftjobs
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
