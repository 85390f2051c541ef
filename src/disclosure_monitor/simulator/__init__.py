"""A local portal simulator: real portal shapes and faults on loopback, with known answers.

Used by tests, benchmarks and the `demo` command. See spec/portals.md §4.
"""

from .config import write_config
from .documents import FORMATS, ReportSpec, render
from .scenario import (
    ATTACKS,
    FAULT_STATES,
    AgencySpec,
    Scenario,
    SiteSpec,
    deadline,
    default_scenario,
    hostile_scenario,
    scaled_scenario,
)
from .server import Expected, RequestLog, Simulator

__all__ = [
    "ATTACKS",
    "FAULT_STATES",
    "FORMATS",
    "AgencySpec",
    "Expected",
    "ReportSpec",
    "RequestLog",
    "Scenario",
    "Simulator",
    "SiteSpec",
    "deadline",
    "default_scenario",
    "hostile_scenario",
    "render",
    "scaled_scenario",
    "write_config",
]
