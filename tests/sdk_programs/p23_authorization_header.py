"""Send a gateway's own `Authorization` header, through `default_headers` or per call, instead of the api key."""

import os

from openai import OpenAI

token = os.environ["OPENAI_API_KEY"]  # what the gateway in front of the API expects
gateway = OpenAI(api_key="sk-not-this-one", default_headers={"Authorization": f"Bearer {token}"}, max_retries=0)
print("default_headers:", type(gateway.fine_tuning.jobs.list(limit=1).data).__name__)
per_call = OpenAI(api_key="sk-nor-this-one", max_retries=0)
page = per_call.fine_tuning.jobs.list(limit=1, extra_headers={"Authorization": f"Bearer {token}"})
print("extra_headers:", type(page.data).__name__)
