"""After a job succeeds: its events (newest first) and checkpoints with their metrics."""

import time

from openai import OpenAI

client = OpenAI()
job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-events", hyperparameters={"n_epochs": 2})
while client.fine_tuning.jobs.retrieve(job.id).status != "succeeded":
    time.sleep(0.05)

events = client.fine_tuning.jobs.list_events(fine_tuning_job_id=job.id, limit=50)
for event in events.data:
    print(event.level, event.type, event.message)
print("event dump", events.data[0].model_dump(exclude_none=True))

checkpoints = client.fine_tuning.jobs.checkpoints.list(job.id)
for checkpoint in checkpoints:
    print(checkpoint.step_number, checkpoint.metrics.train_loss, checkpoint.fine_tuned_model_checkpoint.split(":")[-1])
print("page dump", checkpoints.model_dump()["has_more"], len(checkpoints.model_dump()["data"]))
