"""Organization and project from the SDK's environment variables."""
# env: OPENAI_ORG_ID=org-from-env
# env: OPENAI_PROJECT_ID=proj-from-env

from typing import Any

import openai

seen: list[str | None] = []


def project_of(request: Any) -> None:
    seen.append(request.headers.get("openai-project"))


with openai.DefaultHttpxClient(event_hooks={"request": [project_of]}) as http:
    client = openai.OpenAI(http_client=http)
    print("client", client.organization, client.project)
    print("jobs", len(client.fine_tuning.jobs.list().data))
    print("sent project", seen)
    explicit = openai.OpenAI(organization="org-explicit", http_client=http)
    print("explicit wins", explicit.organization)
