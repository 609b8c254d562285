"""The run's own exchanges as a HAR 1.2 file (`traffic.har` in the report folder): any HAR viewer opens it, and
`ftjobs contract --traffic` re-checks it.

Each entry says who sent it (`_ftjobs_source`, a HAR custom field): `scenario` (the semantic scenarios),
`probe` (requests that break the contract on purpose, to see them refused) or `schemathesis` (its generated
cases, negative ones among them). A re-check holds only the scenarios' requests to the fragment. Credential
headers are written as `<redacted>`; the whole file passes the run's redactor as well.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from ftjobs._auth import REDACTED
from ftjobs._record import is_secret
from ftjobs._version import __version__

FILE = "traffic.har"


class HarLog:
    """Entries added as exchanges end (from several threads); written once, at the end of the run."""

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(
        self, request: httpx.Request, response: httpx.Response, content: bytes, started: float, source: str
    ) -> None:
        ended = datetime.now(UTC).timestamp()
        entry = {
            "startedDateTime": datetime.fromtimestamp(started, UTC).isoformat(),
            "time": round((ended - started) * 1000, 3),
            "request": {
                "method": request.method,
                "url": str(request.url),
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": _headers(request.headers),
                "queryString": [{"name": k, "value": v} for k, v in request.url.params.multi_items()],
                "headersSize": -1,
                "bodySize": len(request.content),
                **_post_data(request),
            },
            "response": {
                "status": response.status_code,
                "statusText": response.reason_phrase,
                "httpVersion": "HTTP/1.1",
                "cookies": [],
                "headers": _headers(response.headers),
                "content": {
                    "size": len(content),
                    "mimeType": response.headers.get("content-type", ""),
                    "text": content.decode("utf-8", "replace"),
                },
                "redirectURL": response.headers.get("location", ""),
                "headersSize": -1,
                "bodySize": len(content),
            },
            "cache": {},
            "timings": {"send": 0, "wait": round((ended - started) * 1000, 3), "receive": 0},
            "_ftjobs_source": source,
        }
        with self._lock:
            self._entries.append(entry)

    def write(self, path: Path) -> None:
        with self._lock:
            entries = sorted(self._entries, key=lambda entry: entry["startedDateTime"])
        document = {
            "log": {
                "version": "1.2",
                "creator": {"name": "ftjobs contract", "version": __version__},
                "entries": entries,
            }
        }
        path.write_text(json.dumps(document, ensure_ascii=False) + "\n", encoding="utf-8")


def _headers(headers: httpx.Headers) -> list[dict[str, str]]:
    return [{"name": k, "value": REDACTED if is_secret(k) else v} for k, v in headers.multi_items()]


def _post_data(request: httpx.Request) -> dict[str, Any]:
    if not request.content:
        return {}
    text = request.content.decode("utf-8", "replace")
    return {"postData": {"mimeType": request.headers.get("content-type", ""), "text": text}}
