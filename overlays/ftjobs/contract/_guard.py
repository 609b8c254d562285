"""The run's one door to the server: every request of the suite, schemathesis' and the scenarios', passes here.

The rule, applied to the request line before anything is sent:

- A request that could change a job (any method but GET, HEAD and OPTIONS) may name a job that exists only
  when this run created it (its id came back in a create's answer that passed this door) or when the user named
  it for that action (`--pause-job`: pause and resume, by the scenarios alone, never cancel). Any other id the
  run has *seen* — in any answer that passed this door, or given by the user — is replaced
  by a fresh id that no server holds, so the server still answers (404, judged as usual) and nobody's job moves.
  (*Seen* means held under an id-naming key of an answer — `id`, `fine_tuning_job_id`, `last_id`, … — or in a
  `Location` header.)
  Ids never seen (made up by schemathesis' fuzzing: `0`, long or non-ASCII strings) go through as they are, so
  that how the server handles odd ids on pause, resume and cancel is still tested.
- An id that cannot name a job in a path (empty, `.` or `..`, which change the route) is replaced in every
  request, reads included, so that no answer of another route is judged as this operation's.

Why this cannot leak: schemathesis runs in its own process and knows only the loopback address of
`GuardProxy`, which forwards through the same `GuardedTransport` as the scenarios' own client. A client can
learn a real job's id only from an answer, and every answer is read whole and its strings recorded here before
the client gets it (over-collecting costs only fuzzing coverage); an id made up by chance would have to guess
a server's random id. The jobs to cancel at the end are the same record (`Guard.own`): nothing is read back
from schemathesis' files.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import httpx

from ftjobs.contract._common import json_or_none
from ftjobs.contract._har import HarLog

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
QUOTED = re.compile(r'"((?:[^"\\]|\\.){1,200})"')  # quoted tokens of an answer that is not JSON
COLLECTION = "/fine_tuning/jobs"
JOB_PREFIX = re.compile(r"/+fine_tuning/+jobs/")  # what comes before a job's id, below the base path
# Hop-by-hop headers (RFC 9110 §7.6.1) and those the proxy sets itself.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"}
)


def usable_id(job_id: object) -> bool:
    """Whether `job_id` can name a job in a path: a non-empty string that keeps the route it is put in."""
    return (
        isinstance(job_id, str)
        and job_id not in ("", ".", "..")
        and not any(c in job_id for c in "/?#%")
        and job_id.isprintable()
        and not any(c.isspace() for c in job_id)
    )


def _ids(value: Any, found: set[str]) -> None:
    """Every string held, at any depth, under a key that names an id (`id`, `*_id`, `*_ids`: where a client, or
    schemathesis' links, would take a job's id from); iteratively, since answers can nest deeply."""
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, under_id = stack.pop()
        if isinstance(item, str):
            if under_id:
                found.add(item)
        elif isinstance(item, dict):
            stack.extend((inner, under_id or _names_an_id(key)) for key, inner in item.items())
        elif isinstance(item, list):
            stack.extend((inner, under_id) for inner in item)


def _names_an_id(key: object) -> bool:
    return isinstance(key, str) and (key == "id" or key.endswith(("_id", "_ids", "Id")))


def unknown_id() -> str:
    """An id no server holds (random: it cannot be a user's job)."""
    return "ftjob-ftjobsguard" + secrets.token_hex(8)


@dataclass
class Guard:
    """Which jobs this run may change, learnt from what passes; and what was held back."""

    base_path: str  # the base URL's path, e.g. /v1 or /openai/v1
    named: dict[str, frozenset[str]] = field(default_factory=dict)  # job id → actions the user allowed
    seen: set[str] = field(default_factory=set)  # every id an answer held (see `record`), and the ids the user gave
    own: list[str] = field(default_factory=list)  # jobs this run's creates made, in order
    api_version: str | None = None  # sent with every request (`--api-version`), whatever the client put there
    redirected: int = 0  # state-changing requests sent to an unknown id instead of someone else's job
    unanswered_creates: int = 0  # creates whose answer never came: a job they made is unknown to the run
    unusable_ids: list[str] = field(default_factory=list)  # ids in create answers that cannot name a job
    har: HarLog = field(default_factory=HarLog, repr=False)  # every exchange, for the report folder
    source: str = "scenario"  # who the trusted door's requests are from now (`probe` while they break the contract)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.base_path = self.base_path.rstrip("/")

    def admit(self, method: str, url: httpx.URL, *, trusted: bool) -> httpx.URL:
        """The URL to send instead of `url`: the same, or with the job id replaced (see the module's rule).

        Jobs the user named are open only to `trusted` requests (the scenarios'), never to schemathesis'.
        """
        raw_path, _, query = url.raw_path.decode("ascii").partition("?")
        # The job's place, as a server that merges doubled slashes would find it too.
        prefix = JOB_PREFIX.match(raw_path[len(self.base_path) :]) if raw_path.startswith(self.base_path) else None
        if prefix is None:
            return url
        after = raw_path[len(self.base_path) + prefix.end() :]
        segment, slash, rest = after.partition("/")
        job_id = unquote(segment)
        action = rest.split("/")[0] if slash else ""
        if job_id in ("", ".", ".."):
            pass
        elif method.upper() in SAFE_METHODS or self._may_change(job_id, action, trusted):
            return url
        else:
            with self._lock:
                self.redirected += 1
        replaced = raw_path[: len(raw_path) - len(after)] + f"{unknown_id()}{slash}{rest}"
        return url.copy_with(raw_path=(replaced + (f"?{query}" if query else "")).encode("ascii"))

    def _may_change(self, job_id: str, action: str, trusted: bool) -> bool:
        with self._lock:
            if job_id in self.own or (trusted and action in self.named.get(job_id, frozenset())):
                return True
            # A slash inside the id (sent encoded) is routed to another id by a server that decodes it first.
            return job_id not in self.seen and job_id not in self.named and not any(c in job_id for c in "/\\")

    def record(self, content: bytes, location: str | None) -> None:
        """The ids an answer holds (see `_ids`; for an answer that is not JSON, every quoted token), and a
        `Location` header's last path segment: what a client could take a job's id from."""
        found: set[str] = set()
        body = json_or_none(content)
        if body is None:
            found.update(QUOTED.findall(content.decode("utf-8", "replace")))
        else:
            _ids(body, found)
        if location:
            found.add(unquote(location.rstrip("/").rsplit("/", 1)[-1].partition("?")[0]))
        with self._lock:
            self.seen.update(found)

    def is_create(self, method: str, url: httpx.URL) -> bool:
        path = url.raw_path.decode("ascii").partition("?")[0].rstrip("/")
        return method.upper() == "POST" and path == self.base_path + COLLECTION

    def lost_create(self) -> None:
        with self._lock:
            self.unanswered_creates += 1

    def learn(self, status: int, body: Any) -> None:
        """A create's answer: a 2xx naming a job adds it to the jobs this run made (to change and to cancel)."""
        if not 200 <= status < 300 or not isinstance(body, dict) or "id" not in body:
            return
        with self._lock:
            if not usable_id(body["id"]):
                self.unusable_ids.append(repr(body["id"])[:60])
            elif body["id"] not in self.own:
                self.own.append(body["id"])


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport that sends every request through `Guard`: ids replaced before, creates learnt after.

    The answer is returned with its raw bytes (not decoded), so that the proxy forwards it as the server sent it.
    `trusted` is the scenarios' door (jobs the user named are open to it); schemathesis' door is not trusted.
    """

    def __init__(self, guard: Guard, wire: httpx.BaseTransport, *, trusted: bool) -> None:
        self.guard, self.wire, self.trusted = guard, wire, trusted

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = self.guard.admit(request.method, request.url, trusted=self.trusted)
        if self.guard.api_version is not None:  # --api-version: on every request, schemathesis' included
            request.url = request.url.copy_set_param("api-version", self.guard.api_version)
        create = self.guard.is_create(request.method, request.url)
        started = time.time()
        try:
            response = self.wire.handle_request(request)
            try:
                raw = b"".join(response.iter_raw())
            finally:
                response.close()
        except httpx.HTTPError:
            if create:
                self.guard.lost_create()
            raise
        answer = httpx.Response(
            response.status_code, headers=response.headers, stream=httpx.ByteStream(raw), extensions=response.extensions
        )
        decoded = httpx.Response(response.status_code, headers=response.headers, stream=httpx.ByteStream(raw))
        try:
            content = decoded.read()
        except httpx.DecodingError:
            content = raw
        self.guard.record(content, response.headers.get("location"))  # before the client sees any id in it
        if create:
            self.guard.learn(response.status_code, json_or_none(content))
        source = self.guard.source if self.trusted else "schemathesis"
        self.guard.har.add(request, decoded, content, started, source)
        return answer

    def close(self) -> None:
        """Nothing: the wire is shared by both doors and closed by whoever opened it."""


class GuardProxy:
    """A loopback HTTP server that forwards every request through `transport` to `upstream` (an origin).

    A request whose answer does not come (a time-out, a refused connection) is answered by closing the
    connection, so that its client sees what it would have seen without the proxy. `unanswered` counts them.
    """

    def __init__(self, transport: httpx.BaseTransport, upstream: httpx.URL, timeout: float) -> None:
        self.transport, self.upstream, self.timeout = transport, upstream, timeout
        self.unanswered = 0
        self.unanswered_event = threading.Event()  # set on every unanswered request
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="ftjobs-guard", daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> GuardProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def forward(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> httpx.Response | None:
        kept = [(name, value) for name, value in headers if name.lower() not in HOP_BY_HOP | {"content-length"}]
        url = self.upstream.copy_with(raw_path=target.encode("ascii", "replace"))
        request = httpx.Request(
            method,
            url,
            headers=kept,
            content=body,
            extensions={"timeout": httpx.Timeout(self.timeout).as_dict()},
        )
        try:
            return self.transport.handle_request(request)
        except httpx.HTTPError:
            self.unanswered += 1
            self.unanswered_event.set()
            return None


def _handler(proxy: GuardProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms wait for the ACK

        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):  # every method, TRACE and QUERY included, is forwarded alike
                return self._forward
            raise AttributeError(name)

        def _forward(self) -> None:
            body = self._body()
            response = proxy.forward(self.command, self.path, list(self.headers.items()), body)
            if response is None:
                self.close_connection = True
                return
            content = b"".join(response.iter_raw())  # as the server sent it, still encoded
            self.send_response_only(response.status_code, response.reason_phrase)
            for name, value in _answer_headers(response, len(content), head=self.command == "HEAD"):
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        def _body(self) -> bytes:
            if "chunked" not in self.headers.get("transfer-encoding", "").lower():
                length = int(self.headers.get("content-length") or 0)
                return self.rfile.read(length) if length > 0 else b""
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
                pass
            return b"".join(chunks)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the suite reports what matters."""

    return Handler


def _answer_headers(response: httpx.Response, length: int, *, head: bool) -> Iterator[tuple[str, str]]:
    for name, value in response.headers.multi_items():
        lowered = name.lower()
        if lowered in HOP_BY_HOP or (lowered == "content-length" and not head):
            continue
        yield name, value
    if not head:
        yield "Content-Length", str(length)
