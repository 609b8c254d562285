"""Handle the API's refusals the way SDK programs do: typed errors, status codes and the error body."""

import time

import openai
from openai import OpenAI

client = OpenAI(max_retries=0)

try:
    client.fine_tuning.jobs.retrieve("ftjob-does-not-exist")
except openai.NotFoundError as e:
    print("not found", e.status_code, e.body["message"] if isinstance(e.body, dict) else e.body)
    print("code", e.code, "param", e.param, "type", e.type, "request id", e.request_id is not None)

job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-errors")
try:
    client.fine_tuning.jobs.resume(job.id)
except openai.BadRequestError as e:
    print("refused", e.status_code, isinstance(e, openai.APIStatusError), e.response.status_code)
    print("body code", e.body["code"] if isinstance(e.body, dict) else None)

while client.fine_tuning.jobs.retrieve(job.id).status != "running":
    time.sleep(0.05)
client.fine_tuning.jobs.pause(job.id)
try:
    client.fine_tuning.jobs.pause(job.id)
except openai.APIStatusError as e:
    print("second pause", type(e).__name__, e.status_code)
client.fine_tuning.jobs.cancel(job.id)

bad = OpenAI(api_key="sk-wrong", max_retries=0)
try:
    bad.fine_tuning.jobs.list()
except openai.AuthenticationError as e:
    print("auth", e.status_code, e.code)
except openai.APIError as e:
    print("other", type(e).__name__)
