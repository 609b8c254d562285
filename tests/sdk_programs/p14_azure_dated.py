"""Azure OpenAI's most common form: an endpoint, a key and a dated api_version (the dated data plane; the
version that has pause and resume, 2025-04-01-preview: the GA 2024-10-21 has neither route)."""

import os
import time

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2025-04-01-preview",
)
job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file="file-azure", suffix="contoso")
print("created", job.status, job.model)
while client.fine_tuning.jobs.retrieve(job.id).status != "running":
    time.sleep(0.05)
print("paused", client.fine_tuning.jobs.pause(job.id).status)
print("resumed", client.fine_tuning.jobs.resume(job.id).status in ("queued", "running"))
print("listed", [j.id for j in client.fine_tuning.jobs.list(limit=5)] == [job.id])
print("cancelled", client.fine_tuning.jobs.cancel(job.id).status)
try:
    client.fine_tuning.jobs.retrieve("ftjob-missing")
except Exception as e:
    print("missing", type(e).__name__, getattr(e, "status_code", None))
