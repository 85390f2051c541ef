"""A full cycle against the portal simulator: crawl, store, check; the findings a reader acts on.

Every (agency, year) the simulator's answer key marks missing, late, inconsistent,
unreachable or unreadable must yield its finding, and a clean report no error.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from disclosure_monitor import audit as audit_module
from disclosure_monitor.audit import audit, code_fingerprint
from disclosure_monitor.checks import deadline_for
from disclosure_monitor.config import ChecksSettings
from disclosure_monitor.crawl.run import crawl
from disclosure_monitor.simulator import Simulator, default_scenario
from disclosure_monitor.store import Store

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


NOW = datetime(2025, 6, 2, 3, 0, tzinfo=UTC)


def _copy(store: Store, folder: Path) -> Store:
    """The store as it is, in `folder`: each mode of the audit gets the same starting point."""
    folder.mkdir()
    with sqlite3.connect(folder / "monitor.db") as target:
        store.db.conn.backup(target)
    return Store.open(folder / "monitor.db", folder / "evidence")


def _findings(store: Store) -> list[dict[str, Any]]:
    return list(store.db.query("SELECT * FROM findings ORDER BY identity"))


def _reported(store: Store, year: int) -> list[tuple[int, str]]:
    """(agency_id, agency name) of agencies with a current report for `year`, by id."""
    return [(r["agency_id"], r["name"]) for r in store.db.query(
        "SELECT r.agency_id, a.name FROM reports r JOIN agencies a ON a.id = r.agency_id"
        " WHERE r.is_current AND r.year = ? ORDER BY r.agency_id", [year])]  # fmt: skip


def _edit(store: Store, copier: int, original: int, failing: tuple[int, int]) -> None:
    """What a night's crawl may bring: `copier` republishes its 2024 report with one cell off
    and `original`'s section 一 as its own; `failing`'s column for a year stops answering."""
    report = store.current_report(copier, 2024)
    source = store.current_report(original, 2024)
    assert report and source
    key = "apply.new.total"
    report.figures[key] = replace(report.figures[key], value=(report.figures[key].value or 0) + 7)
    report.sections["s1"] = source.sections["s1"].replace(source.agency or "", report.agency or "")
    document_id, _ = store.add_document("http://example.test/edited.html", b"edited")
    store.save_report(copier, 2024, report, document_id)
    store.record_outcome(*failing, "network_error", url="http://example.test/column/", reason="timeout")


def _edited(store: Store, folder: Path, *names: str) -> tuple[list[Store], tuple[int, str], tuple[int, str]]:
    """Copies of the store in `folder`, one a name, each `_edit`ed the same way; and the
    (agency_id, name) of the copier and of the original it copied."""
    copier, original, *_ = _reported(store, 2024)
    failing = next((o["agency_id"], o["year"]) for o in store.outcomes() if o["state"] == "not_published")
    copies = [_copy(store, folder / name) for name in names]
    for copy_ in copies:
        _edit(copy_, copier[0], original[0], failing)
    return copies, copier, original


def test_a_run_re_evaluates_what_changed_and_keeps_the_rest_as_a_full_check_would(cycle, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, config, store, _, _, _, _ = cycle
    (run, check), (_, copier_name), (_, original_name) = _edited(store, tmp_path, "run", "check")
    assert audit(config, run, TODAY, NOW, incremental=True) == audit(config, check, TODAY, NOW)
    assert _findings(run) == _findings(check)
    opened = {(f["agency"], f["year"], f["check_id"]) for f in run.findings(open_only=True) if f["first_seen"] == NOW.isoformat()}
    # the changed agencies' new findings, and X05 on the unchanged agency that was copied
    assert {(copier_name, 2024, "X05"), (original_name, 2024, "X05")} <= opened
    assert any(a == copier_name and c.startswith("A") for a, _, c in opened)
    assert any(c == "M02" for _, _, c in opened)
    # every finding still standing was seen in this run, evaluated again or not
    assert all(f["last_seen"] == NOW.isoformat() for f in _findings(run) if f["resolved_at"] is None)
    run.close(), check.close()


def _audited(caplog: pytest.LogCaptureFixture) -> int:
    """How many agencies the last audit evaluated, from its `audited` log event."""
    return next(r.fields["agencies"] for r in reversed(caplog.records) if r.getMessage() == "audited")  # type: ignore[attr-defined]


def _open(findings: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {(f["agency_id"], f["year"], f["check_id"], f["message_zh"]) for f in findings if f["resolved_at"] is None}


def test_check_keeps_what_nothing_changed_and_check_full_evaluates_everything(cycle, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    _, config, store, _, _, _, _ = cycle
    kept, full = _copy(store, tmp_path / "kept"), _copy(store, tmp_path / "full")
    caplog.set_level("INFO", logger="disclosure_monitor.audit")
    counts = audit(config, kept, TODAY, NOW, incremental=True)
    assert _audited(caplog) == 0
    assert counts == audit(config, full, TODAY, NOW) and counts["seen"] > 0
    assert _audited(caplog) == len(config.agencies)
    assert _findings(kept) == _findings(full)
    kept.close(), full.close()


def test_a_verdict_that_changed_re_checks_its_agency_but_compares_no_year_again(cycle, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    """X05 reads the year's reports only: a crawl verdict of one agency (a column that failed
    tonight) must not compare a whole national year again, nor drop its X05 findings."""
    _, config, store, _, _, _, _ = cycle
    (run, check), _, (original, _) = _edited(store, tmp_path, "run", "check")
    for copy_ in (run, check):
        audit(config, copy_, TODAY, NOW)
        copy_.record_outcome(original, 2019, "network_error", url="http://example.test/column/", reason="timeout")
    assert any(f["agency_id"] == original and f["check_id"] == "X05" and f["resolved_at"] is None for f in _findings(run))
    caplog.set_level("INFO", logger="disclosure_monitor.audit")
    caplog.clear()
    later = NOW + timedelta(days=1)
    assert audit(config, run, TODAY, later, incremental=True) == audit(config, check, TODAY, later)
    audited = [r.fields for r in caplog.records if r.getMessage() == "audited"]  # type: ignore[attr-defined]
    assert audited[0]["agencies"] == 1 and audited[0]["copy_years"] == ""
    assert audited[1]["copy_years"] != ""
    assert _findings(run) == _findings(check)
    run.close(), check.close()


def test_an_agency_renamed_compares_its_years_again_one_moved_to_another_region_does_not(cycle, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    _, config, store, _, _, _, _ = cycle
    (_, name), *_ = _reported(store, 2024)
    agencies = tuple(config.agencies)
    index = next(i for i, a in enumerate(agencies) if a.name == name)
    caplog.set_level("INFO", logger="disclosure_monitor.audit")
    for changed, compares in ((replace(agencies[index], region="另一个区"), False), (replace(agencies[index], name=name + "（新）"), True)):
        edited = replace(config, agencies=(*agencies[:index], changed, *agencies[index + 1 :]))
        run, check = _copy(store, tmp_path / f"run{compares}"), _copy(store, tmp_path / f"check{compares}")
        caplog.clear()
        assert audit(edited, run, TODAY, NOW, incremental=True) == audit(edited, check, TODAY, NOW)
        first = next(r.fields for r in caplog.records if r.getMessage() == "audited")  # type: ignore[attr-defined]
        assert first["agencies"] == 1 and ("2024" in first["copy_years"]) is compares
        assert _findings(run) == _findings(check)
        run.close(), check.close()


def test_an_agency_renamed_with_its_old_name_as_an_alias_keeps_its_reports_and_findings(cycle, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """机构改革 renames departments: the configuration then names the agency anew and keeps the
    old name as an alias. Its reports, crawl history and findings must stay its own, not be
    found again as a new agency's while the old one's findings are resolved."""
    _, config, store, _, _, _, _ = cycle
    renamed = _copy(store, tmp_path / "renamed")
    audit(config, renamed, TODAY, NOW)
    agency_id, old = next((i, n) for i, n in _reported(renamed, 2024) if any(f["check_id"] != "X05" for f in _agency_findings(renamed, i)))
    reports_before = list(renamed.db.query("SELECT id, year, first_seen FROM reports WHERE agency_id = ? ORDER BY id", [agency_id]))
    findings_before = _agency_findings(renamed, agency_id)
    agencies = tuple(replace(a, name=f"{old}（更名）", aliases=(*a.aliases, old)) if a.name == old else a for a in config.agencies)
    edited = replace(config, agencies=agencies)

    crawl(edited, renamed, TODAY, backoff_base=BACKOFF)
    audit(edited, renamed, TODAY, NOW + timedelta(days=1))

    assert [r["name"] for r in renamed.db.query("SELECT name FROM agencies WHERE id = ?", [agency_id])] == [f"{old}（更名）"]
    assert not list(renamed.db.query("SELECT id FROM agencies WHERE name = ?", [old]))
    assert list(renamed.db.query("SELECT id, year, first_seen FROM reports WHERE agency_id = ? ORDER BY id", [agency_id])) == reports_before
    after = _agency_findings(renamed, agency_id)
    assert [(f["id"], f["first_seen"], f["resolved_at"]) for f in after] == [(f["id"], f["first_seen"], f["resolved_at"]) for f in findings_before]
    assert all(f["last_seen"] == (NOW + timedelta(days=1)).isoformat() for f in after if f["resolved_at"] is None)
    renamed.close()


def _agency_findings(store: Store, agency_id: int) -> list[dict[str, Any]]:
    return list(store.db.query("SELECT * FROM findings WHERE agency_id = ? ORDER BY id", [agency_id]))


def test_a_figure_edited_or_a_finding_deleted_by_hand_is_looked_at_again_by_the_next_audit(cycle, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    """The audit keeps the findings of agencies whose inputs did not change; a change made to
    the store by other hands (an SQL session) must not hide behind that (schema 6's triggers)."""
    _, config, store, _, _, _, _ = cycle
    edited = _copy(store, tmp_path / "edited")
    audit(config, edited, TODAY, NOW)
    agency_id, _ = _reported(edited, 2024)[0]
    with edited.db.conn:  # figures are one JSON list a report, positions by its layout (store schema 4)
        report_id, layout, vals = edited.db.conn.execute(
            """SELECT c.report_id, l.keys, c.vals FROM figure_cells c JOIN figure_layouts l ON l.id = c.layout_id
            WHERE c.report_id = (SELECT id FROM reports WHERE agency_id = ? AND year = 2024 AND is_current)""",
            (agency_id,),
        ).fetchone()
        vals = json.loads(vals)
        vals[json.loads(layout)["apply.new.total"]] += 7
        edited.db.conn.execute("UPDATE figure_cells SET vals = ? WHERE report_id = ?", (json.dumps(vals), report_id))
    full = _copy(edited, tmp_path / "full")
    caplog.set_level("INFO", logger="disclosure_monitor.audit")
    counts = audit(config, edited, TODAY, NOW + timedelta(days=1), incremental=True)
    assert _audited(caplog) == 1
    assert counts == audit(config, full, TODAY, NOW + timedelta(days=1)) and counts["new"] > 0
    assert _open(_findings(edited)) == _open(_findings(full))
    assert any(f["agency_id"] == agency_id and f["check_id"].startswith("A") and f["first_seen"] == (NOW + timedelta(days=1)).isoformat() for f in _findings(edited))

    with edited.db.conn:
        deleted = edited.db.conn.execute("DELETE FROM findings WHERE agency_id = ? RETURNING check_id", (agency_id,)).fetchall()
    assert deleted
    audit(config, edited, TODAY, NOW + timedelta(days=2), incremental=True)
    assert _audited(caplog) == 1
    assert _open(_findings(edited)) == _open(_findings(full))
    edited.close(), full.close()


def test_a_run_on_another_day_judges_the_deadlines_as_a_full_check_would(cycle, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, config, store, _, _, _, _ = cycle
    run, check = _copy(store, tmp_path / "run"), _copy(store, tmp_path / "check")
    audit(config, run, TODAY, NOW)
    audit(config, check, TODAY, NOW)
    early = date(2025, 1, 15)  # no 2024 report is due yet
    assert audit(config, run, early, NOW, incremental=True) == audit(config, check, early, NOW)
    assert _findings(run) == _findings(check)
    assert any(f["check_id"] in ("M01", "M02") and f["year"] == 2024 and f["resolved_at"] for f in _findings(run))
    run.close(), check.close()


def test_checking_in_several_processes_finds_what_one_process_finds(cycle, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, config, store, _, _, _, _ = cycle
    (one, two), _, _ = _edited(store, tmp_path, "one", "two")  # new findings of every kind, X05 among them
    assert audit(config, one, TODAY, NOW, processes=1) == audit(config, two, TODAY, NOW, processes=2)
    assert _findings(one) == _findings(two)
    assert any(f["check_id"] == "X05" and f["first_seen"] == NOW.isoformat() for f in _findings(two))
    one.close(), two.close()


def test_the_inputs_read_a_few_agencies_at_a_time_are_those_read_at_once(cycle, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A national audit reads the current reports' ids a range of agencies at a time: no agency
    at a range's edge may lose its reports, in the inputs kept or in the findings."""
    _, config, store, _, _, _, _ = cycle
    (pieces, whole), _, _ = _edited(store, tmp_path, "pieces", "whole")
    assert audit_module.IDS_A_READ >= len(config.agencies)
    audit(config, whole, TODAY, NOW, incremental=True)
    monkeypatch.setattr(audit_module, "IDS_A_READ", 3)
    audit(config, pieces, TODAY, NOW, incremental=True)
    for table in ("audit_inputs", "audit_rosters"):
        assert list(pieces.db.query(f"SELECT * FROM {table}")) == list(whole.db.query(f"SELECT * FROM {table}"))
    assert _findings(pieces) == _findings(whole)
    pieces.close(), whole.close()


def test_an_upgrade_of_only_the_crawler_or_digest_re_checks_nothing_one_of_a_check_all(tmp_path) -> None:  # type: ignore[no-untyped-def]
    package = tmp_path / "disclosure_monitor"
    shutil.copytree(Path(audit_module.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_fingerprint(package)

    def edited(relative: str, edit: Callable[[bytes], bytes] = lambda source: source + b"\nUPGRADED = True\n") -> str:
        path = package / relative
        original = path.read_bytes()
        path.write_bytes(edit(original))
        try:
            return code_fingerprint(package)
        finally:
            path.write_bytes(original)

    assert edited("crawl/run.py") == edited("digest/build.py") == edited("cli.py") == before
    assert before not in {edited("checks/predicates.py"), edited("audit.py"), edited("parse/template.py"), edited("store.py")}
    # An upgrade of only words (a module's docstring, a comment, the layout) re-checks none.
    reworded = lambda source: source.replace(b'"""', b'"""Reworded. ', 1)
    commented = lambda source: source + b"\n\n# a comment\n"
    for words in (reworded, commented):
        assert edited("checks/predicates.py", words) == edited("store.py", words) == before
