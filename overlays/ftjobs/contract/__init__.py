"""The contract suite: test any fine-tuning jobs server against the fragment, state and semantics included.

    from ftjobs.contract import ContractOptions, run_contract

    report = run_contract(ContractOptions(base_url="https://api.openai.com/v1", api_key=key, safe=True))
    print(report.summary()); raise SystemExit(report.outcome)

A preflight (reachable, credentials accepted, a list that is a list), then schemathesis (every operation,
every phase, its checks plus ours), then scenarios that check what pause, resume and cancel must *do*.
Three outcomes (`Outcome`): 0 conforms, 1 does not conform, 2 could not test (with the reason). Every
property is reported as passed, failed or skipped with its reason. Needs the `contract` extra.
"""

from ftjobs.contract._common import Finding, Outcome, PropertyResult
from ftjobs.contract._properties import PROPERTIES
from ftjobs.contract._runner import (
    ContractInterrupted,
    ContractOptions,
    ContractReport,
    interrupted_note,
    run_contract,
)

__all__ = [
    "PROPERTIES",
    "ContractInterrupted",
    "ContractOptions",
    "ContractReport",
    "Finding",
    "Outcome",
    "PropertyResult",
    "interrupted_note",
    "run_contract",
]
