"""What a check looks at (`Subject`), what it reports back (`Hit`), and the legal deadline.

Kept apart from the catalogue so that predicates and engine share these nouns
without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from ..model import Report, Value

# 《条例》第四十九条: departments by 31 January, governments by 31 March (since the 2019 revision).
JANUARY_KINDS = frozenset({"dept", "state_council_dept", "gov_office", "township"})
MARCH_KINDS = frozenset({"gov"})
KNOWN_KINDS = JANUARY_KINDS | MARCH_KINDS


def deadline_for(year: int, kind: str | None) -> date:
    """Last day the report for `year` may be published (checks.md §0).

    An unknown kind gets the later date, so that not knowing never causes a false "late".
    """
    if year >= 2019 and kind in JANUARY_KINDS:
        return date(year + 1, 1, 31)
    return date(year + 1, 3, 31)


@dataclass(frozen=True)
class AgencyFacts:
    """The configured facts about an agency the checks need (name, kind, region, level)."""

    name: str
    kind: str | None = None  # dept | gov | gov_office | township | state_council_dept
    region: str | None = None
    level: str | None = None  # national | province | city | county | township


@dataclass(frozen=True)
class Publication:
    """The crawl's outcome for one (agency, year) when no parsed report speaks for it."""

    state: str
    today: date
    url: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Change:
    """A report's first captured version against its current one (D07)."""

    first_seen: date
    first_sha256: str
    sha256: str
    first_published_on: date | None = None
    published_on: date | None = None


@dataclass(frozen=True)
class Subject:
    """One evaluation's input; each scope fills the fields its checks read."""

    year: int | None
    agency: AgencyFacts | None = None
    report: Report | None = None
    previous: Report | None = None  # the same agency's Y−1 report (pair checks)
    earlier: tuple[Report, ...] = ()  # Y−1 and Y−2 reports (history checks)
    publication: Publication | None = None
    change: Change | None = None
    copies: tuple[tuple[str, str, float], ...] = ()  # (section, other agency, similarity), X05

    @cached_property
    def values(self) -> dict[str, Value]:
        """The report's figures as {key: value}, made once for all the rows that read many
        (the sums A01–A06 read ≈ 600 cells a report)."""
        return {key: figure.value for key, figure in self.report.figures.items()} if self.report else {}

    @property
    def kind(self) -> str | None:
        return self.agency.kind if self.agency else None

    @property
    def agency_name(self) -> str | None:
        if self.agency:
            return self.agency.name
        return self.report.agency if self.report else None

    @property
    def deadline(self) -> date | None:
        return deadline_for(self.year, self.kind) if self.year is not None else None


@dataclass(frozen=True)
class Hit:
    """One failure a predicate found: the cells it is about and the message's parameters.

    `blank` marks an equality that fails only with blank cells counted as 0: it is
    reported under the check id suffixed `.blank`, as a warning.
    """

    keys: tuple[str, ...] = ()
    expected: Any = None
    actual: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    blank: bool = False
