"""Per-call configuration through client.with_options (retries, timeout, headers) and copies of a client."""

from openai import OpenAI

client = OpenAI()
job = client.with_options(max_retries=5, timeout=20.0).fine_tuning.jobs.create(
    model="gpt-4o-mini", training_file="file-options"
)
print("created with options", job.status)

patient = client.with_options(timeout=120.0, default_headers={"X-Team": "ml-platform"})
print("retrieved", patient.fine_tuning.jobs.retrieve(job.id).id == job.id)
print("max retries", client.max_retries, client.with_options(max_retries=0).max_retries)
print("copy", client.copy(max_retries=1).fine_tuning.jobs.list(limit=1).data[0].id == job.id)
print("cancelled", client.with_options(max_retries=1).fine_tuning.jobs.cancel(job.id).status)
