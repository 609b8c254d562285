"""The contract at run time: the fragment that `ftjobs_api` was generated from."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load_spec() -> dict[str, Any]:
    """The fragment as a dict (shipped as `ftjobs_api/openapi.json` by `make generate`)."""
    loaded: dict[str, Any] = json.loads(files("ftjobs_api").joinpath("openapi.json").read_text(encoding="utf-8"))
    return loaded
