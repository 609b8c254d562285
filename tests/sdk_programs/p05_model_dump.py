"""Store job records as plain dicts: model_dump with its common options, and dict(job)."""

import time

from openai import OpenAI

client = OpenAI()
job = client.fine_tuning.jobs.create(
    model="gpt-4o-mini", training_file="file-dump", seed=7, metadata={"team": "search", "run": "7"}
)
while job.status != "succeeded":
    time.sleep(0.05)
    job = client.fine_tuning.jobs.retrieve(job.id)

print(job.model_dump())
print(job.model_dump(exclude_unset=True))
print(job.model_dump(exclude_none=True))
print(job.model_dump(mode="json"))
record = dict(job)
print(sorted(record), record["status"], record["metadata"])
print([name for name, _ in job][:5])
