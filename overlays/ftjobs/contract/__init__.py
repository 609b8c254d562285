"""The contract suite: test any fine-tuning jobs server against the fragment, state and semantics included.

    from ftjobs.contract import ContractOptions, run_contract

    report = run_contract(ContractOptions(base_url="https://api.openai.com/v1", api_key=key, safe=True))
    print(report.summary()); assert report.ok

Two parts: schemathesis (every operation, every phase, every built-in check, plus a check that the
configured credentials are accepted and that job answers name the path's job), then scenarios that check
what pause, resume and cancel must *do*. `ContractOptions()` with no base URL tests the embedded reference
server. Needs the `contract` extra (and `server` for the embedded server).
"""

from ftjobs.contract._common import Finding, PropertyResult
from ftjobs.contract._runner import ContractOptions, ContractReport, run_contract

__all__ = ["ContractOptions", "ContractReport", "Finding", "PropertyResult", "run_contract"]
