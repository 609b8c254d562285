"""The server variants as their traffic shows them: for each broken variant, the rule a client's traffic breaks,
and whether only a sole client can tell (another client's pause, resume or cancel could explain it otherwise).

Broken variants left out, and why the traffic of a well-behaved client cannot show their defect:
`no credentials needed` and `any key accepted` (the client always sends the right key), `crash on odd ids` (it
never sends an odd id), `malformed input answers 422` (it never sends malformed input), `forbidden transition
crashes` (a 500 is a documented answer; only the active suite knows the transition was forbidden), `pauses jobs
not yet running` (a job last seen queued may have started running by the time its pause arrived), `dated GA
2024-10-21: cancel of a running job not persisted` (the program pauses and resumes; that version has neither).
Conforming variants left out: `Azure's dated GA 2024-10-21` (the program pauses and resumes; that version has
no such routes).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.contract.asgi import Variant
from tests.contract.broken import BROKEN
from tests.contract.conforming import CONFORMING

NOT_SHOWN = frozenset(
    {
        "no credentials needed",
        "any key accepted",
        "crash on odd ids",
        "malformed input answers 422",
        "forbidden transition crashes",
        "pauses jobs not yet running, events say nothing",
        "dated GA 2024-10-21: cancel of a running job not persisted",
    }
)
RULE = {
    "missing required field": ("answers_keep_the_schema", False),
    "status outside the enum": ("answers_keep_the_schema", False),
    "text/plain answers": ("content_type_json", False),
    "unknown id answers 200": ("answers_keep_the_schema", False),
    "errors outside the envelope": ("errors_in_envelope", False),
    "pause changes nothing": ("paused_stands_still", True),
    "resume of a running job accepted": ("resume_of_running_refused", True),
    "cancel refuses paused jobs": ("cancel_from_paused", True),
    "refused pause pauses anyway": ("refused_changes_nothing", True),
    "pause answers another job": ("answers_name_the_job", False),
    "limit ignored on the list of jobs": ("list_limit_respected", False),
    "has_more always false": ("list_has_more", True),
    "after ignored on events": ("list_after_continues", False),
    "a paused job trains on": ("paused_stands_still", True),
    "resume answers succeeded": ("transitions_answer_their_status", False),
    "cancel not persisted": ("terminal_stays_terminal", False),
    "dated create answers 200": ("answers_keep_the_schema", False),
    "dated errors in v1's envelope": ("errors_in_envelope", False),
    "dated job answers v1's queued": ("answers_keep_the_schema", False),
}
SLOW_TO_FINISH = {"a paused job trains on": 1.0}  # how long the program watches a paused job (it trains for 0.9 s)


@dataclass(frozen=True)
class Shown:
    variant: Variant
    rule: str
    sole_client_only: bool
    still: float

    @property
    def slug(self) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.variant.name).strip("-")


SHOWN = [
    Shown(variant, *RULE[variant.name], SLOW_TO_FINISH.get(variant.name, 0.2))
    for variant in BROKEN
    if variant.name not in NOT_SHOWN
]
# The program pauses and resumes: under Azure's 2024-10-21, which has neither route, it could not run.
NO_PAUSE = frozenset({"Azure's dated GA 2024-10-21, no pause route"})
CONFORMING_VARIANTS = [variant for variant in CONFORMING if variant.name not in NO_PAUSE]
assert {variant.name for variant in BROKEN} == NOT_SHOWN | RULE.keys(), "every broken variant has its row"
