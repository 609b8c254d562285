"""Catch any library error with `openai.OpenAIError`, the way most programs guard their API calls."""

import os

import openai
from openai import OpenAI

client = OpenAI(max_retries=0)
try:
    client.fine_tuning.jobs.retrieve("ftjob-does-not-exist")
except openai.OpenAIError as e:
    print("caught", type(e).__name__, isinstance(e, openai.APIError), isinstance(e, openai.NotFoundError))

key = os.environ.pop("OPENAI_API_KEY")
try:
    OpenAI()
except openai.OpenAIError:
    print("no key: caught as OpenAIError")
os.environ["OPENAI_API_KEY"] = key

print("APIError is an OpenAIError:", issubclass(openai.APIError, openai.OpenAIError))
