"""Checks that schemathesis runs next to its own, loaded into its process through `SCHEMATHESIS_HOOKS`.

- `configured_credentials_accepted`: schemathesis counts 401 as a documented, acceptable answer, so a wrong
  key would give a green run. A request that carries the credentials the suite was given must not get 401.
- `job_answer_names_the_path_id`: every operation that answers a job answers the job whose id is in the path.
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis
from schemathesis import CheckContext, Response

from ftjobs.contract._common import AUTH_ENV, KEY_ENV, credential_header

JOB_OPERATIONS = {"retrieveFineTuningJob", "pauseFineTuningJob", "resumeFineTuningJob", "cancelFineTuningJob"}


def _header(response: Response, name: str) -> str | None:
    for key, value in (response.request.headers or {}).items():
        if key.lower() == name:
            return value if isinstance(value, str) else str(value)
    return None


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
    if operation_id not in JOB_OPERATIONS or response.status_code != 200:
        return True
    wanted = (case.path_parameters or {}).get("fine_tuning_job_id")
    try:
        answered = json.loads(response.content).get("id")
    except (ValueError, AttributeError):
        return True  # the schema checks report a body that is not a JSON object
    if wanted is not None and answered != str(wanted):
        raise AssertionError(f"{operation_id} for job {wanted!r} answered job {answered!r}")
    return True
