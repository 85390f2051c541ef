"""A full disk under the store: `run` stops with status 2 and a message naming the store,
and what was stored before is all still there, in a sound database."""

from __future__ import annotations

import errno
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from disclosure_monitor.simulator import Simulator, default_scenario, write_config

from .crawl.conftest import TODAY

DISK = "2m"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs of its own (we run as root in CI); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs", str(mount)], capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.skip(f"cannot mount a {DISK} tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system under `folder`, then give back `leave` bytes."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f:  # unbuffered: nothing left to write when it is closed
        try:
            while True:
                f.write(bytes(64 * 1024))
        except OSError as e:
            assert e.errno == errno.ENOSPC
    with open(filler, "r+b") as f:
        f.truncate(max(0, filler.stat().st_size - leave))


def configure(folder: Path, disk: Path, agencies: list[dict[str, Any]]) -> Path:
    """A config file outside the small disk, its store on it."""
    config = write_config(folder, agencies, per_host_delay=0.01, years_back=3)
    text = config.read_text(encoding="utf-8").replace('path = "monitor.db"', f'path = "{disk / "monitor.db"}"')
    config.write_text(text, encoding="utf-8")
    return config


def run(config: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "disclosure_monitor.cli", "run", "-c", str(config), "--today", TODAY.isoformat()]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def stored(db: Path) -> tuple[str, set[tuple[int, int, str]]]:
    with sqlite3.connect(db) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        reports = set(conn.execute("SELECT agency_id, year, template FROM reports"))
    return check, reports


@pytest.mark.parametrize("leave", [0, 48 * 1024, 256 * 1024])
def test_a_full_disk_stops_the_run_and_keeps_the_store(tmp_path: Path, small_disk: Path, leave: int) -> None:
    scenario = default_scenario(0, 40)
    site = scenario.site("trs-1")
    agencies = tuple(a for a in scenario.agencies if a.site == site.name)
    with Simulator(replace(scenario, sites=(site,), agencies=agencies)) as sim:
        everyone = sim.agencies_config()
        assert run(configure(tmp_path, small_disk, everyone[:1])).returncode == 0
        check, before = stored(small_disk / "monitor.db")
        assert check == "ok" and before

        fill(small_disk, leave)
        done = run(configure(tmp_path, small_disk, everyone))  # more agencies, more bytes

    assert done.returncode == 2, done.stderr
    assert str(small_disk) in done.stderr and "Traceback" not in done.stderr
    assert "full" in done.stderr or "No space left" in done.stderr
    check, after = stored(small_disk / "monitor.db")
    assert check == "ok" and before <= after
