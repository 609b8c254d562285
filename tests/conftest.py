"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi" / "fine_tuning_jobs.yaml"


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """The fragment, parsed (YAML anchors resolved, `$ref`s left in place)."""
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded
