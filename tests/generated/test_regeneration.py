"""The committed `generated/` tree is exactly what the pinned generator makes from the fragment."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


def load_generate_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ftjobs_generate", ROOT / "scripts" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = load_generate_script()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A `generated/` tree made from a clean slate."""
    into = tmp_path_factory.mktemp("generated")
    generate.generate(into)
    return into


def test_committed_tree_matches_fresh_generation(fresh: Path) -> None:
    """Regenerating gives the committed tree: no missing, extra or different file."""
    assert generate.tree_differences(fresh, ROOT / "generated") == []


def test_generation_is_deterministic(fresh: Path, tmp_path: Path) -> None:
    """Two generations from the same inputs give identical trees."""
    generate.generate(tmp_path)
    assert generate.tree_differences(fresh, tmp_path) == []


def test_check_notices_every_kind_of_drift(fresh: Path, tmp_path: Path) -> None:
    """A hand edit, a stray file and a deleted file are each reported."""
    drifted = tmp_path / "drifted"
    shutil.copytree(fresh, drifted)
    job = drifted / "ftjobs_api" / "models" / "fine_tuning_job.py"
    job.write_text(job.read_text() + "# hand edit\n")
    (drifted / "ftjobs_api" / "models" / "stray.py").write_text("")
    (drifted / "ftjobs_api" / "py.typed").unlink()
    assert generate.tree_differences(fresh, drifted) == [
        "differs: ftjobs_api/models/fine_tuning_job.py",
        "extra:   ftjobs_api/models/stray.py",
        "missing: ftjobs_api/py.typed",
    ]


def test_stamp_names_generator_and_inputs(fresh: Path) -> None:
    """The stamp records the generator version and the hashes of both fragments and of the configuration."""
    stamp = json.loads((fresh / "STAMP.json").read_text())
    assert stamp["generator_version"] == "0.29.1"
    assert stamp["spec_sha256"] == generate.sha256(ROOT / "openapi" / "fine_tuning_jobs.yaml")
    assert stamp["config_sha256"] == generate.sha256(ROOT / "openapi" / "generator.yaml")
    assert stamp["dated_spec_sha256"] == generate.sha256(ROOT / "openapi" / "azure_dated.yaml")


def test_every_module_says_do_not_edit(fresh: Path) -> None:
    """Each generated module opens with the DO NOT EDIT header naming `make generate`."""
    modules = sorted((fresh / "ftjobs_api").rglob("*.py"))
    assert modules
    unmarked = [m.name for m in modules if "DO NOT EDIT" not in m.read_text().splitlines()[1]]
    assert unmarked == []
