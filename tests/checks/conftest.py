"""Reports for the check tests, built from the dev corpus's hand-checked `expected.json`.

Figures and dates come from expected.json (what a careful reader found), so these
tests judge the checks and not the parser. expected.json has no section texts: they
are cut from the source document by the six headings, with a splitter of our own so
that a parser change cannot move these tests.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import lxml.html
import pypdfium2
import pytest

from disclosure_monitor.model import Figure, Report
from disclosure_monitor.parse.template import SECTION_HEADINGS

CORPUS = Path(os.environ.get("DM_CORPUS", Path(__file__).parents[3] / "shared" / "corpus" / "dev"))
TABLES = ("table2", "table3", "table4")


def corpus_ids() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").exists())


def meta(case: str) -> dict:
    return json.loads((CORPUS / case / "meta.json").read_text(encoding="utf-8"))


def expected(case: str) -> dict:
    return json.loads((CORPUS / case / "expected.json").read_text(encoding="utf-8"))


def source_text(case: str) -> str:
    path = next((CORPUS / case).glob("source.*"))
    if path.suffix == ".html":
        return lxml.html.fromstring(path.read_bytes()).text_content()
    if path.suffix == ".pdf":
        pdf = pypdfium2.PdfDocument(path)
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    return path.read_text(encoding="utf-8")


def split_sections(text: str) -> dict[str, str]:
    """Sections s1…s6, each from its ordinal heading (一、总体情况 …) to the next one found."""
    starts, pos = [], 0
    for key, _, pattern in SECTION_HEADINGS:
        m = re.compile(rf"[一二三四五六][、.．]\s*(?:{pattern})").search(text, pos)
        if m:
            starts.append((key, m.start(), m.end()))
            pos = m.end()
    ends = [start for _, start, _ in starts[1:]] + [len(text)]
    return {key: text[end:stop].strip() for (key, _, end), stop in zip(starts, ends)}


def _value(v: int | str | None) -> int | Decimal | None:
    return Decimal(v) if isinstance(v, str) else v


def _date(v: str | None) -> date | None:
    return date.fromisoformat(v) if v else None


def load_report(case: str) -> Report:
    """A fresh `Report` of corpus case `case` ("000"…), safe to modify in a test."""
    facts = expected(case)
    text = source_text(case)
    figures = {key: Figure(key, _value(v), None if v is None else str(v)) for key, v in facts["figures"].items()}
    period_start = _date(facts.get("period_start"))
    return Report(
        agency=facts["agency"],
        year=facts["year"],
        period_start=period_start,
        period_end=_date(facts.get("period_end")),
        signed_on=_date(facts.get("signed_on")),
        published_on=_date(facts.get("published_on")),
        template=facts["template"],
        source_format=facts.get("source_format", "text"),
        figures=figures,
        sections=split_sections(text),
        tables_complete={table: True for table in TABLES},
        text=text,
        period_year=period_start.year if period_start else None,
    )


@pytest.fixture
def report() -> Callable[[str], Report]:
    return load_report
