"""On-time publication by region and year, as counts and as a small inline SVG bar chart.

SVG rather than an image: it is text, needs no plotting library, and stays sharp. Every
label is escaped, since region names come from the configuration.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from ..checks.subject import deadline_for

# Bar segments in drawing order: (outcome, colour).
SEGMENTS = (("on_time", "#2e7d32"), ("late", "#f9a825"), ("missing", "#c62828"))
MAX_ROWS = 12  # regions × years drawn; the text part lists them all
ROW_HEIGHT, BAR_WIDTH, LABEL_WIDTH = 18, 220, 230


@dataclass(frozen=True)
class PublicationRow:
    """One region's reports for one year: how many came on time, late, or not at all."""

    region: str
    year: int
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def percent(self) -> int:
        return round(100 * self.on_time / self.total) if self.total else 0


def outcome(kind: str | None, year: int, published_on: str | None, has_report: bool, state: str | None, today: date) -> str | None:
    """on_time / late / missing for one agency × year; None when it cannot be told (yet)."""
    deadline = deadline_for(year, kind)
    if has_report:
        if not published_on:
            return None
        return "on_time" if date.fromisoformat(published_on) <= deadline else "late"
    return "missing" if state == "not_published" and today > deadline else None


def publication_rows(records: Iterable[Mapping[str, Any]], today: date) -> list[PublicationRow]:
    """Count `records` (region, kind, year, published_on, has_report, state) per region and year."""
    counts: dict[tuple[str, int], Counter[str]] = {}
    for r in records:
        verdict = outcome(r["kind"], r["year"], r["published_on"], bool(r["has_report"]), r["state"], today)
        if verdict:
            counts.setdefault((r["region"] or "—", r["year"]), Counter())[verdict] += 1
    return [PublicationRow(region, year, **c) for (region, year), c in sorted(counts.items(), key=lambda i: (i[0][0], -i[0][1]))]


def svg(rows: list[PublicationRow], title: str) -> Markup:
    """A horizontal stacked bar per region × year (on time, late, missing), at most MAX_ROWS."""
    shown = rows[:MAX_ROWS]
    height = ROW_HEIGHT * len(shown) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 50
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
            f'aria-label="{escape(title)}" style="font-family:sans-serif;font-size:12px">'
        ),
        f"<title>{escape(title)}</title>",
    ]
    for i, row in enumerate(shown):
        y = 4 + i * ROW_HEIGHT
        parts.append(f'<text x="0" y="{y + 12}">{escape(row.region)} {row.year}</text>')
        x = float(LABEL_WIDTH)
        for name, colour in SEGMENTS:
            w = BAR_WIDTH * getattr(row, name) / row.total
            if w:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{ROW_HEIGHT - 4}" fill="{colour}"/>')
            x += w
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 12}">{row.percent}%</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
