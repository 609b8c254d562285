"""Every semantic property the suite checks: what it says and when it applies.

Each run reports every one of them, as passed, failed or skipped with the reason, never leaves one out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ftjobs.contract._common import PropertyResult

# When a property applies: on every run, when jobs can be created (not --safe), or when a job can be paused
# (jobs created, or --pause-job).
ANY, CREATES, PAUSES = "any", "creates", "pauses"

PROPERTIES: dict[str, tuple[str, str]] = {
    "fragment_examples_valid": ("every example in the fragment validates against its schema", ANY),
    "credentials_accepted": ("the configured credentials are accepted (a list of jobs answers 200)", ANY),
    "unknown_id_404": ("an unknown id answers 404 with the envelope on every job operation", ANY),
    "missing_credentials_401": ("a request without credentials answers 401 with the envelope", ANY),
    "wrong_credentials_401": ("a request with a wrong key answers 401 with the envelope", ANY),
    "malformed_input_400": ("malformed input answers 400 with the envelope (422 is not what the contract says)", ANY),
    "reads_name_the_job": ("retrieve answers the path's job; its events and checkpoints are lists", ANY),
    "list_limit_respected": ("a page never holds more than `limit` items (jobs and events)", ANY),
    "list_has_more": ("`has_more` is true when more items exist than the page holds (jobs and events)", ANY),
    "list_after_continues": ("`after` answers what follows the cursor, without repeating it (jobs and events)", ANY),
    "create_reaches_running": ("a created job answers itself, then reaches running", CREATES),
    "resume_of_running_refused": (
        "resume of a running job answers 400/409 with the envelope; it keeps running",
        CREATES,
    ),
    "pause_pauses": ("pause of a running job answers it paused (or pausing), and later reads show it paused", PAUSES),
    "paused_stands_still": ("a paused job stays paused: trained_tokens unchanged, it does not end on its own", PAUSES),
    "pause_of_paused": ("pause of a paused job answers 200 with it unchanged, or 400/409; it stays paused", PAUSES),
    "resume_not_terminal": ("resume of a paused job never answers a terminal status", PAUSES),
    "resume_runs_on": ("resume of a paused job answers queued/running (or resuming), and the job runs again", PAUSES),
    "cancel_from_paused": ("cancel of a paused job answers it cancelled", CREATES),
    "cancel_persisted": ("a job whose cancel answered cancelled reads back cancelled", CREATES),
    "ended_job_refuses": ("pause, resume and cancel of a cancelled job answer 400/409; it stays cancelled", CREATES),
    "pause_before_running_refused": ("pause of a job not yet running answers 400/409 and changes nothing", CREATES),
}


@dataclass
class Properties:
    """The run's results, one per property, in the registry's order."""

    results: dict[str, PropertyResult]

    @classmethod
    def fresh(cls) -> Properties:
        return cls({name: PropertyResult(name, says) for name, (says, _) in PROPERTIES.items()})

    def __getitem__(self, name: str) -> PropertyResult:
        return self.results[name]

    def __iter__(self) -> Iterator[PropertyResult]:
        return iter(self.results.values())

    def mode_skips(self, *, safe: bool, pause_job: str | None, job_ids: list[str]) -> None:
        """Skip, with the reason, what the mode does not ask for."""
        for name, (_, applies) in PROPERTIES.items():
            if applies == CREATES and safe:
                self[name].skip("safe mode: creates no job")
            elif applies == PAUSES and safe and pause_job is None:
                self[name].skip("safe mode: pauses nothing (give --pause-job JOB_ID to test pause on a running job)")
        if safe and not job_ids and pause_job is None:
            self["reads_name_the_job"].skip("no job to read: give --job-id JOB_ID")

    def not_reached(self, reason: str, *, inconclusive: bool = False) -> None:
        """Skip every property not yet checked nor skipped, with the reason (a later check still counts)."""
        for result in self:
            result.skip(f"not reached: {reason}", inconclusive=inconclusive)
