"""`client.fine_tuning.jobs.checkpoints`: a job's checkpoints, newest first."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from ftjobs._async._pages import async_pages
from ftjobs._base_client import checkpoint_model, job_path
from ftjobs._config import NOT_GIVEN, NotGiven, Timeout
from ftjobs._params import Body, Headers, Query, page_params
from ftjobs._response import async_to_raw_response_wrapper, options
from ftjobs._streaming import async_to_streamed_response_wrapper

if TYPE_CHECKING:
    from ftjobs._async._sending import AsyncAPIClient
    from ftjobs._models import FineTuningJobCheckpoint
    from ftjobs._pagination import AsyncPaginator


class AsyncCheckpoints:
    """`client.fine_tuning.jobs.checkpoints`."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def list(
        self,
        fine_tuning_job_id: str,
        *,
        after: str | NotGiven | None = NOT_GIVEN,
        limit: int | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[FineTuningJobCheckpoint]:
        """The first page of the job's checkpoints, newest first; iterating it walks every page."""
        call = options(extra_headers, extra_query, extra_body, timeout)
        path = job_path(fine_tuning_job_id, "checkpoints")
        return async_pages(self._client, path, checkpoint_model(), page_params(after, limit), call)

    @cached_property
    def with_raw_response(self) -> AsyncCheckpointsWithRawResponse:
        """The same methods, answering the raw `APIResponse`."""
        return AsyncCheckpointsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncCheckpointsWithStreamingResponse:
        """The same methods, each a context manager around its answer."""
        return AsyncCheckpointsWithStreamingResponse(self)


class AsyncCheckpointsWithRawResponse:
    """`checkpoints.with_raw_response`: each method answers its `APIResponse`."""

    def __init__(self, checkpoints: AsyncCheckpoints) -> None:
        self.list = async_to_raw_response_wrapper(checkpoints.list)


class AsyncCheckpointsWithStreamingResponse:
    """`checkpoints.with_streaming_response`: each method a context manager around its streamed answer."""

    def __init__(self, checkpoints: AsyncCheckpoints) -> None:
        self.list = async_to_streamed_response_wrapper(checkpoints.list)
