"""Run every check over what the store holds, and keep the findings' lifecycle in step.

The crawler leaves one outcome per (agency, year) and the reports it parsed; this module
reads them back, asks the checks (which never see the store) about each report, each
pair of years, each agency's history, each year's roster and each crawl outcome, and
syncs the result: new findings are added, ones seen again updated, ones gone resolved.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from .checks import AgencyFacts, CopyFinder, check_changed, check_history, check_pair, check_publication, check_report
from .config import Agency, Config
from .model import Finding, Report
from .store import Scope, Store


def facts(agency: Agency) -> AgencyFacts:
    return AgencyFacts(name=agency.name, kind=agency.kind, region=agency.region, level=agency.level)


def audit(config: Config, store: Store, today: date, now: datetime | None = None) -> dict[str, int]:
    """Evaluate every check for every configured agency; returns the findings' counts
    (new, seen, reopened, resolved) for the run summary."""
    ids = store.upsert_agencies(config.agencies)
    outcomes: dict[tuple[int, int], dict[str, Any]] = {(o["agency_id"], o["year"]): o for o in store.outcomes()}
    stored_years: dict[int, set[int]] = defaultdict(set)
    for row in store.db.query("SELECT agency_id, year FROM reports WHERE is_current"):
        stored_years[row["agency_id"]].add(row["year"])

    findings: list[Finding] = []
    roster: dict[int, list[tuple[Agency, Report]]] = defaultdict(list)
    for agency in config.agencies:
        agency_id, subject = ids[agency.name], facts(agency)
        years = stored_years[agency_id] | {y for (a, y) in outcomes if a == agency_id}
        reports: dict[int, Report] = {}
        for year in sorted(years):
            report = store.current_report(agency_id, year) if year in stored_years[agency_id] else None
            if report is None:
                outcome = outcomes[(agency_id, year)]
                findings += check_publication(
                    subject, year, outcome["state"], today, outcome["url"], outcome["reason"]
                )
                continue
            report.year = year  # the year the crawler filed it under is the one checked
            reports[year] = report
            roster[year].append((agency, report))
            findings += check_report(report, subject)
            findings += _changed(store, agency_id, year, subject)
        for year, report in reports.items():
            if year - 1 in reports:
                findings += check_pair(report, reports[year - 1], subject)
        findings += check_history(reports, subject)
    for year, entries in roster.items():
        copies = CopyFinder((agency.name, report) for agency, report in entries)
        for agency, report in entries:
            findings += copies.check(report, facts(agency))
    return store.sync_findings(Scope(), findings, now)


def _changed(store: Store, agency_id: int, year: int, subject: AgencyFacts) -> list[Finding]:
    """D07: the current version against the first one captured, by what they say."""
    history = store.report_history(agency_id, year)
    if len(history) < 2:
        return []
    first, current = history[0], history[-1]
    return check_changed(
        first_seen=date.fromisoformat(first["first_seen"][:10]),
        first_sha256=first["content_sha256"] or first["sha256"],
        sha256=current["content_sha256"] or current["sha256"],
        first_published_on=_day(first["published_on"]),
        published_on=_day(current["published_on"]),
        agency=subject,
        year=year,
    )


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
