"""`DefaultAioHttpClient`: the SDK's aiohttp-backed client, here on httpx-aiohttp's transport."""

from __future__ import annotations

import asyncio
import builtins
import importlib
import json
import subprocess
import sys
from typing import Any

import pytest

import ftjobs
from ftjobs.testing import contract_server


def test_the_async_client_runs_a_pause_over_aiohttp() -> None:
    """Create, cancel, and pause (refused: the job ended) through aiohttp against the reference server; the
    transport is aiohttp's, the defaults ftjobs'."""

    async def run(base_url: str, key: str) -> list[str]:
        http = ftjobs.DefaultAioHttpClient()
        assert type(http._transport).__module__.startswith("httpx_aiohttp")
        assert http.timeout.connect == 5.0
        async with http, ftjobs.AsyncOpenAI(base_url=base_url, api_key=key, http_client=http, max_retries=0) as client:
            job = await client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-abc123")
            cancelled = await client.fine_tuning.jobs.cancel(job.id)
            with pytest.raises(ftjobs.BadRequestError):
                await client.fine_tuning.jobs.pause(job.id)
            return [job.id[:6], str(cancelled.status)]

    with contract_server() as (base_url, key):
        assert asyncio.run(run(base_url, key)) == ["ftjob-", "cancelled"]


def test_without_the_extra_building_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """As the SDK's: the name exists, and building it raises `RuntimeError` naming the extra."""
    real_import = builtins.__import__

    def no_aiohttp(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("httpx_aiohttp"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_aiohttp)
    module = importlib.reload(importlib.import_module("ftjobs._aiohttp"))
    try:
        with pytest.raises(RuntimeError, match=r"ftjobs\[aiohttp\]"):
            module.DefaultAioHttpClient()
    finally:
        monkeypatch.undo()
        importlib.reload(module)


def test_import_ftjobs_does_not_load_aiohttp() -> None:
    """aiohttp takes a tenth of a second to import: `import ftjobs` and a client leave it unloaded."""
    probe = "import sys, ftjobs; ftjobs.AsyncOpenAI(api_key='k'); print(__import__('json').dumps(sorted(sys.modules)))"
    loaded = set(json.loads(subprocess.check_output([sys.executable, "-c", probe], text=True)))  # noqa: S603
    assert "aiohttp" not in loaded
    assert "ftjobs._aiohttp" not in loaded
