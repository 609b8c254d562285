"""Read the raw HTTP answer (headers, status) next to the parsed job: with_raw_response."""

import time

from openai import OpenAI

client = OpenAI()
raw = client.fine_tuning.jobs.with_raw_response.create(model="gpt-4o-mini", training_file="file-raw")
print("create", raw.status_code, raw.headers.get("content-type"), raw.http_response.status_code)
job = raw.parse()
print("parsed", job.status, job.training_file)

while client.fine_tuning.jobs.retrieve(job.id).status != "running":
    time.sleep(0.05)
paused = client.fine_tuning.jobs.with_raw_response.pause(job.id)
print("pause", paused.status_code, "x-request-id" in paused.headers, paused.parse().status)

listed = client.fine_tuning.jobs.with_raw_response.list(limit=1)
page = listed.parse()
print("list", listed.status_code, len(page.data), page.data[0].id == job.id)
events = client.fine_tuning.jobs.with_raw_response.list_events(job.id)
print("events", events.status_code, len(events.parse().data) > 0)
checkpoints = client.fine_tuning.jobs.checkpoints.with_raw_response.list(job.id)
print("checkpoints", checkpoints.status_code, type(checkpoints.parse().data).__name__)
print("cancel", client.fine_tuning.jobs.with_raw_response.cancel(job.id).parse().status)
