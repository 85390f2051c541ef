"""A full cycle against the portal simulator: crawl, store, check; the findings a reader acts on.

Every (agency, year) the simulator's answer key marks missing, late, inconsistent,
unreachable or unreadable must yield its finding, and a clean report no error.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

import pytest

from disclosure_monitor.audit import audit
from disclosure_monitor.checks import deadline_for
from disclosure_monitor.config import ChecksSettings
from disclosure_monitor.crawl.run import crawl
from disclosure_monitor.simulator import Simulator, default_scenario

from .crawl.conftest import BACKOFF, TODAY, open_store, without, write_config

FAILURES = {"blocked_antibot", "robots_disallowed", "tls_error", "column_moved", "column_missing", "js_only", "network_error"}


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with Simulator(without(default_scenario(5, 40), "stall")) as sim:
        config = write_config(tmp_path_factory.mktemp("audit"), sim.agencies_config())
        # One crawl here; the alert threshold for failing portals has its own tests (test_alert_hygiene).
        config = replace(config, checks=ChecksSettings(failures_before_alert=1))
        store = open_store(config)
        crawl(config, store, TODAY, backoff_base=BACKOFF)
        counts = audit(config, store, TODAY)
        findings = defaultdict(set)
        for f in store.findings(open_only=True):
            findings[(f["agency"], f["year"])].add(f["check_id"])
        expected = {k: e for k, e in sim.expected().items() if k[1] >= TODAY.year - 3}
        kinds = {a.name: a.kind for a in config.agencies}
        yield sim, config, store, counts, findings, expected, kinds
        store.close()


def test_missing_reports_past_their_deadline_raise_m01(cycle) -> None:  # type: ignore[no-untyped-def]
    _, _, _, _, findings, expected, kinds = cycle
    missing = [k for k, e in expected.items() if e.state == "not_published" and TODAY > deadline_for(k[1], kinds[k[0]])]
    assert missing
    assert all("M01" in findings[k] for k in missing)
    assert not [k for k, e in expected.items() if e.state != "not_published" and "M01" in findings[k]]


def test_unreachable_columns_say_cannot_verify_never_not_published(cycle) -> None:  # type: ignore[no-untyped-def]
    _, _, _, _, findings, expected, _ = cycle
    failed = [k for k, e in expected.items() if e.state in FAILURES]
    assert failed
    assert all("M02" in findings[k] and "M01" not in findings[k] for k in failed)


def test_unreadable_documents_raise_m03(cycle) -> None:  # type: ignore[no-untyped-def]
    _, _, _, _, findings, expected, _ = cycle
    unreadable = [k for k, e in expected.items() if e.state == "parse_error"]
    assert all("M03" in findings[k] for k in unreadable)


def test_late_publication_raises_d02(cycle) -> None:  # type: ignore[no-untyped-def]
    _, _, _, _, findings, expected, _ = cycle
    late = [k for k, e in expected.items() if e.state == "found" and e.late]
    assert late
    assert all("D02" in findings[k] for k in late)
    on_time = [k for k, e in expected.items() if e.state == "found" and not e.late]
    assert not [k for k in on_time if "D02" in findings[k]]


def test_inconsistent_figures_raise_the_sum_errors_and_clean_reports_none(cycle) -> None:  # type: ignore[no-untyped-def]
    _, _, store, _, findings, expected, _ = cycle
    bad = [k for k, e in expected.items() if e.state == "found" and e.inconsistent]
    assert bad
    # One cell off: its row (A01; a warning when the row has blank cells) and its column (A02).
    assert all("A02" in findings[k] and any(c.startswith("A01") for c in findings[k]) for k in bad)
    errors = defaultdict(set)
    for f in store.findings(open_only=True):
        if f["severity"] == "error":
            errors[(f["agency"], f["year"])].add(f["check_id"])
    clean = [k for k, e in expected.items() if e.state == "found" and not e.inconsistent]
    assert clean and not {k: errors[k] for k in clean if errors[k]}


def test_checking_twice_changes_nothing(cycle) -> None:  # type: ignore[no-untyped-def]
    _, config, store, first, _, _, _ = cycle
    before = list(store.db.query("SELECT * FROM findings ORDER BY id"))
    again = audit(config, store, TODAY)
    assert again["new"] == again["resolved"] == again["reopened"] == 0 and again["seen"] == first["new"]
    after = list(store.db.query("SELECT id, check_id, first_seen, resolved_at FROM findings ORDER BY id"))
    assert [(r["id"], r["check_id"], r["first_seen"], r["resolved_at"]) for r in before] == [
        (r["id"], r["check_id"], r["first_seen"], r["resolved_at"]) for r in after
    ]


def test_a_report_edited_after_publication_raises_d07(tmp_path) -> None:  # type: ignore[no-untyped-def]
    scenario = default_scenario(0, 40)
    edited = [a for a in scenario.agencies if a.edited]
    assert edited
    site = scenario.site(edited[0].site)
    with Simulator(without(type(scenario)(**{**scenario.__dict__, "sites": (site,), "agencies": tuple(a for a in scenario.agencies if a.site == site.name)}), "stall")) as sim:
        config = write_config(tmp_path, sim.agencies_config(), recheck_days=0)  # the edit is looked for at once
        with open_store(config) as store:
            crawl(config, store, TODAY, backoff_base=BACKOFF)
            audit(config, store, TODAY)
            changed = sim.edit()
            crawl(config, store, TODAY, backoff_base=BACKOFF)
            audit(config, store, date(2025, 6, 2))
            d07 = {(f["agency"], f["year"]) for f in store.findings(open_only=True) if f["check_id"] == "D07"}
    assert d07 == {k for k in changed if k[1] >= TODAY.year - 3}
