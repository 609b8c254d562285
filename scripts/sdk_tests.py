"""`make sdk-tests`: the openai SDK's own tests, run on the SDK and on ftjobs after the import swap.

    python scripts/sdk_tests.py [--spec OPENAI_SPEC] [--keep]

1. Downloads openai 3.57.0's sdist (pinned by its sha256) into build/sdk-tests/ and builds a venv there with
   ftjobs (editable), the SDK and what its tests need (pytest-asyncio; respx, of which the SDK's vendored
   tests/respx2 is a fork for httpx2).
2. Copies the files scripts/sdk_tests_plan.py names into two trees, sdk/ and ftjobs/; applies the shared
   replacements (another API area's call → a fine-tuning one) to both, and the import swap to ftjobs/ only.
3. Starts Prism on OpenAI's published spec (as the SDK's scripts/mock mocks it), runs each tree's tests against it,
   and prints both counts per file, the left-out tests with their reasons, and every ftjobs failure.

The SDK's tests are read from the download, never copied into this repository. Not part of `make test`: it
downloads. Exit 0 when ftjobs passes every applicable test but the deliberate ones, 1 otherwise, 2 when it could
not run.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import hashlib
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ftjobs.testing import free_port
from scripts.sdk_tests_plan import DELIBERATE, FILES, LEFT_OUT, SHARED

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "sdk-tests"
SDIST = "openai-3.57.0.tar.gz"
SDIST_SHA256 = "5a0a89d6a542efc85e2a8cec701ca9265b795d578c777828e10fafdf80e333b6"
TOP = "openai-3.57.0"
SPEC = ROOT.parent / "shared" / "reference" / "upstream" / "openai-openapi.full.yaml"
PRISM = ["npx", "--yes", "@stoplight/prism-cli@5.16.0", "mock", "--host", "127.0.0.1"]
# What the SDK's tests need beside the SDK (versions pinned here; the rest under the dev extra's pins).
TEST_TOOLS = ["openai==3.57.0", "pytest-asyncio==1.5.0", "respx==0.23.1", "inline-snapshot==0.36.1"]
PYTEST_INI = """[pytest]
# The SDK's own pytest settings (its pyproject.toml), less -n auto and --durations.
asyncio_mode = auto
asyncio_default_fixture_loop_scope = session
xfail_strict = true
filterwarnings = error
"""
# The names the import swap renames: the SDK runs on httpx2 (and its tests on respx2, a fork of respx for it);
# ftjobs runs on httpx, its tests on PyPI's respx.
RENAMES = [
    (re.compile(r"\btests\.respx2\b"), "respx"),
    (re.compile(r"\brespx2"), "respx"),
    (re.compile(r"\bhttpx2"), "httpx"),
    (re.compile(r"\bhttpcore2"), "httpcore"),
    (re.compile(r"Httpx2"), "Httpx"),
]
# respx registers its pytest plugin (and the respx_mock fixture) by entry point.
PLUGIN_LINE = 'pytest_plugins = ["tests.respx2.plugin"]'


class CannotRun(Exception):
    """`make sdk-tests` could not run (a download, the venv, Prism): the message says which and why."""


# -- 1. the download and the venv -----------------------------------------------------------------------------


def fetch() -> Path:
    """The SDK's sdist, extracted under build/sdk-tests/ (downloaded once, checked against its sha256)."""
    WORK.mkdir(parents=True, exist_ok=True)
    archive = WORK / SDIST
    if not archive.exists():
        pins = WORK / "sdist-requirements.txt"
        pins.write_text(f"openai==3.57.0 --hash=sha256:{SDIST_SHA256}\n", encoding="utf-8")
        command = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", "--require-hashes"]
        done = subprocess.run([*command, "-r", str(pins), "-d", str(WORK)], capture_output=True, text=True)  # noqa: S603
        if done.returncode != 0:
            raise CannotRun(f"pip could not download {SDIST}: {done.stderr.strip().splitlines()[-1:]}")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        archive.unlink()
        raise CannotRun(f"{SDIST} has sha256 {digest}, not the pinned {SDIST_SHA256}: removed")
    source = WORK / TOP
    if not source.exists():
        with tarfile.open(archive) as tar:
            tar.extractall(WORK, filter="data")
    return source


def venv() -> Path:
    """build/sdk-tests/venv: ftjobs (editable: the tree being tested), the SDK, and its tests' tools."""
    python = WORK / "venv" / "bin" / "python"
    stamp = WORK / "venv" / ".installed"
    constraints = ROOT / ".venv" / "constraints.txt"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == " ".join(TEST_TOOLS):
        return python
    subprocess.run([sys.executable, "-m", "venv", str(WORK / "venv")], check=True)  # noqa: S603
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if constraints.exists():
        install += ["-c", str(constraints)]
    done = subprocess.run([*install, "-e", f"{ROOT}[aiohttp]", *TEST_TOOLS], capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise CannotRun(f"pip could not build the test venv: {done.stderr.strip().splitlines()[-1:]}")
    stamp.write_text(" ".join(TEST_TOOLS), encoding="utf-8")
    return python


# -- 2. the two trees -----------------------------------------------------------------------------------------


def _has(module: str, name: str) -> bool:
    try:
        return hasattr(importlib.import_module(module), name)
    except ImportError:
        return False


def _renamed(text: str) -> str:
    for pattern, new in RENAMES:
        text = pattern.sub(new, text)
    return text


def swap_imports(source: str) -> str:
    """The import swap, mechanical: each name a test imports from the SDK comes from ftjobs where ftjobs offers
    it — under the same module path (`openai.types.fine_tuning` → `ftjobs.types.fine_tuning`), or, for the SDK's
    private modules (`openai._exceptions`, `openai._types`…), at ftjobs' top level where the SDK re-exports them
    too — and from the SDK otherwise (its test helpers, and the internals only left-out tests use). Then httpx2,
    httpcore2 and respx2 become httpx, httpcore and respx."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    edits: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module or node.module.split(".")[0] != "openai":
            continue
        public = node.module.replace("openai", "ftjobs", 1)
        private = any(part.startswith("_") for part in node.module.split("."))
        groups: dict[str, list[str]] = {}
        for alias in node.names:
            shown = alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"
            name = _renamed(alias.name)
            if not private and _has(public, name):
                where = public
            elif private and _has("ftjobs", name):
                where = "ftjobs"
            else:
                where = node.module
            groups.setdefault(where, []).append(shown)
        indent = " " * node.col_offset
        text = "".join(f"{indent}from {where} import {', '.join(names)}\n" for where, names in groups.items())
        edits.append((node.lineno - 1, node.end_lineno or node.lineno, text))
    for start, end, text in sorted(edits, reverse=True):
        lines[start:end] = [text]
    swapped = "".join(lines).replace(PLUGIN_LINE, "pytest_plugins: list[str] = []  # respx's entry point")
    return _renamed(swapped)


def prepare(source: Path, kind: str) -> Path:
    """The tree `kind` ("sdk" or "ftjobs"): the plan's files, their packages, conftest and utils."""
    tree = WORK / kind
    shutil.rmtree(tree, ignore_errors=True)
    wanted = {Path("tests/__init__.py"), Path("tests/conftest.py"), Path("tests/utils.py")}
    for name in FILES:
        path = Path(name)
        wanted.add(path)
        wanted.update(parent / "__init__.py" for parent in path.parents if parent.parts and parent != Path("tests"))
    for path in sorted(wanted):
        text = (source / path).read_text(encoding="utf-8")
        for old, new in SHARED.get(str(path), []):
            if old not in text:
                raise CannotRun(f"{path}: the shared replacement's text is not there any more: {old!r}")
            text = text.replace(old, new)
        if kind == "ftjobs" and path.name != "utils.py":
            text = swap_imports(text)
        target = tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if kind == "sdk":
        shutil.copytree(source / "tests" / "respx2", tree / "tests" / "respx2")
    else:  # the SDK's helpers, but `assert_matches_type` asks its question of ftjobs' objects
        shutil.copy(Path(__file__).with_name("sdk_tests_matches.py"), tree / "tests" / "_ftjobs_matches.py")
        with open(tree / "tests" / "utils.py", "a", encoding="utf-8") as utils:
            utils.write("\nfrom tests._ftjobs_matches import assert_matches_type  # noqa: E402,F811 (make sdk-tests)\n")
    (tree / "pytest.ini").write_text(PYTEST_INI, encoding="utf-8")
    return tree


# -- 3. Prism, the runs, the counts ---------------------------------------------------------------------------


def start_prism(spec: Path) -> tuple[subprocess.Popen[bytes], str]:
    if not spec.exists():
        raise CannotRun(f"OpenAI's spec is not at {spec} (give --spec)")
    port = free_port()
    log = open(WORK / "prism.log", "wb")  # noqa: SIM115 (the process writes it until stopped)
    process = subprocess.Popen(  # noqa: S603
        [*PRISM, "--port", str(port), str(spec.resolve())], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 180  # Prism reads a 3 MB spec: about a minute here
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CannotRun(f"Prism stopped (exit {process.returncode}); see {WORK / 'prism.log'}")
        if b"Prism is listening" in (WORK / "prism.log").read_bytes():
            return process, f"http://127.0.0.1:{port}"
        time.sleep(0.5)
    stop(process)
    raise CannotRun(f"Prism did not start within 180 s; see {WORK / 'prism.log'}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Prism with its children: npx does not pass a terminate signal on to node."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(15)


def collect(python: Path, tree: Path, env: dict[str, str]) -> list[str]:
    done = subprocess.run(  # noqa: S603
        [str(python), "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *FILES],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    if not ids:
        raise CannotRun(f"pytest collected nothing in {tree}: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    return ids


def reason(node: str, table: list[tuple[str, str]]) -> str | None:
    return next((why for pattern, why in table if fnmatch.fnmatchcase(node, pattern)), None)


def run(python: Path, tree: Path, base_url: str, kind: str) -> dict[str, str]:
    """Node id → outcome ("passed", "failed: …", "skipped", "left out: <reason>") for every test of the tree."""
    env = {**os.environ, "TEST_API_BASE_URL": base_url, "PYTHONDONTWRITEBYTECODE": "1"}
    env["OPENAI_TEST_HTTP_CLIENT"] = "httpx2" if kind == "sdk" else "httpx"
    ids = collect(python, tree, env)
    left_out = [node for node in ids if reason(node, LEFT_OUT)]
    report = WORK / f"{kind}.xml"
    deselect = [arg for node in left_out for arg in ("--deselect", node)]
    subprocess.run(  # noqa: S603
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *deselect, *FILES],
        cwd=tree,
        env=env,
        stdout=open(WORK / f"{kind}.log", "w", encoding="utf-8"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    outcomes: dict[str, str] = {node: f"left out: {reason(node, LEFT_OUT)}" for node in left_out}
    for case in ET.parse(report).iter("testcase"):  # noqa: S314 (our own pytest's file)
        module, _, klass = case.get("classname", "").partition(".Test")
        path = module.replace(".", "/") + ".py"
        node = f"{path}::Test{klass}::{case.get('name')}" if klass else f"{path}::{case.get('name')}"
        if case.find("skipped") is not None:
            outcomes[node] = "skipped"
        elif (failure := case.find("failure")) is not None or (failure := case.find("error")) is not None:
            outcomes[node] = "failed: " + " ".join((failure.get("message") or "").split())[:240]
        else:
            outcomes[node] = "passed"
    return outcomes


def summary(sdk: dict[str, str], ours: dict[str, str]) -> tuple[str, int]:
    """The Markdown table of counts per file, and how many ftjobs failures are not deliberate."""
    rows = ["| file | applicable | SDK passes | ftjobs passes | deliberate |", "|---|---:|---:|---:|---:|"]
    unexpected = 0
    for name in FILES:
        nodes = sorted(
            node
            for node in sdk.keys() | ours.keys()
            if node.startswith(name + "::") and not sdk.get(node, "").startswith("left out")
        )
        passed: Counter[str] = Counter()
        deliberate = 0
        for node in nodes:
            passed["sdk"] += sdk.get(node) == "passed"
            passed["ftjobs"] += ours.get(node) == "passed"
            if ours.get(node, "").startswith("failed") and reason(node, DELIBERATE):
                deliberate += 1
            elif ours.get(node) != "passed" and sdk.get(node) == "passed":
                unexpected += 1
        rows.append(f"| {name} | {len(nodes)} | {passed['sdk']} | {passed['ftjobs']} | {deliberate} |")
    return "\n".join(rows), unexpected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=SPEC, help="OpenAI's published OpenAPI spec, for Prism")
    parser.add_argument("--base-url", help="a mock already running (default: Prism started here)")
    args = parser.parse_args()
    try:
        source = fetch()
        python = venv()
        trees = {kind: prepare(source, kind) for kind in ("sdk", "ftjobs")}
        prism, base_url = start_prism(args.spec) if args.base_url is None else (None, args.base_url)
        try:
            results = {kind: run(python, tree, base_url, kind) for kind, tree in trees.items()}
        finally:
            if prism is not None:
                stop(prism)
    except CannotRun as error:
        print(f"make sdk-tests: {error}", file=sys.stderr)
        return 2
    table, unexpected = summary(results["sdk"], results["ftjobs"])
    (WORK / "result.json").write_text(json.dumps(results, indent=1, sort_keys=True), encoding="utf-8")
    print(table)
    reasons = Counter(outcome for outcome in results["sdk"].values() if outcome.startswith("left out"))
    print("\nleft out on both sides (scripts/sdk_tests_plan.py):")
    for why, count in reasons.most_common():
        print(f"  {count:4d}  {why.removeprefix('left out: ')}")
    print("\nftjobs failures (not deliberate):")
    for node, outcome in sorted(results["ftjobs"].items()):
        if outcome.startswith("failed") and not reason(node, DELIBERATE):
            print(f"  {node}\n      {outcome[8:]}")
    print(f"\n{unexpected} applicable tests the SDK passes fail on ftjobs; details in {WORK}/ftjobs.log")
    return 0 if unexpected == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
