"""Run every check over what the store holds, and keep the findings' lifecycle in step.

The crawler leaves one outcome per (agency, year) and the reports it parsed; this module
reads them back, asks the checks (which never see the store) about each report, each
pair of years, each agency's history, each year's roster and each crawl outcome, and
syncs the result: new findings are added, ones seen again updated, ones gone resolved.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from .checks import AgencyFacts, CopyFinder, check_changed, check_history, check_pair, check_publication, check_report
from .checks.catalogue import COPY_SECTIONS
from .checks.predicates import CRAWL_FAILURES
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
    outcome_years: dict[int, set[int]] = defaultdict(set)
    for agency_id, year in outcomes:
        outcome_years[agency_id].add(year)
    streaks = store.failure_streaks(CRAWL_FAILURES)
    histories = store.changed_reports()

    findings: list[Finding] = []
    roster: dict[int, list[tuple[Agency, Report]]] = defaultdict(list)
    stored = store.current_reports(ids[agency.name] for agency in config.agencies)
    for agency, (agency_id, current) in zip(config.agencies, stored):
        subject = facts(agency)
        reports: dict[int, Report] = {}
        for year in sorted(current.keys() | outcome_years[agency_id]):
            report = current.get(year)
            if report is None:
                outcome = outcomes[(agency_id, year)]
                state, url, reason = outcome["state"], outcome["url"], outcome["reason"]
                streak = streaks.get((agency_id, year))
                if streak and streak["runs"] < config.checks.failures_before_alert:
                    # A failed night is the portal's bad luck, not news: the last verdict stands
                    # (M01 stays, no M02) until failures_before_alert runs failed in a row.
                    state, url, reason = streak["previous_state"], streak["previous_url"], streak["previous_reason"]
                if state is not None:
                    findings += check_publication(subject, year, state, today, url, reason)
                continue
            report.year = year  # the year the crawler filed it under is the one checked
            reports[year] = report
            roster[year].append((agency, _for_copies(report)))
            findings += check_report(report, subject)
            findings += _changed(histories.get((agency_id, year), []), year, subject)
        for year, report in reports.items():
            if year - 1 in reports:
                findings += check_pair(report, reports[year - 1], subject)
        findings += check_history(reports, subject)
    for year, entries in roster.items():
        copies = CopyFinder((agency.name, report) for agency, report in entries)
        for agency, report in entries:
            findings += copies.check(report, facts(agency))
    return store.sync_findings(Scope(), findings, now)


def _for_copies(report: Report) -> Report:
    """What X05 reads of a report, kept for the whole roster: the compared sections, not the
    figures and full text, so that memory does not grow with every report held."""
    sections = {k: v for k, v in report.sections.items() if k in COPY_SECTIONS}
    return replace(report, figures={}, text="", notes=[], sections=sections)


def _changed(history: list[dict[str, Any]], year: int, subject: AgencyFacts) -> list[Finding]:
    """D07: the current version against the first one captured, by what they say."""
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
