"""`client.fine_tuning.jobs.checkpoints`: a job's checkpoints, newest first."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from ftjobs._base_client import checkpoint_model, job_path
from ftjobs._config import NOT_GIVEN, NotGiven, Timeout
from ftjobs._pagination import AsyncPaginator, SyncPage
from ftjobs._resources._common import async_pages, page_params, sync_pages
from ftjobs._response import async_to_raw_response_wrapper, options, to_raw_response_wrapper

if TYPE_CHECKING:
    from ftjobs._models import FineTuningJobCheckpoint
    from ftjobs._sending import AsyncAPIClient, SyncAPIClient


class Checkpoints:
    """`client.fine_tuning.jobs.checkpoints`."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def list(
        self,
        fine_tuning_job_id: str,
        *,
        after: str | NotGiven | None = NOT_GIVEN,
        limit: int | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> SyncPage[FineTuningJobCheckpoint]:
        """A page of the job's checkpoints, newest first; iterating it walks every page."""
        call = options(extra_headers, extra_query, extra_body, timeout)
        params = page_params(after, limit)
        page: SyncPage[FineTuningJobCheckpoint] = sync_pages(
            self._client, job_path(fine_tuning_job_id, "checkpoints"), checkpoint_model(), params, call
        )
        return page

    @cached_property
    def with_raw_response(self) -> CheckpointsWithRawResponse:
        return CheckpointsWithRawResponse(self)


class AsyncCheckpoints:
    """`client.fine_tuning.jobs.checkpoints` (async)."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def list(
        self,
        fine_tuning_job_id: str,
        *,
        after: str | NotGiven | None = NOT_GIVEN,
        limit: int | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[FineTuningJobCheckpoint]:
        """`await` it for the first page of the job's checkpoints, or `async for` over every one."""
        call = options(extra_headers, extra_query, extra_body, timeout)
        params = page_params(after, limit)
        path = job_path(fine_tuning_job_id, "checkpoints")
        return async_pages(self._client, path, checkpoint_model(), params, call)

    @cached_property
    def with_raw_response(self) -> AsyncCheckpointsWithRawResponse:
        return AsyncCheckpointsWithRawResponse(self)


class CheckpointsWithRawResponse:
    def __init__(self, checkpoints: Checkpoints) -> None:
        self.list = to_raw_response_wrapper(checkpoints.list)


class AsyncCheckpointsWithRawResponse:
    def __init__(self, checkpoints: AsyncCheckpoints) -> None:
        self.list = async_to_raw_response_wrapper(checkpoints.list)
