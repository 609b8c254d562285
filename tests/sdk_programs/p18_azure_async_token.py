"""AsyncAzureOpenAI with a token provider (Entra ID in production; here the server accepts its key as a token)."""

import asyncio
import os

from openai import AsyncAzureOpenAI


async def main() -> None:
    calls = 0

    def token() -> str:
        nonlocal calls
        calls += 1
        return os.environ["AZURE_OPENAI_API_KEY"]

    client = AsyncAzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], azure_ad_token_provider=token, api_version="2024-10-21"
    )
    job = await client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-token")
    print("created", job.status, "token asked", calls > 0)
    print("cancelled", (await client.fine_tuning.jobs.cancel(job.id)).status)
    await client.close()


asyncio.run(main())
