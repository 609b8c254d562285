"""The contract at run time: the fragment that `ftjobs_api` was generated from, and the dated dialect's.

Two dialects, one fragment each: `"v1"` (OpenAI and Azure's v1 API, `openapi/fine_tuning_jobs.yaml`) and
`"dated"` (Azure's dated routes, `openapi/azure_dated.yaml`). Both name their schemas alike
(`FineTuningJob`, `ErrorResponse`, …), so that code asks for a schema by name and by dialect.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import jsonschema_rs


Dialect = Literal["v1", "dated"]
V1: Dialect = "v1"
DATED: Dialect = "dated"
FRAGMENT_FILES: dict[Dialect, str] = {V1: "openapi.json", DATED: "azure_dated.json"}  # in ftjobs_api


@cache
def load_spec(dialect: Dialect = V1) -> dict[str, Any]:
    """A dialect's fragment as a dict (shipped in `ftjobs_api/` by `make generate`)."""
    text = files("ftjobs_api").joinpath(FRAGMENT_FILES[dialect]).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def has_schema(name: str, dialect: Dialect) -> bool:
    """Whether the dialect's fragment names the component schema `name`."""
    return name in load_spec(dialect)["components"]["schemas"]


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


def compile_schema(schema: Any, dialect: Dialect = V1) -> jsonschema_rs.Validator:
    """A JSON Schema 2020-12 validator for `schema`, resolving `#/components/schemas/...` in the dialect's
    fragment."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(
        {**schema, "components": {"schemas": load_spec(dialect)["components"]["schemas"]}}
    )


@cache
def schema_validator(name: str, dialect: Dialect = V1) -> jsonschema_rs.Validator:
    """The validator for the dialect's component schema `name` (compiled once)."""
    return compile_schema({"$ref": f"#/components/schemas/{name}"}, dialect)


@cache
def known_statuses(dialect: Dialect = V1) -> tuple[str, ...]:
    """The job statuses the dialect's contract names (its fragment's enum)."""
    spec = load_spec(dialect)
    schema = resolve(spec["components"]["schemas"]["FineTuningJob"]["properties"]["status"], spec)
    enum: list[str] = schema.get("enum") or next(
        (part["enum"] for part in schema.get("anyOf", []) + schema.get("oneOf", []) if "enum" in part), []
    )
    return tuple(enum)
