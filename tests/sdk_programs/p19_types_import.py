"""A helper module typed with the SDK's model and page types."""

from openai import OpenAI
from openai.pagination import SyncCursorPage
from openai.types.fine_tuning import FineTuningJob, FineTuningJobEvent
from openai.types.fine_tuning.jobs import FineTuningJobCheckpoint


def summary(job: FineTuningJob) -> str:
    return f"{job.model}:{job.status}:{job.training_file}"


def messages(page: SyncCursorPage[FineTuningJobEvent]) -> list[str]:
    return [event.message for event in page.data]


def steps(page: SyncCursorPage[FineTuningJobCheckpoint]) -> list[int]:
    return [checkpoint.step_number for checkpoint in page.data]


client = OpenAI()
job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-types")
print(summary(job), isinstance(job, FineTuningJob))
events = client.fine_tuning.jobs.list_events(job.id)
print(messages(events)[-1].startswith("Created"), isinstance(events.data[0], FineTuningJobEvent))
print(steps(client.fine_tuning.jobs.checkpoints.list(job.id)))
client.fine_tuning.jobs.cancel(job.id)
