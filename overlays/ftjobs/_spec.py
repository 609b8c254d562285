"""The contract at run time: the fragment that `ftjobs_api` was generated from."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema_rs


@cache
def load_spec() -> dict[str, Any]:
    """The fragment as a dict (shipped as `ftjobs_api/openapi.json` by `make generate`)."""
    loaded: dict[str, Any] = json.loads(files("ftjobs_api").joinpath("openapi.json").read_text(encoding="utf-8"))
    return loaded


def compile_schema(schema: Any) -> jsonschema_rs.Validator:
    """A JSON Schema 2020-12 validator for `schema`, resolving `#/components/schemas/...` in the fragment."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(
        {**schema, "components": {"schemas": load_spec()["components"]["schemas"]}}
    )


@cache
def schema_validator(name: str) -> jsonschema_rs.Validator:
    """The validator for the fragment's component schema `name` (compiled once)."""
    return compile_schema({"$ref": f"#/components/schemas/{name}"})


@cache
def known_statuses() -> tuple[str, ...]:
    """The job statuses the contract names (the fragment's enum)."""
    schemas = load_spec()["components"]["schemas"]
    schema = schemas["FineTuningJob"]["properties"]["status"]
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    enum: list[str] = schema.get("enum") or next(
        (part["enum"] for part in schema.get("anyOf", []) + schema.get("oneOf", []) if "enum" in part), []
    )
    return tuple(enum)
