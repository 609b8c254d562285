"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from ftjobs._cli import main
from ftjobs.contract._options import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi" / "fine_tuning_jobs.yaml"
# Every environment variable a client reads: tests that configure clients start with none of them set.
ENVIRONMENT = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_API_VERSION",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_ENDPOINT",
    "AZURE_OPENAI_AD_TOKEN",
)


def invoke(*args: str) -> Result:
    """`ftjobs ARGS…` in this process (click's runner), exceptions not caught: a traceback fails the test."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """The fragment, parsed (YAML anchors resolved, `$ref`s left in place)."""
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ftjobs contract", "the contract suite (tests/contract) against a server")
    group.addoption("--base-url", help="the server to test (default: the embedded reference server)")
    group.addoption("--api-key", help="its key (default: FTJOBS_CONTRACT_API_KEY, OPENAI_API_KEY)")
    group.addoption("--auth", choices=["bearer", "api-key"], default=DEFAULTS["auth"], help="how the key is sent")
    group.addoption("--safe", action="store_true", help="no creates, no state changes")
    group.addoption("--seed", type=int, default=DEFAULTS["seed"], help="the suite's random seed")
    group.addoption("--job-id", action="append", default=[], help="a job to read (repeatable)")
    group.addoption(
        "--training-file", default=DEFAULTS["training_file"], help="training file of the jobs a full run creates"
    )
    group.addoption("--model", default=DEFAULTS["model"], help="base model of the jobs a full run creates")
    group.addoption("--pause-job", help="a running job to pause and resume (never cancelled)")
    group.addoption(
        "--variant-seeds", type=int, default=1, help="seeds per server variant in tests/contract/test_variants.py"
    )
