"""Reach a route through the client's own `get`/`post` (the SDK's way to call what it has no method for), and read
what the answers hold as the SDK's models give it: `metadata` a dict, extra fields by name."""

from typing import Any

import httpx
from openai import OpenAI

client = OpenAI(max_retries=0)
job = client.fine_tuning.jobs.create(
    model="gpt-4o-mini-2024-07-18", training_file="file-abc123", metadata={"team": "search"}
)
print("metadata:", type(job.metadata).__name__, job.metadata)
raw = client.get(f"/fine_tuning/jobs/{job.id}", cast_to=httpx.Response)
print("raw:", raw.status_code, raw.json()["id"] == job.id)
body: Any = client.get(f"/fine_tuning/jobs/{job.id}", cast_to=object)
print("as JSON:", body["status"], sorted(body)[:3])
cancelled: Any = client.post(f"/fine_tuning/jobs/{job.id}/cancel", cast_to=object)
print("cancelled through post:", cancelled["status"])
try:
    client.get("/fine_tuning/jobs/ftjob-does-not-exist", cast_to=object)
except Exception as error:  # the class name is the point
    print("missing:", type(error).__name__, getattr(error, "status_code", None))
