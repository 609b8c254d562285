"""Lost answers on real sockets: "may have reached the server" is checked against what httpx really raises when a
server closes after reading the request, stops in the middle of the body, or never answers."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

import ftjobs
from ftjobs.testing import free_port
from tests.client.conftest import KEY, example

JOB = json.dumps(example("JobPaused")).encode()
RUNNING = json.dumps(example("JobPaused") | {"status": "running"}).encode()
REFUSED = json.dumps({"error": {"message": "not running", "type": "invalid_request_error", "code": None}}).encode()


def answer(status: int, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    return head.encode() + body


@contextmanager
def scripted(*steps: bytes | str) -> Iterator[tuple[str, list[str]]]:
    """A server that reads one request per connection and then, step by step: sends bytes, or `close`s at once,
    sends half a body (`partial`), or stays `silent`. Yields its base URL and the request lines it read."""
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[str] = []
    held: list[socket.socket] = []
    script = list(steps)

    def serve() -> None:
        while script:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
            seen.append(data.split(b"\r\n", 1)[0].decode())
            step = script.pop(0)
            if step == "silent":
                held.append(connection)
                continue
            if step == "partial":
                connection.sendall(answer(200, JOB)[:-40])
            elif isinstance(step, bytes):
                connection.sendall(step)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1", seen
    finally:
        listener.close()
        for connection in held:
            connection.close()
        thread.join(5)


@contextmanager
def client(base_url: str, max_retries: int = 2) -> Iterator[ftjobs.Client]:
    # A fresh connection per attempt, as each scripted step is one connection; closed here (ftjobs closes
    # only the HTTP clients it made).
    with httpx.Client(timeout=1.0, limits=httpx.Limits(max_keepalive_connections=0)) as http:
        yield ftjobs.Client(api_key=KEY, base_url=base_url, max_retries=max_retries, http_client=http)


@pytest.mark.parametrize("lost", ["close", "partial", "silent"])
def test_pause_whose_answer_was_lost_is_confirmed_by_one_read(lost: str) -> None:
    """The first pause reached the server and its answer was lost; the retry is refused; one read shows `paused`."""
    with scripted(lost, answer(400, REFUSED), answer(200, JOB)) as (base_url, seen), client(base_url) as ftjobs_client:
        job = ftjobs_client.fine_tuning.jobs.pause("ftjob-abc123")
    assert job.status == "paused"
    assert [line.split(" ")[0] for line in seen] == ["POST", "POST", "GET"]


def test_a_connection_refused_never_counts_as_reached() -> None:
    """Nothing listening: a connect error is not "may have reached"; the call fails typed, after its retries."""
    port = free_port()
    with (
        client(f"http://127.0.0.1:{port}/v1", max_retries=1) as ftjobs_client,
        pytest.raises(ftjobs.APIConnectionError),
    ):
        ftjobs_client.fine_tuning.jobs.pause("ftjob-abc123")


@pytest.mark.parametrize("lost", ["close", "partial", "silent"])
def test_create_whose_answer_was_lost_is_found_not_repeated(lost: str) -> None:
    """The create reached the server and its answer was lost: the list finds the job; one POST only."""
    made = example("JobPaused") | {"id": "ftjob-made", "training_file": "file-abc123", "model": "gpt-4o-mini"}
    made["created_at"] = int(time.time())
    listing = json.dumps({"object": "list", "data": [made], "has_more": False}).encode()
    with scripted(lost, answer(200, listing)) as (base_url, seen), client(base_url) as ftjobs_client:
        job = ftjobs_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-abc123")
    assert job.id == "ftjob-made"
    assert [line.split(" ")[0] for line in seen] == ["POST", "GET"]


def test_each_lost_answer_is_typed_when_retries_run_out() -> None:
    """close, partial, silent: the last failure comes out as an ftjobs connection or timeout error."""
    with (
        scripted("close", "partial", "silent") as (base_url, _),
        client(base_url) as ftjobs_client,
        pytest.raises(ftjobs.APIConnectionError),
    ):
        ftjobs_client.fine_tuning.jobs.retrieve("ftjob-abc123")
