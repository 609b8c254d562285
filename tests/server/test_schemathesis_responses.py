"""Schemathesis sends generated requests to every operation; every answer conforms to the fragment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ftjobs._spec import load_spec
from ftjobs.testing import JobStore, LiveServer, Timings, live_server

schema = schemathesis.openapi.from_dict(load_spec())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server(JobStore(timings=Timings(validating_files=0.01, queued=0.01, running=60.0))) as live:
        yield live


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    """One HTTP session for every call, closed at the end (no socket is left to the garbage collector)."""
    with requests.Session() as shared:
        yield shared


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_responses_conform(case: schemathesis.Case[Any], server: LiveServer, session: requests.Session) -> None:
    """Generated requests never get a 500, an undocumented status, or a body, header or type off the fragment."""
    headers = {"Authorization": f"Bearer {server.api_key}"}
    response = case.call(base_url=server.base_url, headers=headers, session=session)
    case.validate_response(response, checks=CHECKS)
