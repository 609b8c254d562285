"""The contract suite: test any fine-tuning jobs server against the fragment, state and semantics included.

    from ftjobs.contract import ContractOptions, run_contract

    report = run_contract(ContractOptions(base_url="https://api.openai.com/v1", api_key=key, safe=True))
    print(report.summary()); raise SystemExit(report.outcome)

A preflight (reachable, credentials accepted, a list that is a list), then schemathesis (every operation,
every phase, its checks plus ours), then scenarios that check what pause, resume and cancel must *do*.
Three outcomes (`Outcome`): 0 conforms, 1 does not conform, 2 could not test (with the reason). Every
property is reported as passed, failed or skipped with its reason. Needs the `contract` extra.

The names load on first use (PEP 562): `ftjobs contract --help`, which reads the options' defaults from
`ftjobs.contract._options`, does not pay for the runner (about 0.2 s).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ftjobs.contract._common import Finding, Outcome, PropertyResult
    from ftjobs.contract._options import ContractOptions
    from ftjobs.contract._properties import PROPERTIES
    from ftjobs.contract._reports import ContractReport
    from ftjobs.contract._runner import ContractInterrupted, interrupted_note, run_contract

_WHERE = {
    "Finding": "_common",
    "Outcome": "_common",
    "PropertyResult": "_common",
    "ContractOptions": "_options",
    "PROPERTIES": "_properties",
    "ContractReport": "_reports",
    "ContractInterrupted": "_runner",
    "interrupted_note": "_runner",
    "run_contract": "_runner",
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'ftjobs.contract' has no attribute {name!r}")
    value = getattr(import_module(f"ftjobs.contract.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
