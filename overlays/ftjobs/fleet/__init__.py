"""Fleet operations: pause, resume or cancel every job that matches, a bounded number at a time, with a journal.

    from ftjobs import Client, fleet

    with Client() as client:
        plan = fleet.plan(client, "pause", fleet.Selection(metadata={"team": "search"}), journal="pause.jsonl")
        report = fleet.execute(client, plan, concurrency=8)   # report.counts(), report.outcomes
        ...
        plan = fleet.plan_from_journal(client, "pause.jsonl") # exactly the jobs that run paused, if still paused
        fleet.execute(client, plan)

The rules, for every job:
- At most one state-changing request at a time, and none for a job the journal already records as changed by
  this action. The `sending` line is flushed before the request leaves; a later run that finds it without an
  outcome reads the job's listed status: the transition's status means the earlier request took effect
  (recorded `changed`, nothing sent); the status selected means it did not (sent once now).
- A refusal (400, 404, 409) is followed by one read: a job whose status left the selection (it ended, or someone
  else paused it) is `skipped` with that status, not failed.
- Everything else the client's own retries cover (429 with `retry-after`, connection errors, 5xx; a lost answer is
  confirmed by a read). A 429 never reached the job, so after those retries it is asked again, waiting as the
  server says, up to `RATE_LIMITED_ROUNDS` times. What still fails is `failed`, with the error in one line,
  credentials removed.
"""

from ftjobs.fleet._journal import Journal, JournalError
from ftjobs.fleet._plan import FleetReport, Outcome, Plan, TooManyJobs, plan, plan_from_journal
from ftjobs.fleet._run import FleetInterrupted, execute
from ftjobs.fleet._selection import Action, Selection, default_statuses, parse_time

__all__ = [
    "Action",
    "FleetInterrupted",
    "FleetReport",
    "Journal",
    "JournalError",
    "Outcome",
    "Plan",
    "Selection",
    "TooManyJobs",
    "default_statuses",
    "execute",
    "parse_time",
    "plan",
    "plan_from_journal",
]
