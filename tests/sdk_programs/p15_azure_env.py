"""AzureOpenAI configured only by the environment (endpoint, key, OPENAI_API_VERSION)."""
# env: OPENAI_API_VERSION=2025-04-01-preview

from openai import AzureOpenAI

client = AzureOpenAI()
job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-azure-env")
print("created", job.status)
page = client.fine_tuning.jobs.list_events(job.id)
print("events", [event.message.split(":")[0] for event in page.data])
print("cancelled", client.fine_tuning.jobs.cancel(job.id).status)
