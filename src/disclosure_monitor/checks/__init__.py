"""The checks of spec/checks.md: a catalogue of rows interpreted by one engine.

`check_report` runs everything one report can tell; `check_pair`, `check_history`,
`check_copies` (or `CopyFinder` for a whole roster), `check_publication` and
`check_changed` need other reports or crawl facts. All return `model.Finding`s.
"""

from .catalogue import CATALOGUE, Check
from .engine import (
    CopyFinder,
    check_changed,
    check_copies,
    check_history,
    check_pair,
    check_publication,
    check_report,
    copies_found,
)
from .similarity import similarity
from .subject import AgencyFacts, deadline_for

__all__ = [
    "CATALOGUE",
    "AgencyFacts",
    "Check",
    "CopyFinder",
    "check_changed",
    "check_copies",
    "check_history",
    "check_pair",
    "check_publication",
    "check_report",
    "copies_found",
    "deadline_for",
    "similarity",
]
