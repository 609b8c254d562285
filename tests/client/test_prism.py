"""Over real loopback HTTP against Prism, a peer mock server built from the fragment: every operation, many calls.

Prism validates each request against the fragment (an invalid one gets 422) and answers with bodies it
generates from the response schemas, so this checks what the client sends and what it can read.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

import ftjobs
from ftjobs.testing import free_port
from tests.conftest import ROOT, SPEC_PATH
from tests.processes import process_group

PRISM = ["npx", "--yes", "@stoplight/prism-cli@5.16.0", "mock", "--dynamic", "--host", "127.0.0.1"]
CALLS = 25
KINDS = {
    "list": ftjobs.FineTuningJob,
    "events": ftjobs.FineTuningJobEvent,
    "checkpoints": ftjobs.FineTuningJobCheckpoint,
}


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prism serving the fragment on a free loopback port; yields its base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("prism") / "prism.log"
    command = [*PRISM, "--port", str(port), str(SPEC_PATH)]
    with log.open("w") as sink, process_group(command, cwd=ROOT, output=sink) as process:
        deadline = time.monotonic() + 240
        while "Prism is listening" not in log.read_text():
            assert process.poll() is None, "Prism stopped:\n" + log.read_text()
            assert time.monotonic() < deadline, "Prism did not start:\n" + log.read_text()
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"


def test_every_operation_many_times(prism: str) -> None:
    """Each operation, called repeatedly, is accepted by Prism and read by the client without an exception."""
    read: set[str] = set()
    with ftjobs.Client(api_key="sk-prism", base_url=prism, max_retries=0) as client:
        jobs = client.fine_tuning.jobs
        for _ in range(CALLS):
            created = jobs.create(
                model="gpt-4o-mini",
                training_file="file-abc",
                method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2}}},
                metadata={"team": "search"},
                seed=7,
            )
            results: dict[str, Any] = {
                "create": created,
                "retrieve": jobs.retrieve("ftjob-abc123"),
                "pause": jobs.pause("ftjob-abc123"),
                "resume": jobs.resume("ftjob-abc123"),
                "cancel": jobs.cancel("ftjob-abc123"),
                "list": jobs.list(limit=3).data,
                "events": jobs.list_events("ftjob-abc123", limit=3).data,
                "checkpoints": jobs.checkpoints.list("ftjob-abc123", limit=3).data,
            }
            for name, result in results.items():
                wanted = KINDS.get(name, ftjobs.FineTuningJob)
                for item in result if isinstance(result, list) else [result]:
                    assert isinstance(item, wanted), f"{name} gave a {type(item).__name__}"
                    assert isinstance(getattr(item, "id", None), str), f"{name} gave an item without its id"
                    read.add(name)
    assert read >= {"create", "retrieve", "pause", "resume", "cancel"}  # lists Prism may answer empty


def test_prism_rejects_what_the_fragment_forbids(prism: str) -> None:
    """Prism enforces the fragment (so the test above is a real check): a missing key gets 401."""
    import httpx

    response = httpx.post(f"{prism}/fine_tuning/jobs/ftjob-abc123/pause")
    assert response.status_code == 401
    with ftjobs.Client(api_key="sk-prism", base_url=prism, max_retries=0) as client:
        with pytest.raises(ftjobs.APIStatusError) as refused:
            client.fine_tuning.jobs.create(model="", training_file="file-abc")
        assert refused.value.status_code in (400, 422)
