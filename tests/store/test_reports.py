"""Reports: stored in one piece, rebuilt exactly, versioned when the bytes change."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from disclosure_monitor.model import Report
from disclosure_monitor.store import Store

from .conftest import store_report

GANXIAN = "赣州市赣县区融媒体中心"
PINGTAN = "平潭综合实验区管理委员会"
CORPUS_IDS = ("000", "001", "002", "004", "006", "010", "013")


@pytest.mark.parametrize("report_id", CORPUS_IDS)
def test_report_comes_back_as_it_was_saved(
    store: Store, agency_ids: dict[str, int], corpus_report: Callable[[str], Report], report_id: str
) -> None:
    report = corpus_report(report_id)
    report.sections = {"s1": "一、总体情况……", "s5": "五、存在的主要问题及改进情况……"}
    report.notes = ["apply.new.other: blank cell"]
    report.text = "全文"
    store_report(store, agency_ids[GANXIAN], report, report_id.encode())
    assert store.current_report(agency_ids[GANXIAN], report.year) == report


def test_values_keep_their_sql_types(store: Store, agency_ids: dict[str, int], corpus_report: Callable[[str], Report]) -> None:
    report = corpus_report("010")  # one cell lost: null
    report_id = store_report(store, agency_ids[GANXIAN], report, b"010")
    types = dict(store.db.execute("SELECT key, typeof(value) FROM figures WHERE report_id = ?", [report_id]).fetchall())
    assert types["apply.new.total"] == "integer"
    assert types["a20_8.fees_wan"] == "text"
    blanks = {key for key, figure in report.figures.items() if figure.value is None}
    assert blanks and {k for k, t in types.items() if t == "null"} == blanks
    fees = corpus_report("004").figures["a20_8.fees_wan"].value
    store_report(store, agency_ids[PINGTAN], corpus_report("004"), b"004")
    assert store.current_report(agency_ids[PINGTAN], 2021).value("a20_8.fees_wan") == fees == Decimal("24252.311082")


def test_same_bytes_again_changes_nothing(store: Store, agency_ids: dict[str, int], corpus_report: Callable[[str], Report]) -> None:
    first = store_report(store, agency_ids[GANXIAN], corpus_report("000"), b"bytes of 000")
    again = store_report(store, agency_ids[GANXIAN], corpus_report("000"), b"bytes of 000")
    assert again == first
    assert store.db["reports"].count == 1
    assert store.db["figures"].count == 200


def test_new_bytes_make_a_new_version_and_keep_the_old(
    store: Store, agency_ids: dict[str, int], corpus_report: Callable[[str], Report]
) -> None:
    agency = agency_ids[GANXIAN]
    first_day, later = datetime(2024, 1, 20, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC)
    original = corpus_report("000")
    document_id, _ = store.add_document("http://127.0.0.1/r.html", b"original")
    old_id = store.save_report(agency, 2023, original, document_id, now=first_day)

    edited = corpus_report("000")
    edited.figures = {k: f for k, f in edited.figures.items() if k.startswith("apply.")}
    document_id, _ = store.add_document("http://127.0.0.1/r.html", b"edited")
    new_id = store.save_report(agency, 2023, edited, document_id, now=later)

    history = store.report_history(agency, 2023)
    assert [(v["id"], v["version"], v["is_current"]) for v in history] == [(old_id, 1, 0), (new_id, 2, 1)]
    assert {v["first_seen"] for v in history} == {first_day.isoformat()}
    assert history[1]["last_changed"] == later.isoformat()
    assert store.current_report(agency, 2023) == edited
    assert store.report(old_id) == original
    superseded = store.db.execute("SELECT superseded_by FROM reports WHERE id = ?", [old_id]).fetchone()[0]
    assert superseded == new_id


def test_previous_year_and_wide_view(store: Store, agency_ids: dict[str, int], corpus_report: Callable[[str], Report]) -> None:
    agency = agency_ids[PINGTAN]
    for report_id in ("002", "004", "006"):  # 平潭 2019, 2021, 2023
        store_report(store, agency, corpus_report(report_id), report_id.encode())
    assert store.current_report(agency, 2023 - 1) is None
    assert store.current_report(agency, 2021).template == "2021"
    assert store.current_report(agency, 2019).template == "2019"

    wide = {row["year"]: row for row in store.db.query("SELECT * FROM report_figures_wide")}
    assert sorted(wide) == [2019, 2021, 2023]
    assert wide[2021]["agency"] == PINGTAN and wide[2021]["kind"] == "gov"
    assert wide[2023]["apply.new.total"] == corpus_report("006").value("apply.new.total")
    assert wide[2019]["a20_1.normative.issued"] is None  # a 2021-only key in a 2019 report


def test_new_bytes_saying_the_same_are_not_a_new_version(
    store: Store, agency_ids: dict[str, int], corpus_report: Callable[[str], Report]
) -> None:
    """A page whose view counter or header date changed is the same report (no false D07)."""
    first = store_report(store, agency_ids[GANXIAN], corpus_report("000"), b"page, 17 views")
    again = store_report(store, agency_ids[GANXIAN], corpus_report("000"), b"page, 18 views")
    assert again == first
    assert store.db["reports"].count == 1
    assert store.db["documents"].count == 2  # both fetches stay as evidence


def test_a_reader_sees_what_was_stored_and_cannot_change_it(
    store: Store, agency_ids: dict[str, int], corpus_report: Callable[[str], Report]
) -> None:
    """An audit worker's connection: the same reports, and no write gets through."""
    report = corpus_report("000")
    store_report(store, agency_ids[GANXIAN], report, b"000")
    with Store.reader(store.path, store.evidence_dir) as reader:
        assert reader.current_report(agency_ids[GANXIAN], report.year) == store.current_report(agency_ids[GANXIAN], report.year)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.db.execute("DELETE FROM reports")
    assert store.current_report(agency_ids[GANXIAN], report.year) is not None
