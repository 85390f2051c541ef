"""The national benchmark at 1,000 agencies, as a smoke test: every stage runs over one store
and does its job. No timing is asserted; it takes minutes, so it is marked slow: CI runs it
apart (`pytest -m slow tests/test_bench.py`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from national import STAGES, national


@pytest.mark.slow
def test_national_bench_small(tmp_path: Path) -> None:
    stages = national(1000, 30, 0.001, tmp_path)
    (first, _), (second, _), (check, _), (full, _), (digest, size) = stages
    assert [stage.name for stage, _ in stages] == list(STAGES)
    assert first.counts["reports_new"] > 2000  # ~3 wanted years each, ~8% unpublished
    # The unchanged second run fetches conditionally and parses nothing again; it asks every
    # column's first page, but not the pages after an unchanged one, nor a report verified today.
    assert second.counts["reports_new"] == second.counts["reports_changed"] == 0
    assert 0 < second.counts["not_modified"] and second.counts["requests"] < 0.5 * first.counts["requests"]
    assert second.counts["bytes"] < 0.1 * first.counts["bytes"]
    # check, then check --full, find what the second run left: nothing new, nothing resolved
    for checked in (check, full):
        assert checked.counts["findings_seen"] > 0
        assert checked.counts["findings_new"] == checked.counts["findings_resolved"] == 0
    assert check.counts["findings_seen"] == full.counts["findings_seen"]
    assert digest.counts["digest_bytes"] > 0
    assert size["db_mb"] > 0 and size["evidence_mb"] > 0
