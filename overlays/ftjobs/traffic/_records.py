"""Recorded exchanges, read from a HAR 1.2 file, a VCR.py cassette or ftjobs' own exchange log (NDJSON).

The format is recognised by content, not by name. Each reader yields `Recorded` exchanges one at a time; the
NDJSON reader reads a line at a time, so a log of any length is checked in constant memory. A file that cannot
be read raises `Unreadable` with one sentence saying which file and why.
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import httpx

try:  # the fast reader, with the contract extra (`pip install 'ftjobs[contract]'`); the standard library without
    import jiter as _jiter
except ImportError:  # pragma: no cover - the dev install has it
    _jiter = None  # type: ignore[assignment]

SNIFF = 4096  # bytes read to recognise the format


def loads(data: bytes | str) -> Any:
    """JSON, read by jiter when it is installed (as the standard library reads it: big integers, `NaN`, the last
    of repeated keys); what jiter refuses (a lone surrogate, nesting past its limit, a UTF-16 document) goes to the
    standard library, so that the verdicts are the same with or without it. Raises `ValueError` (or
    `RecursionError`) as `json.loads` does."""
    if _jiter is not None:
        try:
            return _jiter.from_json(
                data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data, allow_inf_nan=True
            )
        except ValueError:
            pass
    return json.loads(data)


class Unreadable(Exception):
    """A traffic file that cannot be read: the message names the file and says why, in one line."""


@dataclass(slots=True)
class Recorded:
    """One recorded request and its answer (None: the recording holds no answer), as bytes and header pairs."""

    place: str  # where in the file: "entry 3", "interaction 3", "line 3"
    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int | None
    response_headers: list[tuple[str, str]]
    response_body: bytes
    source: str | None = None  # who sent it, when the recording says (ftjobs contract marks its own probes)
    started: float | None = None  # when the request began (seconds since the epoch), when the recording says
    ended: float | None = None  # when the answer ended

    def header(self, name: str, *, response: bool = True) -> str | None:
        """A header's value (the first of that name, case-insensitive)."""
        wanted = name.lower()
        for key, value in self.response_headers if response else self.request_headers:
            if key.lower() == wanted:
                return value
        return None

    def exchange_parts(self) -> tuple[httpx.Request, httpx.Response | None]:
        """The exchange as httpx objects, for the report's curl line and answer (built only for a finding)."""
        request = httpx.Request(self.method, self.url, headers=self.request_headers, content=self.request_body)
        if self.status is None:
            return request, None
        headers = [(k, v) for k, v in self.response_headers if k.lower() not in ("content-encoding", "content-length")]
        return request, httpx.Response(self.status, headers=headers, content=self.response_body, request=request)


def read_traffic(path: Path) -> Iterator[Recorded]:
    """Every exchange the file holds, in the file's order; `Unreadable` when it is not a traffic file."""
    try:
        file = path.open("rb")
    except OSError as error:
        raise Unreadable(f"{path}: cannot be opened ({error.strerror or error})") from None
    with file:
        head = file.read(SNIFF)
        if b"\x00" in head:
            raise Unreadable(f"{path}: a binary file, not a HAR, a VCR.py cassette or an ftjobs exchange log")
        start = head.lstrip()[:1]
        file.seek(0)
        if not start:
            raise Unreadable(f"{path}: the file is empty")
        if start == b"{" and _is_ndjson(head):
            yield from _ndjson(path, file)
        elif start in (b"{", b"["):
            yield from _har(path, _load_json(path, file))
        else:
            yield from _cassette(path, file)


def _is_ndjson(head: bytes) -> bool:
    """An exchange log: its first line is a whole JSON object with a `request` member."""
    first = head.split(b"\n", 1)[0]
    try:
        line = json.loads(first)
    except ValueError:
        return False
    return isinstance(line, dict) and "request" in line and "log" not in line


def _load_json(path: Path, file: IO[bytes]) -> Any:
    try:
        return loads(file.read())
    except UnicodeDecodeError:
        raise Unreadable(f"{path}: not UTF-8 text") from None
    except RecursionError:
        raise Unreadable(f"{path}: JSON nested too deep to read") from None
    except ValueError as error:
        raise Unreadable(f"{path}: not a whole JSON document (truncated?): {error}") from None


# -- HAR 1.2 ---------------------------------------------------------------------------------------


def _har(path: Path, document: Any) -> Iterator[Recorded]:
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise Unreadable(f"{path}: JSON, but not a HAR file (no log.entries)")
    for number, entry in enumerate(entries, 1):
        place = f"entry {number}"
        try:
            yield _har_entry(place, entry)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise Unreadable(f"{path}: {place} is not a HAR entry ({type(error).__name__}: {error})") from None


def _har_entry(place: str, entry: dict[str, Any]) -> Recorded:
    request, response = entry["request"], entry.get("response") or {}
    post = request.get("postData") or {}
    body = _har_text(post.get("text"), post.get("encoding"))
    content = response.get("content") or {}
    status = response.get("status")
    answered = isinstance(status, int) and status > 0  # HAR writes 0 for a request that got no answer
    source = entry.get("_ftjobs_source")
    started = _instant(entry.get("startedDateTime"))
    took = entry.get("time")
    ended = started + took / 1000 if started is not None and isinstance(took, int | float) and took >= 0 else None
    return Recorded(
        place,
        str(request["method"]).upper(),
        str(request["url"]),
        _pairs(request.get("headers")),
        body,
        status if answered else None,
        _pairs(response.get("headers")) if answered else [],
        _har_text(content.get("text"), content.get("encoding")) if answered else b"",
        source if isinstance(source, str) else None,
        started,
        ended,
    )


def _instant(text: Any) -> float | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _har_text(text: Any, encoding: Any) -> bytes:
    if not isinstance(text, str):
        return b""
    if encoding == "base64":
        return base64.b64decode(text)
    return text.encode("utf-8", "surrogatepass")


def _pairs(headers: Any) -> list[tuple[str, str]]:
    if not isinstance(headers, list):
        return []
    try:  # as HAR writers write them: strings (`str.join` refuses anything else, in C: this runs for every header)
        names, values = [h["name"] for h in headers], [h["value"] for h in headers]
        "".join(names), "".join(values)
        return list(zip(names, values, strict=True))
    except (KeyError, TypeError):
        pass
    return [(str(h["name"]), str(h.get("value", ""))) for h in headers if isinstance(h, dict) and "name" in h]


# -- VCR.py cassettes ------------------------------------------------------------------------------


def _cassette(path: Path, file: IO[bytes]) -> Iterator[Recorded]:
    import yaml

    try:
        document = yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)
    except UnicodeDecodeError:
        raise Unreadable(f"{path}: not UTF-8 text") from None
    except yaml.YAMLError as error:
        shown = " ".join(str(error).split())[:160]
        raise Unreadable(f"{path}: neither JSON nor a YAML cassette (truncated?): {shown}") from None
    interactions = document.get("interactions") if isinstance(document, dict) else None
    if not isinstance(interactions, list):
        raise Unreadable(f"{path}: not a HAR file, a VCR.py cassette (no interactions) or an ftjobs exchange log")
    for number, interaction in enumerate(interactions, 1):
        place = f"interaction {number}"
        try:
            yield _interaction(place, interaction)
        except (KeyError, TypeError, ValueError, AttributeError, zlib.error, OSError) as error:
            raise Unreadable(f"{path}: {place} is not a VCR.py interaction ({type(error).__name__}: {error})") from None


def _interaction(place: str, interaction: dict[str, Any]) -> Recorded:
    request, response = interaction["request"], interaction.get("response")
    status = (response or {}).get("status")
    code = status.get("code") if isinstance(status, dict) else status
    response_headers = _vcr_headers((response or {}).get("headers"))
    body = (response or {}).get("body")
    raw = _bytes(body.get("string") if isinstance(body, dict) else body)
    return Recorded(
        place,
        str(request["method"]).upper(),
        str(request["uri"]),
        _vcr_headers(request.get("headers")),
        _bytes(request.get("body")),
        int(code) if isinstance(code, int) else None,
        response_headers,
        decoded_body(raw, response_headers),
    )


def _vcr_headers(headers: Any) -> list[tuple[str, str]]:
    if not isinstance(headers, dict):
        return []
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        for value in values if isinstance(values, list) else [values]:
            pairs.append((str(name), str(value)))
    return pairs


def _bytes(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


def decoded_body(raw: bytes, headers: list[tuple[str, str]]) -> bytes:
    """The body as the application read it: vcrpy keeps a compressed answer compressed (unless told otherwise)."""
    encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
    if encoding == "gzip" and raw[:2] == b"\x1f\x8b":
        return gzip.decompress(raw)
    if encoding == "deflate":
        return zlib.decompress(raw)
    if encoding == "br":
        import brotli  # type: ignore[import-not-found,unused-ignore]

        try:
            decoded: bytes = brotli.decompress(raw)
        except brotli.error as error:
            raise ValueError(f"not brotli: {error}") from None
        return decoded
    return raw


# -- ftjobs' exchange log --------------------------------------------------------------------------


def _ndjson(path: Path, file: IO[bytes]) -> Iterator[Recorded]:
    for number, line in enumerate(file, 1):
        if not line.strip():
            continue
        place = f"line {number}"
        try:
            entry = loads(line)
            yield from_log_entry(place, entry)
        except (ValueError, RecursionError):
            raise Unreadable(f"{path}: {place} is not a whole JSON object (truncated?)") from None
        except (KeyError, TypeError, AttributeError) as error:
            raise Unreadable(f"{path}: {place} is not an ftjobs exchange ({type(error).__name__}: {error})") from None


def from_log_entry(place: str, entry: dict[str, Any]) -> Recorded:
    """One line of the exchange log (`ftjobs.traffic.ExchangeLog` writes them) as a `Recorded` exchange."""
    request, response = entry["request"], entry.get("response")
    return Recorded(
        place,
        str(request["method"]),
        str(request["url"]),
        [(str(k), str(v)) for k, v in request["headers"]],
        _log_body(request),
        int(response["status"]) if response else None,
        [(str(k), str(v)) for k, v in response["headers"]] if response else [],
        _log_body(response) if response else b"",
        entry.get("source"),
        entry.get("started"),
        entry["started"] + entry["seconds"] if "started" in entry and "seconds" in entry else None,
    )


def _log_body(part: dict[str, Any]) -> bytes:
    if "body_base64" in part:
        return base64.b64decode(part["body_base64"])
    body = part.get("body")
    return b"" if body is None else str(body).encode("utf-8", "surrogatepass")
