"""Hypothesis strategies for values the fragment's schemas admit.

They come from schemathesis's own JSON Schema engine (`schemathesis.generation.jsonschema.builder.build`):
an internal API, usable because schemathesis is pinned exactly in pyproject.toml.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs
from hypothesis.strategies import SearchStrategy
from schemathesis.core.jsonschema import CANONICALIZE_DRAFT_BY_VALIDATOR
from schemathesis.generation.jsonschema.builder import build

from ftjobs._spec import load_spec, schema_validator

DRAFT = CANONICALIZE_DRAFT_BY_VALIDATOR[jsonschema_rs.Draft202012Validator]


def schema_document(name: str) -> dict[str, Any]:
    """`#/components/schemas/<name>` as a standalone JSON Schema document."""
    return {"$ref": f"#/components/schemas/{name}", "components": {"schemas": load_spec()["components"]["schemas"]}}


def valid(name: str, *, whole_floats: bool = False, closed: bool = False) -> SearchStrategy[Any]:
    """Values valid against the named schema; with `whole_floats`, integers may come as `5.0`; with `closed`,
    only the properties the schema declares (for arguments of a function that takes exactly those)."""
    document = schema_document(name)
    if closed:
        schemas = document["components"]["schemas"]
        document = {**schemas[name], "additionalProperties": False, "components": {"schemas": schemas}}
    return build(document, draft=DRAFT, formats={}, whole_floats=whole_floats)


def validator(name: str) -> jsonschema_rs.Validator:
    return schema_validator(name)
