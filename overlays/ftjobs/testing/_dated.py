"""The reference server's third dialect: Azure's dated routes (`/openai/fine_tuning/…?api-version=<date>`).

The store keeps one job in v1's shape; the dated routes show it as the dated fragment (`openapi/azure_dated.yaml`)
and Azure's dated examples do: `pending` where v1 says `validating_files` or `queued` (and `resuming` for a job
queued again by a resume, as Azure's resume example answers), `-1` for an epoch count or batch size not chosen yet,
`organisation_id` and `suffix` beside the fields live dated answers carry (`organization_id`, `error`, `seed`),
event level `warning` for v1's `warn`, and errors as `{"error": {"code", "message"[, "target"]}}`.
"""

from __future__ import annotations

from typing import Any

# Azure's dated `ErrorCode` values, by the HTTP status the reference server refuses with.
ERROR_CODES = {400: "invalidPayload", 401: "unauthorized", 404: "notFound", 409: "conflict", 429: "tooManyRequests"}
ERROR_CODES.update({500: "internalFailure", 503: "serviceUnavailable"})
# A transition the job's status forbids (the dated spec's `unexpectedEntityState`).
FORBIDDEN_TRANSITION = "unexpectedEntityState"
V1_ONLY = ("user_provided_suffix", "metadata")


def job(v1: dict[str, Any], *, resuming: bool = False) -> dict[str, Any]:
    """The store's job as the dated routes answer it; `resuming`: the job is queued again after a pause."""
    shown = {name: value for name, value in v1.items() if name not in V1_ONLY}
    if v1["status"] in ("validating_files", "queued"):
        shown["status"] = "resuming" if resuming and v1["status"] == "queued" else "pending"
    hyperparameters = v1.get("hyperparameters")
    if isinstance(hyperparameters, dict):
        shown["hyperparameters"] = {name: _chosen(name, value) for name, value in hyperparameters.items()}
    shown["organisation_id"] = v1.get("organization_id")
    shown["suffix"] = v1.get("user_provided_suffix")
    return shown


def _chosen(name: str, value: Any) -> Any:
    """A hyperparameter as the dated routes show it: `-1` for a count not chosen yet (Azure's answers), `null`
    for a multiplier not chosen yet (the dated spec types it as a number)."""
    if value != "auto":
        return value
    return None if name == "learning_rate_multiplier" else -1


def event(v1: dict[str, Any]) -> dict[str, Any]:
    """An event as the dated routes answer it: level `warning` for v1's `warn`."""
    return {**v1, "level": "warning"} if v1.get("level") == "warn" else v1


def error(status: int, message: str, code: str | None, param: str | None) -> dict[str, Any]:
    """Azure's dated error envelope: `code` and `message` always, `target` naming the parameter at fault."""
    body: dict[str, Any] = {"code": code if code == "404" else ERROR_CODES.get(status, str(status)), "message": message}
    if code == "invalid_job_status":
        body["code"] = FORBIDDEN_TRANSITION
    if param is not None:
        body["target"] = param
    return {"error": body}
