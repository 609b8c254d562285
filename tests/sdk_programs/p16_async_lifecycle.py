"""The async client: create several jobs concurrently, pause and resume one, cancel the rest."""

import asyncio

from openai import AsyncOpenAI


async def main() -> None:
    client = AsyncOpenAI()
    jobs = await asyncio.gather(
        *(client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=f"file-async-{n}") for n in range(3))
    )
    print("created", sorted(job.status for job in jobs))
    first = jobs[0]
    while (await client.fine_tuning.jobs.retrieve(first.id)).status != "running":
        await asyncio.sleep(0.05)
    print("paused", (await client.fine_tuning.jobs.pause(fine_tuning_job_id=first.id)).status)
    print("resumed", (await client.fine_tuning.jobs.resume(first.id)).status in ("queued", "running"))
    cancelled = await asyncio.gather(*(client.fine_tuning.jobs.cancel(job.id) for job in jobs))
    print("cancelled", [job.status for job in cancelled])
    print("dump", cancelled[0].model_dump(include={"status", "object"}))
    await client.close()


asyncio.run(main())
