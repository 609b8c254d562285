"""What the contract suite's parts share: outcomes, credentials, redaction, exchanges and properties."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import httpx

from ftjobs._auth import REDACTED, SECRET_HEADERS

# What crosses to the schemathesis process: the environment our hooks (`_hooks`) and its configuration read,
KEY_ENV = "FTJOBS_CONTRACT_API_KEY"
AUTH_ENV = "FTJOBS_CONTRACT_AUTH"
HEADER_ENV = "FTJOBS_CONTRACT_HEADER_{}"  # the value of the configuration's n-th --header
WARNINGS_ENV = "FTJOBS_CONTRACT_WARNINGS"  # where the hooks write what they only warn about (an extra `Allow`)
# ... and what it reads and writes in the report folder.
ST_CONFIG = "schemathesis.toml"
ST_SPEC = "schemathesis-openapi.json"  # the document it tested by (the dialect's fragment; `st replay` reads it)
ST_OUTPUT = "schemathesis-output.txt"
ST_JSON = "schemathesis.json"
ST_JUNIT = "junit.xml"
ST_CACHE = "schemathesis-cache"
ST_WARNINGS = ".warnings.jsonl"
# Long bodies are cut to this many characters on the console; the reports keep them whole.
CONSOLE_LIMIT = 400


class Outcome(IntEnum):
    """The suite's three outcomes, which are also `ftjobs contract`'s exit codes."""

    CONFORMS = 0  # every property the mode asks for passed
    DOES_NOT_CONFORM = 1  # a property failed: the server broke the contract
    COULD_NOT_TEST = 2  # nothing conclusive could be tested (see the reason)

    @property
    def verdict(self) -> str:
        return {0: "CONFORMS", 1: "DOES NOT CONFORM", 2: "COULD NOT TEST"}[self.value]


class CouldNotTest(Exception):
    """The run cannot reach a verdict: the reason says why (and what to do), through no proven fault of the server."""

    def __init__(self, reason: str, exchange: Exchange | None = None, *, fatal: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exchange = exchange
        self.fatal = fatal  # False: only the scenario that met it stops; the others still run


class Redactor:
    """Replaces every secret (the key, the values of `--header`) in text with `<redacted>`."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so that a secret containing another is replaced whole; very short values would
        # blank out ordinary words, and are not secrets anyone could use.
        self._secrets = sorted({secret for secret in secrets if len(secret) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text


def cut(text: str, limit: int = CONSOLE_LIMIT) -> str:
    """`text` up to `limit` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters; whole in the reports)"


def credential_header(auth: str, key: str) -> tuple[str, str]:
    """The header that carries `key` for the auth style (`bearer` or `api-key`)."""
    if auth == "api-key":
        return "api-key", key
    return "authorization", f"Bearer {key}"


def curl(request: httpx.Request) -> str:
    """The request as a `curl` line, credentials redacted."""
    parts = ["curl", "-X", request.method]
    for name, value in request.headers.items():
        if name.lower() in ("host", "content-length", "accept-encoding", "connection", "user-agent"):
            continue
        shown = REDACTED if name.lower() in SECRET_HEADERS else value
        parts += ["-H", f"{name}: {shown}"]
    content = request.read()
    if content:
        parts += ["-d", content.decode("utf-8", "replace")]
    parts.append(str(request.url))
    return shlex.join(parts)


@dataclass
class Exchange:
    """One request and its answer (or the transport failure), as shown in a report."""

    request: httpx.Request
    response: httpx.Response | None
    failure: str | None = None
    timed_out: bool = False  # no answer came within the request timeout (the connection was made)

    @property
    def status(self) -> int | None:
        return None if self.response is None else self.response.status_code

    def body(self) -> Any:
        """The answer's JSON, or None when there is no answer or it is not JSON."""
        return None if self.response is None else json_or_none(self.response.content)

    def describe(self, limit: int | None = None) -> str:
        """The curl line and the answer; bodies cut to `limit` characters when given."""
        shorten = (lambda text: cut(text, limit)) if limit else (lambda text: text)
        lines = [f"  request:  {shorten(curl(self.request))}"]
        if self.response is None:
            lines.append(f"  response: no answer ({self.failure})")
        else:
            body = self.response.content.decode("utf-8", "replace") if self.response.content else "(empty)"
            if limit is not None and _is_html(self.response):  # on the console a page is named, not dumped
                body = f"{what_answered(self.response)}, {len(self.response.content)} bytes (whole in the reports)"
            kind = self.response.headers.get("content-type", "no content type")
            lines.append(f"  response: {self.response.status_code} {kind}")
            lines.append(f"            {shorten(body)}")
        return "\n".join(lines)


@dataclass
class Finding:
    """One property of the contract that a server broke, in words, with the exchange that shows it."""

    prop: str
    message: str
    exchange: Exchange | None = None

    def describe(self, limit: int | None = None) -> str:
        text = f"✗ {self.prop}: {self.message}"
        return text + ("\n" + self.exchange.describe(limit) if self.exchange else "")


@dataclass
class PropertyResult:
    """A property of the contract: passed, failed (with findings) or skipped (with the reason).

    A skip is `inconclusive` when the property applied but could not be tested to the end (a precondition
    was lost through no proven fault of the server); a run with such a skip and no failure cannot conform.
    """

    name: str
    says: str
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None
    inconclusive: bool = False
    checked: bool = False
    seconds: float = 0.0  # the time of the scenario that tested it (shared by the scenario's properties)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def status(self) -> str:
        if self.findings:
            return "failed"
        return "passed" if self.checked else "skipped"

    def fail(self, message: str, exchange: Exchange | None = None) -> None:
        self.findings.append(Finding(self.name, message, exchange))

    def skip(self, reason: str, *, inconclusive: bool = False) -> None:
        """Mark the property skipped, unless it already failed or passed."""
        if self.skipped is None and not self.findings and not self.checked:
            self.skipped = reason
            self.inconclusive = inconclusive


def json_or_none(content: bytes) -> Any:
    """The decoded JSON body, or None when it is not JSON (or nested too deep to decode)."""
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return None


def _is_html(response: httpx.Response) -> bool:
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    start = response.content[:64].decode("utf-8", "replace").lstrip()[:15].lower()
    return "html" in media or start.startswith(("<!doctype html", "<html"))


def what_answered(response: httpx.Response | None) -> str:
    """The answer in a few words: an HTML page by its title, JSON by its message, else its content type."""
    if response is None:
        return "nothing"
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if _is_html(response):
        text = response.content[:20_000].decode("utf-8", "replace")
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        shown = " ".join(title.group(1).split())[:80] if title else ""
        return f"an HTML page titled {shown!r}" if shown else "an HTML page"
    body = json_or_none(response.content)
    if body is not None:
        error = body.get("error") if isinstance(body, dict) else None
        message = error.get("message") if isinstance(error, dict) else None
        if isinstance(message, str):
            return f"JSON ({message[:200]})"
        return f"JSON ({response.content[:200].decode('utf-8', 'replace')})"
    return f"{media or 'no content type'} ({len(response.content)} bytes)"
