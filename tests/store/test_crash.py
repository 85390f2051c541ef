"""A writer killed with SIGKILL mid-save leaves a sound database and no half-written report."""

from __future__ import annotations

import pickle
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from disclosure_monitor.model import Report
from disclosure_monitor.store import Store

# Saves the same agency-year again and again with new bytes and a changed section 六: every
# save writes a new version, flips the old one and inserts 200 figures, in one transaction.
WRITER = """
import pickle, sys
from dataclasses import replace
from disclosure_monitor.config import Agency
from disclosure_monitor.store import Store
folder = sys.argv[1]
report = pickle.load(open(folder + "/report.pickle", "rb"))
store = Store.open(folder + "/monitor.db", folder + "/evidence")
(agency_id,) = store.upsert_agencies([Agency("赣县区融媒体中心", "dept", "http://127.0.0.1/x")]).values()
for i in range(100_000):
    url = "http://127.0.0.1/report.html"
    document_id, _ = store.add_document(url, f"{sys.argv[2]} version {i}".encode())
    edited = replace(report, sections={**report.sections, "s6": f"edit {sys.argv[2]}.{i}"})
    store.save_report(agency_id, 2023, edited, document_id, url)
    print(i, flush=True)
"""


def kill_while_saving(folder: Path, round_: int, saves: int) -> None:
    """Let the writer finish `saves` saves, then kill it somewhere inside the next ones."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder), str(round_)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    for _ in range(saves):
        assert writer.stdout.readline(), "the writer died before it was killed"
    time.sleep(random.uniform(0, 0.015))  # a save takes about 12 ms here
    writer.send_signal(signal.SIGKILL)
    writer.wait()


def test_kill_9_during_saves_leaves_every_report_whole(tmp_path: Path, corpus_report: Callable[[str], Report]) -> None:
    report = corpus_report("000")
    (tmp_path / "report.pickle").write_bytes(pickle.dumps(report))
    for round_ in range(6):
        kill_while_saving(tmp_path, round_, saves=3)

    with sqlite3.connect(tmp_path / "monitor.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        counts = conn.execute(
            "SELECT r.id, count(f.key) FROM reports r LEFT JOIN figures f ON f.report_id = r.id GROUP BY r.id"
        ).fetchall()
        assert len(counts) >= 18
        assert {n for _, n in counts} == {len(report.figures)}
        versions = [v for (v,) in conn.execute("SELECT version FROM reports ORDER BY version")]
        assert versions == list(range(1, len(versions) + 1))
        assert conn.execute("SELECT count(*) FROM reports WHERE is_current").fetchone()[0] == 1

    with Store.open(tmp_path / "monitor.db", tmp_path / "evidence") as store:
        agency_id = store.db.execute("SELECT id FROM agencies").fetchone()[0]
        assert store.current_report(agency_id, 2023).figures == report.figures
