"""What the contract suite's parts share: credentials, redaction, exchanges and findings."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any

import httpx

from ftjobs._auth import REDACTED, SECRET_HEADERS

KEY_ENV = "FTJOBS_CONTRACT_API_KEY"
AUTH_ENV = "FTJOBS_CONTRACT_AUTH"


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
        parts += ["-d", content.decode("utf-8", "replace")[:2000]]
    parts.append(str(request.url))
    return shlex.join(parts)


@dataclass
class Exchange:
    """One request and its answer (or the transport failure), as shown in a report."""

    request: httpx.Request
    response: httpx.Response | None
    failure: str | None = None

    def describe(self) -> str:
        lines = [f"  request:  {curl(self.request)}"]
        if self.response is None:
            lines.append(f"  response: no answer ({self.failure})")
        else:
            body = self.response.text[:1000] if self.response.content else "(empty)"
            kind = self.response.headers.get("content-type", "no content type")
            lines.append(f"  response: {self.response.status_code} {kind}")
            lines.append(f"            {body}")
        return "\n".join(lines)


@dataclass
class Finding:
    """One property of the contract that a server broke, in words, with the exchange that shows it."""

    prop: str
    message: str
    exchange: Exchange | None = None

    def describe(self) -> str:
        text = f"✗ {self.prop}: {self.message}"
        return text + ("\n" + self.exchange.describe() if self.exchange else "")


@dataclass
class PropertyResult:
    """A property that was checked: its name, what it says, and what broke it (nothing when it held)."""

    name: str
    says: str
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None

    @property
    def ok(self) -> bool:
        return not self.findings


def json_or_none(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None
