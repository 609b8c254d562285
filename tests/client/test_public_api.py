"""The public surface: one import, an explicit sorted `__all__`, and a light import."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import ftjobs


def isort_order(name: str) -> tuple[int, str]:
    """Constants, then classes, then the rest: ruff's (RUF022) order for `__all__`."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    """`__all__` is sorted and names every public attribute of the package (modules aside)."""
    public = {
        name
        for name, value in vars(ftjobs).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    lazy = set(ftjobs._MODELS)
    assert ftjobs.__all__ == sorted(ftjobs.__all__, key=isort_order)
    assert set(ftjobs.__all__) == (public - {"TYPE_CHECKING", "Any"}) | lazy | {"__version__"}
    assert [name for name in ftjobs.__all__ if not hasattr(ftjobs, name)] == []  # the lazy ones resolve too


def test_import_loads_the_client_alone() -> None:
    """`import ftjobs` plus a client loads neither the server, the contract machinery, nor lazy helpers."""
    probe = (
        "import sys, ftjobs; ftjobs.Client(api_key='k').fine_tuning.jobs;"
        "print(__import__('json').dumps(sorted(sys.modules)))"
    )
    loaded = set(json.loads(subprocess.check_output([sys.executable, "-c", probe], text=True)))  # noqa: S603
    heavy = {"starlette", "uvicorn", "schemathesis", "hypothesis", "pytest", "stamina", "tenacity", "jsonschema_rs"}
    heavy |= {"asyncio", "attrs", "ftjobs_api.models"}
    assert loaded & heavy == set()
    assert "ftjobs.testing" not in loaded
