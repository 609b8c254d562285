"""Helpers for the reference-server tests: the fragment as a response oracle."""

from __future__ import annotations

from functools import cache
from typing import Any, Protocol

import jsonschema_rs

from ftjobs._spec import compile_schema, load_spec

KEY = "sk-test-reference"


@cache
def _operations() -> dict[str, dict[str, Any]]:
    spec = load_spec()
    return {
        operation["operationId"]: operation
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


@cache
def _validator(operation_id: str, status: str) -> jsonschema_rs.Validator | None:
    spec = load_spec()
    response = _operations()[operation_id]["responses"].get(status)
    if response is None:
        return None
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    return compile_schema(schema)


class Answer(Protocol):
    """An HTTP response of any client (httpx, Starlette's test client, requests)."""

    @property
    def status_code(self) -> int: ...

    def json(self) -> Any: ...


def response_errors(operation_id: str, response: Answer) -> list[str]:
    """Where `response` breaks the fragment for this operation: undocumented status, or a body off its schema."""
    validator = _validator(operation_id, str(response.status_code))
    if validator is None:
        return [f"status {response.status_code} is not documented for {operation_id}"]
    return [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(response.json())]
