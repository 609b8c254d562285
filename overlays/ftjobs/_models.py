"""The models ftjobs answers with: the generated ones, plus the openai SDK's way of writing them out.

Each class here subclasses its generated model (so `isinstance(job, ftjobs_api.models.FineTuningJob)` holds and
`generated/` stays untouched) and adds what SDK programs call on results: `model_dump()` (with `mode`,
`include`/`exclude`, `exclude_unset`, `exclude_none`), `model_dump_json(indent=)`, `to_dict()`, `to_json()`,
`dict(model)` and iteration over `(field, value)` pairs, and the SDK's attribute names `object` and `type`
(the generator names them `object_` and `type_`).

The writing starts from the generated `to_dict()`, which writes every value a deviating answer kept as the
server sent it (see `ftjobs._parse`). On top of it, as the SDK's pydantic models do: `model_dump()` lists every
field the contract declares (`None` where the answer had none) and then the answer's extra fields;
`exclude_unset=True` (the default of `to_dict()`/`to_json()`) keeps only what the answer carried. Key order
follows the fragment, not the SDK.

Importing this module loads the generated models: the client imports it on its first answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Set
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ftjobs._parse import deviations
from ftjobs_api import models as generated
from ftjobs_api.types import Unset

Mode = Literal["json", "python"] | str
# A required field an answer left out, at the model's top level (`/training_file`, `/data/3/training_file`).
_MISSING = re.compile(r"^(?:/data/\d+)?/([^/]+)$")


def _key(field: attrs.Attribute[Any]) -> str:
    """The JSON name of a generated field (`object_` → `object`)."""
    return field.name[:-1] if field.name.endswith("_") else field.name


def _fields(model: Any) -> list[attrs.Attribute[Any]]:
    return [field for field in attrs.fields(type(model)) if field.name != "additional_properties"]


def _missing(model: Any) -> set[str]:
    """The top-level keys the answer left out although the contract requires them."""
    found = set()
    for deviation in deviations(model):
        match = _MISSING.match(deviation.path)
        if match is not None and deviation.message == "required field is missing":
            found.add(match.group(1))
    return found


def _written(model: Any, written: dict[str, Any], exclude_unset: bool, exclude_none: bool) -> dict[str, Any]:
    """`written` (the model's `to_dict()`) with the SDK's rules applied, declared fields first."""
    missing = _missing(model) if exclude_unset else set()
    result: dict[str, Any] = {}
    declared = set()
    for field in _fields(model):
        key = _key(field)
        declared.add(key)
        if key not in written or key in missing:
            if not (exclude_unset or exclude_none):
                result[key] = None
            continue
        value, kept = getattr(model, field.name), written[key]
        if attrs.has(type(value)) and isinstance(kept, dict):
            kept = _written(value, kept, exclude_unset, exclude_none)
        elif isinstance(value, list) and isinstance(kept, list) and len(value) == len(kept):
            kept = [
                _written(item, sub, exclude_unset, exclude_none)
                if attrs.has(type(item)) and isinstance(sub, dict)
                else sub
                for item, sub in zip(value, kept, strict=True)
            ]
        if kept is None and exclude_none:
            continue
        result[key] = kept
    result.update((key, value) for key, value in written.items() if key not in declared)
    return result


def _selected(data: dict[str, Any], include: Set[str] | None, exclude: Set[str] | None) -> dict[str, Any]:
    if include is not None:
        data = {key: value for key, value in data.items() if key in include}
    if exclude is not None:
        data = {key: value for key, value in data.items() if key not in exclude}
    return data


def dumps(data: Any, indent: int | None) -> str:
    """JSON as pydantic writes it: compact without `indent`, UTF-8 left as is."""
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, ensure_ascii=False, indent=indent)


class SDKModel:
    """The openai SDK's serialisation surface, over a generated model's `to_dict()`."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        """A field the contract does not declare, read by its name as the SDK reads extra fields
        (`job.usage_metrics`, `grader.input`); only asked when the name is no declared field."""
        if not name.startswith("_"):
            try:
                extra = object.__getattribute__(self, "additional_properties")
            except AttributeError:
                extra = {}
            if name in extra:
                return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def model_dump(
        self,
        *,
        mode: Mode = "python",
        include: Set[str] | None = None,
        exclude: Set[str] | None = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        round_trip: bool = False,
        warnings: bool | str = True,
    ) -> dict[str, Any]:
        """The model as plain data: every declared field (`None` where unset), then the answer's extra fields.

        `exclude_unset=True` keeps only what the answer carried; `exclude_none=True` (or `exclude_defaults`, whose
        defaults are all `None`) leaves out fields that are `None`. Values are JSON types in either `mode`.
        """
        written = super().to_dict()  # type: ignore[misc]
        data = _written(self, written, exclude_unset, exclude_none or exclude_defaults)
        return _selected(data, include, exclude)

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        include: Set[str] | None = None,
        exclude: Set[str] | None = None,
        by_alias: bool | None = None,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        round_trip: bool = False,
        warnings: bool | str = True,
    ) -> str:
        data = self.model_dump(
            include=include,
            exclude=exclude,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
        )
        return dumps(data, indent)

    def to_dict(
        self,
        *,
        mode: Mode = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> dict[str, Any]:
        """What the answer carried (the SDK's `to_dict()`: `exclude_unset=True` by default)."""
        return self.model_dump(
            mode=mode, exclude_unset=exclude_unset, exclude_defaults=exclude_defaults, exclude_none=exclude_none
        )

    def to_json(
        self,
        *,
        indent: int | None = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> str:
        return self.model_dump_json(
            indent=indent, exclude_unset=exclude_unset, exclude_defaults=exclude_defaults, exclude_none=exclude_none
        )

    def __repr__(self) -> str:
        """As the SDK prints a model (`print(job)`): its fields by their JSON names, unset ones `None`."""
        return f"{type(self).__name__}({', '.join(f'{key}={value!r}' for key, value in self)})"

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """`(field, value)` pairs, as pydantic models iterate (so `dict(model)` works); unset values read `None`."""
        for field in _fields(self):
            value = getattr(self, field.name)
            if isinstance(value, Unset):
                value = None
            elif attrs.has(type(value)) and not _fields(value):
                value = value.to_dict()  # a pure map (`metadata`, event `data`): a dict, as in the SDK
            yield _key(field), value
        extra: dict[str, Any] = getattr(self, "additional_properties", {})
        yield from extra.items()


# The SDK classes of the generated models a result holds (a job's `method`, `integrations[i]`, `error`, ...).
_DRESSED: dict[type, type] = {}


def _field_property(name: str) -> property:
    def read(self: Any) -> Any:
        value = getattr(self, name)
        return None if isinstance(value, Unset) else value

    return property(read, doc=f"`{name}` by its JSON name, as the SDK names it")


def _dressed_class(cls: type) -> type:
    """`cls` with the SDK's surface: a subclass adding no slot (so an instance can take it as its class), with
    `model_dump()`, `to_dict()`, `print` and `dict()` as the SDK's, and every `x_` field readable as `x`."""
    found = _DRESSED.get(cls)
    if found is None:
        namespace: dict[str, Any] = {"__slots__": (), "__module__": __name__, "__doc__": cls.__doc__}
        for field in attrs.fields(cls):
            if field.name.endswith("_") and field.name[:-1] not in namespace:
                namespace[field.name[:-1]] = _field_property(field.name)
        found = _DRESSED[cls] = type(cls.__name__, (SDKModel, cls), namespace)
    return found


_NAME = re.compile(r"[A-Za-z_]\w*")


@cache
def _dressable(cls: type) -> bool:
    """A generated object with fields (a pure map such as `metadata` stays as it is: `dict()` gives a dict)."""
    return attrs.has(cls) and any(field.name != "additional_properties" for field in attrs.fields(cls))


def _named_kinds(field: attrs.Attribute[Any]) -> list[object]:
    return [getattr(generated, name, None) for name in _NAME.findall(str(field.type))]


@cache
def _nested_fields(cls: type) -> tuple[str, ...]:
    """The fields of a generated class whose declared type names a generated class with fields (the only ones a
    walk need read: `method`, `integrations`, `error`, `hyperparameters` on a job)."""
    found = []
    for field in attrs.fields(cls):
        if any(isinstance(kind, type) and _dressable(kind) for kind in _named_kinds(field)):
            found.append(field.name)
    return tuple(found)


@cache
def _map_fields(cls: type) -> tuple[str, ...]:
    """The nullable fields whose declared type is a generated pure map (`metadata`): the SDK reads them as a
    `dict`. Only nullable ones: for those the generated `to_dict()` writes a plain dict as it is (for the others it
    calls the map's own `to_dict()`, so they keep the generated class)."""
    found = []
    for field in attrs.fields(cls):
        maps = [kind for kind in _named_kinds(field) if isinstance(kind, type) and attrs.has(kind)]
        if "None" in str(field.type) and any(not _dressable(kind) for kind in maps):
            found.append(field.name)
    return tuple(found)


@cache
def _float_fields(cls: type) -> tuple[str, ...]:
    """The fields the fragment declares as numbers, not integers: the SDK reads `0` there as `0.0`."""
    return tuple(
        field.name for field in attrs.fields(cls) if "float" in str(field.type) and "int" not in str(field.type)
    )


def dress(model: Any) -> None:
    """Give every generated object `model` holds (nested, in lists too) its SDK class, in place; a pure map (as
    `metadata`) becomes the plain `dict` the SDK answers, and an integral number a `float` where the fragment
    declares a number (as the SDK's `float` fields read it)."""
    cls: type = type(model)
    for name in _map_fields(cls):
        value = getattr(model, name)
        if attrs.has(type(value)):
            setattr(model, name, value.additional_properties)
    for name in _float_fields(cls):
        if type(getattr(model, name)) is int:
            setattr(model, name, float(getattr(model, name)))
    for name in _nested_fields(cls):
        value = getattr(model, name)
        for item in value if type(value) is list else (value,):
            kind: type = type(item)
            if _dressable(kind):
                if not issubclass(kind, SDKModel):
                    item.__class__ = _dressed_class(kind)
                dress(item)


class FineTuningJob(SDKModel, generated.FineTuningJob):
    """A fine-tuning job (`ftjobs_api.models.FineTuningJob` with the SDK's serialisation)."""

    __slots__ = ()
    if TYPE_CHECKING:  # `dress` makes it the plain dict the SDK answers (the generated type says `MetadataMap`)
        metadata: dict[str, str] | Unset | None  # type: ignore[assignment]

    @property
    def object(self) -> str:
        return self.object_


class FineTuningJobEvent(SDKModel, generated.FineTuningJobEvent):
    """An event of a job (`ftjobs_api.models.FineTuningJobEvent` with the SDK's serialisation)."""

    __slots__ = ()

    @property
    def object(self) -> str:
        return self.object_

    @property
    def type(self) -> str | None:
        return None if isinstance(self.type_, Unset) else self.type_


class FineTuningJobCheckpoint(SDKModel, generated.FineTuningJobCheckpoint):
    """A checkpoint of a job (`ftjobs_api.models.FineTuningJobCheckpoint` with the SDK's serialisation)."""

    __slots__ = ()

    @property
    def object(self) -> str:
        return self.object_
