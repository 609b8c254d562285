"""What a contract run is asked to test (`ContractOptions`): a server's base URL and key, and how hard."""

from __future__ import annotations

import os
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

import httpx

from ftjobs._azure import NO_PAUSE_VERSIONS
from ftjobs._config import DATED_VERSION, environment_key
from ftjobs._spec import DATED, V1, Dialect
from ftjobs.contract._common import KEY_ENV

PHASES = ("examples", "coverage", "fuzzing", "stateful")


@dataclass
class ContractOptions:
    """What to test (a server's base URL and key) and how hard."""

    base_url: str
    api_key: str
    auth: str = "bearer"  # or "api-key"
    safe: bool = False
    job_ids: list[str] = field(default_factory=list)
    pause_job: str | None = None  # a running job to pause and resume (the only state change with `safe`)
    model: str = "gpt-4o-mini"
    training_file: str = "file-ftjobs-contract"  # on a real server: an uploaded JSONL file the scenarios train on
    seed: int = 20261125
    max_examples: int = 15
    stateful_steps: int = 10
    phases: tuple[str, ...] = PHASES
    report_dir: Path = Path("reports")
    wait_timeout: float = 300.0
    poll_interval: float = 2.0
    still_seconds: float = 3.0  # how long a paused job is watched standing still
    request_timeout: float = 30.0
    max_time: float | None = None  # the whole run's bound, in seconds
    headers: list[tuple[str, str]] = field(default_factory=list)  # sent with every request; values are secret
    rate_limit: str | None = None  # schemathesis' form, e.g. "100/m"
    workers: int = 1
    exclude_checks: list[str] = field(default_factory=list)
    target: str | None = None  # what the console calls the server, e.g. "the embedded reference server"
    api_version: str | None = None  # Azure's `api-version`, sent with every request; a dated one: the dated dialect

    @property
    def dialect(self) -> Dialect:
        """The fragment the server is judged by: Azure's dated one for a dated `api-version`, else v1's."""
        dated = self.api_version is not None and DATED_VERSION.fullmatch(self.api_version) is not None
        return DATED if dated else V1

    @property
    def has_pause(self) -> bool:
        """Whether the `api-version` has pause and resume routes (2024-10-21 has neither)."""
        return self.api_version not in NO_PAUSE_VERSIONS

    def validate(self) -> None:
        """Raise `ValueError` for options no run can use."""
        url = httpx.URL(self.base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(
                f"--base-url must be an http(s) URL with a host, e.g. https://api.openai.com/v1 (got {self.base_url!r})"
            )
        if not self.api_key:
            raise ValueError(
                "an API key is needed to test a server: --api-key, or OPENAI_API_KEY / AZURE_OPENAI_API_KEY"
            )
        if self.auth not in ("bearer", "api-key"):
            raise ValueError("auth is 'bearer' or 'api-key'")
        if self.max_examples < 1 or self.stateful_steps < 2 or self.workers < 1:
            raise ValueError("--max-examples and --workers must be at least 1, --stateful-steps at least 2")
        if self.api_version is not None and (not self.api_version or any(c in self.api_version for c in "&#?= ")):
            raise ValueError(f"--api-version takes a version such as 2025-04-01-preview (got {self.api_version!r})")
        if self.pause_job is not None and not self.has_pause:
            raise ValueError(
                f"--pause-job needs an api-version with a pause route; {self.api_version} has none "
                "(2025-04-01-preview and v1 have one)"
            )
        for name, _ in self.headers:
            if not name or any(c in name for c in ":\r\n "):
                raise ValueError(f"--header takes NAME:VALUE (got the name {name!r})")


def target_of(options: ContractOptions) -> str:
    """The server under test, as the console and the reports name it."""
    return f"{options.target} at {options.base_url}" if options.target else options.base_url


def contract_key(given: str | None, auth: str) -> str | None:
    """The key to test a server with: `given`, else `FTJOBS_CONTRACT_API_KEY`, else the client's variable for
    `auth` (`OPENAI_API_KEY`; `AZURE_OPENAI_API_KEY` for `api-key`)."""
    return given or os.environ.get(KEY_ENV) or environment_key(azure=auth == "api-key")


# Each option's default, declared once above: the command line and the test suite's options take them from here.
DEFAULTS: dict[str, Any] = {
    option.name: option.default for option in fields(ContractOptions) if option.default is not MISSING
}
