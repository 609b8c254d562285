"""The wheel ships both packages, typed, and they import from a clean virtual environment."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the working tree."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(  # noqa: S603 -- fixed argv
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("ftjobs-*.whl")
    return built


def test_wheel_contents(wheel: Path) -> None:
    """Both packages are in the wheel with `py.typed` and the fragment, and nothing from tests or scripts."""
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "ftjobs/__init__.py",
        "ftjobs/py.typed",
        "ftjobs_api/__init__.py",
        "ftjobs_api/py.typed",
        "ftjobs_api/openapi.json",
    } <= names
    assert "ftjobs_api/models/fine_tuning_job.py" in names
    assert not [n for n in names if n.startswith(("tests/", "scripts/", "generated/", "overlays/"))]


def test_wheel_imports_in_clean_venv(wheel: Path, tmp_path: Path) -> None:
    """`pip install <wheel>` into a fresh venv, then `import ftjobs, ftjobs_api` works outside the checkout."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(  # noqa: S603 -- fixed argv
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
    )
    probe = (
        "import ftjobs, ftjobs_api, pathlib;"
        "from ftjobs_api.models import FineTuningJob;"
        "print(pathlib.Path(ftjobs.__file__).parent.parent, pathlib.Path(ftjobs_api.__file__).parent.parent)"
    )
    result = subprocess.run(  # noqa: S603 -- fixed argv
        [str(python), "-c", probe], check=True, capture_output=True, text=True, cwd=tmp_path
    )
    site_dirs = set(result.stdout.split())
    assert len(site_dirs) == 1
    assert str(ROOT) not in result.stdout
    assert "site-packages" in result.stdout
