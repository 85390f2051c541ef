"""Run every check over what the store holds, and keep the findings' lifecycle in step.

The crawler leaves one outcome per (agency, year) and the reports it parsed; this module
reads them back, asks the checks (which never see the store) about each report, each
pair of years, each agency's history, each year's roster and each crawl outcome, and
syncs the result: new findings are added, ones seen again updated, ones gone resolved.

A `run` (`incremental`) evaluates only the agencies whose inputs changed since the last
audit: their current reports (a stored report never changes, so its id stands for it),
the crawl verdicts that speak for years without one, whether those years are past their
deadline, the agency's configured facts, the check settings and the program itself. The
others' findings stand. X05 compares agencies with each other, so it runs again for
every year in which any agency's inputs changed. `check` evaluates everything.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import asdict, astuple
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from .checks import (
    CATALOGUE,
    AgencyFacts,
    CopyFinder,
    check_changed,
    check_history,
    check_pair,
    check_publication,
    check_report,
    deadline_for,
)
from .checks.catalogue import COPIES, COPY_SECTIONS
from .checks.predicates import CRAWL_FAILURES
from .config import Agency, Config
from .log import event
from .model import Finding, Report
from .store import Store, Unchanged

log = logging.getLogger(__name__)

COPY_CHECKS = tuple(check.id for check in CATALOGUE if check.scope == COPIES)

# What a year without a report is judged by: the crawl's (state, url, reason).
Publication = tuple[str | None, str | None, str | None]


def facts(agency: Agency) -> AgencyFacts:
    return AgencyFacts(name=agency.name, kind=agency.kind, region=agency.region, level=agency.level)


def audit(
    config: Config, store: Store, today: date, now: datetime | None = None, *, incremental: bool = False
) -> dict[str, int]:
    """Evaluate every check for every configured agency, or with `incremental` only for those
    whose inputs changed since the last audit; returns the findings' counts (new, seen,
    reopened, resolved) for the run summary, the same either way."""
    ids = store.upsert_agencies(config.agencies)
    current = store.current_report_ids()
    publications = _publications(store, config)
    years: dict[int, set[int]] = defaultdict(set)
    for agency_id, year in current.keys() | publications.keys():
        years[agency_id].add(year)
    inputs = _inputs(config, ids, years, current, publications, today)
    before = store.audit_inputs() if incremental else {}
    changed = {agency_id for agency_id, (fingerprint, _) in inputs.items() if before.get(agency_id, ("",))[0] != fingerprint}
    gone = before.keys() - inputs.keys()
    copy_years = {year for agency_id in changed for year in inputs[agency_id][1]}
    copy_years |= {year for agency_id in changed | gone for year in before.get(agency_id, ("", []))[1]}

    agencies = [agency for agency in config.agencies if ids[agency.name] in changed]
    findings = _per_agency(agencies, [ids[agency.name] for agency in agencies], years, store, publications, today)
    by_id = {ids[agency.name]: agency for agency in config.agencies}
    for year in sorted(copy_years):
        findings += _copies(year, by_id, store)
    event(log, "audited", agencies=len(changed), of=len(inputs), copy_years=",".join(map(str, sorted(copy_years))))
    kept = frozenset(inputs.keys() - changed)
    scope = Unchanged(agencies=kept, copy_checks=COPY_CHECKS, copy_years=frozenset(copy_years))
    return store.sync_findings(scope, findings, now, inputs=inputs)


def _inputs(
    config: Config,
    ids: dict[str, int],
    years: dict[int, set[int]],
    current: dict[tuple[int, int], int],
    publications: dict[tuple[int, int], Publication],
    today: date,
) -> dict[int, tuple[str, list[int]]]:
    """{agency_id: (fingerprint of everything its checks read, years it has a report for)}."""
    program = _program(config)
    inputs: dict[int, tuple[str, list[int]]] = {}
    for agency in config.agencies:
        agency_id = ids[agency.name]
        state: list[Any] = [program, astuple(facts(agency))]
        for year in sorted(years[agency_id]):
            if (agency_id, year) in current:
                state.append([year, current[(agency_id, year)]])
            else:
                state.append([year, publications[(agency_id, year)], today > deadline_for(year, agency.kind)])
        fingerprint = hashlib.sha256(json.dumps(state, ensure_ascii=False).encode()).hexdigest()
        inputs[agency_id] = (fingerprint, sorted(y for y in years[agency_id] if (agency_id, y) in current))
    return inputs


def _publications(store: Store, config: Config) -> dict[tuple[int, int], Publication]:
    """Every crawl outcome's verdict, as the checks are to see it."""
    streaks = store.failure_streaks(CRAWL_FAILURES)
    out: dict[tuple[int, int], Publication] = {}
    for outcome in store.outcomes():
        key = (outcome["agency_id"], outcome["year"])
        verdict: Publication = (outcome["state"], outcome["url"], outcome["reason"])
        streak = streaks.get(key)
        if streak and streak["runs"] < config.checks.failures_before_alert:
            # A failed night is the portal's bad luck, not news: the last verdict stands
            # (M01 stays, no M02) until failures_before_alert runs failed in a row.
            verdict = (streak["previous_state"], streak["previous_url"], streak["previous_reason"])
        out[key] = verdict
    return out


@lru_cache(maxsize=1)
def _code() -> str:
    """A hash of the program's source: an upgrade may change any check, so it re-checks all."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _program(config: Config) -> str:
    return hashlib.sha256(json.dumps([_code(), asdict(config.checks)]).encode()).hexdigest()


def _per_agency(
    agencies: list[Agency],
    agency_ids: list[int],
    years: dict[int, set[int]],
    store: Store,
    publications: dict[tuple[int, int], Publication],
    today: date,
) -> list[Finding]:
    """Every check but X05 for `agencies`: their reports, pairs of years, histories and
    outcomes; `years` are each agency's years with a report or an outcome."""
    histories = store.changed_reports()
    findings: list[Finding] = []
    for agency, (agency_id, current) in zip(agencies, store.current_reports(agency_ids)):
        subject = facts(agency)
        reports: dict[int, Report] = {}
        for year in sorted(years[agency_id]):
            report = current.get(year)
            if report is None:
                state, url, reason = publications[(agency_id, year)]
                if state is not None:
                    findings += check_publication(subject, year, state, today, url, reason)
                continue
            report.year = year  # the year the crawler filed it under is the one checked
            reports[year] = report
            findings += check_report(report, subject)
            findings += _changed(histories.get((agency_id, year), []), year, subject)
        for year, report in reports.items():
            if year - 1 in reports:
                findings += check_pair(report, reports[year - 1], subject)
        findings += check_history(reports, subject)
    return findings


def _copies(year: int, agencies: dict[int, Agency], store: Store) -> list[Finding]:
    """X05 over one year's roster: only the compared sections are read, not whole reports."""
    roster = [
        (agencies[agency_id], Report(agency=printed, year=year, sections=sections))
        for agency_id, printed, sections in store.current_sections(year, COPY_SECTIONS)
        if agency_id in agencies
    ]
    copies = CopyFinder((agency.name, report) for agency, report in roster)
    return [finding for agency, report in roster for finding in copies.check(report, facts(agency))]


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
