"""The contract suite's options, from the command line: `pytest tests/contract --base-url … --api-key …`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ftjobs.contract import ContractOptions


@pytest.fixture
def contract_options(request: pytest.FixtureRequest, tmp_path: Path) -> ContractOptions:
    """Options for a run against `--base-url` (or the embedded reference server), reports under reports/."""
    config = request.config
    base_url = config.getoption("--base-url")
    api_key = config.getoption("--api-key") or os.environ.get("FTJOBS_CONTRACT_API_KEY")
    if base_url and not api_key:
        api_key = os.environ.get("OPENAI_API_KEY")
    return ContractOptions(
        base_url=base_url,
        api_key=api_key,
        auth=config.getoption("--auth"),
        safe=config.getoption("--safe"),
        seed=config.getoption("--seed"),
        job_ids=config.getoption("--job-id"),
        model=config.getoption("--model"),
        training_file=config.getoption("--training-file"),
        report_dir=Path(config.rootpath) / "reports",
    )


@pytest.fixture
def embedded_only(request: pytest.FixtureRequest) -> None:
    """Tests about the suite itself run against servers they start; skip them when --base-url names a server."""
    if request.config.getoption("--base-url"):
        pytest.skip("runs only against servers it starts itself")
