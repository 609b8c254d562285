"""Programs written for the openai SDK run unchanged on ftjobs after swapping the import (tests/sdk_programs).

Each program runs twice against a fresh reference server: as written, on `openai`, and with its imports of
`openai` swapped for `ftjobs` (nothing else changed). Both runs must exit alike and print the same output, once
ids, times and request ids are numbered by first appearance and printed JSON or dicts are compared as values
(key order is each library's own).
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ftjobs.testing import LiveServer, Timings
from tests.conftest import ENVIRONMENT, ROOT
from tests.servers import request_driven_server

PROGRAMS = sorted((ROOT / "tests" / "sdk_programs").glob("p*.py"))
IDS = re.compile(r"\b(?:ftjob|ftevent|ftckpt|req)[-_][A-Za-z0-9]{6,}|\bfile-[A-Za-z0-9]{24}\b")
TIMES = re.compile(r"\b1[0-9]{9}\b")


def swapped(source: str) -> str:
    """The program with its imports of `openai` swapped for `ftjobs` — the only change a user makes."""
    source = re.sub(r"^(\s*)import openai$", r"\1import ftjobs as openai", source, flags=re.MULTILINE)
    return re.sub(r"^(\s*)from openai(?=[\s.])", r"\1from ftjobs", source, flags=re.MULTILINE)


def test_swapping_changes_only_the_imports() -> None:
    """The swap touches import lines only, and leaves no import of `openai` behind."""
    for program in PROGRAMS:
        before, after = program.read_text().splitlines(), swapped(program.read_text()).splitlines()
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert changed, program.name
        assert all(b.lstrip().startswith(("import ftjobs", "from ftjobs")) for _, b in changed), changed
        assert not re.search(r"^\s*(from|import) openai\b", "\n".join(after), flags=re.MULTILINE)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def normalised(output: str) -> str:
    """Printed JSON and dicts made canonical; then ids, times and request ids numbered by first appearance."""
    lines: list[str] = []
    decoder = json.JSONDecoder()
    text_lines = output.splitlines()
    index = 0
    while index < len(text_lines):
        line = text_lines[index]
        if line.startswith(("{", "[")) and (index + 1 < len(text_lines) and text_lines[index + 1].startswith(" ")):
            rest = "\n".join(text_lines[index:])
            try:
                value, end = decoder.raw_decode(rest)
            except ValueError:
                pass
            else:
                lines.append(_canonical(value))
                index += rest[:end].count("\n") + 1
                continue
        lines.append(_line(line))
        index += 1
    output = "\n".join(lines)
    names: dict[str, str] = {}
    seen: Counter[str] = Counter()

    def name(match: re.Match[str]) -> str:
        found = match.group(0)
        if found not in names:
            kind = re.split(r"[-_]", found, maxsplit=1)[0]
            names[found] = f"<{kind}-{seen[kind]}>"
            seen[kind] += 1
        return names[found]

    output = IDS.sub(name, output)
    for original, label in list(names.items()):
        output = output.replace(original[-8:], label + "-tail")  # e.g. in fine-tuned model names
    return TIMES.sub("<time>", output)


def _line(line: str) -> str:
    """A line whose tail is a JSON document or a Python literal, with that tail made canonical."""
    start = next((i for i, char in enumerate(line) if char in "{[" and (i == 0 or line[i - 1] == " ")), None)
    if start is None:
        return line
    for read in (json.loads, ast.literal_eval):
        try:
            return line[:start] + _canonical(read(line[start:]))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return line


def _run(source: str, server: LiveServer, extra: dict[str, str], tmp_path: Path, label: str) -> tuple[int, str, str]:
    script = tmp_path / f"{label}.py"
    script.write_text(source, encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if name not in ENVIRONMENT}
    env.update(
        OPENAI_API_KEY=server.api_key,
        OPENAI_BASE_URL=server.base_url,
        AZURE_OPENAI_ENDPOINT=server.azure_endpoint,
        AZURE_OPENAI_API_KEY=server.api_key,
        PYTHONPATH=str(ROOT),
        **extra,
    )
    done = subprocess.run(  # noqa: S603 -- our own program files, run with this interpreter
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False
    )
    return done.returncode, done.stdout, done.stderr


STEP = 0.05  # simulated seconds each request moves the server's clock on (see tests/servers.py)
TIMINGS = Timings(validating_files=0.05, queued=0.05, running=1.0)


@pytest.fixture
def fresh_server() -> Any:
    return lambda: request_driven_server(STEP, TIMINGS)


@pytest.mark.parametrize("program", PROGRAMS, ids=[program.stem for program in PROGRAMS])
def test_program_runs_alike_on_openai_and_ftjobs(program: Path, fresh_server: Any, tmp_path: Path) -> None:
    """A public program prints the same on the openai SDK and, after the import swap, on ftjobs."""
    source = program.read_text(encoding="utf-8")
    extra = dict(re.findall(r"^# env: (\w+)=(.*)$", source, flags=re.MULTILINE))
    with fresh_server() as server:
        sdk = _run(source, server, extra, tmp_path, "with_openai")
    with fresh_server() as server:
        ours = _run(swapped(source), server, extra, tmp_path, "with_ftjobs")
    assert sdk[0] == 0, f"the program fails on the openai SDK itself:\n{sdk[2][-3000:]}"
    assert ours[0] == 0, f"the program fails on ftjobs:\n{ours[2][-3000:]}"
    assert sdk[1].strip(), "the program printed nothing"
    assert normalised(ours[1]) == normalised(sdk[1])


def test_normalising_keeps_differences_that_matter() -> None:
    """Values, statuses and the number of distinct ids still differ after normalising; key order does not."""
    assert normalised('{"a": 1, "b": 2}') == normalised('{"b": 2, "a": 1}')
    assert normalised("x {'a': 1, 'b': None}") == normalised('x {"b": null, "a": 1}')
    assert normalised('{"a": 1}') != normalised('{"a": 2}')
    assert normalised("paused ftjob-AAAAAAAAAA ftjob-BBBBBBBBBB") == normalised(
        "paused ftjob-CCCCCCCCCC ftjob-DDDDDDDDDD"
    )
    assert normalised("ftjob-AAAAAAAAAA ftjob-AAAAAAAAAA") != normalised("ftjob-AAAAAAAAAA ftjob-BBBBBBBBBB")
    assert normalised("created 1796017416") == normalised("created 1796017999")
    assert normalised("status running") != normalised("status paused")
