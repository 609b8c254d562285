"""The suite's verdicts on servers whose behaviour we know: each broken variant fails for its own reason, and
each conforming variant, whatever legitimate choice it makes, conforms (no false positive).

`make test` runs one seed per variant; `make contract-variants` runs five (`--variant-seeds 5`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ftjobs._spec import DATED
from ftjobs.contract import ContractOptions, Outcome, run_contract
from ftjobs.contract._properties import PROPERTIES
from ftjobs.testing import serve_app
from tests.contract.asgi import KEY, Variant
from tests.contract.broken import BROKEN
from tests.contract.conforming import CONFORMING


def _base_url(port: int, options: ContractOptions) -> str:
    """The variant's base: Azure's dated routes for a dated `api-version`, its v1 API for another, else `/v1`."""
    base = {DATED: "/openai"}.get(options.dialect, "/openai/v1" if options.api_version else "/v1")
    return f"http://127.0.0.1:{port}{base}"


def _options(variant: Variant, port: int, seed: int, tmp_path: Path) -> ContractOptions:
    options = ContractOptions(
        base_url=f"http://127.0.0.1:{port}/v1",
        api_key=KEY,
        seed=seed,
        max_examples=3,
        stateful_steps=3,
        wait_timeout=15,
        poll_interval=0.2,
        still_seconds=1.0,
        report_dir=tmp_path,
    )
    options = replace(options, **dict(variant.options))
    return replace(options, base_url=_base_url(port, options))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "seed" in metafunc.fixturenames:
        seeds = range(1, metafunc.config.getoption("--variant-seeds") + 1)
        metafunc.parametrize("seed", seeds, ids=[f"seed{seed}" for seed in seeds])


@pytest.mark.usefixtures("embedded_only")
@pytest.mark.parametrize("variant", BROKEN, ids=[variant.name for variant in BROKEN])
def test_broken_server_fails_for_its_own_reason(
    variant: Variant, seed: int, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """The suite answers DOES NOT CONFORM and names the variant's defect among the reasons.

    Under `make test` (one seed), a defect one of the scenarios names is proven by the scenarios alone, without
    schemathesis' phases (they cost 14 s a run); `make contract-variants` runs both for every variant, and every
    conforming variant always runs both (that is the proof of no false positive).
    """
    options = _options(variant, 0, seed, tmp_path)
    named_by_a_scenario = variant.reasons & PROPERTIES.keys()
    if request.config.getoption("--variant-seeds") == 1 and named_by_a_scenario:
        options = replace(options, phases=())
        wanted = named_by_a_scenario
    else:
        wanted = variant.reasons
    with serve_app(variant.build()) as port:
        report = run_contract(replace(options, base_url=_base_url(port, options)), echo=lambda line: None)
    assert report.outcome is Outcome.DOES_NOT_CONFORM, report.summary(None)
    assert wanted & report.broken, f"expected one of {sorted(wanted)}, got {sorted(report.broken)}"
    findings = [finding for result in report.properties for finding in result.findings]
    assert all(finding.exchange is not None for finding in findings)  # a curl line for every ✗


@pytest.mark.usefixtures("embedded_only")
@pytest.mark.parametrize("variant", CONFORMING, ids=[variant.name for variant in CONFORMING])
def test_conforming_server_conforms(variant: Variant, seed: int, tmp_path: Path) -> None:
    """A server that makes a legitimate choice the contract allows conforms: every property passed or n/a."""
    with serve_app(variant.build()) as port:
        report = run_contract(_options(variant, port, seed, tmp_path), echo=lambda line: None)
    assert report.outcome is Outcome.CONFORMS, report.summary(None)
    if ("phases", ()) not in variant.options:
        assert report.cases is not None
        assert report.cases > 50


def test_variants_cover_enough_ground() -> None:
    """At least twenty kinds of defect, and at least eight legitimate choices, each named once."""
    assert len({variant.name for variant in BROKEN}) == len(BROKEN) >= 20
    assert len({variant.name for variant in CONFORMING}) == len(CONFORMING) >= 8
