"""A store made by an older schema is brought up to date on open, with nothing lost."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

from disclosure_monitor.model import Figure
from disclosure_monitor.store import MIGRATIONS, Store

# Made by schema version 3's code (commit d45fbda): three reports, one with no figures, one
# whose printed cells differ from their values ("1,234" for 34, "/" for a blank, nothing printed).
SCHEMA_3_STORE = Path(__file__).parent / "data" / "schema3.sql"


def test_a_schema_3_store_keeps_every_figure_text_and_section(tmp_path: Path) -> None:
    path = tmp_path / "monitor.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA_3_STORE.read_text(encoding="utf-8"))
        figures = conn.execute("SELECT report_id, key, value, raw FROM figures ORDER BY report_id, rowid").fetchall()
        texts = conn.execute("SELECT id, text, sections FROM reports ORDER BY id").fetchall()
    assert {(2, "apply.new.total", 34, "1,234"), (2, "apply.new.natural", 32, None)} <= set(figures)

    with Store.open(path, tmp_path / "evidence") as store:
        version = store.db.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        assert version == len(MIGRATIONS)
        view = store.db.execute("SELECT report_id, key, value, raw FROM figures ORDER BY report_id, position")
        assert [tuple(row) for row in view] == figures
        for report_id, text, sections in texts:
            report = store.report(report_id)
            assert report is not None
            assert (report.text, report.sections) == (text, json.loads(sections))
            assert report.figures == {
                key: Figure(key, Decimal(value) if isinstance(value, str) else value, raw)
                for rid, key, value, raw in figures
                if rid == report_id
            }
        assert store.report(3).figures == {}
        assert "text" not in {row[1] for row in store.db.execute("PRAGMA table_info(reports)")}
