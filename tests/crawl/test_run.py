"""A full crawl of the portal simulator over real HTTP, judged by its answer key and request log."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from disclosure_monitor.crawl.run import STATES, crawl, recheck_due
from disclosure_monitor.simulator import Simulator, default_scenario
from disclosure_monitor.store import Store

from .conftest import BACKOFF, DELAY, TODAY, Crawled, open_store, without, write_config


def test_every_agency_year_ends_in_its_expected_state(crawled: Crawled) -> None:
    got = {(o["agency"], o["year"]): o["state"] for o in crawled.first_outcomes}
    expected = {k: e.state for k, e in crawled.expected().items()}
    assert got == expected
    assert set(got.values()) <= set(STATES)
    stored = {(r["agency"], r["year"]): r["state"] for r in crawled.store.outcomes()}
    assert stored == expected


def test_each_found_report_is_the_agencys_report_of_that_year(crawled: Crawled) -> None:
    rows = crawled.store.db.query(
        """SELECT a.name, r.year, r.url, r.title, d.url AS document_url FROM reports r
        JOIN agencies a ON a.id = r.agency_id JOIN documents d ON d.id = r.document_id WHERE r.is_current"""
    )
    stored = {(r["name"], r["year"]): r for r in rows}
    found = {k: e for k, e in crawled.expected().items() if e.state == "found"}
    assert set(stored) == set(found)
    for key, e in found.items():
        assert (stored[key]["url"], stored[key]["document_url"]) == (e.url, e.document_url), key
        assert stored[key]["title"] == e.title


def test_figures_are_stored_as_the_portal_published_them(crawled: Crawled) -> None:
    for (agency, year), e in crawled.expected().items():
        if e.state != "found" or e.format != "html":
            continue
        report = crawled.store.current_report(agency_id(crawled.store, agency), year)
        wrong = {k: (v, report.value(k)) for k, v in e.figures.items() if report.value(k) != v}
        assert not wrong, (agency, year, wrong)


def test_every_stored_document_is_kept_as_evidence_whole(crawled: Crawled) -> None:
    documents = list(crawled.store.db.query("SELECT url, sha256, size FROM documents"))
    assert len(documents) > 100
    for d in documents:
        data = crawled.store.read_evidence(d["sha256"])
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (d["sha256"], d["size"]), d["url"]
    assert not list(crawled.store.evidence_dir.rglob(".incoming-*"))


def agency_id(store: Store, name: str) -> int:
    return next(store.db.query("SELECT id FROM agencies WHERE name = ?", [name]))["id"]


def test_no_host_sees_more_than_one_request_at_a_time_nor_two_starts_closer_than_the_delay(crawled: Crawled) -> None:
    starts = defaultdict(list)
    for entry in crawled.first_log + crawled.second_log:
        assert entry["in_flight"] <= 1, entry
    for entry in crawled.first_log:
        starts[entry["host"]].append(entry["start"])
    for host, times in starts.items():
        times.sort()
        assert min((b - a for a, b in itertools.pairwise(times)), default=DELAY) >= DELAY, host


def test_robots_txt_is_read_once_per_host_and_obeyed(crawled: Crawled) -> None:
    robots = defaultdict(int)
    for entry in crawled.first_log:
        robots[entry["host"]] += entry["path"] == "/robots.txt"
    assert set(robots.values()) == {1}
    disallowed = crawled.sim.sites["hostile-robots"].removeprefix("http://")
    assert [e["path"] for e in crawled.first_log if e["host"] == disallowed] == ["/robots.txt"]


def test_requests_identify_the_crawler_and_ask_for_chinese(crawled: Crawled) -> None:
    headers = crawled.first_log[0]["headers"]
    assert headers["user-agent"].startswith("Mozilla/5.0") and "mailto:" in headers["user-agent"]
    assert headers["accept-language"].startswith("zh-CN")


def test_gbk_site_reads_without_mojibake(crawled: Crawled) -> None:
    gbk = [a.name for a in crawled.sim.scenario.agencies if crawled.sim.scenario.site(a.site).shape == "gbk"]
    assert any("镕" in name or "堃" in name for name in gbk)
    rows = list(
        crawled.store.db.query(
            "SELECT a.name, r.id, r.title, r.printed_agency FROM reports r JOIN agencies a ON a.id = r.agency_id"
            f" WHERE a.name IN ({','.join('?' * len(gbk))})",
            gbk,
        )
    )
    assert rows
    for row in rows:
        assert row["title"].startswith(row["name"])
        text = crawled.store.report(row["id"]).text  # kept compressed in reports.content
        assert "\ufffd" not in text and "Ã" not in text and row["name"] in text


def test_second_run_over_unchanged_sites_is_answered_by_304s(crawled: Crawled) -> None:
    static = crawled.site_hosts("trs", "gbk", "shared")
    documents = [e for e in crawled.second_log if e["host"] in static and e["path"] != "/robots.txt"]
    assert documents
    assert sum(e["status"] == 304 for e in documents) >= 0.9 * len(documents)
    assert crawled.second.bytes <= 0.1 * crawled.first.bytes
    assert crawled.second.reports_new == crawled.second.reports_changed == 0
    # Found reports are re-verified a slice a day (crawl.recheck_days), listings every run.
    assert crawled.second.requests < 0.7 * crawled.first.requests
    second = crawled.store.outcomes(run_id=crawled.second.run_id)
    assert [(o["agency"], o["year"], o["state"]) for o in second] == [(o["agency"], o["year"], o["state"]) for o in crawled.first_outcomes]


@dataclass
class Pruned:
    """Two runs of the same day, the evidence folder emptied between them."""

    first_pages: set[str]  # the columns' first pages
    answered: dict[str, list[int]]  # url → the statuses the second run was answered, robots.txt aside
    kept_again: set[str]  # the urls whose latest document's bytes are kept after the second run
    not_modified: int  # 304s in the second run
    outcomes: tuple[list[tuple[str, int, str]], list[tuple[str, int, str]]]  # each run's (agency, year, state)


def pruned_between_runs(tmp_path: Path, **second_settings: Any) -> Pruned:
    """The default scenario crawled, its evidence folder emptied, then crawled again the same
    day with the crawl settings `second_settings` changed."""
    with Simulator(without(default_scenario(0, 12), "stall")) as sim:
        config = write_config(tmp_path, sim.agencies_config())
        with open_store(config) as store:
            first = crawl(config, store, TODAY, backoff_base=BACKOFF)
            before = [(o["agency"], o["year"], o["state"]) for o in store.outcomes(run_id=first.run_id)]
            for kept in [p for p in config.store.evidence.rglob("*") if p.is_file()]:
                kept.unlink()
            sim.log.clear()
            config = write_config(tmp_path, sim.agencies_config(), **second_settings)
            second = crawl(config, store, TODAY, backoff_base=BACKOFF)
            after = [(o["agency"], o["year"], o["state"]) for o in store.outcomes(run_id=second.run_id)]
            answered = defaultdict(list)
            for e in sim.requests:
                if e["path"] != "/robots.txt":
                    answered[f"http://{e['host']}{e['path']}"].append(e["status"])
            documents = {url: store.latest_document(url) for url in answered}
            kept_again = {url for url, d in documents.items() if d and store.holds_evidence(d["sha256"])}
    first_pages = {a.section.split("#")[0] for a in config.agencies}
    return Pruned(first_pages, dict(answered), kept_again, second.not_modified, (before, after))


def test_a_page_answered_304_whose_evidence_was_pruned_is_fetched_whole_and_kept_again(tmp_path: Path) -> None:
    """A setting the columns' readings depend on changed too, so each column's first page is
    read again: the second run sends its validators as before (the folder is looked at on a
    page's recheck day), and each page the server answers 304 is asked for again whole, its
    bytes kept again."""
    pruned = pruned_between_runs(tmp_path, max_pages=400)
    refetched = {url for url, statuses in pruned.answered.items() if statuses[:2] == [304, 200]}
    assert refetched, "some pages were answered 304 and then fetched whole"
    assert refetched <= pruned.kept_again
    assert pruned.outcomes[1] == pruned.outcomes[0]


def test_a_column_whose_first_page_comes_back_the_same_is_replayed_without_reading_its_copy(tmp_path: Path) -> None:
    """A first page answered 304, or with the bytes it had when its column was last read to its
    end, is not read back from the evidence folder (emptied, so a read would fail and fetch it
    again whole) nor parsed, and no later page is asked."""
    pruned = pruned_between_runs(tmp_path)
    assert pruned.not_modified > 0
    assert set(pruned.answered) <= pruned.first_pages
    assert not [url for url, statuses in pruned.answered.items() if statuses[:2] == [304, 200]]
    assert pruned.outcomes[1] == pruned.outcomes[0]


def test_run_counts_are_kept_in_the_store(crawled: Crawled) -> None:
    runs = list(crawled.store.db.query("SELECT * FROM runs ORDER BY id"))
    assert len(runs) == 2 and all(r["finished_at"] for r in runs)
    counts = json.loads(runs[0]["counts"])
    assert counts["found"] == crawled.first.states["found"] > 0
    assert counts["requests"] == len(crawled.first_log)


def test_a_silent_correction_under_the_same_url_is_stored_as_a_new_version(tmp_path) -> None:
    scenario = default_scenario(0, 40)
    trs = [a for a in scenario.agencies if a.site == "trs-1"]
    with Simulator(replace(scenario, sites=(scenario.site("trs-1"),), agencies=tuple(trs))) as sim:
        config = write_config(tmp_path, sim.agencies_config(), recheck_days=0)
        with open_store(config) as store:
            crawl(config, store, TODAY, backoff_base=BACKOFF)
            (edited,) = sim.edit()
            again = crawl(config, store, TODAY, backoff_base=BACKOFF)
            assert again.reports_changed == 1 and again.reports_new == 0
            history = store.report_history(agency_id(store, edited[0]), edited[1])
            assert [r["is_current"] for r in history] == [0, 1]


def test_each_found_report_is_reverified_once_in_recheck_days_a_slice_a_day() -> None:
    urls = [f"http://127.0.0.1:8000/gk/nb/art_{n}.html" for n in range(700)]
    verified = datetime(2026, 3, 1, 6, tzinfo=UTC)
    last = dict.fromkeys(urls, verified)  # all found on day 0, then a run every day
    due: list[list[str]] = []
    for day in (verified + timedelta(days=d, hours=1) for d in range(1, 15)):
        due.append([url for url in urls if recheck_due(url, last[url], day, 7)])
        last.update(dict.fromkeys(due[-1], day))
    for week in (due[:7], due[7:]):
        assert sorted(url for slice_ in week for url in slice_) == sorted(urls)  # each exactly once a week
    assert all(60 <= len(slice_) <= 140 for slice_ in due), [len(s) for s in due]  # spread, not all on one day
    assert all(recheck_due(url, verified, verified + timedelta(days=7), 7) for url in urls)  # never longer
    assert all(recheck_due(url, verified, verified, 0) for url in urls)  # 0: every run


def test_a_report_verified_earlier_the_same_day_is_not_asked_again_on_its_day() -> None:
    urls = [f"http://127.0.0.1:8000/gk/nb/art_{n}.html" for n in range(70)]
    morning = datetime(2026, 3, 1, 6, tzinfo=UTC)
    evening, next_week = morning + timedelta(hours=12), morning + timedelta(days=7, hours=1)
    todays = [url for url in urls if recheck_due(url, morning - timedelta(days=1), evening, 7)]
    assert todays  # today's slice, verified yesterday, is asked
    assert not [url for url in todays if recheck_due(url, morning, evening, 7)]  # verified this morning: fresh
    assert all(recheck_due(url, morning, next_week, 7) for url in todays)  # and asked within the week


def test_a_stalling_host_is_a_network_error_not_a_missing_report(tmp_path) -> None:
    scenario = default_scenario(0, 40)
    stall = [a for a in scenario.agencies if a.site == "hostile-stall"]
    small = replace(scenario, sites=(scenario.site("hostile-stall"),), agencies=tuple(stall), stall_seconds=3)
    with Simulator(small) as sim:
        config = write_config(tmp_path, sim.agencies_config(), timeout=1, max_retries=1)
        with open_store(config) as store:
            summary = crawl(config, store, TODAY, backoff_base=BACKOFF)
            outcomes = store.outcomes(run_id=summary.run_id)
    assert outcomes and {o["state"] for o in outcomes} == {"network_error"} and set(summary.states) == {"network_error"}
    assert all("timed out" in o["reason"] for o in outcomes)
