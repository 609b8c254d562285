"""Each broken variant's traffic (the official SDK's, recorded by vcrpy) fails for its defect; each conforming
variant's traffic conforms, with and without --sole-client (no false positive)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ftjobs.contract import Outcome
from ftjobs.traffic import check_traffic
from tests.contract.asgi import Variant
from tests.traffic.conftest import record_cassette
from tests.traffic.variants import CONFORMING_VARIANTS, SHOWN, Shown


@pytest.mark.parametrize("shown", SHOWN, ids=[shown.variant.name for shown in SHOWN])
def test_broken_variant_traffic_fails_for_its_defect(shown: Shown, tmp_path: Path) -> None:
    """DOES NOT CONFORM for the variant's rule; a rule only a sole client can judge is a note without the flag."""
    cassette = record_cassette(shown.variant, tmp_path / "cassette.yaml", shown.still)
    sole = check_traffic([cassette], sole_client=True, report_dir=tmp_path / "sole")
    assert sole.outcome is Outcome.DOES_NOT_CONFORM, sole.summary(None)
    assert shown.rule in sole.broken, sole.summary(None)
    assert all(f.exchange is not None for r in sole.properties for f in r.findings)  # a curl line for each
    shared = check_traffic([cassette], report_dir=tmp_path / "shared")
    if shown.sole_client_only:
        assert shown.rule not in shared.broken, shared.summary(None)
        assert shared.outcome is Outcome.CONFORMS, shared.summary(None)
        assert any("another client could explain it" in note for note in shared.notes)  # seen, said as a note
    else:
        assert shown.rule in shared.broken, shared.summary(None)


@pytest.mark.parametrize("variant", CONFORMING_VARIANTS, ids=[variant.name for variant in CONFORMING_VARIANTS])
def test_conforming_variant_traffic_conforms(variant: Variant, tmp_path: Path) -> None:
    """A server making a choice the contract allows conforms on its traffic, with and without --sole-client."""
    cassette = record_cassette(variant, tmp_path / "cassette.yaml")
    for sole_client in (False, True):
        report = check_traffic([cassette], sole_client=sole_client, report_dir=tmp_path / str(sole_client))
        assert report.outcome is Outcome.CONFORMS, report.summary(None)
        assert report.checked >= 30
