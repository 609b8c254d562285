"""Pause a running job and resume it, naming the job the way the SDK's reference does (`fine_tuning_job_id=`)."""

import time

from openai import OpenAI

client = OpenAI()
job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-train-002")

while client.fine_tuning.jobs.retrieve(fine_tuning_job_id=job.id).status != "running":
    time.sleep(0.05)

paused = client.fine_tuning.jobs.pause(fine_tuning_job_id=job.id)
print("pause answered", paused.status)
print("reads back", client.fine_tuning.jobs.retrieve(fine_tuning_job_id=job.id).status)

resumed = client.fine_tuning.jobs.resume(fine_tuning_job_id=job.id)
print("resume answered", resumed.status in ("queued", "running"))

cancelled = client.fine_tuning.jobs.cancel(job.id)
print("cancel answered", cancelled.status)
