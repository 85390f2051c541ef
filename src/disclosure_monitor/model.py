"""The nouns every module shares: a parsed `Report` with its `Figure`s, and a `Finding`.

Plain dataclasses, no behaviour beyond convenience accessors, so that parse, store,
checks and digest can exchange them without importing each other.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

Value = int | Decimal | None


@dataclass(frozen=True)
class Figure:
    """One cell of a report's tables under its canonical key (see spec/figures.md).

    `value` is None for a blank cell ("/", "—", "无", empty) or for a cell the parser
    could not pin down; `raw` keeps the text as printed (None when nothing was printed).
    """

    key: str
    value: Value
    raw: str | None = None


@dataclass
class Report:
    """Everything read from one annual-report document."""

    agency: str | None = None
    year: int | None = None
    title: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    signed_on: date | None = None
    published_on: date | None = None
    template: str = "other"  # 2021 | 2019 | mixed | other
    source_format: str = "text"
    encoding: str | None = None
    figures: dict[str, Figure] = field(default_factory=dict)
    # Plain text of sections 一…六 as s1…s6; missing sections are absent.
    sections: dict[str, str] = field(default_factory=dict)
    # Which of the tables 二/三/四 were found with every row in place.
    tables_complete: dict[str, bool] = field(default_factory=dict)
    # Why figures are null or facts missing, for people reading the store.
    notes: list[str] = field(default_factory=list)
    text: str = ""  # the document's whole plain text, for copy and narrative checks
    # Years printed in the title and the 统计期限 sentence, for D06.
    title_year: int | None = None
    period_year: int | None = None

    def value(self, key: str) -> Value:
        figure = self.figures.get(key)
        return figure.value if figure else None

    def fingerprint(self) -> str:
        """A hash of what the report says: figures, dates and section texts.

        Portal pages change bytes for reasons that are not edits (a view counter, the
        date in the page header); a report counts as changed only when this changes.
        """
        content = {
            "figures": sorted((k, str(f.value)) for k, f in self.figures.items()),
            "dates": [str(d) for d in (self.signed_on, self.published_on, self.period_start, self.period_end)],
            "sections": {k: re.sub(r"\s+", "", v) for k, v in sorted(self.sections.items())},
        }
        return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """The object `parse --json` prints (spec/interface.md)."""

        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        def jsonable(v: Value) -> int | str | None:
            return str(v) if isinstance(v, Decimal) else v

        return {
            "agency": self.agency,
            "year": self.year,
            "title": self.title,
            "period_start": iso(self.period_start),
            "period_end": iso(self.period_end),
            "signed_on": iso(self.signed_on),
            "published_on": iso(self.published_on),
            "template": self.template,
            "source_format": self.source_format,
            "encoding": self.encoding,
            "tables_complete": self.tables_complete,
            "figures": {k: jsonable(f.value) for k, f in self.figures.items()},
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Finding:
    """One check that failed (or was recorded) for an agency's year.

    Its identity is (agency, year, check_id, keys): a re-run that raises the same
    finding updates it rather than adding a new one.
    """

    check_id: str
    severity: str  # error | warning | info
    message_zh: str
    message_en: str
    keys: tuple[str, ...] = ()
    expected: str | None = None
    actual: str | None = None
    agency: str | None = None
    year: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "check_id": self.check_id,
            "severity": self.severity,
            "keys": list(self.keys),
            "expected": self.expected,
            "actual": self.actual,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
