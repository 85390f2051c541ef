"""Run the catalogue's rows over one report, a pair of years, a history, a year's roster,
a crawl outcome or a changed document, and turn every `Hit` into a `Finding`.

This module knows no check by name: which rows run is decided by their scope, what
they say by their message templates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from typing import Any

from ..model import Finding, Report
from .catalogue import (
    AGENCY,
    BLANK_NOTE,
    CATALOGUE,
    CHANGE,
    COPIES,
    COPY_SECTIONS,
    COPY_THRESHOLD,
    HISTORY,
    PAIR,
    PUBLICATION,
    REPORT,
    WARNING,
    Check,
)
from .similarity import CopyIndex, Match
from .subject import AgencyFacts, Change, Hit, Publication, Subject


@cache
def _rows(scopes: tuple[str, ...]) -> tuple[Check, ...]:
    return tuple(check for check in CATALOGUE if check.scope in scopes)


def evaluate(scopes: tuple[str, ...], subject: Subject) -> list[Finding]:
    """Every finding of the catalogue rows of `scopes` on `subject`, in catalogue order."""
    return [_finding(check, hit, subject) for check in _rows(scopes) for hit in check.predicate(subject)]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _finding(check: Check, hit: Hit, s: Subject) -> Finding:
    prev_year = s.previous.year if s.previous and s.previous.year else (s.year - 1 if s.year else None)
    params = {
        "year": s.year,
        "prev_year": prev_year,
        "deadline": s.deadline,
        "expected": hit.expected,
        "actual": hit.actual,
        **hit.params,
    }
    message_zh = check.message_zh.format_map({"agency": s.agency_name or "本机关", **params})
    message_en = check.message_en.format_map({"agency": s.agency_name or "the agency", **params})
    check_id, severity = check.id, check.severity
    if hit.blank:
        check_id, severity = f"{check.id}.blank", WARNING
        message_zh, message_en = message_zh + BLANK_NOTE[0], message_en + BLANK_NOTE[1]
    return Finding(
        check_id=check_id,
        severity=severity,
        message_zh=message_zh,
        message_en=message_en,
        keys=hit.keys,
        expected=_text(hit.expected),
        actual=_text(hit.actual),
        agency=s.agency_name,
        year=s.year,
    )


def check_report(report: Report, agency: AgencyFacts | None = None) -> list[Finding]:
    """Every check that needs only this report (and the agency's configured facts)."""
    return evaluate((REPORT, AGENCY), Subject(year=report.year, agency=agency, report=report))


def check_pair(report: Report, previous: Report, agency: AgencyFacts | None = None) -> list[Finding]:
    """X01–X04: this report against the same agency's report of the year before."""
    return evaluate((PAIR,), Subject(year=report.year, agency=agency, report=report, previous=previous))


def check_history(reports_by_year: dict[int, Report], agency: AgencyFacts | None = None) -> list[Finding]:
    """P05 for every year whose two previous years are present too."""
    findings = []
    for year in sorted(reports_by_year):
        if year - 1 in reports_by_year and year - 2 in reports_by_year:
            earlier = (reports_by_year[year - 1], reports_by_year[year - 2])
            subject = Subject(year=year, agency=agency, report=reports_by_year[year], earlier=earlier)
            findings += evaluate((HISTORY,), subject)
    return findings


def _names(name: str | None, report: Report) -> tuple[str, ...]:
    return tuple(n for n in (name, report.agency) if n)


class CopyFinder:
    """One year's reports of many agencies, indexed once, to look for copied sections (X05).

    Build it from the year's roster and ask `roster_copies` per position (or `check` any
    report): the cost is one shingling per section plus exact comparisons with the few
    candidates the prefix index yields (see `similarity`), not a comparison with every
    other report. The reports are read once and not kept: a national roster's reports
    were a third of an X05 worker's memory.
    """

    def __init__(self, reports: Iterable[tuple[str, Report]], sections: tuple[str, ...] = COPY_SECTIONS) -> None:
        """`sections`: the ones compared (a roster may be split by section over processes)."""
        self._names: list[tuple[str, ...]] = []  # by position in the roster
        self._indexes = {section: CopyIndex(threshold=COPY_THRESHOLD) for section in sections}
        for name, report in reports:
            names = _names(name, report)
            self._names.append(names)
            for section, index in self._indexes.items():
                index.add(name, report.sections.get(section, ""), names)

    def _found(self, matches: Callable[[str, CopyIndex], list[Match]], names: tuple[str, ...]) -> tuple[tuple[str, str, float], ...]:
        return tuple(
            (section, match.label, match.score)
            for section, index in self._indexes.items()
            for match in matches(section, index)
            if match.label not in names
        )

    def roster_copies(self, position: int) -> tuple[tuple[str, str, float], ...]:
        """`copies` of the roster's report at `position`, checked under the name it was indexed
        with: the matches found while indexing, not looked up again."""
        return self._found(lambda _, index: index.matches(position), self._names[position])

    def copies(self, report: Report, agency: AgencyFacts | None = None) -> tuple[tuple[str, str, float], ...]:
        """(section, other agency, similarity) of each section another agency's is too like."""
        names = _names(agency.name if agency else report.agency, report)
        return self._found(lambda section, index: index.similar(report.sections.get(section, ""), names), names)

    def check(self, report: Report, agency: AgencyFacts | None = None) -> list[Finding]:
        return copies_found(report, self.copies(report, agency), agency)


def copies_found(report: Report, copies: tuple[tuple[str, str, float], ...], agency: AgencyFacts | None = None) -> list[Finding]:
    """X05's findings from what `CopyFinder.copies` found (perhaps section by section, elsewhere)."""
    return evaluate((COPIES,), Subject(year=report.year, agency=agency, report=report, copies=copies))


def check_copies(report: Report, others: list[tuple[str, Report]], agency: AgencyFacts | None = None) -> list[Finding]:
    """X05 against `others` (other agencies' same-year reports, as (agency name, report)).

    For a whole roster build one `CopyFinder` and call its `check` per report instead.
    """
    return CopyFinder(others).check(report, agency)


def check_publication(
    agency: AgencyFacts, year: int, state: str, today: date, url: str | None = None, reason: str | None = None
) -> list[Finding]:
    """M01–M03 for an (agency, year) crawl outcome; M01 and M02 only once the report is due."""
    publication = Publication(state=state, today=today, url=url, reason=reason)
    return evaluate((PUBLICATION, AGENCY), Subject(year=year, agency=agency, publication=publication))


def check_changed(
    first_seen: date,
    first_sha256: str,
    sha256: str,
    first_published_on: date | None = None,
    published_on: date | None = None,
    agency: AgencyFacts | None = None,
    year: int | None = None,
) -> list[Finding]:
    """D07: the current version of a report against the first one captured."""
    change = Change(first_seen, first_sha256, sha256, first_published_on, published_on)
    return evaluate((CHANGE,), Subject(year=year, agency=agency, change=change))
