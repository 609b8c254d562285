"""The reference server's HTTP face: a Starlette app serving the fragment's eight operations.

Served under `/v1` (OpenAI-style base URL), `/openai/v1` (Azure's v1 API: `api-version` optional, `v1` or
`preview`) and `/openai` (Azure's dated data plane: `api-version` required and dated, `2024-10-21`, as Azure
requires it there; what the SDK's `AzureOpenAI(azure_endpoint=…, api_version=…)` talks to). The dated routes
answer in the dated dialect (`openapi/azure_dated.yaml`, see `_dated`): 201 and `Location` on create, `pending`,
Azure's error envelope; the GA version 2024-10-21 has no pause or resume route there. Every answer, errors
included, is JSON; every error is its dialect's envelope. Requests are checked against the fragment
before they reach the `JobStore`: credentials, then parameters, then the body. Bad input gets a 4xx
envelope, never a 500.
"""

from __future__ import annotations

import hmac
import json
import math
import re
import secrets
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ftjobs._azure import NO_PAUSE_VERSIONS
from ftjobs._config import DATED_VERSION
from ftjobs._spec import DATED, load_spec, schema_validator
from ftjobs.testing import _dated
from ftjobs.testing._store import NULL_METADATA, JobNotFound, JobStore, MetadataFilter, TransitionForbidden

MAX_BODY_BYTES = 1 << 20
# A job operation's path as sent (undecoded), so that an id containing an encoded `/` is still one id.
JOB_PATH = re.compile(
    r"^(?:/openai/v1|/v1|/openai)/fine_tuning/jobs/(?P<id>[^/]+)(?:/(?:pause|resume|cancel|events|checkpoints))?$"
)
MAX_ID_LENGTH = 256
API_VERSIONS = frozenset({"v1", "preview"})
AZURE_CREATE_FIELDS = frozenset({"trainingType"})  # Azure's samples send it; without it Azure refuses a create
# Azure's dated routes, which require a dated API version (`ftjobs._config.DATED_VERSION`, as the client tells them).
DATED_ROUTES = "/openai/fine_tuning/"
DATED_SUFFIX_LENGTH = 40  # "up to 40 characters", the dated spec's description of `suffix`

Handler = Callable[[Request], Awaitable[Response]]


class ApiError(Exception):
    """An answer in the fragment's error envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        kind: str = "invalid_request_error",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
        self.headers = headers

    def response(self, *, dated: bool = False) -> JSONResponse:
        """The answer; on the dated routes in Azure's dated envelope."""
        body = self.body
        if dated:
            error = self.body["error"]
            body = _dated.error(self.status, str(error["message"]), error["code"], error["param"])
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def create_app(store: JobStore | None = None, *, api_keys: Iterable[str] = ("sk-ftjobs-test",)) -> Starlette:
    """The reference server as an ASGI app, over `store` (a fresh `JobStore` if none), accepting `api_keys`."""
    api = _ReferenceApi(store if store is not None else JobStore(), [key.encode() for key in api_keys])
    routes = api.routes()
    app = Starlette(
        routes=[Mount("/v1", routes=routes), Mount("/openai/v1", routes=routes), Mount("/openai", routes=routes)],
        exception_handlers={HTTPException: api.routing_refusal, Exception: _server_error},
    )
    app.state.store = api.jobs
    app.add_middleware(_RequestId)
    return app


class _ReferenceApi:
    """The operations over one store: credentials and `api-version` checked, refusals answered as envelopes."""

    def __init__(self, jobs: JobStore, keys: list[bytes]) -> None:
        if not keys:
            raise ValueError("the reference server needs at least one API key")
        self.jobs, self.keys = jobs, keys
        schemas = load_spec()["components"]["schemas"]
        self.validate_create = schema_validator("CreateFineTuningJobRequest")
        self.create_fields = frozenset(schemas["CreateFineTuningJobRequest"]["properties"])
        self.validate_dated_create = schema_validator("CreateFineTuningJobRequest", DATED)
        dated_request = load_spec(DATED)["components"]["schemas"]["CreateFineTuningJobRequest"]
        self.dated_create_fields = frozenset(dated_request["properties"])
        # A job shows at most this many integrations (the request itself is not capped: deviation 28).
        self.max_integrations = next(
            int(branch["maxItems"])
            for branch in schemas["FineTuningJob"]["properties"]["integrations"]["anyOf"]
            if "maxItems" in branch
        )

    def routes(self) -> list[Route]:
        """The fine-tuning routes, mounted under each base by `create_app`."""
        job = "/fine_tuning/jobs/{fine_tuning_job_id}"
        return [
            # One route for both methods, so that a wrong method's 405 names both in `Allow`.
            Route("/fine_tuning/jobs", self.operation(self.jobs_collection), methods=["GET", "POST"]),
            Route(job, self.operation(self.retrieve), methods=["GET"]),
            Route(job + "/pause", self.operation(self.pause), methods=["POST"]),
            Route(job + "/resume", self.operation(self.resume), methods=["POST"]),
            Route(job + "/cancel", self.operation(self.cancel), methods=["POST"]),
            Route(job + "/events", self.operation(self.events), methods=["GET"]),
            Route(job + "/checkpoints", self.operation(self.checkpoints), methods=["GET"]),
        ]

    def authenticate(self, request: Request) -> None:
        presented = request.headers.get("api-key")
        if presented is None:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            presented = token.strip() if scheme.lower() == "bearer" else None
        if not presented:
            raise ApiError(
                401,
                "No API key provided: send `Authorization: Bearer <key>` or `api-key: <key>`.",
                code="missing_api_key",
            )
        if not any(hmac.compare_digest(presented.encode(), key) for key in self.keys):
            raise ApiError(401, "Incorrect API key provided.", code="invalid_api_key")

    @staticmethod
    def check_version(request: Request) -> None:
        version = request.query_params.get("api-version")
        if request.url.path.startswith(DATED_ROUTES):
            if version is None:
                raise ApiError(
                    400,
                    "Missing required query parameter 'api-version' (a dated version such as 2024-10-21).",
                    code="missing_api_version",
                    param="api-version",
                )
            if not DATED_VERSION.fullmatch(version):
                raise ApiError(
                    400,
                    f"Unsupported api-version {version[:40]!r}: the dated routes take a dated version "
                    "such as 2024-10-21 (the v1 API lives under /openai/v1).",
                    code="unsupported_api_version",
                    param="api-version",
                )
            if version in NO_PAUSE_VERSIONS and request.url.path.endswith(("/pause", "/resume")):
                raise _route_missing()
        elif version is not None and version not in API_VERSIONS:
            raise ApiError(400, "api-version must be 'v1' or 'preview'.", param="api-version")

    def operation(self, handler: Handler) -> Handler:
        """Wrap a handler: credentials, `api-version`, and the store's refusals as envelopes."""

        async def wrapped(request: Request) -> Response:
            dated = _is_dated(request)
            try:
                self.authenticate(request)
                self.check_version(request)
                return await handler(request)
            except ApiError as error:
                return error.response(dated=dated)
            except JobNotFound as missing:
                return _not_found(missing.job_id).response(dated=dated)
            except TransitionForbidden as refused:
                forbidden = ApiError(400, str(refused), code="invalid_job_status", param="fine_tuning_job_id")
                return forbidden.response(dated=dated)

        return wrapped

    @staticmethod
    def job_id(request: Request) -> str:
        value: str = request.path_params["fine_tuning_job_id"]
        if len(value) > MAX_ID_LENGTH:
            raise _not_found(value[:32] + "…")
        return value

    async def jobs_collection(self, request: Request) -> Response:
        return await (self.create if request.method == "POST" else self.list_jobs)(request)

    async def create(self, request: Request) -> Response:
        body = await _json_body(request)
        dated = _is_dated(request)
        if dated:
            known = self.dated_create_fields
        elif request.url.path.startswith("/openai"):
            known = self.create_fields | AZURE_CREATE_FIELDS  # Azure takes (and asks for) the deployment type
        else:
            known = self.create_fields
        unknown = sorted(set(body) - known) if isinstance(body, dict) else []
        if unknown:
            # The fragment leaves the request open (proxies pass unknown fields on); OpenAI refuses them.
            raise ApiError(400, f"Unrecognized request argument supplied: {unknown[0][:64]}", param=unknown[0][:64])
        # On the dated routes the dated request's schema first, then v1's (what the store can run).
        errors = [
            *(self.validate_dated_create.iter_errors(body) if dated else ()),
            *self.validate_create.iter_errors(body),
        ]
        if errors:
            first = errors[0]
            param = ".".join(str(part) for part in first.instance_path) or None
            pointer = "/" + "/".join(str(part) for part in first.instance_path)
            raise ApiError(400, f"Invalid request body at '{pointer}': {first.message}", param=param)
        suffix = body.get("suffix")
        if dated and isinstance(suffix, str) and len(suffix) > DATED_SUFFIX_LENGTH:
            raise ApiError(400, f"suffix takes at most {DATED_SUFFIX_LENGTH} characters.", param="suffix")
        integrations = body.get("integrations")
        if isinstance(integrations, list) and len(integrations) > self.max_integrations:
            # A job with more could not be shown within the contract: refused, as a file that does not exist is.
            raise ApiError(
                400,
                f"A job takes at most {self.max_integrations} integrations ({len(integrations)} given).",
                param="integrations",
            )
        job = self.jobs.create(body)
        if _is_dated(request):
            # Azure's dated create answers 201 with the job's address (post_finetuning_job.json).
            location = str(request.url.replace(query="")) + "/" + job["id"]
            return JSONResponse(_dated.job(job), status_code=201, headers={"Location": location})
        return JSONResponse(job)

    async def list_jobs(self, request: Request) -> Response:
        after, limit = _page_params(request, default_limit=20)
        data, more = self.jobs.list_jobs(after=after, limit=limit, metadata=_metadata_filter(request))
        return JSONResponse({"object": "list", "data": [self.shown(request, job) for job in data], "has_more": more})

    def shown(self, request: Request, job: dict[str, Any]) -> dict[str, Any]:
        """The job as this route's dialect shows it."""
        return _dated.job(job, resuming=self.jobs.was_resumed(job["id"])) if _is_dated(request) else job

    async def retrieve(self, request: Request) -> Response:
        return JSONResponse(self.shown(request, self.jobs.retrieve(self.job_id(request))))

    async def pause(self, request: Request) -> Response:
        return JSONResponse(self.shown(request, self.jobs.pause(self.job_id(request))))

    async def resume(self, request: Request) -> Response:
        return JSONResponse(self.shown(request, self.jobs.resume(self.job_id(request))))

    async def cancel(self, request: Request) -> Response:
        return JSONResponse(self.shown(request, self.jobs.cancel(self.job_id(request))))

    async def events(self, request: Request) -> Response:
        after, limit = _page_params(request, default_limit=20)
        data, more = self.jobs.list_events(self.job_id(request), after=after, limit=limit)
        if _is_dated(request):
            data = [_dated.event(event) for event in data]
        return JSONResponse({"object": "list", "data": data, "has_more": more})

    async def checkpoints(self, request: Request) -> Response:
        after, limit = _page_params(request, default_limit=10)
        data, more = self.jobs.list_checkpoints(self.job_id(request), after=after, limit=limit)
        first_id = data[0]["id"] if data else None
        last_id = data[-1]["id"] if data else None
        page = {"object": "list", "data": data, "first_id": first_id, "last_id": last_id, "has_more": more}
        return JSONResponse(page)

    async def routing_refusal(self, request: Request, exc: Exception) -> Response:
        """Routing refusals in the envelope; an id with an encoded `/` is an unknown id like any other."""
        if not isinstance(exc, HTTPException):  # Starlette routes only HTTPException here
            raise TypeError(exc)
        encoded = JOB_PATH.match(request.scope.get("raw_path", b"").decode("latin-1"))
        if exc.status_code == 404 and encoded is not None:
            try:
                self.authenticate(request)
            except ApiError as error:
                return error.response(dated=_is_dated(request))
            return _not_found(unquote(encoded.group("id"))[:MAX_ID_LENGTH]).response(dated=_is_dated(request))
        return await _http_exception(request, exc)


def _route_missing() -> ApiError:
    """Azure's answer for a route the resource (or the `api-version`) does not have."""
    return ApiError(404, "Resource not found", code="404")


def _is_dated(request: Request) -> bool:
    """Whether the request came by Azure's dated routes (answered in the dated dialect)."""
    return request.url.path.startswith(DATED_ROUTES)


def _not_found(job_id: str) -> ApiError:
    return ApiError(
        404, f"Fine-tuning job '{job_id}' not found.", code="fine_tune_not_found", param="fine_tuning_job_id"
    )


async def _json_body(request: Request) -> Any:
    media_type = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(400, f"Content-Type must be application/json, not '{media_type[:64]}'.")
    declared = request.headers.get("content-length", "0")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(400, f"Request body exceeds {MAX_BODY_BYTES} bytes.")
    chunks = bytearray()
    async for chunk in request.stream():
        chunks += chunk
        if len(chunks) > MAX_BODY_BYTES:
            raise ApiError(400, f"Request body exceeds {MAX_BODY_BYTES} bytes.")
    try:
        return json.loads(chunks, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        raise ApiError(400, "Request body is not valid JSON.") from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


METADATA_KEY = re.compile(r"^metadata\[(?P<key>.+)\]$")


def _metadata_filter(request: Request) -> MetadataFilter:
    """OpenAI's list filter: `metadata[k]=v` pairs (every one must match; `metadata[k]=` an empty value), or
    `metadata=null` for the jobs without metadata; the two forms together, or `metadata=` anything else, is a 400."""
    pairs: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        found = METADATA_KEY.match(name)
        if found is not None:
            pairs[found.group("key")] = value
    plain = request.query_params.getlist("metadata")
    if plain and plain != [NULL_METADATA]:
        raise ApiError(400, "metadata takes metadata[key]=value pairs, or metadata=null.", param="metadata")
    if plain and pairs:
        raise ApiError(400, "Filter with metadata[key]=value pairs or with metadata=null, not both.", param="metadata")
    if plain:
        return NULL_METADATA
    return pairs or None


def _page_params(request: Request, *, default_limit: int) -> tuple[str | None, int]:
    """`after` and `limit` from the query; `limit` may be an integral float (`5.0`), as JSON Schema allows."""
    after = request.query_params.get("after")
    raw = request.query_params.get("limit")
    if raw is None:
        return after, default_limit
    try:
        number = float(raw)
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number.is_integer() and number >= 1):
        raise ApiError(400, "limit must be an integer of at least 1.", param="limit")
    return after, int(number)


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Routing refusals (unknown path 404, wrong method 405) in the envelope."""
    if not isinstance(exc, HTTPException):  # Starlette routes only HTTPException here
        raise TypeError(exc)
    if exc.status_code == 404 and _is_dated(request):
        return _route_missing().response(dated=True)
    message = {404: "Unknown path.", 405: "Method not allowed."}.get(exc.status_code, exc.detail)
    return ApiError(exc.status_code, message, headers=dict(exc.headers or {})).response(dated=_is_dated(request))


async def _server_error(request: Request, exc: Exception) -> Response:
    return ApiError(500, "The server had an error while processing your request.", kind="server_error").response()


class _RequestId:
    """Adds `x-request-id` to every answer, as OpenAI does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = "req_" + secrets.token_hex(16)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)
