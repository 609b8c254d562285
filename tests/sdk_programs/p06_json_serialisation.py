"""Write a job out as JSON for a report: model_dump_json, to_json, to_dict."""

import json

from openai import OpenAI

client = OpenAI()
job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-json", suffix="report", seed=11)

print(job.model_dump_json(indent=2))
print(job.model_dump_json())
print(job.to_json())
print(job.to_json(indent=None))
as_dict = job.to_dict()
print(json.dumps(as_dict, indent=2, sort_keys=True))
print(json.loads(job.model_dump_json()) == job.model_dump(mode="json"))
