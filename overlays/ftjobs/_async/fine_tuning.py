"""`client.fine_tuning`: the home of `jobs`."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from ftjobs._async.jobs import AsyncJobs, AsyncJobsWithRawResponse, AsyncJobsWithStreamingResponse

if TYPE_CHECKING:
    from ftjobs._async._sending import AsyncAPIClient


class AsyncFineTuning:
    """`client.fine_tuning`."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self.jobs = AsyncJobs(client)

    @cached_property
    def with_raw_response(self) -> AsyncFineTuningWithRawResponse:
        """`client.fine_tuning.with_raw_response.jobs…`."""
        return AsyncFineTuningWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncFineTuningWithStreamingResponse:
        """`client.fine_tuning.with_streaming_response.jobs…`."""
        return AsyncFineTuningWithStreamingResponse(self)


class AsyncFineTuningWithRawResponse:
    """`client.fine_tuning.with_raw_response.jobs…`."""

    def __init__(self, fine_tuning: AsyncFineTuning) -> None:
        self.jobs = AsyncJobsWithRawResponse(fine_tuning.jobs)


class AsyncFineTuningWithStreamingResponse:
    """`client.fine_tuning.with_streaming_response.jobs…`."""

    def __init__(self, fine_tuning: AsyncFineTuning) -> None:
        self.jobs = AsyncJobsWithStreamingResponse(fine_tuning.jobs)
