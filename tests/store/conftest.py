"""A real store in a temporary folder, with the example configuration's agencies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from disclosure_monitor.config import load_config
from disclosure_monitor.model import Report
from disclosure_monitor.store import Store

EXAMPLE = Path(__file__).parents[2] / "config" / "example.toml"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "monitor.db", tmp_path / "evidence") as s:
        yield s


@pytest.fixture
def agency_ids(store: Store) -> dict[str, int]:
    return store.upsert_agencies(load_config(EXAMPLE).agencies)


def store_report(store: Store, agency_id: int, report: Report, data: bytes, url: str = "http://127.0.0.1/r.html") -> int:
    """Keep `data` as the document and save `report` as parsed from it; returns the report id."""
    document_id, _ = store.add_document(url, data, content_type="text/html")
    assert report.year is not None
    return store.save_report(agency_id, report.year, report, document_id, url, title=report.title)
