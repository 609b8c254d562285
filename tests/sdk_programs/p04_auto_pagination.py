"""Iterate every job across pages (auto-pagination) and count them by status."""

from collections import Counter

import openai

client = openai.OpenAI()
for n in range(7):
    client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=f"file-auto-{n}")

statuses: Counter[str] = Counter()
for job in client.fine_tuning.jobs.list(limit=3):
    statuses[job.status] += 1
print("jobs", sum(statuses.values()))

first = client.fine_tuning.jobs.list(limit=3)
print("first page only", len(first.data), "iter_pages", sum(1 for _ in first.iter_pages()))
all_ids = [job.id for job in client.fine_tuning.jobs.list()]
print("default page", len(all_ids), len(set(all_ids)))
