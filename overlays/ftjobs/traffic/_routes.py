"""Which fine-tuning operation a recorded request called, under any base URL, and what the fragment says of it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ftjobs._spec import DATED, V1, Dialect, compile_schema, load_spec, resolve

if TYPE_CHECKING:
    import jsonschema_rs

# Everything below the base: the collection, a job, and what hangs off a job.
ROUTE = re.compile(r"^(?P<base>.*?)/fine_tuning/jobs(?:/(?P<job>[^/]+)(?:/(?P<tail>[a-z_]+))?)?/?$")
OPERATIONS = {
    ("GET", None, None): ("listPaginatedFineTuningJobs", "/fine_tuning/jobs"),
    ("POST", None, None): ("createFineTuningJob", "/fine_tuning/jobs"),
    ("GET", "job", None): ("retrieveFineTuningJob", "/fine_tuning/jobs/{fine_tuning_job_id}"),
    ("POST", "job", "pause"): ("pauseFineTuningJob", "/fine_tuning/jobs/{fine_tuning_job_id}/pause"),
    ("POST", "job", "resume"): ("resumeFineTuningJob", "/fine_tuning/jobs/{fine_tuning_job_id}/resume"),
    ("POST", "job", "cancel"): ("cancelFineTuningJob", "/fine_tuning/jobs/{fine_tuning_job_id}/cancel"),
    ("GET", "job", "events"): ("listFineTuningEvents", "/fine_tuning/jobs/{fine_tuning_job_id}/events"),
    ("GET", "job", "checkpoints"): (
        "listFineTuningJobCheckpoints",
        "/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints",
    ),
}
TRANSITIONS = {"pauseFineTuningJob": "pause", "resumeFineTuningJob": "resume", "cancelFineTuningJob": "cancel"}
PAGES = frozenset({"listPaginatedFineTuningJobs", "listFineTuningEvents", "listFineTuningJobCheckpoints"})


@dataclass(frozen=True, slots=True)
class Call:
    """A request to a fine-tuning operation: which one, on which job, with which query."""

    operation: str
    template: str
    job_id: str | None
    query: dict[str, str]
    dated: bool  # Azure's dated routes (`/openai/fine_tuning/...?api-version=2025-04-01-preview`)

    @property
    def transition(self) -> str | None:
        return TRANSITIONS.get(self.operation)

    @property
    def dialect(self) -> Dialect:
        """The fragment the exchange is judged by: Azure's dated one on the dated routes."""
        return DATED if self.dated else V1


@lru_cache(maxsize=8192)  # recorded traffic asks for the same URLs again and again (polls, pages)
def match(method: str, url: str, base_path: str | None = None, base_origin: str | None = None) -> Call | None:
    """The operation `method url` calls, or None when it is not a fine-tuning operation (under `base_path`).
    The answer is shared between calls with the same arguments: its `query` is not to be changed."""
    parts = urlsplit(url)
    if base_origin is not None and f"{parts.scheme}://{parts.netloc}".lower() != base_origin:
        return None
    found = ROUTE.match(parts.path)
    if found is None:
        return None
    base = found.group("base")
    if base_path is not None and base.rstrip("/") != base_path:
        return None
    key = (method.upper(), "job" if found.group("job") else None, found.group("tail"))
    named = OPERATIONS.get(key)
    if named is None:
        return None
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    dated = base.rstrip("/").endswith("/openai") and "api-version" in query
    job = found.group("job")
    return Call(named[0], named[1], unquote(job) if job else None, query, dated)


@cache
def operation(template: str, method: str, dialect: Dialect = V1) -> dict[str, Any]:
    spec: dict[str, Any] = load_spec(dialect)["paths"][template][method.lower()]
    return spec


@cache
def answer_validator(template: str, method: str, status: int, dialect: Dialect = V1) -> jsonschema_rs.Validator | None:
    """The validator of the JSON answer the dialect's fragment documents for `status` (or its `default`); None
    when it documents no body."""
    responses = operation(template, method, dialect)["responses"]
    response = resolve(responses.get(str(status), responses.get("default")), load_spec(dialect))
    schema = ((response or {}).get("content") or {}).get("application/json", {}).get("schema")
    return None if schema is None else compile_schema(schema, dialect)


@cache
def documented(template: str, method: str, status: int, dialect: Dialect = V1) -> bool:
    responses = operation(template, method, dialect)["responses"]
    return str(status) in responses or f"{status // 100}XX" in responses or "default" in responses


@cache
def request_validator(template: str, method: str, dialect: Dialect = V1) -> jsonschema_rs.Validator | None:
    body = resolve(operation(template, method, dialect).get("requestBody"), load_spec(dialect))
    schema = ((body or {}).get("content") or {}).get("application/json", {}).get("schema")
    return None if schema is None else compile_schema(schema, dialect)


@cache
def query_parameters(template: str, method: str, dialect: Dialect = V1) -> dict[str, dict[str, Any]]:
    """The operation's query parameters in the dialect's fragment: name → schema."""
    spec = load_spec(dialect)
    found: dict[str, dict[str, Any]] = {}
    for parameter in operation(template, method, dialect).get("parameters", []):
        parameter = resolve(parameter, spec)
        if parameter.get("in") == "query":
            found[parameter["name"]] = resolve(parameter.get("schema") or {}, spec)
    return found
