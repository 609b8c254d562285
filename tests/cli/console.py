"""README's console blocks (`$ command` lines, each followed by what it prints), for the tests that run them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tests.conftest import ROOT

Variable = tuple[re.Pattern[str], str]


def console_steps(marker: str) -> list[tuple[str, list[str]]]:
    """The commands of README's console block between `<!-- marker:start -->` and `<!-- marker:end -->`, each with
    the lines README shows after it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pattern = rf"<!-- {marker}:start -->\n```console\n(.*?)```\n<!-- {marker}:end -->"
    block = re.search(pattern, readme, re.S)
    assert block is not None, f"README has no {marker} block between the markers"
    steps: list[tuple[str, list[str]]] = []
    for line in block.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def normalised(lines: Iterable[str], variable: Iterable[Variable]) -> list[str]:
    """The lines with each variable part (ids, dates, ports …) replaced by its name, trailing spaces dropped."""
    rules = list(variable)
    normal = []
    for line in lines:
        for pattern, replacement in rules:
            line = pattern.sub(replacement, line)
        normal.append(line.rstrip())
    return normal
