"""The store holds what portals published and what we concluded: nobody but its owner and
group reads it, whatever the umask of the process that created it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from disclosure_monitor.store import Store


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    old = os.umask(0o002)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_wal_and_evidence_are_not_world_readable(tmp_path: Path, permissive_umask: None) -> None:
    with Store.open(tmp_path / "db" / "monitor.db", tmp_path / "evidence") as store:
        store.add_document("http://127.0.0.1/r.html", b"<html>report</html>")
        files = [tmp_path / "db" / name for name in ("monitor.db", "monitor.db-wal", "monitor.db-shm")]
        evidence = [p for p in (tmp_path / "evidence").rglob("*")]
        assert all(p.exists() for p in files) and evidence
        assert {mode(p) for p in files} == {0o640}
        assert all(mode(p) & 0o007 == 0 for p in evidence)
