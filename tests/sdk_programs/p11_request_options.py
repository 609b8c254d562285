"""The SDK's per-request options on every call: extra_headers, extra_query, extra_body, timeout."""

from openai import OpenAI

client = OpenAI()
job = client.fine_tuning.jobs.create(
    model="gpt-4o-mini",
    training_file="file-extra",
    extra_body={"seed": 1234, "suffix": "from-extra-body"},
    extra_headers={"X-Trace": "abc"},
    timeout=30,
)
print("created", job.seed, job.model_dump().get("user_provided_suffix"))

again = client.fine_tuning.jobs.retrieve(job.id, extra_headers={"X-Trace": "def"}, extra_query={"api-version": "v1"})
print("retrieved", again.id == job.id)
events = client.fine_tuning.jobs.list_events(job.id, limit=2, timeout=10.0, extra_query={"api-version": "v1"})
print("events", len(events.data))
cancelled = client.fine_tuning.jobs.cancel(job.id, extra_headers={"Idempotency-Key": "cancel-1"}, timeout=15)
print("cancelled", cancelled.status)
