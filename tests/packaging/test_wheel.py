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
    assert {"ftjobs/_async/_sending.py", "ftjobs/_sync/_sending.py"} <= names
    # The generated request functions are never imported (ftjobs builds its own requests): not shipped.
    assert not [n for n in names if n.startswith("ftjobs_api/api/") or n == "ftjobs_api/errors.py"]
    assert not [n for n in names if n.startswith(("tests/", "scripts/", "generated/", "overlays/"))]


@pytest.fixture(scope="module")
def client_only(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed without extras, and pytest (as a user's own project has it)."""
    env_dir = tmp_path_factory.mktemp("client-only") / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(  # noqa: S603 -- fixed argv
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel), "pytest==9.1.1"],
        check=True,
        capture_output=True,
    )
    return env_dir


def test_wheel_imports_in_clean_venv(client_only: Path, tmp_path: Path) -> None:
    """`pip install <wheel>` into a fresh venv, then `import ftjobs, ftjobs_api` works outside the checkout."""
    python = client_only / "bin" / "python"
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


def test_a_client_only_install_leaves_the_users_pytest_working(client_only: Path, tmp_path: Path) -> None:
    """Without the server extra, the user's own tests run (the plugin loads), and only a test that asks for
    `ftjobs_server` fails, in one line naming the install."""
    (tmp_path / "test_mine.py").write_text(
        "def test_one():\n    assert 1\n\n\ndef test_server(ftjobs_server):\n    pass\n", encoding="utf-8"
    )
    pytest_run = subprocess.run(  # noqa: S603 -- fixed argv
        [str(client_only / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mine.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert pytest_run.returncode == 1, pytest_run.stdout + pytest_run.stderr  # a test's error, not 3 (plugin error)
    assert "1 passed, 1 error" in pytest_run.stdout
    assert "the ftjobs_server fixture needs the reference server's dependencies (starlette)" in pytest_run.stdout
    assert "[server]'" in pytest_run.stdout
    assert "Traceback" not in pytest_run.stdout + pytest_run.stderr


@pytest.mark.parametrize(
    ("command", "words"),
    [(["serve"], "is not installed; it comes with ftjobs' server extra"), (["contract"], "contract extra")],
)
def test_commands_of_missing_extras_say_so_in_one_line(
    client_only: Path, tmp_path: Path, command: list[str], words: str
) -> None:
    """`ftjobs serve` and `ftjobs contract` without their extras: exit 2, one line with the install to make."""
    result = subprocess.run(  # noqa: S603 -- fixed argv
        [str(client_only / "bin" / "ftjobs"), *command], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert words in result.stderr
    assert "/path/to/your/ftjobs-checkout[" in result.stderr  # installed from a wheel: no checkout to name
