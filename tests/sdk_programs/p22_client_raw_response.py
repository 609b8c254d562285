"""Ask the client itself for raw answers, `client.with_raw_response.fine_tuning.jobs…` (as Portkey's SDK does)."""

from openai import OpenAI

client = OpenAI()
raw = client.with_raw_response.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-raw-client")
print("create", raw.status_code, raw.headers.get("content-type"))
job = raw.parse()
print("status", job.status, job.training_file)
listed = client.with_raw_response.fine_tuning.jobs.list(limit=1)
print("list", listed.status_code, [item.id == job.id for item in listed.parse().data])
print("cancel", client.fine_tuning.jobs.cancel(job.id).status)
