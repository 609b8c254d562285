"""`make bench`'s passive-conformance part: checking speed and memory, Redocly CLI's `drift` beside it on the same
files, what each catches on HARs mitmproxy recorded from broken servers, and the proxy's added latency.

The big files are the committed recordings of the reference server (mitmproxy's HAR, 38 exchanges) repeated with
fresh job ids until they reach the sizes the issue names, written to bench/traffic/ (not committed). The broken
servers' HARs come from `scripts/record_traffic.py --broken-dir bench/traffic/broken` (needs mitmproxy); without
them, that row is left out.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from ftjobs.testing import free_port

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "traffic"
SOURCE_HAR = ROOT / "tests" / "traffic" / "data" / "mitmproxy-reference.har"
SPEC = ROOT / "openapi" / "fine_tuning_jobs.yaml"
DATED_SPEC = ROOT / "openapi" / "azure_dated.yaml"  # drift judges Azure's dated routes by the dated fragment
FTJOBS = str(Path(sys.executable).with_name("ftjobs"))
REDOCLY = ["npx", "--yes", "@redocly/cli@2.77.0"]
ID = re.compile(r"ftjob-[A-Za-z0-9]+")


def _copies(entries: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """The entries with every job id given a copy's own suffix (each copy: new jobs, the same story)."""
    text = json.dumps(entries)
    return json.loads(ID.sub(lambda m: f"{m.group(0)}c{count}", text))  # type: ignore[no-any-return]


def build_files() -> tuple[Path, Path, Path]:
    """A ~50 MB HAR, and NDJSON logs of 10,000 and 100,000 exchanges (ftjobs' exchange log format)."""
    from ftjobs.traffic._proxy import log_line
    from ftjobs.traffic._records import read_traffic

    WORK.mkdir(parents=True, exist_ok=True)
    source = json.loads(SOURCE_HAR.read_text(encoding="utf-8"))
    entries = source["log"]["entries"]
    har = WORK / "big.har"
    if not har.exists():
        copies, size = [], 0
        for count in range(10_000):
            block = _copies(entries, count)
            copies += block
            size += len(json.dumps(block))
            if size >= 50_000_000:
                break
        source["log"]["entries"] = copies
        har.write_text(json.dumps(source), encoding="utf-8")
    lines = [json.dumps(log_line(record)) for record in read_traffic(SOURCE_HAR)]
    logs = []
    for total in (10_000, 100_000):
        path = WORK / f"log-{total}.ndjson"
        logs.append(path)
        if path.exists():
            continue
        with open(path, "w", encoding="utf-8") as file:
            written = 0
            for count in range(total):
                for line in lines:
                    file.write(ID.sub(rf"\g<0>c{count}", line) + "\n")
                    written += 1
                    if written == total:
                        break
                if written == total:
                    break
    return har, logs[0], logs[1]


# The peak is this process's own (VmHWM from /proc: getrusage's ru_maxrss would carry the parent's over exec) plus
# that of the child that reads a big file beside it (ftjobs.traffic._beside; reaped, so in RUSAGE_CHILDREN): both
# run at once, so their sum bounds the memory the check took.
MEASURE = """
import resource, sys, time
from pathlib import Path
from ftjobs.traffic import check_traffic
started = time.perf_counter()
report = check_traffic([Path(sys.argv[1])], report_dir=Path(sys.argv[2]))
seconds = time.perf_counter() - started
own = int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
peak = own + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(report.checked, report.exchanges, seconds, peak, report.outcome.name)
"""

CHILD_PEAK = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""


def ours(path: Path) -> dict[str, Any]:
    """Checking `path` in a fresh interpreter (start-up included in `wall_s`, not in `per_s`)."""
    started = time.perf_counter()
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", MEASURE, str(path), str(WORK / "reports")], capture_output=True, text=True, check=True
    ).stdout.split()
    wall = time.perf_counter() - started
    checked, read, seconds, peak_kb = int(out[0]), int(out[1]), float(out[2]), int(out[3])
    return {
        "exchanges": read,
        "checked": checked,
        "wall_s": round(wall, 2),
        "per_s": round(read / seconds),
        "peak_mb": round(peak_kb / 1024),
        "outcome": out[4],
    }


def drift(path: Path, spec: Path = SPEC) -> dict[str, Any]:
    """Redocly CLI's `drift` on `path` against `spec` (wall time includes npx and node start-up)."""
    command = [*REDOCLY, "drift", str(path), "--api", str(spec), "--match-mode", "basepath"]
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", CHILD_PEAK, *command], capture_output=True, text=True, check=True
    )
    wall, peak_kb, code = out.stdout.split()
    return {"wall_s": round(float(wall), 2), "peak_mb": round(int(peak_kb) / 1024), "exit": int(code)}


def catches() -> dict[str, Any] | None:
    """How many broken servers' HARs each tool calls non-conforming (drift: a non-zero exit; a HAR of Azure's
    dated routes it judges by the dated fragment, as ftjobs does)."""
    broken = sorted((WORK / "broken").glob("*.har"))
    if not broken:
        return None
    ftjobs_caught = drift_caught = 0
    for path in broken:
        result = subprocess.run(  # noqa: S603
            [FTJOBS, "contract", "--traffic", str(path), "--sole-client", "--report-dir", str(WORK / "reports")],
            capture_output=True,
            check=False,
        )
        ftjobs_caught += result.returncode == 1
        dated = "/openai/fine_tuning/" in path.read_text(encoding="utf-8")
        drift_caught += drift(path, DATED_SPEC if dated else SPEC)["exit"] != 0
    return {"files": len(broken), "ftjobs": ftjobs_caught, "drift": drift_caught}


def _up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def proxy_latency(requests: int = 2000) -> dict[str, Any]:
    """Median and p99 of a retrieve's round trip on loopback, through `ftjobs proxy` and direct (interleaved)."""
    server_port, proxy_port = free_port(), free_port()
    server = subprocess.Popen(  # noqa: S603
        [FTJOBS, "serve", "--port", str(server_port), "--api-key", "sk-bench"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    proxy = subprocess.Popen(  # noqa: S603
        [FTJOBS, "proxy", "--upstream", f"http://127.0.0.1:{server_port}", "--port", str(proxy_port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        cwd=WORK,
    )
    try:
        _up(server_port)
        _up(proxy_port)
        headers = {"Authorization": "Bearer sk-bench"}
        with httpx.Client(headers=headers) as client:
            job = client.post(
                f"http://127.0.0.1:{server_port}/v1/fine_tuning/jobs",
                json={"model": "gpt-4o-mini-2024-07-18", "training_file": "file-abc123"},
            ).json()["id"]
            direct: list[float] = []
            through: list[float] = []
            for _ in range(requests):
                for port, times in ((server_port, direct), (proxy_port, through)):
                    started = time.perf_counter()
                    client.get(f"http://127.0.0.1:{port}/v1/fine_tuning/jobs/{job}")
                    times.append((time.perf_counter() - started) * 1000)
    finally:
        for process in (proxy, server):
            os.killpg(process.pid, signal.SIGINT)
            process.wait(30)

    def p99(values: list[float]) -> float:
        return sorted(values)[int(len(values) * 0.99)]

    return {
        "requests": requests,
        "direct_median_ms": round(statistics.median(direct), 3),
        "proxy_median_ms": round(statistics.median(through), 3),
        "added_median_ms": round(statistics.median(through) - statistics.median(direct), 3),
        "direct_p99_ms": round(p99(direct), 3),
        "proxy_p99_ms": round(p99(through), 3),
        "added_p99_ms": round(p99(through) - p99(direct), 3),
    }


def traffic() -> dict[str, Any]:
    har, small_log, big_log = build_files()
    return {
        "har_mb": round(har.stat().st_size / 1e6),
        "har": ours(har),
        "har_drift": drift(har),
        "log_10k": ours(small_log),
        "log_100k": ours(big_log),
        "catches": catches(),
        "proxy": proxy_latency(),
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """The bench table's rows (ftjobs in the tool column, Redocly drift in the other)."""
    har, drifted = result["har"], result["har_drift"]
    small, big, proxy = result["log_10k"], result["log_100k"], result["proxy"]
    found = [
        (
            f"check a {result['har_mb']} MB HAR of {har['exchanges']} exchanges (mitmproxy's, repeated): "
            "exchanges/s, whole run; other column: Redocly drift",
            f"{har['per_s']:,}/s, {har['wall_s']:.1f} s, {har['peak_mb']} MB",
            f"{har['exchanges'] / drifted['wall_s']:,.0f}/s, {drifted['wall_s']:.1f} s, {drifted['peak_mb']} MB",
            f"drift's time over ours: {drifted['wall_s'] / har['wall_s']:.1f}",
            "≥ 10,000/s",
        ),
        (
            "check an exchange log of 100,000 exchanges (10,000): exchanges/s, peak memory",
            f"{big['per_s']:,}/s, {big['peak_mb']} MB ({small['peak_mb']} MB)",
            "—",
            "—",
            "memory flat",
        ),
        (
            f"`ftjobs proxy`: added latency per request on loopback, median / p99 ({proxy['requests']} retrieves)",
            f"{proxy['added_median_ms']:.2f} / {proxy['added_p99_ms']:.2f} ms",
            f"direct {proxy['direct_median_ms']:.2f} / {proxy['direct_p99_ms']:.2f} ms",
            "—",
            "—",
        ),
    ]
    if result.get("catches"):
        caught = result["catches"]
        found.append(
            (
                f"HARs mitmproxy recorded from {caught['files']} broken servers: found non-conforming "
                "(ftjobs with --sole-client; other column: drift)",
                f"{caught['ftjobs']} of {caught['files']}",
                f"{caught['drift']} of {caught['files']}",
                "—",
                "all",
            )
        )
    return found
