"""The clients by their public names: `Client`/`AsyncClient` (alias `OpenAI`/`AsyncOpenAI`), the Azure ones.

The async client is written in `ftjobs._async`; the sync client is generated from it into `ftjobs._sync`.
"""

from __future__ import annotations

from ftjobs._async._client import AsyncAzureOpenAI, AsyncClient, DefaultAsyncHttpxClient
from ftjobs._base_client import job_path
from ftjobs._config import NOT_GIVEN, NotGiven, Omit, omit
from ftjobs._sync._client import AzureOpenAI, Client, DefaultHttpxClient

__all__ = [
    "NOT_GIVEN",
    "AsyncAzureOpenAI",
    "AsyncClient",
    "AsyncOpenAI",
    "AzureOpenAI",
    "Client",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "NotGiven",
    "Omit",
    "OpenAI",
    "job_path",
    "omit",
]

# The openai SDK's names: one implementation.
OpenAI = Client
AsyncOpenAI = AsyncClient
