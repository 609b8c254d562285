"""Passive conformance: recorded traffic (HAR, VCR.py cassettes, ftjobs' exchange log) held to the contract and
its state machine, offline; and `ftjobs proxy`, which checks exchanges as they pass.

    report = check_traffic([Path("session.har")], sole_client=True)
    report.outcome  # Outcome.CONFORMS, DOES_NOT_CONFORM or COULD_NOT_TEST
"""

from __future__ import annotations

from ftjobs.traffic._check import Passive, check_traffic
from ftjobs.traffic._records import Recorded, Unreadable, read_traffic
from ftjobs.traffic._report import TrafficReport
from ftjobs.traffic._rules import TRAFFIC_PROPERTIES

__all__ = ["TRAFFIC_PROPERTIES", "Passive", "Recorded", "TrafficReport", "Unreadable", "check_traffic", "read_traffic"]
