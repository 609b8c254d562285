"""The contract at run time: the fragment that `ftjobs_api` was generated from."""

from __future__ import annotations

import json
from collections.abc import Mapping
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


def resolve(node: Any, spec: Mapping[str, Any] | None = None) -> Any:
    """What a local `$ref` (`#/components/…`) names, followed until it names no other; in `spec` (default: the
    fragment). Anything but a `$ref` comes back as it is."""
    root = load_spec() if spec is None else spec
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = root
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


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
    schema = resolve(load_spec()["components"]["schemas"]["FineTuningJob"]["properties"]["status"])
    enum: list[str] = schema.get("enum") or next(
        (part["enum"] for part in schema.get("anyOf", []) + schema.get("oneOf", []) if "enum" in part), []
    )
    return tuple(enum)
