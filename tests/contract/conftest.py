"""The contract suite's options, from the command line: `pytest tests/contract --base-url … --api-key …`."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ftjobs.contract import ContractOptions
from ftjobs.contract._common import KEY_ENV
from ftjobs.contract._options import contract_key
from ftjobs.testing import contract_server


@pytest.fixture
def contract_options(request: pytest.FixtureRequest) -> Iterator[ContractOptions]:
    """Options for a run against `--base-url` (or the embedded reference server), reports under reports/."""
    config = request.config
    base_url = config.getoption("--base-url")
    api_key = config.getoption("--api-key") or os.environ.get(KEY_ENV)
    with contextlib.ExitStack() as stack:
        if base_url is None:
            base_url, api_key = stack.enter_context(
                contract_server(api_key=api_key, azure_style=config.getoption("--auth") == "api-key")
            )
        else:
            api_key = contract_key(api_key, config.getoption("--auth"))
        if not api_key:
            pytest.fail("--api-key (or FTJOBS_CONTRACT_API_KEY / OPENAI_API_KEY) is needed to test a server")
        yield _options(config, base_url, api_key)


def _options(config: pytest.Config, base_url: str, api_key: str) -> ContractOptions:
    return ContractOptions(
        base_url=base_url,
        api_key=api_key,
        auth=config.getoption("--auth"),
        safe=config.getoption("--safe"),
        seed=config.getoption("--seed"),
        job_ids=config.getoption("--job-id"),
        model=config.getoption("--model"),
        training_file=config.getoption("--training-file"),
        pause_job=config.getoption("--pause-job"),
        report_dir=Path(config.rootpath) / "reports",
        poll_interval=0.05 if config.getoption("--base-url") is None else 2.0,
        still_seconds=0.5 if config.getoption("--base-url") is None else 3.0,
    )


@pytest.fixture
def embedded_only(request: pytest.FixtureRequest) -> None:
    """Tests about the suite itself run against servers they start; skip them when --base-url names a server."""
    if request.config.getoption("--base-url"):
        pytest.skip("runs only against servers it starts itself")
