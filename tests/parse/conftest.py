"""Fixtures for parser tests: the dev corpus of real reports with hand-checked figures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

CORPUS = Path(os.environ.get("DM_CORPUS", Path(__file__).parents[3] / "shared" / "corpus" / "dev"))


def corpus_ids() -> list[str]:
    assert CORPUS.is_dir(), f"dev corpus not found at {CORPUS} (set DM_CORPUS)"
    return sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").exists())


def corpus_source(report_id: str) -> Path:
    return next((CORPUS / report_id).glob("source.*"))


def corpus_expected(report_id: str) -> dict:
    return json.loads((CORPUS / report_id / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def corpus() -> Path:
    return CORPUS
