"""Checks that schemathesis runs next to its own, loaded into its process through `SCHEMATHESIS_HOOKS`.

- `configured_credentials_accepted`: schemathesis counts 401 as a documented, acceptable answer, so a wrong
  key would give a green run. A request that carries the credentials the suite was given must not get 401.
- `job_answer_names_the_path_id`: every operation that answers a job answers the job whose id is in the path.
- `allow_lists_documented_methods`: replaces schemathesis' `allow_header_conformance`, which also fails an
  `Allow` that lists *more* methods than documented (a proxy's catch-all route, honestly). Missing a
  documented method is a defect; extra methods are written to the warnings file, not failed.

The jobs a create made are not recorded here: the guard in front of the server learns them (see `_guard`).
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis
from schemathesis import CheckContext, Response

from ftjobs.contract._common import AUTH_ENV, KEY_ENV, WARNINGS_ENV, credential_header, json_or_none

# The operations whose 200 answers the job the path names.
JOB_ANSWERS = {"retrieveFineTuningJob", "pauseFineTuningJob", "resumeFineTuningJob", "cancelFineTuningJob"}
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch"})
IMPLICIT_METHODS = frozenset({"head", "options"})


def _header(response: Response, name: str) -> str | None:
    for key, value in (response.request.headers or {}).items():
        if key.lower() == name:
            return value if isinstance(value, str) else str(value)
    return None


def _append(env: str, record: dict[str, Any]) -> None:
    path = os.environ.get(env)
    if path:
        with open(path, "a", encoding="utf-8") as file:
            file.write(json.dumps(record) + "\n")


@schemathesis.check
def configured_credentials_accepted(ctx: CheckContext, response: Response, case: schemathesis.Case[Any]) -> bool:
    """A request with the configured credentials is not refused with 401."""
    key = os.environ.get(KEY_ENV, "")
    name, value = credential_header(os.environ.get(AUTH_ENV, "bearer"), key)
    if response.status_code == 401 and key and _header(response, name) == value:
        raise AssertionError(
            "The server answered 401 to the configured credentials: the key is wrong, or the server does not "
            f"accept the `{name}` header. A run with rejected credentials tests nothing."
        )
    return True


@schemathesis.check
def job_answer_names_the_path_id(ctx: CheckContext, response: Response, case: schemathesis.Case[Any]) -> bool:
    """A 200 answer of a job operation carries the id from the path."""
    operation_id = case.operation.definition.raw.get("operationId")
    if operation_id not in JOB_ANSWERS or response.status_code != 200:
        return True
    wanted = (case.path_parameters or {}).get("fine_tuning_job_id")
    body = json_or_none(response.content)
    if not isinstance(body, dict):
        return True  # the schema checks report a body that is not a JSON object
    answered = body.get("id")
    if wanted is not None and answered != str(wanted):
        raise AssertionError(f"{operation_id} for job {wanted!r} answered job {answered!r}")
    return True


@schemathesis.check
def allow_lists_documented_methods(ctx: CheckContext, response: Response, case: schemathesis.Case[Any]) -> bool:
    """An `Allow` header (on OPTIONS or a 405) names every documented method of the path; extras only warn."""
    if response.request.method != "OPTIONS" and response.status_code != 405:
        return True
    values = response.headers.get("allow")
    if not values:
        return True  # schemathesis' unsupported_method check reports a 405 without Allow
    advertised = {method.strip().lower() for method in ", ".join(values).split(",") if method.strip()}
    declared = {method.lower() for method in case.operation.schema[case.operation.path]} & HTTP_METHODS
    missing = sorted(declared - advertised - IMPLICIT_METHODS)
    extra = sorted(advertised - declared - IMPLICIT_METHODS)
    if missing:
        raise AssertionError(
            f"`Allow: {', '.join(values)}` on {case.operation.path} misses documented methods: "
            + ", ".join(method.upper() for method in missing)
        )
    if extra:
        _append(
            WARNINGS_ENV,
            {"path": case.operation.path, "allow": ", ".join(values), "extra": [m.upper() for m in extra]},
        )
    return True
