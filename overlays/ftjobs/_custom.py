"""Requests to routes ftjobs has no method for, as the SDK's `client.get/post(path, cast_to=…)` makes them.

The SDK documents these for undocumented routes; here they reach fine-tuning routes that the fragment leaves out
(Azure's `DELETE /fine_tuning/jobs/{id}`, a preview route) with the client's credentials, retries and typed errors.
`cast_to` says what the call answers: `httpx.Response` (the answer itself), `object` (its JSON, or its text when it
is not JSON), `dict` or `list` (JSON of that shape), `str`, `bytes`, `None`, or a class with `model_validate`
(a pydantic model).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypedDict, TypeVar, cast

import httpx

from ftjobs._config import NOT_GIVEN, NotGiven, Omit, Timeout
from ftjobs._exceptions import APIResponseValidationError
from ftjobs._response import Options

T = TypeVar("T")


class RequestOptions(TypedDict, total=False):
    """The SDK's `options=` of a custom request."""

    headers: Mapping[str, str | Omit]
    params: Mapping[str, object]
    extra_json: Mapping[str, object]
    timeout: Timeout | NotGiven
    max_retries: int
    follow_redirects: bool


def custom_options(options: RequestOptions | None) -> Options:
    given = options or {}
    return Options(
        given.get("headers"),
        given.get("params"),
        given.get("extra_json"),
        given.get("timeout", NOT_GIVEN),
        follow_redirects=given.get("follow_redirects", True),
    )


def cast_answer(response: httpx.Response, cast_to: type[T]) -> T:
    """The 2xx answer as `cast_to` asks (see the module's docstring)."""
    if cast_to is httpx.Response:
        return cast(T, response)
    if cast_to is type(None) or cast_to is None:
        return cast(T, None)
    if cast_to is str:
        return cast(T, response.text)
    if cast_to is bytes:
        return cast(T, response.content)
    try:
        body: Any = json.loads(response.content) if response.content else None
    except (ValueError, RecursionError):
        if cast_to is object:
            return cast(T, response.text)
        raise APIResponseValidationError(
            f"the answer is not JSON, so it cannot be read as {cast_to.__name__}", response=response, body=response.text
        ) from None
    if cast_to is object:
        return cast(T, body)
    if cast_to in (dict, list):
        if not isinstance(body, cast_to):
            raise APIResponseValidationError(
                f"the answer is JSON {type(body).__name__}, not {cast_to.__name__}", response=response, body=body
            )
        return body
    validate = getattr(cast_to, "model_validate", None)
    if callable(validate):
        return validate(body)  # type: ignore[no-any-return]
    raise TypeError(
        "cast_to must be httpx.Response, object, dict, list, str, bytes, None or a class with model_validate, "
        f"not {cast_to!r}"
    )
