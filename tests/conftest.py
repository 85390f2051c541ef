"""Fixtures shared by every test package: reports built from the dev corpus's hand-checked facts."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from disclosure_monitor.model import Figure, Report
from disclosure_monitor.parse.template import APPEAL_KEYS, TEMPLATE_2021, TEMPLATES

CORPUS = Path(os.environ.get("DM_CORPUS", Path(__file__).parents[2] / "shared" / "corpus" / "dev"))


def report_from_expected(expected: dict[str, Any]) -> Report:
    """The Report a perfect parser would return for a corpus document, from its expected.json.

    Integers stay integers, decimal strings become Decimal, ISO dates become dates; a table
    counts as complete when every one of its template keys is present (null or not).
    """

    def day(text: str | None) -> date | None:
        return date.fromisoformat(text) if text else None

    figures = {
        key: Figure(key, Decimal(v) if isinstance(v, str) else v, None if v is None else str(v))
        for key, v in expected["figures"].items()
    }
    template = TEMPLATES.get(expected["template"], TEMPLATE_2021)
    tables = {
        "table2": [k for line in template.section2 for k in line.keys],
        "table3": template.apply_keys(),
        "table4": APPEAL_KEYS,
    }
    return Report(
        agency=expected["agency"],
        year=expected["year"],
        period_start=day(expected.get("period_start")),
        period_end=day(expected.get("period_end")),
        signed_on=day(expected.get("signed_on")),
        published_on=day(expected.get("published_on")),
        template=expected["template"],
        source_format=expected["source_format"],
        figures=figures,
        tables_complete={name: all(k in figures for k in keys) for name, keys in tables.items()},
    )


def load_corpus_report(report_id: str) -> Report:
    return report_from_expected(json.loads((CORPUS / report_id / "expected.json").read_text(encoding="utf-8")))


@pytest.fixture
def corpus_report() -> Callable[[str], Report]:
    """`corpus_report("000")` → the Report of dev corpus document 000, as hand-checked."""
    return load_corpus_report
