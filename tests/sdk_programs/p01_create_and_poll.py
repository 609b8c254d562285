"""Create a job with hyperparameters and poll it until it trains, then until it ends."""

import time

from openai import OpenAI

client = OpenAI()

job = client.fine_tuning.jobs.create(
    model="gpt-4o-mini-2024-07-18",
    training_file="file-train-001",
    validation_file="file-valid-001",
    suffix="support-bot",
    seed=42,
    hyperparameters={"n_epochs": 3, "batch_size": 8},
)
print("created", job.id, job.status, job.model, job.seed, job.training_file, job.validation_file)

while job.status not in ("succeeded", "failed", "cancelled"):
    time.sleep(0.05)
    job = client.fine_tuning.jobs.retrieve(job.id)

print("finished", job.status, job.fine_tuned_model, job.trained_tokens, job.finished_at is not None)
if job.hyperparameters is not None:
    print("epochs", job.hyperparameters.n_epochs, "batch", job.hyperparameters.batch_size)
print("result files", len(job.result_files))
