"""`disclosure-monitor run` killed with SIGKILL anywhere — while fetching, parsing, storing or
checking — and started again ends where an uninterrupted run ends: a sound database, every
report with all its figures, no finding twice, the same outcomes, reports and findings.

The kill points are counted in requests the simulator has answered, plus moments after
the last request (when only the checks are left). A run killed before its crawl finished
counts for nothing; one killed in its checks has crawled, and the restart is a second run
(which matters to the checks that wait for failures in consecutive runs, M02).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from disclosure_monitor.simulator import Simulator, default_scenario, write_config

from .crawl.conftest import TODAY

SITES = ("trs-1", "hostile-ts412")  # reports in every format; a host that fails every run (M02 counts runs)


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    scenario = default_scenario(0, 40)
    sites = tuple(s for s in scenario.sites if s.name in SITES)
    with Simulator(replace(scenario, sites=sites, agencies=tuple(a for a in scenario.agencies if a.site in SITES))) as sim:
        yield sim


def start(config: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "disclosure_monitor.cli", "run", "-c", str(config), "--today", TODAY.isoformat()]
    # A session of its own, so that the kill takes the parser processes too.
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def run_to_the_end(config: Path) -> None:
    done = start(config)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err


def kill_after(sim: Simulator, config: Path, requests: int, then: float = 0.0) -> bool:
    """Start a run, SIGKILL it once the simulator has answered `requests` more requests and
    `then` seconds have passed; False if it finished first."""
    before = len(sim.requests)
    run = start(config)
    while run.poll() is None and len(sim.requests) - before < requests:
        time.sleep(0.002)
    time.sleep(then)
    if run.poll() is not None:
        run.communicate()
        return False
    os.killpg(run.pid, signal.SIGKILL)
    run.communicate()
    return True


def state(db: Path) -> dict[str, Any]:
    """What a user reads from the store, and the store's own soundness."""
    with sqlite3.connect(db) as conn:
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
            "foreign_keys": conn.execute("PRAGMA foreign_key_check").fetchall(),
            "outcomes": set(conn.execute("SELECT a.name, o.year, o.state FROM outcomes o JOIN agencies a ON a.id = o.agency_id")),
            "reports": set(conn.execute(
                """SELECT a.name, r.year, d.sha256, (SELECT count(*) FROM figures f WHERE f.report_id = r.id)
                FROM reports r JOIN agencies a ON a.id = r.agency_id JOIN documents d ON d.id = r.document_id
                WHERE r.is_current""")),
            "bare_reports": conn.execute(
                "SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1 FROM figures f WHERE f.report_id = r.id)"
            ).fetchone()[0],
            "findings": sorted(i for (i,) in conn.execute(
                "SELECT identity FROM findings WHERE resolved_at IS NULL AND dismissed_at IS NULL")),
            "same_finding_twice": conn.execute(
                "SELECT count(*) - count(DISTINCT agency_id || '/' || year || '/' || check_id || '/' || keys) FROM findings"
            ).fetchone()[0],
            "runs": conn.execute("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL").fetchone()[0],
        }


@pytest.fixture(scope="module")
def reference(sim: Simulator, tmp_path_factory: pytest.TempPathFactory) -> dict[Any, Any]:
    """The store after one uninterrupted run and after two; and the requests of one run."""
    config = write_config(tmp_path_factory.mktemp("uninterrupted"), sim.agencies_config(), per_host_delay=0.01)
    before = len(sim.requests)
    run_to_the_end(config)
    out: dict[Any, Any] = {1: state(config.parent / "monitor.db"), "requests": len(sim.requests) - before}
    run_to_the_end(config)
    return out | {2: state(config.parent / "monitor.db")}


def assert_like_uninterrupted(db: Path, reference: dict[Any, Any]) -> None:
    got = state(db)
    assert got["integrity"] == "ok" and got["foreign_keys"] == []
    assert got["bare_reports"] == 0 and got["same_finding_twice"] == 0
    for key in ("outcomes", "reports", "findings"):
        assert got[key] == reference[got["runs"]][key], key


def test_killed_twice_then_restarted(sim: Simulator, reference: dict[Any, Any], tmp_path: Path) -> None:
    config = write_config(tmp_path, sim.agencies_config(), per_host_delay=0.01)
    total = reference["requests"]
    assert kill_after(sim, config, total // 5)
    assert kill_after(sim, config, total // 2)
    run_to_the_end(config)
    assert state(config.parent / "monitor.db")["runs"] == 1
    assert_like_uninterrupted(config.parent / "monitor.db", reference)


# Fractions of the uninterrupted run's requests, then seconds after the last request (the checks).
POINTS = [(f, 0.0) for f in (0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95)] + [(1.0, s) for s in (0.05, 0.15, 0.3, 0.5)]


@pytest.mark.slow
@pytest.mark.parametrize(("fraction", "then"), POINTS)
def test_killed_at_any_point_then_restarted(
    sim: Simulator, reference: dict[Any, Any], tmp_path: Path, fraction: float, then: float
) -> None:
    config = write_config(tmp_path, sim.agencies_config(), per_host_delay=0.01)
    killed = kill_after(sim, config, max(1, round(reference["requests"] * fraction)), then)
    run_to_the_end(config)
    assert_like_uninterrupted(config.parent / "monitor.db", reference)
    if fraction < 1.0:
        assert killed

