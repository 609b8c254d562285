"""`client.fine_tuning.jobs`: create, retrieve, list, pause, resume, cancel, list_events, and `wait`.

Every API method takes the openai SDK's names (`fine_tuning_job_id`, positional too) and request options
(`extra_headers`, `extra_query`, `extra_body`, `timeout`); `with_raw_response` gives each one's raw answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ftjobs._async._pages import async_pages
from ftjobs._async.checkpoints import (
    AsyncCheckpoints,
    AsyncCheckpointsWithRawResponse,
    AsyncCheckpointsWithStreamingResponse,
)
from ftjobs._base_client import event_model, job_model, job_path
from ftjobs._config import NOT_GIVEN, NotGiven, Timeout
from ftjobs._exceptions import APIConnectionError, InternalServerError, RateLimitError
from ftjobs._params import Body, Headers, Query, create_body, list_params, page_params
from ftjobs._response import async_to_raw_response_wrapper, options, respond
from ftjobs._streaming import async_to_streamed_response_wrapper
from ftjobs._wait import Waiter, async_sleep

if TYPE_CHECKING:
    from ftjobs._async._sending import AsyncAPIClient
    from ftjobs._models import FineTuningJob, FineTuningJobEvent
    from ftjobs._pagination import AsyncPaginator
    from ftjobs_api.models import FineTuneMethod, FineTuningIntegration, Hyperparameters


class AsyncJobs:
    """`client.fine_tuning.jobs`: create, list, retrieve, pause, resume, cancel, list_events, wait."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
        self.checkpoints = AsyncCheckpoints(client)

    async def create(
        self,
        *,
        model: str,
        training_file: str,
        hyperparameters: Hyperparameters | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        integrations: Iterable[FineTuningIntegration | Mapping[str, Any]] | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        method: FineTuneMethod | Mapping[str, Any] | NotGiven = NOT_GIVEN,
        seed: int | NotGiven | None = NOT_GIVEN,
        suffix: str | NotGiven | None = NOT_GIVEN,
        validation_file: str | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> FineTuningJob:
        """Create a job (`POST /fine_tuning/jobs`); a create whose answer was lost is never sent twice blindly."""
        body = create_body(
            model, training_file, hyperparameters, integrations, metadata, method, seed, suffix, validation_file
        )
        call = options(extra_headers, extra_query, extra_body, timeout)
        return self._client._job_result(await self._client._create(body, call), call)

    async def retrieve(
        self,
        fine_tuning_job_id: str,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> FineTuningJob:
        """The job (`GET /fine_tuning/jobs/{id}`)."""
        call = options(extra_headers, extra_query, extra_body, timeout)
        response = await self._client._request("GET", job_path(fine_tuning_job_id), options=call)
        return respond(response, self._client._job, call)

    async def pause(
        self,
        fine_tuning_job_id: str,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> FineTuningJob:
        """Pause a running job; answers it `paused` (`POST …/pause`, no body)."""
        call = options(extra_headers, extra_query, extra_body, timeout)
        return self._client._job_result(await self._client._transition(fine_tuning_job_id, "pause", call), call)

    async def resume(
        self,
        fine_tuning_job_id: str,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> FineTuningJob:
        """Resume a paused job; answers it `queued` or `running` (`POST …/resume`, no body)."""
        call = options(extra_headers, extra_query, extra_body, timeout)
        return self._client._job_result(await self._client._transition(fine_tuning_job_id, "resume", call), call)

    async def cancel(
        self,
        fine_tuning_job_id: str,
        *,
        extra_headers: Headers = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> FineTuningJob:
        """Cancel a job that has not ended, paused ones included (`POST …/cancel`, no body)."""
        call = options(extra_headers, extra_query, extra_body, timeout)
        return self._client._job_result(await self._client._transition(fine_tuning_job_id, "cancel", call), call)

    def list(
        self,
        *,
        after: str | NotGiven | None = NOT_GIVEN,
        limit: int | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[FineTuningJob]:
        """The first page of jobs, newest first; iterating it walks every page. `metadata` filters by its pairs."""
        call = options(extra_headers, extra_query, extra_body, timeout)
        return async_pages(self._client, "/fine_tuning/jobs", job_model(), list_params(after, limit, metadata), call)

    def list_events(
        self,
        fine_tuning_job_id: str,
        *,
        after: str | NotGiven | None = NOT_GIVEN,
        limit: int | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
    ) -> AsyncPaginator[FineTuningJobEvent]:
        """The first page of the job's events, newest first; iterating it walks every page."""
        call = options(extra_headers, extra_query, extra_body, timeout)
        path = job_path(fine_tuning_job_id, "events")
        return async_pages(self._client, path, event_model(), page_params(after, limit), call)

    async def wait(
        self,
        fine_tuning_job_id: str,
        *,
        until: Iterable[str] | str = ("succeeded",),
        timeout: float = 3600.0,
        poll_interval: float = 5.0,
        on_update: Callable[[FineTuningJob], object] | None = None,
        on_outage: Callable[[Exception | None], object] | None = None,
    ) -> FineTuningJob:
        """Poll the job until its status is one of `until`; returns that job (ftjobs' own; the SDK has none).

        Waits `poll_interval` seconds between polls, or what the server's `openai-poll-after-ms` says.
        `on_update(job)` is called whenever the status changes (and for the first poll). An outage —
        connection errors, timeouts, 429 and 5xx that outlast the call's retries — is waited out until
        `timeout`; `on_outage(error)` is called when one starts, `on_outage(None)` when it ends. Raises
        `JobEndedError` as soon as the job ends in a status not wanted, `JobWaitTimeout` after `timeout`.
        Each poll is one request (the wait itself rides out failures, so polls are not retried), bounded by
        what is left of `timeout`: the wait never outlasts it, even against a server that never answers.
        """
        waiter = Waiter(fine_tuning_job_id, until, timeout, poll_interval, on_update, on_outage)
        while True:
            try:
                poll = waiter.poll_options(self._client._settings.timeout)
                response = await self._client._once("GET", job_path(fine_tuning_job_id), options=poll)
            except (APIConnectionError, InternalServerError, RateLimitError) as error:
                await async_sleep(waiter.unreachable(error))
                continue
            waiter.reachable()
            job = self._client._job(response)
            delay = waiter.observe(job, response)
            if delay is None:
                return job
            await async_sleep(delay)

    @cached_property
    def with_raw_response(self) -> AsyncJobsWithRawResponse:
        """The same methods, answering the raw `APIResponse` (`.headers`, `.status_code`, `.parse()`)."""
        return AsyncJobsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncJobsWithStreamingResponse:
        """The same methods, each a context manager around its answer (the SDK's `with_streaming_response`)."""
        return AsyncJobsWithStreamingResponse(self)


class AsyncJobsWithRawResponse:
    """`jobs.with_raw_response`: each method answers its `APIResponse`."""

    def __init__(self, jobs: AsyncJobs) -> None:
        self.create = async_to_raw_response_wrapper(jobs.create)
        self.retrieve = async_to_raw_response_wrapper(jobs.retrieve)
        self.list = async_to_raw_response_wrapper(jobs.list)
        self.pause = async_to_raw_response_wrapper(jobs.pause)
        self.resume = async_to_raw_response_wrapper(jobs.resume)
        self.cancel = async_to_raw_response_wrapper(jobs.cancel)
        self.list_events = async_to_raw_response_wrapper(jobs.list_events)
        self.checkpoints = AsyncCheckpointsWithRawResponse(jobs.checkpoints)


class AsyncJobsWithStreamingResponse:
    """`jobs.with_streaming_response`: each method a context manager around its streamed answer."""

    def __init__(self, jobs: AsyncJobs) -> None:
        self.create = async_to_streamed_response_wrapper(jobs.create)
        self.retrieve = async_to_streamed_response_wrapper(jobs.retrieve)
        self.list = async_to_streamed_response_wrapper(jobs.list)
        self.pause = async_to_streamed_response_wrapper(jobs.pause)
        self.resume = async_to_streamed_response_wrapper(jobs.resume)
        self.cancel = async_to_streamed_response_wrapper(jobs.cancel)
        self.list_events = async_to_streamed_response_wrapper(jobs.list_events)
        self.checkpoints = AsyncCheckpointsWithStreamingResponse(jobs.checkpoints)
