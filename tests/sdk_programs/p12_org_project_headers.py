"""Organization and project on the client, as sent on the wire (seen by the HTTP client's event hook)."""

from typing import Any

import openai
from openai import OpenAI

sent: list[tuple[str, str | None, str | None]] = []


def record(request: Any) -> None:
    sent.append((request.method, request.headers.get("openai-organization"), request.headers.get("openai-project")))


http_client = openai.DefaultHttpxClient(event_hooks={"request": [record]})
client = OpenAI(organization="org-acme", project="proj-tuning", http_client=http_client)
print("client", client.organization, client.project)
job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-org")
client.fine_tuning.jobs.cancel(job.id)
print("sent", sent)
http_client.close()
