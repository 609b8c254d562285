"""Reading answers into the generated models without failing on what real servers send.

Why this step exists: the generated `from_dict` trusts its input. It raises `KeyError` on a missing
required field and `TypeError` on an unknown enum value, and it keeps `5.0` where the fragment says
integer. Real servers send all three (OpenAI's own pause example omits five required fields; Azure
has answered `batch_size: -1`, and statuses no spec names). Generator settings cannot change that,
and custom templates are not a stable API, so the overlay puts one step in front of `from_dict`:

1. validate the body against the fragment's schema (jsonschema-rs: about 2 µs for a valid job);
2. make integral floats integers where the fragment says integer;
3. valid body: call `from_dict` as it is. Deviating body: record every deviation, then
   - `strict=True`: raise `APIResponseValidationError` naming each one;
   - otherwise build the model from a repaired copy (each missing or unreadable value replaced by a
     minimal valid stand-in), then put the server's own values back in place: unknown statuses and
     mistyped fields read as they came, missing fields read as `None`. `ftjobs.deviations(model)`
     lists what deviated.

The generated models' annotations describe the contract; a model read from a deviating answer may hold
values outside them, exactly where `deviations(model)` says, and nowhere else.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from ftjobs._spec import V1, Dialect, compile_schema, has_schema, load_spec, resolve, schema_validator

if TYPE_CHECKING:
    import jsonschema_rs


class _Model(Protocol):
    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self: ...


M = TypeVar("M", bound=_Model)


@dataclass(frozen=True)
class Deviation:
    """One place where an answer departs from the fragment: a JSON pointer and what is wrong there."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message}"


class DeviationError(ValueError):
    """Raised by `parse` with `strict=True`; the client turns it into `APIResponseValidationError`."""

    def __init__(self, deviations: tuple[Deviation, ...]) -> None:
        super().__init__("; ".join(map(str, deviations)))
        self.deviations = deviations


# Deviations of models read from deviating answers, by id(model); entries leave with their model.
_DEVIATIONS: dict[int, tuple[Deviation, ...]] = {}


def deviations(model: object) -> tuple[Deviation, ...]:
    """Where the answer that `model` was read from departs from the fragment (empty when it does not)."""
    return _DEVIATIONS.get(id(model), ())


def _remember(model: object, found: tuple[Deviation, ...]) -> None:
    key = id(model)
    _DEVIATIONS[key] = found
    weakref.finalize(model, _DEVIATIONS.pop, key, None)


def parse(model: type[M], schema_name: str, body: Any, *, strict: bool, where: str = "", dialect: Dialect = V1) -> M:
    """Read `body` into `model` (whose fragment schema is `schema_name`), tolerating deviations unless strict.

    The model is always the one generated from the v1 fragment; `dialect` says which fragment judges the body.
    A dated answer (`pending`, `warning`, `organisation_id`, fields the dated routes leave out) is read the
    tolerant way, and deviates only where the dated fragment says it does.

    Raises `DeviationError` when strict and the body deviates, or when the body is not an object at all.
    """
    if not isinstance(body, dict):
        raise DeviationError((Deviation(where, f"expected a JSON object, got {_json_type(body)}"),))
    _make_integers(body, _integer_tree(schema_name))
    validator = schema_validator(schema_name)
    if validator.is_valid(body):
        return model.from_dict(body)
    root = {"$ref": f"#/components/schemas/{schema_name}"}
    result, found = _read(model, root, validator, body, where)
    if dialect != V1 and has_schema(schema_name, dialect):
        found = _verdict(schema_validator(schema_name, dialect), body, where)
    if strict and found:
        raise DeviationError(tuple(found))
    _remember(result, tuple(found))
    return result


def _verdict(validator: jsonschema_rs.Validator, body: Any, where: str) -> list[Deviation]:
    """Where `body` departs from the validator's schema, as deviations (a missing field named by its path)."""
    found = []
    for error in sorted(validator.iter_errors(body), key=lambda e: len(e.instance_path)):
        if type(error.kind).__name__ == "Required":
            path = [*error.instance_path, str(getattr(error.kind, "property", ""))]
            found.append(Deviation(_pointer(where, path), "required field is missing"))
        else:
            found.append(_deviation(where, error))
    return found


def _read(
    model: type[M], schema: Any, validator: jsonschema_rs.Validator, body: dict[str, Any], where: str
) -> tuple[M, list[Deviation]]:
    """Build `model` from a deviating `body`: stand-ins where `from_dict` would fail, then the raw values back."""
    errors = sorted(validator.iter_errors(body), key=lambda e: len(e.instance_path))
    repaired = copy.deepcopy(body)
    replaced: list[list[str | int]] = []
    found: list[Deviation] = []
    for error in errors:
        path: list[str | int] = list(error.instance_path)
        if any(path[: len(done)] == done for done in replaced):
            continue  # inside a value already replaced whole; it is read again below
        kind = type(error.kind).__name__
        if kind == "Required":
            path.append(str(getattr(error.kind, "property", "")))
            found.append(Deviation(_pointer(where, path), "required field is missing"))
        elif not (
            kind in ("AnyOf", "OneOfNotValid")
            and isinstance(_at(body, path), dict)
            and _object_branch(_schema_at(schema, path))
        ):
            found.append(_deviation(where, error))  # a union's object is explained by reading it below
        if path:
            _put(repaired, path, _stand_in(_schema_at(schema, path)))
            replaced.append(path)
    result = model.from_dict(repaired)
    for path in replaced:
        found += _restore(result, schema, path, _at(body, path), where)
    return result, found


def _restore(model: Any, schema: Any, path: list[str | int], raw: Any, where: str) -> list[Deviation]:
    """Put the server's value back at `path` in the built model; a nested object is read again, tolerantly.

    A value the model cannot hold there (one that would break `to_dict()`, such as a string where an object
    belongs) stays readable as `holder[key]` instead, and the attribute reads as unset where it is optional.
    """
    holder: Any = model
    for step in path[:-1]:
        holder = _child(holder, step)
        if holder is None:
            return []
    last = path[-1]
    current = _child(holder, last)
    found: list[Deviation] = []
    if raw is not None and hasattr(type(current), "__attrs_attrs__") and isinstance(raw, dict):
        branch = _object_branch(_schema_at(schema, path)) or {}
        raw = copy.deepcopy(raw)
        _make_integers(raw, _integers_of(branch, depth=0))
        raw, found = _read(type(current), branch, _branch_validator(branch), raw, _pointer(where, path))
    if isinstance(holder, list) and isinstance(last, int) and last < len(holder):
        holder[last] = raw
        if not _writable(model):
            holder[last] = current
        return found
    if not isinstance(last, str):
        return found
    field = _field(holder, last)
    if field is None:
        if isinstance(getattr(holder, "additional_properties", None), dict):
            holder.additional_properties[last] = raw
        return found
    setattr(holder, field.name, raw)
    if not _writable(model):
        if isinstance(getattr(holder, "additional_properties", None), dict):
            holder.additional_properties[last] = raw
        if field.default is not _attrs_nothing():
            from ftjobs_api.types import UNSET

            setattr(holder, field.name, UNSET)  # to_dict() then writes the raw value back
        else:
            setattr(holder, field.name, current)  # a required object: the empty stand-in, raw value in holder[key]
    return found


def _writable(model: Any) -> bool:
    """Whether the generated `to_dict()` can still write the model out."""
    try:
        model.to_dict()
    except (AttributeError, TypeError, KeyError, ValueError):
        return False
    return True


def _pointer(where: str, path: list[str | int]) -> str:
    return where + "".join(f"/{step}" for step in path)


def _deviation(where: str, error: jsonschema_rs.ValidationError) -> Deviation:
    message = error.message
    if len(message) > 300:
        message = message[:300] + "…"
    return Deviation(_pointer(where, list(error.instance_path)), message)


# -- the fragment's schemas -------------------------------------------------------------------------


def _schemas() -> dict[str, Any]:
    schemas: dict[str, Any] = load_spec()["components"]["schemas"]
    return schemas


_BRANCH_VALIDATORS: dict[int, jsonschema_rs.Validator] = {}


def _branch_validator(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    """A validator for a schema inside the fragment, cached by identity (the fragment lives as long as the process)."""
    validator = _BRANCH_VALIDATORS.get(id(schema))
    if validator is None:
        validator = _BRANCH_VALIDATORS[id(schema)] = compile_schema(schema)
    return validator


def _object_branch(schema: Any) -> dict[str, Any] | None:
    """The object schema among a schema's branches, if it has one."""
    for branch in _branches(schema):
        if branch.get("type") == "object" or "properties" in branch:
            found: dict[str, Any] = branch
            return found
    return None


def _branches(schema: Any) -> list[Any]:
    """The schema and the branches of its anyOf/oneOf/allOf, resolved, flattened."""
    schema = resolve(schema)
    if not isinstance(schema, dict):
        return []
    found = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            found += _branches(branch)
    return found


INTEGER = "integer"
IntegerTree = dict[str, Any]  # property → INTEGER or a subtree; "[]" holds an array's items


@cache
def _integer_tree(schema_name: str) -> IntegerTree:
    return _integers_of({"$ref": f"#/components/schemas/{schema_name}"}, depth=0)


def _integers_of(schema: Any, depth: int) -> IntegerTree:
    """Where the schema says integer, as a tree of property names (depth-limited against recursion)."""
    tree: IntegerTree = {}
    if depth > 8:
        return tree
    for branch in _branches(schema):
        for name, sub in branch.get("properties", {}).items():
            if any(b.get("type") == "integer" for b in _branches(sub)):
                tree[name] = INTEGER
            else:
                subtree = _integers_of(sub, depth + 1)
                if subtree:
                    tree[name] = subtree
        if "items" in branch:
            subtree = _integers_of(branch["items"], depth + 1)
            if subtree:
                tree["[]"] = subtree
    return tree


def integral(value: Any, schema_name: str) -> Any:
    """A copy of `value` with integral floats (`5.0`, valid JSON Schema integers) made `int` wherever the
    fragment's schema `schema_name` says integer (the reference server answers what it was sent, as `5`)."""
    made = copy.deepcopy(value)
    _make_integers(made, _integer_tree(schema_name))
    return made


def _make_integers(value: Any, tree: IntegerTree) -> None:
    """Turn integral floats (`5.0`) into `int` in place, where the tree says integer."""
    if isinstance(value, dict):
        for name, sub in tree.items():
            if name in value:
                found = value[name]
                if sub == INTEGER:
                    if isinstance(found, float) and found.is_integer():
                        value[name] = int(found)
                else:
                    _make_integers(found, sub)
    elif isinstance(value, list) and "[]" in tree:
        items = tree["[]"]
        for index, found in enumerate(value):
            if items == INTEGER:
                if isinstance(found, float) and found.is_integer():
                    value[index] = int(found)
            else:
                _make_integers(found, items)


def _schema_at(schema: Any, path: list[str | int]) -> Any:
    """The schema that governs the value at `path` below `schema` (the first branch that has the step)."""
    for step in path:
        following = None
        for branch in _branches(schema):
            if isinstance(step, int) and "items" in branch:
                following = branch["items"]
            elif isinstance(step, str) and step in branch.get("properties", {}):
                following = branch["properties"][step]
            elif isinstance(step, str) and isinstance(branch.get("additionalProperties"), dict):
                following = branch["additionalProperties"]
            if following is not None:
                break
        schema = following if following is not None else {}
    return schema


def _stand_in(schema: Any, depth: int = 0) -> Any:
    """A minimal value that satisfies the schema well enough for `from_dict` to accept it."""
    branches = [b for b in _branches(schema) if b.get("type") != "null"]
    for branch in branches:
        if "enum" in branch:
            return branch["enum"][0]
    kinds = [b.get("type") for b in branches if "type" in b]
    kind = kinds[0] if kinds else None
    if kind == "object" or any("properties" in b for b in branches):
        if depth > 8:
            return {}
        required = {name for b in branches for name in b.get("required", [])}
        properties = {name: sub for b in branches for name, sub in b.get("properties", {}).items()}
        return {name: _stand_in(properties.get(name, {}), depth + 1) for name in sorted(required)}
    return {"array": [], "string": "", "integer": 0, "number": 0.0, "boolean": False}.get(kind or "")


# -- walking JSON and models ------------------------------------------------------------------------


def _at(value: Any, path: list[str | int]) -> Any:
    for step in path:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return None
    return value


def _put(value: Any, path: list[str | int], replacement: Any) -> None:
    holder = _at(value, path[:-1])
    last = path[-1]
    if isinstance(holder, dict) and isinstance(last, str):  # noqa: SIM114 -- two types, one action
        holder[last] = replacement
    elif isinstance(holder, list) and isinstance(last, int) and last < len(holder):
        holder[last] = replacement


def _child(holder: Any, step: str | int) -> Any:
    if isinstance(holder, list):
        return holder[step] if isinstance(step, int) and step < len(holder) else None
    if isinstance(step, str):
        field = _field(holder, step)
        if field is not None:
            return getattr(holder, field.name)
        extra = getattr(holder, "additional_properties", None)
        return extra.get(step) if isinstance(extra, dict) else None
    return None


def _field(holder: Any, key: str) -> Any:
    """The attrs field that holds JSON property `key` (the generator appends `_` to names like `object`)."""
    for field in getattr(type(holder), "__attrs_attrs__", ()):
        if field.name in (key, key + "_") and field.name != "additional_properties":
            return field
    return None


def _attrs_nothing() -> Any:
    import attrs

    return attrs.NOTHING


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(type(value), "a number")
