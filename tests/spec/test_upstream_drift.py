"""The fragment against upstream's schemas: every difference in fields, required fields, enum values and bounds
has its row in openapi/README.md's deviation table — so the next drift is a failing test, not a research task."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from ftjobs._spec import load_spec
from tests.conftest import ROOT
from tests.spec.upstream import SOURCES, UPSTREAM, differences, load

LISTED: dict[str, dict[str, dict[str, int]]] = yaml.safe_load(
    (UPSTREAM / "differences.yaml").read_text(encoding="utf-8")
)
ROWS = {
    int(number)
    for number in re.findall(r"^\| (\d+) \|", (ROOT / "openapi" / "README.md").read_text(encoding="utf-8"), re.M)
}


def _listed() -> dict[tuple[str, str, str], int]:
    return {
        (source, schema, difference): row
        for source, schemas in LISTED.items()
        for schema, rows in schemas.items()
        for difference, row in rows.items()
    }


def test_every_difference_from_upstream_has_its_row() -> None:
    """A difference from upstream that openapi/upstream/differences.yaml does not list (with its row) fails."""
    unlisted = sorted(differences(load_spec()) - set(_listed()))
    assert unlisted == [], "differences from upstream without a row in openapi/README.md's deviation table"


def test_no_listed_difference_is_stale() -> None:
    """A listed difference that the fragment and upstream no longer have fails: its row may be out of date."""
    stale = sorted(set(_listed()) - differences(load_spec()))
    assert stale == []


def test_every_listed_row_is_in_the_deviation_table() -> None:
    """Every row differences.yaml names exists in openapi/README.md's deviation table."""
    assert sorted({row for row in _listed().values()} - ROWS) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {
                "status": {
                    "type": "string",
                    "enum": ["queued", "running", "succeeded", "failed", "cancelled", "archived"],
                }
            },
            "-enum status archived",
        ),
        ({"usage_metrics": {"type": "object"}}, "-field usage_metrics"),
        ({"trained_tokens": {"type": "integer", "minimum": 1}}, "-bound trained_tokens minimum=1"),
    ],
)
def test_drift_upstream_fails_the_check(change: dict[str, Any], expected: str) -> None:
    """Upstream adding a status, a field or a bound (simulated on its stored excerpt) is an unlisted difference."""
    upstream = {source: load(source) for source in SOURCES}
    job = upstream["openai"]["components"]["schemas"]["FineTuningJob"]
    job["properties"] = {**job["properties"], **change}
    unlisted = differences(load_spec(), upstream) - set(_listed())
    assert ("openai", "FineTuningJob", expected) in unlisted


def test_drift_of_azures_dated_spec_fails_the_check() -> None:
    """Azure's dated spec adding a status (simulated on its stored excerpt) is an unlisted difference of the dated
    fragment, so that the dated dialect is held to its upstream as the v1 fragment is to its own."""
    upstream = {source: load(source) for source in SOURCES}
    state = upstream["azure-dated"]["components"]["schemas"]["FineTuningState"]
    state["enum"] = [*state["enum"], "archived"]
    unlisted = differences(load_spec(), upstream) - set(_listed())
    assert ("azure-dated", "FineTuningJob", "-enum status archived") in unlisted
