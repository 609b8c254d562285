"""`assert_matches_type` for the ftjobs run of the SDK's tests (`make sdk-tests`): an ftjobs result held against
the SDK's model of the same name.

The SDK's own helper (its tests/utils.py) asserts `isinstance(value, openai.BaseModel)`, which only the SDK's
pydantic models satisfy. This one keeps its question — does every field the SDK's model declares read, with a
value of the declared type? — and asks it of ftjobs' objects: the value is an instance of the ftjobs type the test
names, and each field of the SDK's model of that name (`openai.types…`, `openai.pagination…`) is read off it by
attribute, nested objects included, and checked against the SDK's annotation. The harness copies this file into
the ftjobs tree as `tests/_ftjobs_matches.py` and makes the SDK's tests/utils.py export it.
"""

from __future__ import annotations

import importlib
import types
import typing
from datetime import date, datetime
from typing import Any, Literal, get_args, get_origin

# Where the tests' types live, in both packages.
MODULES = ("types.fine_tuning", "types.fine_tuning.jobs", "pagination", "types")


def _sdk_counterpart(type_: Any) -> Any:
    """The SDK's type of the same name (`ftjobs.types.fine_tuning.FineTuningJob` → the SDK's, generics too)."""
    origin, args = get_origin(type_), get_args(type_)
    if origin is not None and args:
        return _sdk_counterpart(origin)[tuple(_sdk_counterpart(arg) for arg in args)]
    name = getattr(type_, "__name__", None)
    for module in MODULES:
        found = getattr(importlib.import_module(f"openai.{module}"), str(name), None)
        if found is not None:
            return found
    raise AssertionError(f"the SDK has no type named {name!r}")


def assert_matches_type(type_: Any, value: object, *, path: list[str], allow_none: bool = False) -> None:
    """`value` is an instance of the ftjobs type `type_`, and reads as the SDK's model of that name says."""
    origin = get_origin(type_) or type_
    assert isinstance(value, origin), f"{path}: {type(value).__name__} is not an ftjobs {origin.__name__}"
    _matches(_sdk_counterpart(type_), value, path, allow_none=allow_none)


def _matches(type_: Any, value: object, path: list[str], *, allow_none: bool = False) -> None:
    from pydantic import BaseModel

    if type(type_).__name__ == "TypeAliasType":  # typing_extensions.TypeAliasType on Python 3.11
        type_ = type_.__value__
    origin, args = get_origin(type_) or type_, get_args(type_)
    if origin is typing.Annotated:
        type_ = args[0]
        origin, args = get_origin(type_) or type_, get_args(type_)
    if allow_none and value is None:
        return
    if type_ is None or type_ is type(None):
        assert value is None, f"{path}: {value!r} is not None"
    elif origin is typing.Union or origin is types.UnionType:
        failures = []
        for variant in args:
            try:
                _matches(variant, value, path)
            except AssertionError as error:
                failures.append(str(error))
            else:
                return
        raise AssertionError(f"{path}: {value!r} matches no variant ({'; '.join(failures)})")
    elif origin is Literal:
        assert value in args, f"{path}: {value!r} is not one of {args}"
    elif origin in (list, typing.Sequence) or origin is tuple:
        assert isinstance(value, list | tuple), f"{path}: {type(value).__name__} is not a list"
        for index, item in enumerate(value):
            _matches(args[0] if args else object, item, [*path, str(index)])
    elif origin is dict:
        assert isinstance(value, dict), f"{path}: {type(value).__name__} is not a dict"
        for key, item in value.items():
            _matches(args[0], key, [*path, "<dict key>"])
            _matches(args[1], item, [*path, "<dict item>"])
    elif origin is object:
        pass
    elif isinstance(origin, type) and issubclass(origin, BaseModel):
        assert callable(getattr(value, "model_dump", None)), f"{path}: {type(value).__name__} has no model_dump()"
        for name, field in origin.model_fields.items():
            assert hasattr(value, name), f"{path}: {type(value).__name__} has no field {name!r}"
            _matches(field.annotation, getattr(value, name), [*path, name])
    elif origin in (str, int, bool, float, bytes, datetime, date):
        assert isinstance(value, origin), f"{path}: {value!r} is not a {origin.__name__}"
    else:
        raise AssertionError(f"{path}: unhandled field type {type_!r}")
