"""A program of the kind users write with the official SDK: a job's whole life, pause at its centre.

It is the client whose traffic the recording tools capture; it never sends a request the fragment forbids (its
traffic checks the server, and the client with it). Every call goes through `with_raw_response`, so that a
broken server's answer is recorded as it came and the program carries on whatever it was.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import openai

from ftjobs._config import DATED_VERSION

MODEL = "gpt-4o-mini-2024-07-18"
KNOWN_FILE = "file-ftjobs-known"  # a file every variant accepts (one refuses any other)
ENDED = frozenset({"succeeded", "failed", "cancelled"})


def client_for(options: dict[str, Any], port: int, key: str) -> openai.OpenAI:
    """The official SDK's client for a server variant on `port`, as its options say it is reached: `AzureOpenAI`
    for a dated `api_version` (the dated routes), `/openai/v1` with the version for Azure's v1, `/v1` otherwise."""
    version = options.get("api_version")
    if version is not None and DATED_VERSION.fullmatch(version):
        return openai.AzureOpenAI(
            azure_endpoint=f"http://127.0.0.1:{port}", api_version=version, api_key=key, max_retries=0
        )
    return openai.OpenAI(
        base_url=f"http://127.0.0.1:{port}{'/openai/v1' if version is not None else '/v1'}",
        api_key=key,
        max_retries=0,
        default_headers={"api-key": key} if options.get("auth") == "api-key" else {},
        default_query={"api-version": version} if version is not None else None,
    )


def _body(call: Callable[[], Any]) -> dict[str, Any]:
    """The answer's JSON object; {} for a refusal or an answer that is not one."""
    try:
        raw = call()
    except openai.APIStatusError:
        return {}
    try:
        value = json.loads(raw.http_response.content)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _wait(jobs: Any, job_id: str, wanted: set[str], within: float = 5.0) -> str | None:
    deadline = time.monotonic() + within
    while True:
        status = _body(lambda: jobs.with_raw_response.retrieve(job_id)).get("status")
        shown = status.lower() if isinstance(status, str) else None
        if shown in wanted or shown in ENDED or time.monotonic() > deadline:
            return shown
        time.sleep(0.05)


def lifecycle(client: openai.OpenAI, *, still: float = 0.2) -> None:
    """Two jobs: the first created, paused, read, listed, resumed, paused and cancelled; the second cancelled."""
    jobs = client.fine_tuning.jobs
    first = _body(lambda: jobs.with_raw_response.create(model=MODEL, training_file=KNOWN_FILE)).get("id")
    second = _body(lambda: jobs.with_raw_response.create(model=MODEL, training_file=KNOWN_FILE)).get("id")
    if not isinstance(first, str) or not isinstance(second, str):
        return
    _body(lambda: jobs.with_raw_response.pause(first))  # too early: refused while it validates
    _body(lambda: jobs.with_raw_response.retrieve(first))
    _wait(jobs, first, {"running"})
    _body(lambda: jobs.with_raw_response.resume(first))  # it runs: refused
    _body(lambda: jobs.with_raw_response.retrieve(first))
    _body(lambda: jobs.with_raw_response.pause(first))
    _wait(jobs, first, {"paused"})
    time.sleep(still)  # a paused job stands still
    _body(lambda: jobs.with_raw_response.retrieve(first))
    _body(lambda: jobs.with_raw_response.pause(first))  # already paused: 200 unchanged or refused
    page = _body(lambda: jobs.with_raw_response.list(limit=1))
    cursor = next((item.get("id") for item in page.get("data", []) if isinstance(item, dict)), None)
    if isinstance(cursor, str):
        _body(lambda: jobs.with_raw_response.list(limit=1, after=cursor))
    events = _body(lambda: jobs.with_raw_response.list_events(first, limit=2))
    last_event = next((item.get("id") for item in reversed(events.get("data", [])) if isinstance(item, dict)), None)
    if isinstance(last_event, str):
        _body(lambda: jobs.with_raw_response.list_events(first, limit=2, after=last_event))
    _body(lambda: jobs.checkpoints.with_raw_response.list(first, limit=2))
    _body(lambda: jobs.with_raw_response.resume(first))
    _wait(jobs, first, {"running"})
    _body(lambda: jobs.with_raw_response.pause(first))
    _wait(jobs, first, {"paused"})
    _body(lambda: jobs.with_raw_response.cancel(first))
    _body(lambda: jobs.with_raw_response.retrieve(first))
    _body(lambda: jobs.with_raw_response.pause(first))  # ended: refused
    _body(lambda: jobs.with_raw_response.resume(first))  # ended: refused
    _body(lambda: jobs.with_raw_response.retrieve("ftjob-not-one-of-ours"))  # 404
    _body(lambda: jobs.with_raw_response.cancel(second))
    _body(lambda: jobs.with_raw_response.retrieve(second))
