"""Part 1 of the suite: schemathesis over every operation, as a subprocess whose output is redacted live.

Its state and output stay its own; its reports, crash files and configuration live in the report folder
(so that `st replay` works as printed). Credentials reach it only through the environment.
"""

from __future__ import annotations

import copy
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ftjobs._spec import load_spec
from ftjobs.contract._common import (
    AUTH_ENV,
    HEADER_ENV,
    KEY_ENV,
    ST_CACHE,
    ST_CONFIG,
    ST_JSON,
    ST_JUNIT,
    ST_OUTPUT,
    ST_SPEC,
    ST_WARNINGS,
    WARNINGS_ENV,
    CouldNotTest,
    Redactor,
    cut,
    json_or_none,
)
from ftjobs.contract._options import ContractOptions

TRANSITIONS = "^(pause|resume|cancel)FineTuningJob$"
# Checks of ours replace these (see _hooks): schemathesis' Allow check fails honest extra methods.
REPLACED_CHECKS = ("allow_header_conformance",)
GRACE = 5.0  # seconds schemathesis waits beyond --request-timeout (the guard times out the server first)
UNANSWERED_LIMIT = 3  # requests left without an answer before schemathesis is stopped: the server is gone


@dataclass
class SchemathesisResult:
    """What schemathesis found: its exit code, its failures' titles, how many cases, and its own errors.

    `incomplete` says why it could not test everything (network errors, a server gone); its failures still count.
    """

    exit_code: int
    cases: int | None = None
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    incomplete: str | None = None
    output: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.incomplete is None


def schemathesis_spec(options: ContractOptions) -> dict[str, Any]:
    """The fragment schemathesis tests by: the dialect's, less what `--api-version` settles.

    With `--api-version` the guard puts the version on every request, so the parameter leaves the document
    (schemathesis would otherwise send other values, and expect refusals the guard's value never meets); a
    version without pause and resume routes loses those operations.
    """
    spec = copy.deepcopy(load_spec(options.dialect))
    if options.api_version is None:
        return spec
    version_ref = "#/components/parameters/ApiVersion"
    for path, item in list(spec["paths"].items()):
        if not options.has_pause and path.endswith(("/pause", "/resume")):
            del spec["paths"][path]
            continue
        for operation in item.values():
            kept = [given for given in operation.get("parameters", []) if given.get("$ref") != version_ref]
            operation["parameters"] = kept
    if not options.has_pause:
        for link in ("PauseJob", "ResumeJob"):
            spec["components"]["links"].pop(link, None)
        for item in spec["paths"].values():
            for operation in item.values():
                for response in operation.get("responses", {}).values():
                    for link in ("PauseJob", "ResumeJob"):
                        response.get("links", {}).pop(link, None)
    return spec


def config_text(options: ContractOptions) -> str:
    """schemathesis.toml: credentials and extra headers by environment reference only, never by value."""
    scheme, field_name = ("ApiKeyAuth", "api_key") if options.auth == "api-key" else ("BearerAuth", "bearer")
    headers = "".join(
        f'"{name}" = "${{{HEADER_ENV.format(index)}}}"\n' for index, (name, _) in enumerate(options.headers)
    )
    return f"""# Written by ftjobs contract for this run. Secrets are read from the environment, never stored here.
[cache]
directory = "{(options.report_dir / ST_CACHE).as_posix()}"

[headers]
{headers}
[auth.openapi.{scheme}]
{field_name} = "${{{KEY_ENV}}}"

[phases.stateful]
max-steps = {options.stateful_steps}

# The first block that matches an operation applies.
# 400/409 is the right answer to a valid request that the job's status forbids.
[[operations]]
include-operation-id-regex = "{TRANSITIONS}"
[operations.checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]

# Any operation may be refused with 400 for a schema-valid request: an `api-version` the server does not
# serve (Azure), a `limit` it does not support, a training file that does not exist, a grader it does not know.
# 422 is not among them: OpenAI and Azure refuse bad input with 400, and the fragment documents 400 only.
[[operations]]
include-operation-id-regex = "."
[operations.checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "429"]
"""


def command(options: ContractOptions, url: str, spec: Path, config: Path) -> list[str]:
    phases = [phase for phase in options.phases if not (options.safe and phase == "stateful")]
    excluded = sorted({*REPLACED_CHECKS, *options.exclude_checks})
    argv = [
        sys.executable,
        "-c",
        "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
        "--config-file",
        str(config),
        "run",
        str(spec),
        "--url",
        url,
        "--checks",
        "all",
        "--exclude-checks",
        ",".join(excluded),
        "--phases",
        ",".join(phases),
        "--max-examples",
        str(options.max_examples),
        "--seed",
        str(options.seed),
        "--workers",
        str(options.workers),
        # Longer than the guard's own bound on the upstream: the guard gives up first and closes the connection.
        "--request-timeout",
        str(options.request_timeout + GRACE),
        "--report",
        "junit,json",
        "--report-dir",
        str(options.report_dir),
        "--report-junit-path",
        str(options.report_dir / ST_JUNIT),
        "--report-json-path",
        str(options.report_dir / ST_JSON),
        "--warnings",
        "off",
    ]
    if options.rate_limit:
        argv += ["--rate-limit", options.rate_limit]
    if options.safe:
        argv += ["--include-method", "GET"]
    return argv


def run_schemathesis(
    options: ContractOptions,
    url: str,
    redact: Redactor,
    echo: Callable[[str], None],
    deadline: float,
    unanswered: Callable[[], int],
) -> SchemathesisResult:
    """Run schemathesis against `url` (the guard's proxy); its output goes to `echo` redacted and cut, whole
    (redacted) to the report folder. Stopped early when `unanswered()` reaches `UNANSWERED_LIMIT`."""
    report_dir = options.report_dir
    config = report_dir / ST_CONFIG
    config.write_text(config_text(options), encoding="utf-8")
    warnings_file = report_dir / ST_WARNINGS
    shown = _Output(config, url.removesuffix(httpx.URL(url).path), options.base_url)
    lines: list[str] = []

    def show(raw: str) -> None:
        line = shown(redact(raw.rstrip("\n")))
        lines.append(line)
        echo(cut(line))

    # A scratch working folder: hypothesis keeps its example database there, which must not outlive the run
    # (it would replay old examples and break the seed's determinism). Every path it is given is absolute.
    spec = report_dir / ST_SPEC
    spec.write_text(json.dumps(schemathesis_spec(options), indent=1) + "\n", encoding="utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        argv = command(options, url, spec, config)
        exit_code, timed_out, gone = _watched(
            argv, _environment(options, warnings_file), scratch, deadline, unanswered, show
        )
    output = "\n".join(lines)
    (report_dir / ST_OUTPUT).write_text(output + "\n", encoding="utf-8")
    for name in (ST_JUNIT, ST_JSON):  # they name the guard's address: name the server's
        path = report_dir / name
        if path.is_file():
            path.write_text(path.read_text(encoding="utf-8").replace(shown.proxy_origin, shown.server_origin), "utf-8")
    if timed_out:
        raise CouldNotTest("the overall time limit (--max-time) was reached while schemathesis ran")
    result = SchemathesisResult(exit_code, output=output)
    _read_report(result, report_dir / ST_JSON)
    result.warnings = [
        f"`Allow: {w['allow']}` on {w['path']} also lists {', '.join(w['extra'])} (not documented)"
        for w in _records(warnings_file)
    ]
    warnings_file.unlink(missing_ok=True)
    if gone:
        result.incomplete = (
            f"stopped after {unanswered()} requests got no answer within {options.request_timeout:g} s "
            "(--request-timeout)"
        )
    elif result.exit_code not in (0, 1) or (result.exit_code == 1 and not result.failures):
        last = next((line for line in reversed(lines) if line.strip()), "no output")
        detail = "; ".join(result.errors[:3]) or last
        result.incomplete = f"schemathesis could not run everything (exit {result.exit_code}): {cut(detail, 300)}"
    return result


def _environment(options: ContractOptions, warnings_file: Path) -> dict[str, str]:
    """schemathesis' environment: what our hooks read (the key, how it is sent, the headers), no colour."""
    env = {
        **os.environ,
        KEY_ENV: options.api_key,
        AUTH_ENV: options.auth,
        WARNINGS_ENV: str(warnings_file),
        "SCHEMATHESIS_HOOKS": "ftjobs.contract._hooks",
        "NO_COLOR": "1",
    }
    env.update({HEADER_ENV.format(index): value for index, (_, value) in enumerate(options.headers)})
    return env


def _watched(
    argv: list[str],
    env: dict[str, str],
    cwd: str,
    deadline: float,
    unanswered: Callable[[], int],
    show: Callable[[str], None],
) -> tuple[int, bool, bool]:
    """Run schemathesis, each output line to `show`; stopped (its whole process group) at `deadline`, when the
    server stops answering, or on any exception. Its exit code, whether time ran out, whether the server went."""
    timed_out, gone = threading.Event(), threading.Event()
    with subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        env=env,
        cwd=cwd,
        start_new_session=True,  # its own process group: stopped whole, on time-out and on Ctrl-C
    ) as process:
        watchdog = threading.Timer(min(max(0.0, deadline - time.monotonic()), 1e9), _stop, (process, timed_out))
        watchdog.daemon = True
        watchdog.start()
        watcher = threading.Thread(target=_watch_unanswered, args=(process, unanswered, gone), daemon=True)
        watcher.start()
        try:
            assert process.stdout is not None  # noqa: S101 -- stdout=PIPE
            for raw in process.stdout:
                show(raw)
        except BaseException:
            _stop(process, None)
            raise
        finally:
            watchdog.cancel()
    return process.returncode, timed_out.is_set(), gone.is_set()


def _watch_unanswered(process: subprocess.Popen[str], unanswered: Callable[[], int], gone: threading.Event) -> None:
    while process.poll() is None:
        if unanswered() >= UNANSWERED_LIMIT:
            gone.set()
            _stop(process, None)
            return
        time.sleep(0.1)


def _stop(process: subprocess.Popen[str], flag: threading.Event | None) -> None:
    if flag is not None:
        flag.set()
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)


class _Output:
    """schemathesis' output lines, made true for the reader: the guard's loopback address becomes the server's,
    and each `st replay ID` becomes a command that works (this run's configuration, the server's URL) — except
    for cases that change a job, where a replay would go straight to the server, past the guard."""

    HEADER = re.compile(r"^_{3,} ([A-Z]+) (\S+) _{3,}$")

    def __init__(self, config: Path, proxy_origin: str, base_url: str) -> None:
        self.config, self.proxy_origin, self.base_url = config, proxy_origin, base_url
        self.server_origin = str(httpx.URL(base_url).copy_with(raw_path=b"/")).rstrip("/")
        self.changes_a_job = False

    def __call__(self, line: str) -> str:
        line = line.replace(self.proxy_origin, self.server_origin)
        header = self.HEADER.match(line.strip())
        if header is not None:
            method, path = header.groups()
            self.changes_a_job = method not in ("GET", "HEAD", "OPTIONS") and "{fine_tuning_job_id}" in path
        replay = re.search(r"\bst replay (\S+)", line)
        if replay is None:
            return line
        if self.changes_a_job:
            return (
                line[: replay.start()] + "(no replay command: this case changes a job, and a replay would reach the "
                "server directly, past the guard that keeps jobs this run did not create unchanged)"
            )
        command = f"{KEY_ENV}=<key> st --config-file {self.config} replay {replay.group(1)} --url {self.base_url}"
        return line[: replay.start()] + command + line[replay.end() :]


def _records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    records = (json_or_none(line.encode()) for line in path.read_text(encoding="utf-8").splitlines())
    return [record for record in records if isinstance(record, dict)]


def _read_report(result: SchemathesisResult, path: Path) -> None:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return
    if not isinstance(report, dict):
        return
    cases = (report.get("test_cases") or {}).get("generated")
    result.cases = cases if isinstance(cases, int) else None
    result.failures = [str(f.get("title")) for f in report.get("failures") or [] if isinstance(f, dict)]
    result.errors = [str(e.get("message") or e.get("title") or e) for e in report.get("errors") or []]
