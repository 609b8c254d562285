"""Read what a job holds by the API's field names: the method's type, each integration's type and project."""

from openai import OpenAI

client = OpenAI(max_retries=0)
job = client.fine_tuning.jobs.create(
    model="gpt-4o-mini-2024-07-18",
    training_file="file-abc123",
    method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2}}},
    integrations=[{"type": "wandb", "wandb": {"project": "pause-study"}}],
)
method, integrations = job.method, job.integrations or []
assert method is not None
assert method.supervised is not None
assert method.supervised.hyperparameters is not None
print("method:", method.type, method.supervised.hyperparameters.n_epochs)
for integration in integrations:
    print("integration:", integration.type, integration.wandb.project)
    print("dumped:", sorted(integration.model_dump()), integration.model_dump()["type"])
print("wandb dumped:", integration.wandb.model_dump(exclude_none=True))
print("method json:", method.model_dump_json(exclude_none=True)[:40])
print("in dict(job):", type(dict(job)["method"]).__name__ != "dict")
client.fine_tuning.jobs.cancel(job.id)
