"""The contract suite against a server: the embedded reference server by default, or --base-url."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftjobs.contract import ContractOptions, Outcome, run_contract
from ftjobs.testing import contract_server
from ftjobs.traffic import check_traffic

# These runs share one report folder (reports/, as a user's run has it): under `make test`'s two workers they
# run on one, in turn (a second run writing the same folder at once is refused).


@pytest.mark.xdist_group("reports-folder")  # the one test that writes the checkout's reports/ (a lock refuses two)
def test_server_conforms(contract_options: ContractOptions) -> None:
    """The whole suite passes: every schemathesis check and every semantic property the mode asks for."""
    report = run_contract(contract_options, echo=lambda line: None)
    assert report.outcome is Outcome.CONFORMS, report.summary(None)
    assert report.cases is not None
    assert report.cases > 100
    for name in ("junit.xml", "semantics-junit.xml", "contract-summary.json", "contract-summary.md"):
        assert (contract_options.report_dir / name).exists()


@pytest.mark.usefixtures("embedded_only")
@pytest.mark.parametrize("seed", [2])
def test_reference_server_passes_under_more_seeds(seed: int, tmp_path: Path) -> None:
    """The suite is not flaky: the correct server conforms under another seed (2, the one that once found a
    real bug), every property checked; `make contract-variants` runs every server variant under five seeds."""
    with contract_server() as (base_url, key):
        options = ContractOptions(
            base_url,
            key,
            seed=seed,
            max_examples=6,
            stateful_steps=5,
            poll_interval=0.05,
            still_seconds=0.5,
            report_dir=tmp_path,
        )
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.CONFORMS, report.summary(None)
    assert {result.status for result in report.properties} == {"passed"}
    # The run's own exchanges, as HAR: schemathesis', the probes' and the scenarios', each marked; re-checked by
    # `--traffic`, they conform too, and with --sole-client (they are every request its jobs saw).
    har = json.loads((tmp_path / "traffic.har").read_text(encoding="utf-8"))
    sources = {entry["_ftjobs_source"] for entry in har["log"]["entries"]}
    assert sources == {"schemathesis", "probe", "scenario"}
    for sole_client in (False, True):
        recheck = check_traffic([tmp_path / "traffic.har"], sole_client=sole_client, report_dir=tmp_path / "again")
        assert recheck.outcome is Outcome.CONFORMS, recheck.summary(None)
        assert recheck.checked > 100


@pytest.mark.usefixtures("embedded_only")
def test_azure_style_and_safe_mode(tmp_path: Path) -> None:
    """Against the Azure-style base URL with the api-key header, in safe mode (no writes), it conforms too."""
    with contract_server(azure_style=True) as (base_url, key):
        options = ContractOptions(base_url, key, auth="api-key", safe=True, max_examples=5, report_dir=tmp_path)
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.CONFORMS, report.summary(None)
    assert "/openai/v1" in report.base_url
    status = {result.name: result.status for result in report.properties}
    assert status["pause_pauses"] == "skipped"
    assert all(status[name] == "passed" for name in ("unknown_id_404", "wrong_credentials_401", "malformed_input_400"))
    assert report.schemathesis is not None
    assert "Stateful (disabled)" in report.schemathesis.output


@pytest.mark.usefixtures("embedded_only")
def test_the_dated_routes_conform_under_their_api_version(tmp_path: Path) -> None:
    """`--api-version 2025-04-01-preview` against the reference server's dated routes: every request carries it,
    schemathesis tests by the dated fragment, every property passes; its traffic re-checks as the dated dialect."""
    with contract_server(dated=True) as (base_url, key):
        assert base_url.endswith("/openai")
        options = ContractOptions(
            base_url,
            key,
            auth="api-key",
            api_version="2025-04-01-preview",
            max_examples=4,
            stateful_steps=4,
            poll_interval=0.05,
            still_seconds=0.5,
            report_dir=tmp_path,
        )
        report = run_contract(options, echo=lambda line: None)
    assert report.outcome is Outcome.CONFORMS, report.summary(None)
    assert {result.status for result in report.properties} == {"passed"}
    tested_by = json.loads((tmp_path / "schemathesis-openapi.json").read_text(encoding="utf-8"))
    assert tested_by["info"]["title"].startswith("ftjobs — Azure OpenAI's dated")
    assert "201" in tested_by["paths"]["/fine_tuning/jobs"]["post"]["responses"]
    har = json.loads((tmp_path / "traffic.har").read_text(encoding="utf-8"))
    urls = [entry["request"]["url"] for entry in har["log"]["entries"]]
    assert all("api-version=2025-04-01-preview" in url for url in urls)
    assert any(entry["response"]["status"] == 201 for entry in har["log"]["entries"])
    recheck = check_traffic([tmp_path / "traffic.har"], sole_client=True, report_dir=tmp_path / "again")
    assert recheck.outcome is Outcome.CONFORMS, recheck.summary(None)
    assert recheck.dated == recheck.checked > 100


def test_an_unusable_api_version_is_refused() -> None:
    """An `--api-version` that would change the query it is put in is a usage error, before anything is sent."""
    with pytest.raises(ValueError, match="--api-version"):
        ContractOptions("http://127.0.0.1:1/v1", "k", api_version="v1&x=1").validate()


def test_a_pause_job_under_a_version_without_pause_is_refused() -> None:
    """`--pause-job` under 2024-10-21 (no pause route) is a usage error rather than a job silently left out."""
    with pytest.raises(ValueError, match="--pause-job needs an api-version with a pause route; 2024-10-21"):
        ContractOptions("http://127.0.0.1:1/openai", "k", api_version="2024-10-21", pause_job="ftjob-abc").validate()
    ContractOptions(
        "http://127.0.0.1:1/openai", "k", api_version="2025-04-01-preview", pause_job="ftjob-abc"
    ).validate()
