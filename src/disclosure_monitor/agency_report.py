"""Everything the store knows about one agency, on one page: its reports year by year
(dates and crawl outcome), every figure side by side across years, its findings open
and resolved, and the evidence files behind them.

The figure tables follow the national templates of `parse.template` (their labels and
key order), so a new template row shows up here without a change. Rendered as plain
text or as one self-contained HTML page (inline CSS, no scripts) through autoescaping
Jinja templates: titles, URLs and messages come from portals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config import Agency
from .errors import MonitorError
from .parse.template import (
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    SECTION_HEADINGS,
    TEMPLATE_2019,
    TEMPLATE_2021,
    Template,
)
from .store import FINDINGS_SELECT, Store
from .templating import environment

# The column of a section-2 row whose key ends in this part (rows with one cell need none).
SECTION2_COLUMNS: dict[str, str] = {
    "issued": "本年制发件数",
    "abolished": "本年废止件数",
    "in_force": "现行有效件数",
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_public": "对外公开总数量",
    "prev_items": "上一年项目数量",
    "delta": "本年增减",
    "decisions": "处理决定数量",
    "projects": "采购项目数量",
    "amount": "采购总金额",
}
HEADINGS = {key: f"{number}、{label}" for (key, label, _), number in zip(SECTION_HEADINGS, "一二三四五六")}


@dataclass(frozen=True)
class FigureTable:
    """One table of the template: (key, label) rows, each with its value per year."""

    heading: str
    rows: tuple[tuple[str, str, tuple[Any, ...]], ...]


@dataclass(frozen=True)
class AgencyReport:
    agency: dict[str, Any]
    years: tuple[int, ...]
    reports: tuple[dict[str, Any], ...]  # one per year: the current report and the crawl outcome
    tables: tuple[FigureTable, ...]
    open_findings: tuple[dict[str, Any], ...]
    resolved_findings: tuple[dict[str, Any], ...]
    evidence: tuple[dict[str, Any], ...]  # every stored version's document: path, sha256, url


def _section2(template: Template) -> list[tuple[str, str]]:
    return [
        (key, line.label if len(line.keys) == 1 else f"{line.label} · {SECTION2_COLUMNS[key.rpartition('.')[2]]}")
        for line in template.section2
        for key in line.keys
    ]


def figure_labels() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Every canonical figure key with its label, grouped by the table of the report it sits in."""
    rows = {r.key: r for t in (TEMPLATE_2021, TEMPLATE_2019) for r in t.rows}
    return (
        (f"{HEADINGS['s2']}（2021）", tuple(_section2(TEMPLATE_2021))),
        (f"{HEADINGS['s2']}（2019）", tuple(_section2(TEMPLATE_2019))),
        (
            HEADINGS["s3"],
            tuple((f"apply.{r.key}.{c}", f"{r.label} · {label}") for r in rows.values() for c, label in APPLICANT_COLUMNS),
        ),
        (
            HEADINGS["s4"],
            tuple((f"{g}.{r}", f"{glabel} · {rlabel}") for g, glabel in APPEAL_GROUPS for r, rlabel in APPEAL_RESULTS),
        ),
    )


REPORTS = """SELECT k.year, r.id AS report_id, r.title, r.url, r.published_on, r.signed_on, r.template,
    r.version, r.first_seen, r.last_changed, o.state, o.since, o.checked_at, o.reason
FROM (SELECT year FROM outcomes WHERE agency_id = :a UNION SELECT year FROM reports WHERE agency_id = :a) k
LEFT JOIN reports r ON r.agency_id = :a AND r.year = k.year AND r.is_current
LEFT JOIN outcomes o ON o.agency_id = :a AND o.year = k.year
ORDER BY k.year"""

EVIDENCE = """SELECT r.year, r.version, r.is_current, d.url, d.sha256, d.size, d.fetched_at, d.content_type
FROM reports r JOIN documents d ON d.id = r.document_id
WHERE r.agency_id = ? ORDER BY r.year, r.version"""


def agency_report(store: Store, agency: Agency, year: int | None = None) -> AgencyReport:
    """What the store holds about `agency` (every year, or only `year`)."""
    row = next(store.db.query("SELECT * FROM agencies WHERE name = ?", [agency.name]), None)
    if row is None:
        raise MonitorError(f"{agency.name}: nothing stored yet (run a crawl or ingest first)")
    wanted = lambda r: year is None or r["year"] == year
    reports = tuple(r for r in store.db.query(REPORTS, {"a": row["id"]}) if wanted(r))
    years = tuple(r["year"] for r in reports)
    values: dict[int, dict[str, Any]] = {r["year"]: {} for r in reports}
    for r in reports:
        if r["report_id"] is not None:
            values[r["year"]] = {f["key"]: f["value"] for f in store.db.query("SELECT key, value FROM figures WHERE report_id = ?", [r["report_id"]])}
    tables = []
    for heading, labels in figure_labels():
        lines = tuple((key, label, tuple(values[y].get(key, ...) for y in years)) for key, label in labels)
        shown = tuple(line for line in lines if any(v is not ... for v in line[2]))
        if shown:
            tables.append(FigureTable(heading, shown))
    findings = [f for f in store.db.query(f"{FINDINGS_SELECT} WHERE f.agency_id = ? ORDER BY f.year, f.check_id, f.id", [row["id"]]) if wanted(f)]
    evidence = tuple(
        {**e, "path": str(path), "stored": path.exists()}
        for e in store.db.query(EVIDENCE, [row["id"]])
        if wanted(e) and (path := store.evidence_path(e["sha256"]))
    )
    return AgencyReport(
        agency={**row, "aliases": agency.aliases},
        years=years,
        reports=reports,
        tables=tuple(tables),
        open_findings=tuple(f for f in findings if f["resolved_at"] is None and f["dismissed_at"] is None),
        resolved_findings=tuple(f for f in findings if f["resolved_at"] is not None or f["dismissed_at"] is not None),
        evidence=evidence,
    )


_ENV = environment("disclosure_monitor")


def _cell(value: Any) -> str:
    """A figure as printed: '' not in that year's report, '—' a blank cell."""
    return "" if value is ... else "—" if value is None else str(value)


def render(report: AgencyReport, fmt: str = "text") -> str:
    """`text` for a terminal, `html` for one self-contained page."""
    template = _ENV.get_template("agency_report.html.j2" if fmt == "html" else "agency_report.txt.j2")
    return template.render(r=report, cell=_cell, link=_link)


def _link(url: str | None) -> str | None:
    """Only web addresses become links: a portal could hand us a javascript: URL."""
    return url if url and url.startswith(("http://", "https://")) else None
