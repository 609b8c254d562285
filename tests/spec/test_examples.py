"""Every example in the fragment validates against the schema it illustrates."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest
import yaml

from ftjobs._spec import resolve
from ftjobs.contract._examples import HTTP_METHODS, example_errors, examples
from tests.conftest import SPEC_PATH


def validator(spec: dict[str, Any], schema: dict[str, Any]) -> jsonschema_rs.Draft202012Validator:
    """A JSON Schema 2020-12 validator for `schema` that resolves `#/components/...` in the fragment."""
    return jsonschema_rs.Draft202012Validator({**schema, "components": spec["components"]})


EXAMPLES = [
    pytest.param(schema, value, id=where)
    for where, schema, value in examples(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))
]


@pytest.mark.parametrize(("schema", "value"), EXAMPLES)
def test_example_validates(spec: dict[str, Any], schema: dict[str, Any], value: Any) -> None:
    """The example validates against the schema of the parameter or media type that shows it."""
    errors = [f"{error.instance_path}: {error.message}" for error in validator(spec, schema).iter_errors(value)]
    assert errors == []


def test_every_operation_shows_a_success_example(spec: dict[str, Any]) -> None:
    """Each operation's 2xx answer carries at least one example, so none goes unchecked."""
    shown = {where.split(" 200 ")[0] for where, _, _ in examples(spec) if " 200 " in where}
    operations = {f"{m.upper()} {p}" for p, item in spec["paths"].items() for m in HTTP_METHODS if m in item}
    assert shown == operations


def test_corrected_seed_pause_example(spec: dict[str, Any]) -> None:
    """The pause example answers `paused` and carries every field the job schema requires."""
    pause = spec["paths"]["/fine_tuning/jobs/{fine_tuning_job_id}/pause"]["post"]
    example = resolve(pause["responses"]["200"]["content"]["application/json"]["examples"]["paused"], spec)
    job = example["value"]
    assert job["status"] == "paused"
    required = spec["components"]["schemas"]["FineTuningJob"]["required"]
    assert sorted(set(required) - set(job)) == []


@pytest.mark.parametrize(
    "drop",
    ["error", "finished_at", "hyperparameters", "seed", "trained_tokens"],
)
def test_upstream_omissions_are_invalid(spec: dict[str, Any], drop: str) -> None:
    """A job without one of the five fields upstream's examples omit fails the job schema."""
    job = dict(resolve({"$ref": "#/components/examples/JobPaused"}, spec)["value"])
    del job[drop]
    check = validator(spec, {"$ref": "#/components/schemas/FineTuningJob"})
    assert not check.is_valid(job)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "bogus"),
        ("finished_at", "2024-07-23T12:00:00Z"),
        ("created_at", 1.5),
        ("metadata", {f"k{i}": "v" for i in range(17)}),
        ("metadata", {"k" * 65: "v"}),
        ("metadata", {"k": "v" * 513}),
        ("hyperparameters", {"batch_size": 257}),
        ("hyperparameters", {"n_epochs": 0}),
        ("hyperparameters", {"learning_rate_multiplier": 0}),
        ("hyperparameters", {"batch_size": "big"}),
        ("integrations", [{"type": "wandb"}]),  # a wandb integration carries its settings
        ("integrations", [{"wandb": {"project": "p"}}]),
    ],
)
def test_job_schema_rejects(spec: dict[str, Any], field: str, value: Any) -> None:
    """The job schema rejects values outside the contract: unknown status, string times, broken limits."""
    job = dict(resolve({"$ref": "#/components/examples/JobPaused"}, spec)["value"])
    job[field] = value
    check = validator(spec, {"$ref": "#/components/schemas/FineTuningJob"})
    assert not check.is_valid(job)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "pausing"),
        ("error", {}),
        ("error", {"code": None, "message": None, "param": None}),
        ("hyperparameters", None),
        ("finished_at", 1721765000),
        ("metadata", {f"k{i}": "v" * 512 for i in range(16)}),
        ("hyperparameters", {"batch_size": 256, "n_epochs": 50, "learning_rate_multiplier": 0.01}),
        ("integrations", [{"type": "string"}]),  # Azure v1: an open string (what Prism answers from its spec)
        ("integrations", [{"type": "wandb", "wandb": {"project": "p", "run_id": "ftjob-1"}}]),
    ],
)
def test_job_schema_accepts(spec: dict[str, Any], field: str, value: Any) -> None:
    """The job schema accepts what real servers send within the contract, limits included."""
    job = dict(resolve({"$ref": "#/components/examples/JobPaused"}, spec)["value"])
    job[field] = value
    check = validator(spec, {"$ref": "#/components/schemas/FineTuningJob"})
    assert check.is_valid(job)


def test_a_broken_example_is_reported(spec: dict[str, Any]) -> None:
    """The example check can fail: a paused example with a bogus status is named, with where it is."""
    broken = json.loads(json.dumps(spec))
    broken["components"]["examples"]["JobPaused"]["value"]["status"] = "bogus"
    assert example_errors(spec) == []
    assert any("POST /fine_tuning/jobs/{fine_tuning_job_id}/pause 200 paused" in e for e in example_errors(broken))


@pytest.mark.parametrize("integration", [{"type": "string"}, {"type": "wandb"}])
def test_create_request_integrations_stay_strict(spec: dict[str, Any], integration: dict[str, Any]) -> None:
    """What a client may send is still OpenAI's one known integration with its settings: only the job answer's
    integrations are open (deviation 27)."""
    request = {"model": "gpt-4o-mini", "training_file": "file-abc", "integrations": [integration]}
    check = validator(spec, {"$ref": "#/components/schemas/CreateFineTuningJobRequest"})
    assert not check.is_valid(request)
