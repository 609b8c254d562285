"""What `make sdk-tests` runs of the openai SDK's own tests, and how (the tables README's "The SDK's own tests" shows).

- FILES: the test files that exercise what ftjobs offers (fine-tuning jobs, the client, errors).
- SHARED: the one liberty besides the import swap, applied to both runs alike: a call to another API area is
  replaced by the equivalent fine-tuning call (and its mocked route with it).
- LEFT_OUT: tests run on neither side, each with its reason (node-id patterns, fnmatch).
- DELIBERATE: tests that run on both sides and fail on ftjobs on purpose, each with its reason.

The import swap itself is mechanical and lives in sdk_tests.py (`swap_imports`).
"""

from __future__ import annotations

FILES = (
    "tests/api_resources/fine_tuning/test_jobs.py",
    "tests/api_resources/fine_tuning/jobs/test_checkpoints.py",
    "tests/lib/test_fine_tuning_positional_arguments.py",
    "tests/test_status_error_messages.py",
    "tests/test_client.py",
)

# file → [(old, new)]: exact text, each must be found (the harness fails loudly when the SDK's tests change).
SHARED: dict[str, list[tuple[str, str]]] = {
    "tests/test_client.py": [
        (
            "await async_client.models.list(extra_headers=extra_headers)",
            "await async_client.fine_tuning.jobs.list(extra_headers=extra_headers)",
        ),
        (
            "client.models.list(extra_headers=extra_headers)",
            "client.fine_tuning.jobs.list(extra_headers=extra_headers)",
        ),
    ],
    "tests/test_status_error_messages.py": [
        ('respx2_mock.get("/example")', 'respx2_mock.get("/fine_tuning/jobs/ftjob-example")'),
        (
            '.with_options(max_retries=0).get("/example", cast_to=object)',
            '.with_options(max_retries=0).fine_tuning.jobs.retrieve("ftjob-example")',
        ),
    ],
}

STAINLESS = "asserts the X-Stainless-* headers that identify the official SDK; ftjobs must not pose as it"
SDK_MODELS = "casts an answer to the SDK's own pydantic unions or SSE streams (cast_to=…), which only the SDK has"
PRIVATE = "exercises the SDK's private internals (_build_request, _calculate_retry_timeout, FinalRequestOptions…)"
UPLOADS = "uploads (binary or multipart bodies): no fine-tuning call sends one"
WORKLOAD = "workload identity, admin keys or credential providers of the SDK's auth module: not in ftjobs' scope"

_CLIENT = "tests/test_client.py::*"
LEFT_OUT: list[tuple[str, str]] = [
    ("tests/api_resources/*::test_raw_response_*", STAINLESS),
    *(
        (f"{_CLIENT}::{name}*", STAINLESS)
        for name in ("test_retries_taken", "test_omit_retry_count_header", "test_overwrite_retry_count_header")
    ),
    ("tests/test_client.py::test_retry_limits_and_backoff*", STAINLESS + " (x-stainless-retry-count)"),
    *(
        (f"{_CLIENT}::{name}*", PRIVATE)
        for name in (
            "test_copy_build_request",
            "test_request_timeout",
            "test_client_timeout_option",
            "test_http_client_timeout_option",
            "test_default_headers_option",
            "test_validate_headers",
            "test_default_query_option",
            "test_copy_default_query",
            "test_hardcoded_query_params_in_url",
            "test_request_extra_json",
            "test_request_extra_headers",
            "test_request_extra_query",
            "test_base_url_trailing_slash",
            "test_base_url_no_trailing_slash",
            "test_absolute_request_url",
            "test_parse_retry_after_header",
            "test_retry_after_max_delay",
            "test_get_platform",
            "test_api_key_before_after_refresh_provider",
            "test_api_key_before_after_refresh_str",
            "test_copy_auth",
        )
    ),
    *(
        (f"{_CLIENT}::{name}*", PRIVATE + " (counts open connections in the SDK's own pool, _client._transport._pool)")
        for name in ("test_retrying_timeout_errors_doesnt_leak", "test_retrying_status_errors_doesnt_leak")
    ),
    *(
        (f"{_CLIENT}::{name}*", UPLOADS)
        for name in ("test_multipart_*", "test_binary_content_*", "test_raw_response_for_binary")
    ),
    *(
        (f"{_CLIENT}::{name}*", WORKLOAD)
        for name in (
            "test_api_key_provider_*",
            "test_workload_identity_*",
            "test_api_key_refresh_on_retry",
            "test_bearer_token_refresh_async",
            "test_401_without_workload_identity_no_retry",
            "test_non_401_errors_no_retry",
        )
    ),
    *(
        (f"{_CLIENT}::{name}*", SDK_MODELS)
        for name in (
            "test_basic_union_response",
            "test_union_response_different_types",
            "test_client_response_validation_error",
            "test_default_stream_cls",
            "test_received_text_for_expected_json",
        )
    ),
    ("tests/api_resources/*::test_streaming_response_*", STAINLESS),
    ("tests/lib/test_fine_tuning_positional_arguments.py::*::test_raw_response_*", STAINLESS),
    ("tests/lib/test_fine_tuning_positional_arguments.py::*::test_streaming_response_*", STAINLESS),
]

DELIBERATE: list[tuple[str, str]] = []
