"""The fragment's own examples, each checked against the schema it illustrates (schemathesis does not)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ftjobs._spec import resolve

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def examples(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Yield (where, schema, value) for every example attached to a parameter or media type."""
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            where = f"{method.upper()} {path}"
            for parameter in (resolve(given, spec) for given in operation.get("parameters", [])):
                if "example" in parameter:
                    yield f"{where} param {parameter['name']}", parameter["schema"], parameter["example"]
            holders = {"request": operation.get("requestBody", {}), **operation["responses"]}
            for label, holder in holders.items():
                for content in resolve(holder, spec).get("content", {}).values():
                    for name, example in content.get("examples", {}).items():
                        yield f"{where} {label} {name}", content["schema"], resolve(example, spec)["value"]


def example_errors(spec: dict[str, Any]) -> list[str]:
    """Every example that does not validate, with where it is and why."""
    import jsonschema_rs

    problems = []
    for where, schema, value in examples(spec):
        validator = jsonschema_rs.Draft202012Validator({**schema, "components": spec["components"]})
        problems += [f"{where}: {error.message}" for error in validator.iter_errors(value)]
    return problems
