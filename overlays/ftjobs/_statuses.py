"""The job statuses the code reasons about, in groups declared once (the fragment's enum is in `ftjobs._spec`)."""

from __future__ import annotations

# A job in one of these has ended: no transition leaves it.
TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
# A job in one of these has not started training: a pause is refused (the fragment pauses running jobs only).
PRE_RUNNING = frozenset({"created", "pending", "validating_files", "queued"})
# The statuses a transition's 200 may answer: the job is where that transition takes it, or on its way.
REACHED = {
    "pause": frozenset({"paused", "pausing"}),
    "resume": frozenset({"queued", "running", "resuming"}),
    "cancel": frozenset({"cancelled"}),
}
