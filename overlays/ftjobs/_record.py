"""The exchange log: every request a client sends and its answer, one JSON object per line, redacted as written.

Switched on by `FTJOBS_RECORD=FILE` in the environment (read at each exchange, so it may be set at any time;
`ftjobs --record FILE …` sets it) or `ftjobs.record_exchanges(FILE)` in a program. Each line is written and
flushed as its exchange ends, so a program that crashes leaves every exchange before the crash; several processes
may append to one file (each line is one `write` to a file opened for appending). `ftjobs contract --traffic FILE`
checks the log.

Credentials never reach the file: the values of secret headers (`Authorization`, `api-key`, any header named like
a key, token or cookie) become `<redacted>`, and those values are also replaced wherever a body quotes them.
"""

from __future__ import annotations

import base64
import json
import os
import re
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from ftjobs._auth import REDACTED, SECRET_HEADERS

ENV = "FTJOBS_RECORD"
SECRET_WORDS = re.compile(r"key|token|secret|password|passwd|auth|cookie|signature|^sig$", re.IGNORECASE)
_lock = threading.Lock()
_chosen: Path | None = None  # set by record_exchanges(); the environment is read when it is not


@cache
def is_secret(name: str) -> bool:
    """A header or query parameter whose value is a credential."""
    return name.lower() in SECRET_HEADERS or SECRET_WORDS.search(name) is not None


def secret_values(headers: list[tuple[str, str]], url: str = "") -> list[str]:
    """The secret values among `headers` and the URL's query (the token after `Bearer ` as well)."""
    found: list[str] = []
    for name, value in headers:
        if is_secret(name) and value:
            found.append(value)
            scheme, _, token = value.partition(" ")
            if token and scheme.lower() in ("bearer", "basic", "token"):
                found.append(token.strip())
    found += [value for name, value in parse_qsl(urlsplit(url).query) if is_secret(name) and value]
    return sorted({value for value in found if len(value) >= 4}, key=len, reverse=True)


def record_exchanges(path: str | os.PathLike[str] | None) -> None:
    """Append every exchange of every ftjobs client in this process to `path` (None: stop recording)."""
    global _chosen
    _chosen = None if path is None else Path(path)


def recording() -> Path | None:
    """Where exchanges are recorded now, if anywhere."""
    if _chosen is not None:
        return _chosen
    named = os.environ.get(ENV)
    return Path(named) if named else None


def record(request: httpx.Request, response: httpx.Response | None, failure: Exception | None) -> None:
    """Append the exchange to the log, when recording is on (a log that cannot be written stops nothing)."""
    path = recording()
    if path is None:
        return
    line = json.dumps(log_entry(request, response, failure), ensure_ascii=False) + "\n"
    with _lock:
        try:
            with open(path, "a", encoding="utf-8") as file:
                file.write(line)
        except OSError:
            return


def log_entry(
    request: httpx.Request,
    response: httpx.Response | None,
    failure: Exception | None,
    *,
    started: float | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """One exchange of an httpx client as a line of the log, every secret replaced."""
    seconds = _elapsed(response) or 0.0
    return entry(
        request.method,
        str(request.url),
        list(request.headers.multi_items()),
        _content(request),
        None if response is None else response.status_code,
        [] if response is None else list(response.headers.multi_items()),
        b"" if response is None else _answer_content(response),
        started=started if started is not None else time.time() - seconds,
        seconds=seconds,
        source=source,
        failure=(f"{type(failure).__name__}: {failure}" if failure else "no answer") if response is None else None,
    )


def entry(
    method: str,
    url: str,
    request_headers: list[tuple[str, str]],
    request_body: bytes,
    status: int | None,
    response_headers: list[tuple[str, str]],
    response_body: bytes,
    *,
    started: float,
    seconds: float,
    source: str | None = None,
    failure: str | None = None,
) -> dict[str, Any]:
    """One exchange as a line of the log (None `status`: no answer), every secret replaced."""
    secrets = secret_values([*request_headers, *response_headers], url)
    line: dict[str, Any] = {
        "started": round(started, 6),
        "seconds": round(seconds, 6),
        "request": {
            "method": method,
            "url": cleaned(url, secrets),
            "headers": _headers(request_headers, secrets),
            **body_fields(request_body, secrets),
        },
        "response": None,
    }
    if source is not None:
        line["source"] = source
    if failure is not None:
        line["failure"] = cleaned(failure, secrets)
    if status is not None:
        line["response"] = {
            "status": status,
            "headers": _headers(response_headers, secrets),
            **body_fields(response_body, secrets),
        }
    return line


def _elapsed(response: httpx.Response | None) -> float | None:
    try:
        return None if response is None else response.elapsed.total_seconds()
    except RuntimeError:  # not closed yet: httpx sets `elapsed` when the answer has been read
        return None


def _content(request: httpx.Request) -> bytes:
    try:
        return request.content
    except httpx.RequestNotRead:
        return b""


def _answer_content(response: httpx.Response) -> bytes:
    try:
        return response.content
    except httpx.ResponseNotRead:
        return b""


def _headers(pairs: list[tuple[str, str]], secrets: list[str]) -> list[list[str]]:
    return [[name, REDACTED if is_secret(name) else cleaned(value, secrets)] for name, value in pairs]


def cleaned(text: str, secrets: list[str]) -> str:
    """`text` with every secret replaced."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def body_fields(content: bytes, secrets: list[str]) -> dict[str, str]:
    """A body as the log holds it: `body` (text, secrets replaced), `body_base64` (not UTF-8), or nothing."""
    if not content:
        return {}
    try:
        return {"body": cleaned(content.decode("utf-8"), secrets)}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(content).decode("ascii")}
