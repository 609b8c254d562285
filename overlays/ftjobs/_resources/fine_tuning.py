"""`client.fine_tuning`: the home of `jobs`."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from ftjobs._resources.jobs import AsyncJobs, AsyncJobsWithRawResponse, Jobs, JobsWithRawResponse

if TYPE_CHECKING:
    from ftjobs._sending import AsyncAPIClient, SyncAPIClient


class FineTuning:
    """`client.fine_tuning`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self.jobs = Jobs(client)

    @cached_property
    def with_raw_response(self) -> FineTuningWithRawResponse:
        return FineTuningWithRawResponse(self)


class AsyncFineTuning:
    """`client.fine_tuning` (async)."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self.jobs = AsyncJobs(client)

    @cached_property
    def with_raw_response(self) -> AsyncFineTuningWithRawResponse:
        return AsyncFineTuningWithRawResponse(self)


class FineTuningWithRawResponse:
    """`client.fine_tuning.with_raw_response.jobs…`."""

    def __init__(self, fine_tuning: FineTuning) -> None:
        self.jobs = JobsWithRawResponse(fine_tuning.jobs)


class AsyncFineTuningWithRawResponse:
    """`client.fine_tuning.with_raw_response.jobs…` (async)."""

    def __init__(self, fine_tuning: AsyncFineTuning) -> None:
        self.jobs = AsyncJobsWithRawResponse(fine_tuning.jobs)
