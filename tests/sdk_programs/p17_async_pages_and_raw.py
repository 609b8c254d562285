"""Async pagination (awaited pages, async for) and async raw responses."""

import asyncio

import openai


async def main() -> None:
    async with openai.AsyncOpenAI() as client:
        for n in range(5):
            await client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=f"file-apage-{n}")
        page = await client.fine_tuning.jobs.list(limit=2)
        count = len(page.data)
        while page.has_next_page():
            page = await page.get_next_page()
            count += len(page.data)
        print("pages walked", count)
        ids = [job.id async for job in client.fine_tuning.jobs.list(limit=2)]
        print("async for", len(ids), len(set(ids)))
        raw = await client.fine_tuning.jobs.with_raw_response.retrieve(ids[0])
        print("raw", raw.status_code, raw.parse().id == ids[0])
        events = await client.fine_tuning.jobs.list_events(ids[0])
        print("events", events.data[-1].message.startswith("Created"), events.to_dict()["has_more"])
        for job_id in ids:
            await client.fine_tuning.jobs.cancel(job_id)
        print("done", {job.status async for job in client.fine_tuning.jobs.list()})


asyncio.run(main())
