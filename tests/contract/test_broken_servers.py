"""Each deliberately broken server makes the suite fail, and for the right reason; the correct one passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftjobs.contract import ContractOptions, run_contract
from ftjobs.testing import serve_app
from tests.contract.variants import KEY, VARIANTS, Variant


@pytest.mark.usefixtures("embedded_only")
@pytest.mark.parametrize("variant", VARIANTS, ids=[variant.name for variant in VARIANTS])
def test_broken_server_fails_for_the_right_reason(variant: Variant, tmp_path: Path) -> None:
    """The suite does not conform the variant, and names its defect among the reasons."""
    with serve_app(variant.build()) as port:
        options = ContractOptions(
            base_url=f"http://127.0.0.1:{port}/v1",
            api_key=KEY,
            max_examples=4,
            stateful_steps=4,
            wait_timeout=3,
            poll_interval=0.05,
            report_dir=tmp_path,
        )
        report = run_contract(options, echo=lambda line: None)
    assert not report.ok
    assert variant.reasons & report.broken, f"expected one of {sorted(variant.reasons)}, got {sorted(report.broken)}"
    assert KEY not in report.summary()
    assert KEY not in report.schemathesis_output


def test_there_are_at_least_twelve_kinds_of_defect() -> None:
    """The variants cover at least twelve distinct defects across schema, status, type, auth, state, ids, crashes."""
    assert len({variant.name for variant in VARIANTS}) >= 12
