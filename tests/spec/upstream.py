"""The fragment held against upstream's own schemas (verbatim excerpts in `openapi/upstream/`): every way a
schema's fields, required fields, enum values or bounds differ, as comparable facts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from ftjobs._spec import DATED, load_spec
from tests.conftest import ROOT

UPSTREAM = ROOT / "openapi" / "upstream"
BOUNDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
)

# Each source is the union of its excerpts' schemas (a `$ref` may cross from one excerpt to another).
SOURCES = {
    "openai": ("openai-openapi_schemas_fine_tuning.yaml", "openai-openapi_schemas_error_metadata_lists_create.yaml"),
    "azure-v1": ("azure-v1-v1-generated_schemas_fine_tuning.yaml",),
    "azure-dated": ("azure-dated-2025-04-01-preview_fine_tuning.yaml",),  # Swagger 2.0: `definitions`
}
# source, its schema → the fragment's schema that states the same object (the dated source: the dated fragment's)
PAIRS = [
    ("openai", "FineTuningJob", "FineTuningJob"),
    ("openai", "FineTuningJobEvent", "FineTuningJobEvent"),
    ("openai", "FineTuningJobCheckpoint", "FineTuningJobCheckpoint"),
    ("openai", "FineTuningIntegration", "FineTuningIntegration"),
    ("openai", "CreateFineTuningJobRequest", "CreateFineTuningJobRequest"),
    ("openai", "Error", "Error"),
    ("azure-v1", "OpenAI.FineTuningJob", "FineTuningJob"),
    ("azure-v1", "OpenAI.FineTuningJobEvent", "FineTuningJobEvent"),
    ("azure-v1", "OpenAI.FineTuningJobCheckpoint", "FineTuningJobCheckpoint"),
    ("azure-v1", "OpenAI.FineTuningIntegration", "FineTuningJobIntegration"),
    ("azure-dated", "FineTuningJob", "FineTuningJob"),
    ("azure-dated", "FineTuningJobEvent", "FineTuningJobEvent"),
    ("azure-dated", "FineTuningJobCheckpoint", "FineTuningJobCheckpoint"),
    ("azure-dated", "FineTuningJobCreation", "CreateFineTuningJobRequest"),
    ("azure-dated", "Error", "Error"),
]
DATED_SOURCES = frozenset({"azure-dated"})


def load(source: str) -> dict[str, Any]:
    """One source's schemas, from all of its excerpts."""
    schemas: dict[str, Any] = {}
    for name in SOURCES[source]:
        loaded = yaml.safe_load((UPSTREAM / name).read_text(encoding="utf-8"))
        schemas.update(loaded["definitions"] if "definitions" in loaded else loaded["components"]["schemas"])
    return {"components": {"schemas": schemas}}  # `#/definitions/X` resolves by its last part, as `#/components/…`


def _resolve(document: Mapping[str, Any], schema: Any) -> Any:
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 20:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name, {})
        seen += 1
    return schema


def _members(document: Mapping[str, Any], schema: Any) -> Iterator[dict[str, Any]]:
    """The schema and, through `$ref`, `anyOf`, `oneOf` and `allOf`, every schema it is made of."""
    schema = _resolve(document, schema)
    if not isinstance(schema, dict):
        return
    yield schema
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            yield from _members(document, part)


def facts(document: Mapping[str, Any], name: str) -> set[tuple[str, str, str]]:
    """(kind, field, value) for schema `name`: each field, each required field, each enum value of a field, each
    bound of a field; fields of an object-valued field too (`error.code`), one level down."""
    return _facts(document, {"$ref": f"#/components/schemas/{name}"}, "", depth=2)


def _facts(document: Mapping[str, Any], schema: Any, prefix: str, depth: int) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    properties: dict[str, Any] = {}
    required: set[str] = set()
    for part in _members(document, schema):
        properties.update(part.get("properties", {}))
        required.update(part.get("required", []))
    for field, value in properties.items():
        path = prefix + field
        found.add(("field", path, ""))
        for part in _members(document, value):
            for item in part.get("enum", []):
                if item is not None:
                    found.add(("enum", path, str(item)))
            for bound, value in _bounds(part).items():
                found.add(("bound", path, f"{bound}={value}"))
        if depth > 1:
            found |= _facts(document, value, path + ".", depth - 1)
    found.update(("required", prefix + field, "") for field in required)
    return found


def _bounds(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A schema's bounds in OpenAPI 3.1's terms: 3.0's `minimum: x` + `exclusiveMinimum: true` (which upstream
    still writes) is `exclusiveMinimum: x`."""
    found = {bound: schema[bound] for bound in BOUNDS if bound in schema and not isinstance(schema[bound], bool)}
    for edge in ("Minimum", "Maximum"):
        if schema.get(f"exclusive{edge}") is True and edge.lower() in found:
            found[f"exclusive{edge}"] = found.pop(edge.lower())
    return found


def differences(
    fragment: Mapping[str, Any],
    upstream: Mapping[str, Mapping[str, Any]] | None = None,
    dated: Mapping[str, Any] | None = None,
) -> set[tuple[str, str, str]]:
    """(source, upstream schema, "±kind field value"): `-` upstream has it and the fragment not, `+` the reverse.
    `upstream`: the sources' documents, if not the excerpts as stored; `dated`: the dated dialect's fragment that
    Azure's dated spec is held against, if not the one shipped."""
    documents = upstream or {source: load(source) for source in SOURCES}
    dated_fragment = dated if dated is not None else load_spec(DATED)
    found: set[tuple[str, str, str]] = set()
    for source, theirs, ours in PAIRS:
        ours_in = dated_fragment if source in DATED_SOURCES else fragment
        there, here = facts(documents[source], theirs), facts(ours_in, ours)
        found |= {(source, theirs, _said("-", fact)) for fact in there - here}
        found |= {(source, theirs, _said("+", fact)) for fact in here - there}
    return found


def _said(sign: str, fact: tuple[str, str, str]) -> str:
    kind, field, value = fact
    return f"{sign}{kind} {field} {value}".strip()
