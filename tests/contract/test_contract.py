"""The contract suite against a server: the embedded reference server by default, or --base-url."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftjobs.contract import ContractOptions, run_contract
from ftjobs.testing import contract_server


def test_server_conforms(contract_options: ContractOptions) -> None:
    """The whole suite passes: every schemathesis check and every semantic property."""
    report = run_contract(contract_options, echo=lambda line: None)
    assert report.ok, report.schemathesis_output + "\n" + report.summary()
    assert report.cases is not None
    assert report.cases > 100
    assert (contract_options.report_dir / "junit.xml").exists()
    assert (contract_options.report_dir / "semantics-junit.xml").exists()


@pytest.mark.usefixtures("embedded_only")
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_reference_server_passes_under_five_seeds(seed: int, tmp_path: Path) -> None:
    """The suite is not flaky: the correct server passes under five more seeds."""
    with contract_server() as (base_url, key):
        options = ContractOptions(
            base_url, key, seed=seed, max_examples=8, stateful_steps=6, poll_interval=0.05, report_dir=tmp_path
        )
        report = run_contract(options, echo=lambda line: None)
    assert report.ok, report.schemathesis_output + "\n" + report.summary()


@pytest.mark.usefixtures("embedded_only")
def test_azure_style_and_safe_mode(tmp_path: Path) -> None:
    """Against the Azure-style base URL with the api-key header, and in safe mode (no writes), it passes too."""
    with contract_server(azure_style=True) as (base_url, key):
        options = ContractOptions(base_url, key, auth="api-key", safe=True, max_examples=5, report_dir=tmp_path)
        report = run_contract(options, echo=lambda line: None)
    assert report.ok, report.schemathesis_output + "\n" + report.summary()
    assert "/openai/v1" in report.base_url
    names = {result.name for result in report.properties}
    assert "pause_pauses" not in names
    assert {"unknown_id_404", "wrong_credentials_401", "malformed_input_400"} <= names
    assert "Stateful (disabled)" in report.schemathesis_output
