"""A clean-up script: cancel every job that has not ended, report what it did as JSON lines."""

import json
import time

from openai import OpenAI

client = OpenAI()
for n in range(4):
    client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=f"file-cleanup-{n}")
first = client.fine_tuning.jobs.list(limit=1).data[0]
while client.fine_tuning.jobs.retrieve(first.id).status != "running":
    time.sleep(0.05)
client.fine_tuning.jobs.pause(first.id)

for job in client.fine_tuning.jobs.list():
    if job.status in ("succeeded", "failed", "cancelled"):
        continue
    before = job.status
    after = client.fine_tuning.jobs.cancel(job.id)
    print(json.dumps({"id": job.id, "before": before, "after": after.status}))
print(json.dumps(sorted({job.status for job in client.fine_tuning.jobs.list()})))
