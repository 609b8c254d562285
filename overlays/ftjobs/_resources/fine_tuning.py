"""`client.fine_tuning`: the home of `jobs`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftjobs._resources.jobs import AsyncJobs, Jobs

if TYPE_CHECKING:
    from ftjobs._base_client import AsyncAPIClient, SyncAPIClient


class FineTuning:
    """`client.fine_tuning`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self.jobs = Jobs(client)


class AsyncFineTuning:
    """`client.fine_tuning` (async)."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self.jobs = AsyncJobs(client)
