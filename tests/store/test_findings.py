"""Findings: one row per identity forever; re-runs update, resolve, reopen — never duplicate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from disclosure_monitor.model import Finding
from disclosure_monitor.store import Scope, Store

GANXIAN = "赣州市赣县区融媒体中心"
PINGTAN = "平潭综合实验区管理委员会"
MONDAY = datetime(2024, 4, 1, 6, tzinfo=UTC)

D01 = Finding("D01", "error", "报告日期2023-01-11早于统计期结束（2023年12月31日）。",
              "Date 2023-01-11 is before the reporting period ends.", keys=("signed_on",))
A01 = Finding("A01", "error", "「本年新收」行总计为3，但各类申请人之和为2。",
              "Row 本年新收: 总计 is 3 but the columns sum to 2.", keys=("apply.new.total",), expected="2", actual="3")
P04 = Finding("P04", "warning", "表格存在1个空白单元格（应填0）。", "1 blank cell.", keys=("apply.new.other",))


def dump(store: Store) -> list[dict]:
    return list(store.db.query("SELECT * FROM findings ORDER BY id"))


def test_syncing_the_same_findings_twice_changes_nothing(store: Store, agency_ids: dict[str, int]) -> None:
    scope = Scope(agency_ids[GANXIAN], 2023)
    assert store.sync_findings(scope, [D01, A01], MONDAY)["new"] == 2
    before = dump(store)
    assert store.sync_findings(scope, [D01, A01], MONDAY) == {"new": 0, "seen": 2, "reopened": 0, "resolved": 0}
    assert dump(store) == before

    store.sync_findings(scope, [A01, D01], MONDAY + timedelta(days=1))
    after = dump(store)
    assert [(r["id"], r["first_seen"]) for r in after] == [(r["id"], r["first_seen"]) for r in before]
    assert {r["last_seen"] for r in after} == {(MONDAY + timedelta(days=1)).isoformat()}


def test_a_finding_that_stops_firing_is_resolved_and_reopens_as_the_same_row(
    store: Store, agency_ids: dict[str, int]
) -> None:
    scope = Scope(agency_ids[GANXIAN], 2023)
    store.sync_findings(scope, [D01, A01], MONDAY)
    assert store.sync_findings(scope, [D01], MONDAY + timedelta(days=1))["resolved"] == 1
    assert [f["check_id"] for f in store.findings(open_only=True)] == ["D01"]
    resolved = next(f for f in store.findings() if f["check_id"] == "A01")
    assert resolved["resolved_at"] == (MONDAY + timedelta(days=1)).isoformat()

    assert store.sync_findings(scope, [D01, A01], MONDAY + timedelta(days=2))["reopened"] == 1
    reopened = next(f for f in store.findings(open_only=True) if f["check_id"] == "A01")
    assert reopened["id"] == resolved["id"] and reopened["first_seen"] == MONDAY.isoformat()
    assert store.db["findings"].count == 2


def test_a_dismissed_finding_stays_dismissed(store: Store, agency_ids: dict[str, int]) -> None:
    scope = Scope(agency_ids[GANXIAN], 2023)
    store.sync_findings(scope, [D01], MONDAY)
    finding_id = store.findings()[0]["id"]
    store.dismiss_finding(finding_id, "落款年份笔误，已电话核实", MONDAY)
    store.sync_findings(scope, [D01], MONDAY + timedelta(days=7))
    assert store.findings(open_only=True) == []
    assert list(store.db.query("SELECT * FROM open_findings")) == []
    assert store.findings()[0]["dismissed_reason"] == "落款年份笔误，已电话核实"


def test_only_findings_inside_the_scope_are_resolved(store: Store, agency_ids: dict[str, int]) -> None:
    ganxian, pingtan = agency_ids[GANXIAN], agency_ids[PINGTAN]
    store.sync_findings(Scope(ganxian, 2023), [D01, A01, P04], MONDAY)
    store.sync_findings(Scope(pingtan, 2023), [D01], MONDAY)
    counts = store.sync_findings(Scope(ganxian, 2023, checks=("A",)), [], MONDAY + timedelta(days=1))
    assert counts["resolved"] == 1
    still_open = {(f["agency"], f["check_id"]) for f in store.findings(open_only=True)}
    assert still_open == {(GANXIAN, "D01"), (GANXIAN, "P04"), (PINGTAN, "D01")}


def test_findings_name_their_agency_by_name_too(store: Store, agency_ids: dict[str, int]) -> None:
    named = Finding("M01", "error", "未公开。", "Not published.", agency=PINGTAN, year=2023)
    store.sync_findings(Scope(year=2023, checks=("M",)), [named], MONDAY)
    row = next(iter(store.db.query("SELECT agency, region, kind, message FROM open_findings")))
    assert row == {"agency": PINGTAN, "region": "福建省平潭综合实验区", "kind": "gov", "message": "未公开。"}
    with pytest.raises(ValueError, match="outside"):
        store.sync_findings(Scope(agency_ids[GANXIAN], 2022), [named], MONDAY)
    assert store.db["findings"].count == 1  # the refused sync wrote nothing


def test_while_the_checks_still_raise_findings_the_store_takes_other_writes(
    store: Store, agency_ids: dict[str, int]
) -> None:
    """A national audit raises findings for minutes: meanwhile a user may dismiss one."""
    scope = Scope(agency_ids[GANXIAN], 2023)
    store.sync_findings(scope, [D01, A01], MONDAY)
    d01 = next(f["id"] for f in store.findings() if f["check_id"] == "D01")
    other = Store.open(store.path, store.evidence_dir)
    other._conn.execute("PRAGMA busy_timeout = 200")

    def raised():  # type: ignore[no-untyped-def]
        yield D01
        other.dismiss_finding(d01, "known: the portal's template prints the wrong date", MONDAY)
        yield A01

    assert store.sync_findings(scope, raised(), MONDAY + timedelta(days=1))["seen"] == 2
    assert next(f for f in store.findings() if f["id"] == d01)["dismissed_at"] is not None
