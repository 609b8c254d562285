"""`make bench`: ftjobs against the official openai SDK, side by side, on this machine.

Writes bench/results.json and the table between the bench markers in README.md. Ratios are the claims;
absolute times depend on the machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script, bench/ is first on the path, and `bench` would be this file
from bench import traffic_bench  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
README = ROOT / "README.md"
PYTHON = sys.executable
JOB_ID = "ftjob-abc123"


def job_body() -> bytes:
    """The same ~1 KB job answer for both clients: the fragment's paused example, with metadata and an integration."""
    from ftjobs._spec import load_spec

    job = dict(load_spec()["components"]["examples"]["JobPaused"]["value"])
    job["metadata"] = {"team": "search", "purpose": "nightly fine-tune of the ranking model", "owner": "x" * 200}
    job["integrations"] = [{"type": "wandb", "wandb": {"project": "ranking", "tags": ["nightly", "paused"]}}]
    return json.dumps(job).encode()


def interleaved_us(calls: dict[str, Callable[[], object]], *, per_batch: int, batches: int) -> dict[str, float]:
    """Median µs per call of each callable, batches alternating between them so that drift hits both."""
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        for _ in range(per_batch // 5):
            call()
    for _ in range(batches):
        for name, call in calls.items():
            start = time.perf_counter()
            for _ in range(per_batch):
                call()
            timings[name].append((time.perf_counter() - start) / per_batch * 1e6)
    return {name: statistics.median(values) for name, values in timings.items()}


async def interleaved_us_async(
    calls: dict[str, Callable[[], Any]], *, per_batch: int, batches: int
) -> dict[str, float]:
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for call in calls.values():
        for _ in range(per_batch // 5):
            await call()
    for _ in range(batches):
        for name, call in calls.items():
            start = time.perf_counter()
            for _ in range(per_batch):
                await call()
            timings[name].append((time.perf_counter() - start) / per_batch * 1e6)
    return {name: statistics.median(values) for name, values in timings.items()}


def per_call() -> dict[str, Any]:
    """1. Client overhead of `pause` over an in-memory transport (no network), sync and async.

    Each client gets its own HTTP stack's mock transport (the SDK is built on httpx2, ftjobs on httpx),
    answering the same bytes.
    """
    import httpx2
    import openai

    import ftjobs

    body = job_body()
    headers = {"content-type": "application/json"}
    ours_transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body, headers=headers))
    sdk_transport = httpx2.MockTransport(lambda request: httpx2.Response(200, content=body, headers=headers))
    sdk = openai.OpenAI(
        api_key="sk-bench", base_url="http://bench/v1", http_client=httpx2.Client(transport=sdk_transport)
    )
    ours = ftjobs.Client(
        api_key="sk-bench", base_url="http://bench/v1", http_client=httpx.Client(transport=ours_transport)
    )
    result: dict[str, Any] = {"body_bytes": len(body)}
    from ftjobs_api.models import FineTuningJob as Generated

    bare = httpx.Client(transport=ours_transport, headers={"authorization": "Bearer sk-bench"})
    url = f"http://bench/v1/fine_tuning/jobs/{JOB_ID}/pause"

    def floor() -> object:
        """The least a client can do: one POST, `json.loads`, the generated `from_dict` (no checks, no retries)."""
        return Generated.from_dict(json.loads(bare.post(url).content))

    sync = interleaved_us(
        {
            "openai": lambda: sdk.fine_tuning.jobs.pause(JOB_ID),
            "ftjobs": lambda: ours.fine_tuning.jobs.pause(JOB_ID),
            "floor": floor,
        },
        per_batch=500,
        batches=9,
    )
    result["sync_floor_us"] = sync["floor"]
    result["sync_over_floor"] = sync["ftjobs"] / sync["floor"]
    result["sync_openai_us"], result["sync_ftjobs_us"] = sync["openai"], sync["ftjobs"]

    async def run_async() -> dict[str, float]:
        asdk = openai.AsyncOpenAI(
            api_key="sk-bench", base_url="http://bench/v1", http_client=httpx2.AsyncClient(transport=sdk_transport)
        )
        aours = ftjobs.AsyncClient(
            api_key="sk-bench", base_url="http://bench/v1", http_client=httpx.AsyncClient(transport=ours_transport)
        )
        return await interleaved_us_async(
            {
                "openai": lambda: asdk.fine_tuning.jobs.pause(JOB_ID),
                "ftjobs": lambda: aours.fine_tuning.jobs.pause(JOB_ID),
            },
            per_batch=500,
            batches=9,
        )

    timed = asyncio.run(run_async())
    result["async_openai_us"], result["async_ftjobs_us"] = timed["openai"], timed["ftjobs"]
    result["sync_ratio"] = result["sync_ftjobs_us"] / result["sync_openai_us"]
    result["async_ratio"] = result["async_ftjobs_us"] / result["async_openai_us"]
    return result


COLD = {
    "ftjobs": "import ftjobs; ftjobs.Client(api_key='sk-bench').fine_tuning.jobs",
    "openai": "import openai; openai.OpenAI(api_key='sk-bench').fine_tuning.jobs",
}


def cold_start(runs: int = 15) -> dict[str, Any]:
    """2. Fresh-interpreter wall time: import, build a client, touch `fine_tuning.jobs` (medians, interleaved)."""
    times: dict[str, list[float]] = {name: [] for name in COLD}
    for code in COLD.values():  # warm the bytecode caches once
        subprocess.run([PYTHON, "-c", code], check=True)  # noqa: S603
    for _ in range(runs):
        for name, code in COLD.items():
            start = time.perf_counter()
            subprocess.run([PYTHON, "-c", code], check=True)  # noqa: S603
            times[name].append((time.perf_counter() - start) * 1000)
    result: dict[str, Any] = {f"{name}_ms": statistics.median(values) for name, values in times.items()}
    result["ratio"] = result["ftjobs_ms"] / result["openai_ms"]
    profile = subprocess.run(  # noqa: S603
        [PYTHON, "-X", "importtime", "-c", COLD["ftjobs"]], check=True, capture_output=True, text=True
    ).stderr
    rows = []
    for line in profile.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if match and not match.group(3).strip() and len(match.group(3)) <= 3:
            rows.append((int(match.group(2)), match.group(4)))
    result["ftjobs_importtime_top_ms"] = {name: round(us / 1000, 1) for us, name in sorted(rows, reverse=True)[:8]}
    return result


def parse_cost() -> dict[str, Any]:
    """3. Building the model from one parsed job body (no HTTP): ftjobs' checked read vs the SDK's construct."""
    from openai._models import construct_type
    from openai.types.fine_tuning import FineTuningJob as SdkJob

    from ftjobs._parse import parse
    from ftjobs_api.models import FineTuningJob

    raw = job_body()
    timed = interleaved_us(
        {
            "ftjobs": lambda: parse(FineTuningJob, "FineTuningJob", json.loads(raw), strict=False),
            "openai": lambda: construct_type(type_=SdkJob, value=json.loads(raw)),
        },
        per_batch=1000,
        batches=9,
    )
    return {"ftjobs_us": timed["ftjobs"], "openai_us": timed["openai"], "ratio": timed["ftjobs"] / timed["openai"]}


def fan_out(jobs: int = 1000) -> dict[str, Any]:
    """4. Pause `jobs` running jobs concurrently over loopback: wall time and TCP connections opened."""
    import openai

    import ftjobs

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([PYTHON, str(ROOT / "bench" / "server.py"), str(port)])  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/_bench/connections")

        def create_all() -> list[str]:
            with httpx.Client(base_url=f"{base}/v1", headers={"authorization": "Bearer sk-bench"}) as http:
                return [
                    http.post("/fine_tuning/jobs", json={"model": "m", "training_file": "f"}).json()["id"]
                    for _ in range(jobs)
                ]

        def connections() -> int:
            return int(httpx.get(f"{base}/_bench/connections").text) - 1  # less the counting request itself

        def reset() -> None:
            httpx.get(f"{base}/_bench/reset")

        async def pause_all(client: Any, ids: list[str]) -> float:
            start = time.perf_counter()
            answers = await asyncio.gather(*(client.fine_tuning.jobs.pause(job_id) for job_id in ids))
            elapsed = time.perf_counter() - start
            if not all(answer.status == "paused" for answer in answers):
                raise RuntimeError("a pause did not answer paused")
            return elapsed

        result: dict[str, Any] = {"jobs": jobs}
        for name in ("openai", "ftjobs"):
            ids = create_all()
            reset()

            async def run(name: str = name, ids: list[str] = ids) -> float:
                if name == "openai":
                    async with openai.AsyncOpenAI(api_key="sk-bench", base_url=f"{base}/v1", max_retries=0) as sdk:
                        return await pause_all(sdk, ids)
                async with ftjobs.AsyncClient(api_key="sk-bench", base_url=f"{base}/v1", max_retries=0) as ours:
                    return await pause_all(ours, ids)

            result[f"{name}_s"] = asyncio.run(run())
            result[f"{name}_connections"] = connections() - 1  # less the reset request
        from ftjobs._config import DEFAULT_LIMITS

        result["ftjobs_pool_limit"] = DEFAULT_LIMITS.max_connections
        result["ratio"] = result["ftjobs_s"] / result["openai_s"]
        return result
    finally:
        server.terminate()
        server.wait(10)


SDK_LOOP = """
import openai
client = openai.OpenAI()  # OPENAI_API_KEY, OPENAI_BASE_URL
for job in [job for job in client.fine_tuning.jobs.list(limit=100) if job.status == "running"]:
    client.fine_tuning.jobs.pause(job.id)
"""


FLOOR_LOOP = """
import os, sys, httpx
from concurrent.futures import ThreadPoolExecutor
base, key = os.environ["OPENAI_BASE_URL"], os.environ["OPENAI_API_KEY"]
with httpx.Client(base_url=base, headers={"authorization": "Bearer " + key}) as http:
    running, after = [], None
    while True:
        page = http.get("/fine_tuning/jobs", params={"limit": 100, **({"after": after} if after else {})}).json()
        running += [job["id"] for job in page["data"] if job["status"] == "running"]
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    with ThreadPoolExecutor(int(sys.argv[1])) as pool:
        list(pool.map(lambda job_id: http.post(f"/fine_tuning/jobs/{job_id}/pause").json(), running))
"""


def fleet(jobs: int = 1000, concurrency: int = 16, rounds: int = 3) -> dict[str, Any]:
    """6. Pause every one of `jobs` running jobs (the server taking 10 ms per answer): `ftjobs pause --all` at
    `concurrency` against a sequential loop over the official SDK, and against the floor (bare httpx on as many
    threads); each a fresh process on a fresh server, alternating for `rounds` rounds; medians compared."""
    times: dict[str, list[float]] = {"openai": [], "ftjobs": [], "floor": []}
    peaks: dict[str, int] = {name: 0 for name in times}
    for _ in range(rounds):
        for name in times:
            seconds, peak = _fleet_round(name, jobs, concurrency)
            times[name].append(seconds)
            peaks[name] = max(peaks[name], peak)
    result: dict[str, Any] = {"jobs": jobs, "concurrency": concurrency, "rounds": rounds}
    for name, values in times.items():
        result[f"{name}_s"] = statistics.median(values)
        result[f"{name}_runs_s"] = values
        result[f"{name}_peak_in_flight"] = peaks[name]
    result["ratio"] = result["ftjobs_s"] / result["openai_s"]
    result["over_floor"] = result["ftjobs_s"] / result["floor_s"]
    return result


def _fleet_round(name: str, jobs: int, concurrency: int) -> tuple[float, int]:
    """One timed run of `name` against a fresh fleet server: its seconds, and the most requests in flight."""
    sys.path.insert(0, str(ROOT))
    from tests.fleet.server import KEY

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([PYTHON, str(ROOT / "bench" / "fleet_server.py"), str(port), str(jobs)])  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": f"{base}/v1"}
    try:
        _wait_until_up(f"{base}/_bench/stats")
        if name == "openai":
            command = [PYTHON, "-c", SDK_LOOP]
        elif name == "floor":  # bare httpx on as many threads: no journal, no checks, no models
            command = [PYTHON, "-c", FLOOR_LOOP, str(concurrency)]
        else:
            journal = ROOT / "bench" / ".fleet-journal.jsonl"
            journal.unlink(missing_ok=True)
            command = [str(Path(PYTHON).parent / "ftjobs"), "pause", "--all", "--yes"]
            command += ["--concurrency", str(concurrency), "--journal", str(journal)]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)  # noqa: S603
        seconds = time.perf_counter() - start
        stats = httpx.get(f"{base}/_bench/stats").json()
        if stats["paused"] != jobs or stats["most_requests_per_job"] != 1:
            raise RuntimeError(f"{name} did not pause each job once: {stats}")
        return seconds, int(stats["peak"])
    finally:
        server.terminate()
        server.wait(10)


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def contract_suite() -> dict[str, Any]:
    """5. `make contract` against the reference server: wall time and cases per second."""
    report = ROOT / "reports" / "contract-summary.json"
    start = time.perf_counter()
    finished = subprocess.run(["make", "-s", "contract"], cwd=ROOT, capture_output=True, text=True)  # noqa: S607
    wall = time.perf_counter() - start
    result: dict[str, Any] = {"wall_s": wall, "exit": finished.returncode}
    if report.exists():
        summary = json.loads(report.read_text())
        result["cases"] = summary.get("cases")
        if result["cases"]:
            result["cases_per_s"] = result["cases"] / wall
    return result


def machine() -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def table(results: dict[str, Any]) -> str:
    call, cold, parse, fan = (results[k] for k in ("per_call", "cold_start", "parse", "fan_out"))
    suite = results.get("contract", {})
    rows = [
        (
            "`pause` overhead, sync (in-memory transport)",
            f"{call['sync_ftjobs_us']:.0f} µs",
            f"{call['sync_openai_us']:.0f} µs",
            f"{call['sync_ratio']:.2f}",
            "≤ 0.45",
        ),
        (
            "`pause` overhead, async",
            f"{call['async_ftjobs_us']:.0f} µs",
            f"{call['async_openai_us']:.0f} µs",
            f"{call['async_ratio']:.2f}",
            "≤ 0.45",
        ),
        (
            "the floor, sync: bare httpx POST + `json.loads` + the generated `from_dict` (ratio: ftjobs over it)",
            f"{call['sync_floor_us']:.0f} µs" if "sync_floor_us" in call else "—",
            "—",
            f"{call['sync_over_floor']:.2f}" if "sync_over_floor" in call else "—",
            "—",
        ),
        (
            "cold start: import + client + `fine_tuning.jobs`",
            f"{cold['ftjobs_ms']:.0f} ms",
            f"{cold['openai_ms']:.0f} ms",
            f"{cold['ratio']:.2f}",
            "≤ 0.35",
        ),
        (
            "reading one job body into the model",
            f"{parse['ftjobs_us']:.0f} µs",
            f"{parse['openai_us']:.0f} µs",
            f"{parse['ratio']:.2f}",
            "—",
        ),
        (
            f"pause {fan['jobs']} running jobs concurrently (loopback)",
            f"{fan['ftjobs_s']:.2f} s",
            f"{fan['openai_s']:.2f} s",
            f"{fan['ratio']:.2f}",
            "≤ 1.00",
        ),
        (
            "TCP connections opened for that",
            str(fan["ftjobs_connections"]),
            str(fan["openai_connections"]),
            "—",
            f"≤ pool ({fan['ftjobs_pool_limit']})",
        ),
    ]
    if "fleet" in results:
        run = results["fleet"]
        rows.append(
            (
                f"pause every one of {run['jobs']} running jobs, 10 ms answers: `pause --all --concurrency "
                f"{run['concurrency']}` vs a sequential SDK loop (median of {run.get('rounds', 1)})",
                f"{run['ftjobs_s']:.2f} s",
                f"{run['openai_s']:.2f} s",
                f"{run['ratio']:.2f}",
                "≤ 0.20",
            )
        )
        if "floor_s" in run:
            rows.append(
                (
                    "the same with bare httpx on as many threads (the floor; ratio: ftjobs over it)",
                    f"{run['floor_s']:.2f} s",
                    "—",
                    f"{run['over_floor']:.2f}",
                    "—",
                )
            )
        rows.append(
            (
                "requests in flight at most, in that run",
                str(run["ftjobs_peak_in_flight"]),
                str(run["openai_peak_in_flight"]),
                "—",
                f"= {run['concurrency']}",
            )
        )
    if "cases" in suite:
        rows.append(
            (
                "`make contract` (reference server)",
                f"{suite['wall_s']:.0f} s, {suite.get('cases_per_s', 0):.0f} cases/s",
                "—",
                "—",
                "< 60 s",
            )
        )
    if "traffic" in results:
        rows += traffic_bench.rows(results["traffic"])
    lines = ["| measure | ftjobs | openai SDK | ratio | target |", "|---|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    m = results["machine"]
    lines.append("")
    lines.append(
        f"Measured {m['date']} on {m['cpus']} cores ({m['processor']}, {m['platform']}), Python {m['python']}."
    )
    return "\n".join(lines)


def main() -> int:
    only = set(sys.argv[1:])
    parts: dict[str, Callable[[], dict[str, Any]]] = {
        "per_call": per_call,
        "cold_start": cold_start,
        "parse": parse_cost,
        "fan_out": fan_out,
        "fleet": fleet,
        "contract": contract_suite,
        "traffic": traffic_bench.traffic,
    }
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for name, measure in parts.items():
        if only and name not in only:
            continue
        print(f"measuring {name} …", flush=True)
        results[name] = measure()
    results["machine"] = machine()
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    rendered = table(results)
    print(rendered)
    text = README.read_text(encoding="utf-8")
    marked = re.sub(
        r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)",
        lambda m: m.group(1) + rendered + "\n" + m.group(2),
        text,
        flags=re.DOTALL,
    )
    README.write_text(marked, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
