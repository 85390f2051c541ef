"""Schema, migrations and the small tables: agencies, outcomes, runs, digests."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from disclosure_monitor.config import load_config
from disclosure_monitor.errors import StoreError
from disclosure_monitor.store import MIGRATIONS, Store

from .conftest import EXAMPLE

# spec/interface.md "Store (SQLite)": the columns users and their scripts rely on.
CONTRACT = {
    "agencies": {"id", "name", "kind", "region", "section"},
    "documents": {"id", "url", "sha256", "fetched_at", "http_status", "content_type", "encoding", "size"},
    "reports": {"id", "agency_id", "year", "title", "url", "document_id", "published_on", "signed_on",
                "template", "first_seen", "last_changed"},
    "figures": {"report_id", "key", "value", "raw"},
    "findings": {"id", "agency_id", "report_id", "year", "check_id", "severity", "message", "first_seen",
                 "last_seen", "resolved_at"},
    "runs": {"id", "started_at", "finished_at"},
    "digests": {"id", "created_at", "sent_at", "recipients"},
}


def columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[1] for row in conn.execute(f"PRAGMA table_xinfo({table})")}


def test_a_new_store_has_the_contract_tables_in_wal_mode(tmp_path: Path) -> None:
    Store.open(tmp_path / "m.db", tmp_path / "ev").close()
    for table, wanted in CONTRACT.items():
        assert wanted <= columns(tmp_path / "m.db", table), table
    with sqlite3.connect(tmp_path / "m.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    for _ in range(2):
        Store.open(tmp_path / "m.db", tmp_path / "ev").close()
    with sqlite3.connect(tmp_path / "m.db") as conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)


def test_an_unusable_file_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("not a database, just notes\n" * 100)
    with pytest.raises(StoreError, match="notes.db"):
        Store.open(tmp_path / "notes.db", tmp_path / "ev")

    Store.open(tmp_path / "m.db", tmp_path / "ev").close()
    with sqlite3.connect(tmp_path / "m.db") as conn:
        conn.execute("INSERT INTO schema_version VALUES (99, '2030-01-01')")
    with pytest.raises(StoreError, match="newer"):
        Store.open(tmp_path / "m.db", tmp_path / "ev")


def test_agencies_are_updated_by_name(store: Store) -> None:
    agencies = tuple(load_config(EXAMPLE).agencies)
    ids = store.upsert_agencies(agencies)
    moved = dataclasses.replace(agencies[0], section="http://127.0.0.1:8765/ganxian/new/index.html")
    assert store.upsert_agencies([moved]) == {moved.name: ids[moved.name]}
    assert store.db["agencies"].get(ids[moved.name])["section"] == moved.section
    assert store.db["agencies"].count == len(agencies)


def test_outcomes_keep_one_current_row_and_the_changes(store: Store, agency_ids: dict[str, int]) -> None:
    agency = next(iter(agency_ids.values()))
    days = [datetime(2024, 2, d, tzinfo=UTC) for d in (1, 2, 3)]
    store.record_outcome(agency, 2023, "network_error", url="http://127.0.0.1/x", reason="timeout", now=days[0])
    store.record_outcome(agency, 2023, "network_error", url="http://127.0.0.1/x", reason="timeout", now=days[1])
    store.record_outcome(agency, 2023, "not_published", now=days[2])
    (current,) = store.outcomes(agency)
    assert (current["state"], current["since"], current["checked_at"]) == ("not_published", days[2].isoformat(), days[2].isoformat())
    history = [row["state"] for row in store.db.query("SELECT state FROM outcome_history ORDER BY id")]
    assert history == ["network_error", "not_published"]


def test_runs_and_digests(store: Store) -> None:
    run_id = store.start_run()
    store.finish_run(run_id, {"agencies": 3, "reports_new": 1})
    run = store.db["runs"].get(run_id)
    assert run["finished_at"] and run["counts"] == '{"agencies": 3, "reports_new": 1}'

    digest = store.add_digest("2024-W14/default", period="2024-W14", recipients=["a@example.org"], finding_ids=[1, 2])
    store.mark_digest_sent(digest["id"])
    again = store.add_digest("2024-W14/default", period="2024-W14", recipients=["b@example.org"], finding_ids=[3])
    assert again["id"] == digest["id"] and again["sent_at"] and again["finding_ids"] == "[1, 2]"
