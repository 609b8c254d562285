"""The hand-written package reads in one direction: no module imports, however late, one that imports it back."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "overlays" / "ftjobs"


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """The ftjobs modules `path` imports anywhere: at the top, under TYPE_CHECKING, or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            for alias in node.names:  # `from pkg import submodule` imports the submodule
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {module for module in found if module in modules and module != name}


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    names = {path: _module_name(path, root) for path in sorted(root.rglob("*.py"))}
    modules = set(names.values())
    return {name: _imports(path, name, modules) for path, name in names.items()}


def test_no_import_circle() -> None:
    """No circle among ftjobs' modules, counting imports under TYPE_CHECKING and inside functions."""
    graph = import_graph()
    assert {"ftjobs._async._pages", "ftjobs._params"} <= graph["ftjobs._async.jobs"]  # the graph is read
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as circle:
        pytest.fail(f"import circle: {' -> '.join(circle.args[1])}")


def test_the_check_finds_a_circle(tmp_path: Path) -> None:
    """The check above fails on a package where two modules import each other (one only inside a function)."""
    package = tmp_path / "ftjobs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from ftjobs import b\n")
    (package / "b.py").write_text("def later() -> None:\n    from ftjobs.a import x\n")
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter(import_graph(package)).prepare()


LONGEST = 60  # lines, from `def` to the function's last line
REASON = "Long because"


def long_functions(root: Path) -> list[str]:
    """Functions longer than `LONGEST` lines whose docstring does not say why (`Long because …`)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                length = node.end_lineno - node.lineno + 1
                if length > LONGEST and REASON not in (ast.get_docstring(node) or ""):
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_long_function_without_a_reason() -> None:
    """Each function of the hand-written package reads in one screen, or its docstring says why it cannot."""
    assert long_functions(PACKAGE) == []


def test_the_check_finds_a_long_function(tmp_path: Path) -> None:
    """The check above names a function of 61 lines, and accepts it once its docstring gives the reason."""
    package = tmp_path / "ftjobs"
    package.mkdir()
    body = "".join(f"    x{n} = {n}\n" for n in range(LONGEST - 2))
    (package / "a.py").write_text(f'def f() -> None:\n    """Short."""\n{body}    return None\n')
    assert long_functions(package) == [f"ftjobs/a.py:1 f ({LONGEST + 1} lines)"]
    (package / "a.py").write_text(f'def f() -> None:\n    """{REASON} of x."""\n{body}    return None\n')
    assert long_functions(package) == []


def test_every_test_says_what_it_shows() -> None:
    """Each test function opens with its docstring: the behaviour it shows, in a sentence or two."""
    tests = ROOT / "tests"
    silent = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
        for path in sorted(tests.rglob("test_*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
        and not ast.get_docstring(node)
    ]
    assert silent == []
