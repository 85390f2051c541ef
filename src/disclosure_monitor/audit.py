"""Run every check over what the store holds, and keep the findings' lifecycle in step.

The crawler leaves one outcome per (agency, year) and the reports it parsed; this module
reads them back, asks the checks (which never see the store) about each report, each
pair of years, each agency's history, each year's roster and each crawl outcome, and
syncs the result: new findings are added, ones seen again updated, ones gone resolved.

A `run` or a `check` (`incremental`) evaluates only the agencies whose inputs changed since
the last audit: their current reports (this program never changes a stored report, so its id
stands for it; a change by other hands drops the agency's inputs, by trigger, schema 6),
the crawl verdicts that speak for years without one, whether those years are past their
deadline, the agency's configured facts, the check settings and the checks' code
(`code_fingerprint`). The others' findings stand. X05 compares agencies with each other,
so it runs again for every year whose roster changed: a current report, the name of an
agency with one, the settings or the code. A verdict or a deadline that changed for one
agency does not compare a whole national year again. `check --full` evaluates everything.

Many agencies are evaluated in worker processes, a chunk of agencies or a year's X05 at a
time, each reading the store through its own read-only connection; the findings come back
in the order the tasks were made, so they and the store's rows are the same as in one process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, astuple, dataclass
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
    copies_found,
    deadline_for,
)
from .checks.catalogue import COPIES, COPY_SECTIONS
from .checks.predicates import CRAWL_FAILURES
from .config import Agency, Config
from .fingerprint import source_fingerprint
from .log import event
from .model import Finding, Report
from .store import Store, Unchanged

log = logging.getLogger(__name__)

COPY_CHECKS = tuple(check.id for check in CATALOGUE if check.scope == COPIES)

# With this many agencies to check and reports to compare (X05) the audit spreads them over
# processes (at most MAX_PROCESSES, one a core), in chunks of at most MAX_CHUNK agencies,
# about CHUNKS_PER_PROCESS a process so that none waits long for the last; below it a pool
# costs more than it saves.
PARALLEL_FROM, MAX_PROCESSES, MAX_CHUNK, CHUNKS_PER_PROCESS = 400, 4, 500, 4

# The audit's fingerprints read the current reports' ids this many agencies at a time.
IDS_A_READ = 1000

# What a year without a report is judged by: the crawl's (state, url, reason).
Publication = tuple[str | None, str | None, str | None]


def facts(agency: Agency) -> AgencyFacts:
    return AgencyFacts(name=agency.name, kind=agency.kind, region=agency.region, level=agency.level)


def audit(
    config: Config,
    store: Store,
    today: date,
    now: datetime | None = None,
    *,
    incremental: bool = False,
    processes: int | None = None,
) -> dict[str, int]:
    """Evaluate every check for every configured agency, or with `incremental` only for those
    whose inputs changed since the last audit; returns the findings' counts (new, seen,
    reopened, resolved) for the run summary, the same either way. `processes`: how many
    evaluate at once (by default the cores, up to `MAX_PROCESSES`, once there are
    `PARALLEL_FROM` agencies to check and reports to compare); the findings do not depend on it.

    The roster is read from the store a chunk of agencies at a time, here and by each task
    (`Store.sync_roster` puts the configuration's there first): what the audit holds at once
    does not grow with the number of agencies, but for the ids of those to check."""
    roster = store.sync_roster(config.agencies)
    reports_a_year = _stage_inputs(config, store, today)
    changed, unchanged = store.changed_inputs("agencies", everything=not incremental)
    copy_years, kept_years = store.changed_inputs("rosters", everything=not incremental)

    checked = sorted(changed)
    if processes is None:
        compared = sum(reports_a_year[year] for year in copy_years)
        processes = min(len(os.sched_getaffinity(0)), MAX_PROCESSES) if len(checked) + compared >= PARALLEL_FROM else 1
    size = min(MAX_CHUNK, -(-len(checked) // (processes * CHUNKS_PER_PROCESS)) or 1)
    tasks: list[_Task] = [("agencies", checked[i : i + size]) for i in range(0, len(checked), size)]
    del checked
    tasks += [("copies", (year, section)) for year in sorted(copy_years) for section in COPY_SECTIONS]
    shared = _Shared(histories=store.changed_reports(), today=today, failures_before_alert=config.checks.failures_before_alert)
    scope = Unchanged(agencies=unchanged, copy_checks=COPY_CHECKS, copy_years=kept_years)
    findings = _in_order(tasks, _evaluate(tasks, store, shared, processes), store)
    counts = store.sync_findings(scope, findings, now, keep_inputs=True)
    event(log, "audited", agencies=len(changed), of=roster, copy_years=",".join(map(str, sorted(copy_years))))
    return counts


def _in_order(tasks: list[_Task], done: Iterable[list[Any]], store: Store) -> Iterator[Finding]:
    """The findings of the agencies' tasks as they come, then X05's, a year at a time (its
    sections' matches are merged first); the same order whatever the number of processes."""
    copies: dict[int, list[list[Copies]]] = defaultdict(list)
    for (kind, key), found in zip(tasks, done):
        if kind == "agencies":
            yield from found
        else:
            copies[key[0]].append(found)
    for year in sorted(copies):
        yield from _copy_findings(year, copies[year], store)


@dataclass(frozen=True)
class _Shared:
    """What an audit's tasks read besides the store; a worker process inherits it at fork."""

    histories: dict[tuple[int, int], list[dict[str, Any]]]  # `Store.changed_reports`, for D07
    today: date
    failures_before_alert: int  # the checks' setting: how many failed runs a failure is news after


# ("agencies", [agency_id, ...]): every check but X05 for those agencies (its findings);
# ("copies", (year, section)): X05's matches in that section of that year's roster.
_Task = tuple[str, Any]

_worker: tuple[Store, _Shared] | None = None  # an audit worker's read-only store and inputs


def _evaluate(tasks: list[_Task], store: Store, shared: _Shared, processes: int) -> Iterator[list[Any]]:
    """Each task's result, in the order of `tasks`, each dropped once taken: in this process,
    or spread over `processes` forked workers that each read the store through their own connection."""
    if processes < 2 or len(tasks) < 2:
        yield from (_run(task, store, shared) for task in tasks)
        return
    with ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(store.path, store.evidence_dir, shared),
    ) as pool:
        # a year's X05 in a section is one task, the longest: started first, the agencies' chunks fill in around them
        first = sorted(range(len(tasks)), key=lambda i: tasks[i][0] != "copies")
        futures = {i: pool.submit(_run_in_worker, tasks[i]) for i in first}
        for i in range(len(tasks)):
            yield futures.pop(i).result()


def _start_worker(path: Path, evidence_dir: Path, shared: _Shared) -> None:
    global _worker
    _worker = (Store.reader(path, evidence_dir), shared)


def _run_in_worker(task: _Task) -> list[Any]:
    assert _worker is not None, "the pool is made with _start_worker"
    return _run(task, *_worker)


def _run(task: _Task, store: Store, shared: _Shared) -> list[Any]:
    kind, argument = task
    return TASKS[kind](argument, store, shared)


def _stage_inputs(config: Config, store: Store, today: date) -> Counter[int]:
    """Stage the audit's inputs in the store (`Store.stage_audit_inputs`), a chunk of the roster
    at a time: each configured agency's (its facts, its current reports' ids, the verdicts of
    its years without one and whether they are past their deadline) and each year's roster's
    for X05 (every current report's id and its agency's name), both with the checks' code and
    settings. Returns how many current reports each year has (what X05 would compare)."""
    program = _program(config)
    rosters: dict[int, Any] = defaultdict(lambda: hashlib.sha256(program.encode()))
    reports_a_year: Counter[int] = Counter()

    def fingerprints() -> Iterator[tuple[int, str]]:
        for chunk in store.roster_batches(IDS_A_READ):
            ids = [agency_id for agency_id, _ in chunk]
            publications = _publications(store, ids, config.checks.failures_before_alert)
            current = store.current_report_ids(ids[0], ids[-1])
            reports_a_year.update(year for agency_id, year in current)
            years = _years(publications, current)
            for agency_id, agency in chunk:
                state: list[Any] = [program, astuple(facts(agency))]
                named = json.dumps([agency_id, agency.name], ensure_ascii=False)  # X05 reads the name only (masks it, names the copier)
                for year in years.get(agency_id, ()):
                    if (agency_id, year) in current:
                        state.append([year, current[(agency_id, year)]])
                        rosters[year].update(f"{named}{current[(agency_id, year)]}\n".encode())
                    else:
                        state.append([year, publications[(agency_id, year)], today > deadline_for(year, agency.kind)])
                yield agency_id, hashlib.sha256(json.dumps(state, ensure_ascii=False).encode()).hexdigest()

    store.stage_audit_inputs("agencies", fingerprints())
    store.stage_audit_inputs("rosters", ((year, h.hexdigest()) for year, h in rosters.items()))  # complete once the agencies are
    return reports_a_year


def _years(*by_agency_year: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    """Each agency's years, sorted, among the (agency_id, year) keys given."""
    years: dict[int, set[int]] = defaultdict(set)
    for keys in by_agency_year:
        for agency_id, year in keys:
            years[agency_id].add(year)
    return {agency_id: sorted(found) for agency_id, found in years.items()}


def _publications(store: Store, agency_ids: list[int], failures_before_alert: int) -> dict[tuple[int, int], Publication]:
    """The crawl's verdict, as the checks are to see it, of every (agency, year) of these
    agencies without a current report."""
    streaks = store.failure_streaks(CRAWL_FAILURES, agency_ids)
    out: dict[tuple[int, int], Publication] = {}
    for agency_id, year, state, url, reason in store.verdicts(agency_ids):
        verdict: Publication = (state, url, reason)
        streak = streaks.get((agency_id, year))
        if streak and streak["runs"] < failures_before_alert:
            # A failed night is the portal's bad luck, not news: the last verdict stands
            # (M01 stays, no M02) until failures_before_alert runs failed in a row.
            verdict = (streak["previous_state"], streak["previous_url"], streak["previous_reason"])
        out[agency_id, year] = verdict
    return out


# The parts of the package (first path parts under it) that cannot change a finding: what the
# crawler fetched and the parser made is read back from the store, and the digest, service and
# simulator only come after. Anything else, a module added later included, counts as the checks'.
NOT_CHECKS = frozenset(
    {"crawl", "digest", "simulator", "cli.py", "service.py", "demo.py", "agency_report.py", "lock.py", "log.py", "templating.py"}
)


def code_fingerprint(package: Path) -> str:
    """A hash of the source the checks run: an upgrade may change any check, so it re-checks
    every agency; one of only the crawler, digest or service, or of only words, re-checks none."""
    relative = ((path.relative_to(package), path) for path in sorted(package.rglob("*.py")))
    return source_fingerprint((name.as_posix(), path) for name, path in relative if name.parts[0] not in NOT_CHECKS)


@lru_cache(maxsize=1)
def _code() -> str:
    return code_fingerprint(Path(__file__).parent)


def _program(config: Config) -> str:
    return hashlib.sha256(json.dumps([_code(), asdict(config.checks)]).encode()).hexdigest()


def _per_agency(agency_ids: list[int], store: Store, shared: _Shared) -> list[Finding]:
    """Every check but X05 for these agencies: their reports, pairs of years, histories and outcomes."""
    findings: list[Finding] = []
    agencies = store.roster_agencies(agency_ids)
    publications = _publications(store, agency_ids, shared.failures_before_alert)
    unreported = _years(publications)
    for agency_id, current in store.current_reports(agency_ids):
        subject = facts(agencies[agency_id])
        reports: dict[int, Report] = {}
        for year in sorted({*unreported.get(agency_id, ()), *current}):
            report = current.get(year)
            if report is None:
                state, url, reason = publications[(agency_id, year)]
                if state is not None:
                    findings += check_publication(subject, year, state, shared.today, url, reason)
                continue
            report.year = year  # the year the crawler filed it under is the one checked
            reports[year] = report
            findings += check_report(report, subject)
            findings += _changed(shared.histories.get((agency_id, year), []), year, subject)
        for year, report in reports.items():
            if year - 1 in reports:
                findings += check_pair(report, reports[year - 1], subject)
        findings += check_history(reports, subject)
    return findings


# (position in the year's roster, agency_id, printed agency, (section, other agency, similarity)
# of its copied sections); a roster is the same in every section: the year's current reports.
Copies = tuple[int, int, str | None, tuple[tuple[str, str, float], ...]]


def _copies(year_section: tuple[int, str], store: Store, shared: _Shared) -> list[Copies]:
    """X05's matches over one year's roster in one section (a task each: the sections' indexes
    are apart, and a national year is the longest task); only that section is read. Only the
    reports with a copied section come back: the main process holds every task's result until
    its turn, and a national roster's "nothing" was 30 MB of it."""
    year, section = year_section
    roster: list[tuple[int, str | None]] = []  # (agency_id, printed agency) by position; the texts are not kept

    def reports() -> Iterator[tuple[str, Report]]:
        for agency_id, name, printed, sections in store.current_sections(year, (section,)):
            roster.append((agency_id, printed))
            yield name, Report(agency=printed, year=year, sections=sections)

    finder = CopyFinder(reports(), (section,))
    return [
        (position, agency_id, printed, copies)
        for position, (agency_id, printed) in enumerate(roster)
        if (copies := finder.roster_copies(position))
    ]


def _copy_findings(year: int, by_section: list[list[Copies]], store: Store) -> list[Finding]:
    """X05's findings of one year, each report's sections in COPY_SECTIONS' order, in the roster's order."""
    found: dict[int, tuple[int, str | None, list[tuple[str, str, float]]]] = {}  # by position in the roster
    for copies in by_section:
        for position, agency_id, printed, matches in copies:
            found.setdefault(position, (agency_id, printed, []))[2].extend(matches)
    agencies = store.roster_agencies(agency_id for agency_id, _, _ in found.values())
    return [
        finding
        for agency_id, printed, matches in (found[position] for position in sorted(found))
        for finding in copies_found(Report(agency=printed, year=year), tuple(matches), facts(agencies[agency_id]))
    ]


TASKS: dict[str, Callable[[Any, Store, _Shared], list[Any]]] = {"agencies": _per_agency, "copies": _copies}


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
