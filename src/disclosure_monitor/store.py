"""The SQLite store and the evidence folder: the only state shared between runs.

Every write is one explicit transaction, so a crash leaves a report with all its
figures or no report at all. Raw documents are written once, under their sha256,
and never changed. The schema grows by appending to `MIGRATIONS`; the views are
derived and rebuilt on open, so `report_figures_wide` follows the template's keys.
Timestamps are ISO 8601 UTC text; dates are ISO 8601 text.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import logging
import os
import sqlite3
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, Self

import sqlite_utils
from sqlite_utils.db import quote_identifier

from .config import Agency, Roster, host_of
from .errors import StoreError
from .log import event
from .model import Figure, Finding, Report, Value
from .parse.template import (
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    SECTION_HEADINGS,
    TEMPLATES,
    all_figure_keys,
)

log = logging.getLogger(__name__)

SCHEMA_1 = """
CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    section TEXT NOT NULL,
    level TEXT,
    first_year INTEGER,
    aliases TEXT NOT NULL DEFAULT '[]'           -- JSON list
);

-- One row per (url, bytes) pair; the bytes are in the evidence folder under sha256.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    final_url TEXT,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,                    -- the latest fetch that returned these bytes
    http_status INTEGER,
    content_type TEXT,
    encoding TEXT,
    etag TEXT,
    last_modified TEXT,
    UNIQUE (url, sha256)
);
CREATE INDEX documents_sha256 ON documents (sha256);

-- Every version of an agency's report for a year; exactly one is current.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL DEFAULT 1,
    superseded_by INTEGER REFERENCES reports (id),
    document_id INTEGER NOT NULL REFERENCES documents (id),
    url TEXT,
    title TEXT,
    printed_agency TEXT,                         -- the agency name as the report prints it
    published_on TEXT,
    signed_on TEXT,
    period_start TEXT,
    period_end TEXT,
    title_year INTEGER,
    period_year INTEGER,
    template TEXT NOT NULL,
    source_format TEXT NOT NULL,
    encoding TEXT,
    tables_complete TEXT NOT NULL DEFAULT '{}',  -- JSON {"s2": true, ...}
    sections TEXT NOT NULL DEFAULT '{}',         -- JSON {"s1": "...", ...}
    notes TEXT NOT NULL DEFAULT '[]',            -- JSON list
    text TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL,                    -- when version 1 was stored
    last_changed TEXT NOT NULL,                  -- when this version's bytes were stored
    UNIQUE (agency_id, year, version)
);
CREATE UNIQUE INDEX reports_current ON reports (agency_id, year) WHERE is_current;

-- value: INTEGER for counts, TEXT for decimals (exact), NULL for blank cells.
CREATE TABLE figures (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    key TEXT NOT NULL,
    value,
    raw TEXT,
    PRIMARY KEY (report_id, key)
);

-- The crawl's verdict on each agency x year: found, not_published, blocked_antibot, ...
CREATE TABLE outcomes (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    state TEXT NOT NULL,
    url TEXT,
    reason TEXT,
    report_id INTEGER REFERENCES reports (id),
    run_id INTEGER REFERENCES runs (id),
    since TEXT NOT NULL,                         -- when the current state began
    checked_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
-- One row each time an agency x year changes state.
CREATE TABLE outcome_history (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    state TEXT NOT NULL,
    url TEXT,
    reason TEXT,
    run_id INTEGER REFERENCES runs (id),
    checked_at TEXT NOT NULL
);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    counts TEXT NOT NULL DEFAULT '{}'            -- JSON {"agencies": 3, "reports_new": 1, ...}
);

CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,               -- sha256 of [agency_id, year, check_id, sorted keys]
    agency_id INTEGER REFERENCES agencies (id),
    report_id INTEGER REFERENCES reports (id),
    year INTEGER,
    check_id TEXT NOT NULL,
    keys TEXT NOT NULL DEFAULT '[]',             -- JSON list of figure keys
    severity TEXT NOT NULL,
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL,
    message TEXT GENERATED ALWAYS AS (message_zh) VIRTUAL,
    expected TEXT,
    actual TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    resolved_at TEXT,
    dismissed_at TEXT,
    dismissed_reason TEXT
);
CREATE INDEX findings_open ON findings (resolved_at, severity);
CREATE INDEX findings_agency_year ON findings (agency_id, year);

CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    period TEXT NOT NULL,
    route TEXT NOT NULL DEFAULT 'default',
    created_at TEXT NOT NULL,
    sent_at TEXT,
    recipients TEXT NOT NULL DEFAULT '[]',       -- JSON list
    finding_ids TEXT NOT NULL DEFAULT '[]'       -- JSON list of findings.id
);
"""

Migration = str | Callable[[sqlite3.Connection], None]
# Append only: a database at version n gets MIGRATIONS[n:] applied, each in its own transaction.
# Version 2: what a report says, hashed, so that a page whose bytes change without its
# content changing (a view counter, a date in the header) is not a new version.
SCHEMA_2 = """
ALTER TABLE reports ADD COLUMN content_sha256 TEXT;
"""

# Version 3: how often a finding came back after being resolved, so that the digest can show
# one that flips on alternate runs as unstable instead of as news; kept by a trigger, so
# every writer of `resolved_at` counts alike.
SCHEMA_3 = """
ALTER TABLE findings ADD COLUMN reopen_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE findings ADD COLUMN reopened_at TEXT;
CREATE TRIGGER findings_reopened AFTER UPDATE OF resolved_at ON findings
WHEN OLD.resolved_at IS NOT NULL AND NEW.resolved_at IS NULL
BEGIN
    UPDATE findings SET reopen_count = reopen_count + 1, reopened_at = NEW.last_seen WHERE id = NEW.id;
END;
CREATE INDEX outcome_history_agency_year ON outcome_history (agency_id, year, id);
"""

# Version 4: small enough for a national store (about 3 GB at 100,000 agencies, from about 19 GB).
# A report's text and sections, which repeat each other, are one zlib-compressed `report_texts`
# row, primed with the templates' headings and labels (`text_dictionaries`). Its figures are one
# `figure_cells` row: the values as a JSON list over a key list shared by every report of a
# template (`figure_layouts`), `raws` only where the printed text is not the value's own.
# `figures` becomes a view with the same columns, one row per figure.
SCHEMA_4 = """
CREATE TABLE figure_layouts (
    id INTEGER PRIMARY KEY,
    keys TEXT NOT NULL UNIQUE                    -- JSON {key: position in vals}, in the report's order
);
CREATE TABLE figure_cells (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    layout_id INTEGER NOT NULL REFERENCES figure_layouts (id),
    vals TEXT NOT NULL,                          -- JSON list, one value per key: number, "decimal" or null
    raws TEXT                                    -- JSON {"position": raw} where raw is not the value as text
);
-- zlib's preset dictionaries for report_texts, kept here: a text stays readable whatever the code's templates become.
CREATE TABLE text_dictionaries (
    id INTEGER PRIMARY KEY,
    data BLOB NOT NULL
);
-- Apart from `reports`, whose rows then stay small: a row of 2-3 KB would leave most of each page empty.
CREATE TABLE report_texts (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    dictionary_id INTEGER NOT NULL REFERENCES text_dictionaries (id),
    content BLOB NOT NULL                        -- zlib of JSON {"text": ..., "sections": {...}}
);
"""
# Version 5: what each agency's findings were last evaluated from (`audit_inputs`), so that a
# `run` whose crawl changed nothing of an agency keeps its findings instead of re-checking.
SCHEMA_5 = """
CREATE TABLE audit_inputs (
    agency_id INTEGER PRIMARY KEY REFERENCES agencies (id),
    fingerprint TEXT NOT NULL,                   -- sha256 of everything its checks read
    years TEXT NOT NULL DEFAULT '[]'             -- JSON list: the years it had a current report
);
"""

# Version 6: what each year's X05 was last evaluated from (`audit_rosters`), apart from the
# agencies' other checks, so that a crawl verdict or a deadline that changed for one agency does
# not compare a whole national year again. A report, its figures or text, or a finding changed
# or removed other than by this program (which only adds reports and findings, and supersedes a
# report by a new one, a change of the inputs anyway) drops the inputs of its agency and of its
# year's roster: they are evaluated again at the next audit, so `check` can keep what nothing touched.
SCHEMA_6 = """
DROP TABLE audit_inputs;
CREATE TABLE audit_inputs (
    agency_id INTEGER PRIMARY KEY REFERENCES agencies (id),
    fingerprint TEXT NOT NULL                    -- sha256 of everything its checks but X05 read
);
CREATE TABLE audit_rosters (
    year INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL                    -- sha256 of what X05 read: the year's current reports and their agencies
);
"""
# Version 7: what each column listed when it was last read to its end (`column_reads`), so that a
# run whose first page of the column lists the same items replays that reading instead of asking
# every later page again (crawl/run.py says when it may).
SCHEMA_7 = """
CREATE TABLE column_reads (
    section TEXT PRIMARY KEY,                    -- the column's listing page (an agency's `section`)
    inputs TEXT NOT NULL,                        -- sha256 of what the picks depend on besides the pages
    first_page TEXT NOT NULL,                    -- sha256 of the items its first page listed
    picks TEXT NOT NULL,                         -- JSON: the item chosen for each (agency, year)
    pages INTEGER NOT NULL,                      -- pages read
    shape TEXT NOT NULL,                         -- the listing shape read
    read_at TEXT NOT NULL                        -- when it was read to its end
);
"""
_VIA_REPORT = "(SELECT {} FROM reports WHERE id = {{row}}.report_id)"
# What SCHEMA_6 watches: (table, events, the agency and the year of its row {row}, as SQL).
# This program changes findings all the time, but never removes one.
_AUDIT_SOURCES = (
    ("reports", ("UPDATE", "DELETE"), "{row}.agency_id", "{row}.year"),
    ("figure_cells", ("UPDATE", "DELETE"), _VIA_REPORT.format("agency_id"), _VIA_REPORT.format("year")),
    ("report_texts", ("UPDATE", "DELETE"), _VIA_REPORT.format("agency_id"), _VIA_REPORT.format("year")),
    ("findings", ("DELETE",), "{row}.agency_id", "{row}.year"),
)


def _stale_triggers() -> str:
    """SCHEMA_6's triggers: one a table and event of `_AUDIT_SOURCES`, dropping the audit
    inputs of the agency and the year of the row before (and after) the change."""
    script = ""
    for table, events, agency, year in _AUDIT_SOURCES:
        for change in events:
            rows = ("OLD", "NEW") if change == "UPDATE" else ("OLD",)
            script += f"""CREATE TRIGGER audit_stale_{table}_{change.lower()} AFTER {change} ON {table}
BEGIN
    DELETE FROM audit_inputs WHERE agency_id IN ({", ".join(agency.format(row=row) for row in rows)});
    DELETE FROM audit_rosters WHERE year IN ({", ".join(year.format(row=row) for row in rows)});
END;
"""
    return script


def _schema_4(conn: sqlite3.Connection) -> None:
    """SCHEMA_4, moving every stored report's figures and text into the compact form."""
    # The views name `figures`, a table until now; they are rebuilt on open, after the migrations.
    for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'view'").fetchall():
        conn.execute(f"DROP VIEW {quote_identifier(name)}")
    for statement in _statements(SCHEMA_4):
        conn.execute(statement)
    rows = conn.execute("SELECT report_id, key, value, raw FROM figures ORDER BY report_id, rowid")
    for report_id, cells in itertools.groupby(rows, key=lambda row: row[0]):
        _put_figures(conn, report_id, [(key, value, raw) for _, key, value, raw in cells])
    conn.execute(
        """INSERT INTO figure_cells (report_id, layout_id, vals)
        SELECT id, ?, '[]' FROM reports WHERE id NOT IN (SELECT report_id FROM figure_cells)""",
        (_layout(conn, []),),
    )
    conn.execute("INSERT INTO text_dictionaries (data) VALUES (?)", (_template_phrases(),))
    dictionary = _latest_dictionary(conn)
    for report_id, text, sections in conn.execute("SELECT id, text, sections FROM reports"):  # streamed: GBs at scale
        _put_text(conn, report_id, text, json.loads(sections), dictionary)
    for statement in ("DROP TABLE figures", "ALTER TABLE reports DROP COLUMN text", "ALTER TABLE reports DROP COLUMN sections"):
        conn.execute(statement)


# Version 8: the whole roster in the store, with which agencies the configuration last read
# names (`configured`), so that each stage reads the agencies a column or a range of ids at a
# time instead of holding 100,000 of them: the monitor's memory does not grow with the roster.
# `host` (the section's host:port, the crawl's politeness key) groups the columns by portal.
# A store of an older version gets them at its next run or check, which reads the configuration in.
SCHEMA_8 = """
ALTER TABLE agencies ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE agencies ADD COLUMN listing TEXT NOT NULL DEFAULT 'auto';
ALTER TABLE agencies ADD COLUMN insecure_tls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agencies ADD COLUMN configured INTEGER NOT NULL DEFAULT 1;  -- 0: no longer configured, kept for its history
CREATE INDEX agencies_by_column ON agencies (host, section, id) WHERE configured;
CREATE TABLE roster_source (                     -- the configuration the roster was last read from
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sha256 TEXT NOT NULL,                        -- of its file's bytes: the same again is not read in again
    agencies INTEGER NOT NULL,                   -- how many it configures
    read_at TEXT NOT NULL
);
"""

# Version 9: the sha256 of the bytes of the column's first page at its last full reading, so
# that a run given those same bytes again (a 304, or an unchanged page) replays the reading
# without reading the page back from the evidence and parsing it (bench/README.md, fifteenth
# session). Null for readings stored before: those columns compare the page's items, as before.
SCHEMA_9 = """
ALTER TABLE column_reads ADD COLUMN first_sha256 TEXT;
"""

MIGRATIONS: tuple[Migration, ...] = (
    SCHEMA_1, SCHEMA_2, SCHEMA_3, _schema_4, SCHEMA_5, SCHEMA_6 + _stale_triggers(), SCHEMA_7, SCHEMA_8, SCHEMA_9
)  # fmt: skip

# What a document's row says about its latest fetch, refreshed when the same bytes come again.
REFETCHED = ("final_url", "fetched_at", "http_status", "content_type", "encoding", "etag", "last_modified")
# A stored report with its compressed text, for `_rebuild`.
REPORT_SELECT = "SELECT r.*, t.dictionary_id, t.content FROM reports r JOIN report_texts t ON t.report_id = r.id"
FINDINGS_SELECT = """SELECT f.*, a.name AS agency, a.region, a.kind
FROM findings f LEFT JOIN agencies a ON a.id = f.agency_id"""
OPEN = "f.resolved_at IS NULL AND f.dismissed_at IS NULL"
# Leading bytes of formats that are compressed already (PDF, ZIP as in DOCX/XLSX, gzip, PNG, JPEG,
# GIF): their evidence is kept as fetched; everything else is kept gzip-compressed when that is smaller.
COMPRESSED_FORMATS = (b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
# The findings one `sync_findings` raised, before they are merged into `findings`.
FIRED_TABLE = """CREATE TEMP TABLE IF NOT EXISTS fired (
    identity TEXT PRIMARY KEY, agency_id INTEGER, year INTEGER, check_id TEXT, keys TEXT, severity TEXT,
    message_zh TEXT, message_en TEXT, expected TEXT, actual TEXT)"""
FIRE = """INSERT INTO temp.fired VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (identity) DO UPDATE SET
    severity = excluded.severity, message_zh = excluded.message_zh, message_en = excluded.message_en,
    expected = excluded.expected, actual = excluded.actual"""
# What an audit evaluated from, as sha256 fingerprints: each agency's checks but X05 ("agencies",
# by agency id), and each year's X05 ("rosters", by year): the table each is stored in, and its key.
AUDIT_INPUTS = {"agencies": ("audit_inputs", "agency_id"), "rosters": ("audit_rosters", "year")}
CURRENT_REPORT_OF_FIRED = "(SELECT r.id FROM reports r WHERE r.agency_id = n.agency_id AND r.year = n.year AND r.is_current)"
# The database (and, after it, SQLite's -wal and -shm files) and the evidence: owner and group only.
DB_MODE, EVIDENCE_MODE, FOLDER_MODE = 0o640, 0o640, 0o750


def _wide_view() -> str:
    # Each key's value straight from the report's JSON list, at the position its layout gives.
    columns = "".join(
        f",\n  json_extract(c.vals, '$[' || json_extract(l.keys, '$.\"{key}\"') || ']') AS {quote_identifier(key)}"
        for key in all_figure_keys()
    )
    return (
        "SELECT r.id AS report_id, r.agency_id, a.name AS agency, a.region, a.kind, r.year, r.template"
        f"{columns}\nFROM reports r JOIN agencies a ON a.id = r.agency_id"
        "\nLEFT JOIN figure_cells c ON c.report_id = r.id LEFT JOIN figure_layouts l ON l.id = c.layout_id"
        "\nWHERE r.is_current"
    )


# One row per figure, as the table of versions 1–3 had them; `position` orders a report's figures.
FIGURES_VIEW = """SELECT report_id, key, value, CASE WHEN raw_type IS NULL THEN CAST(value AS TEXT) ELSE raw END AS raw,
  position
FROM (SELECT c.report_id, k.key AS key, k.value AS position,
    json_extract(c.vals, '$[' || k.value || ']') AS value,
    json_type(c.raws, '$."' || k.value || '"') AS raw_type,
    json_extract(c.raws, '$."' || k.value || '"') AS raw
  FROM figure_cells c JOIN figure_layouts l ON l.id = c.layout_id JOIN json_each(l.keys) k)"""

VIEWS: dict[str, Callable[[], str]] = {
    "figures": lambda: FIGURES_VIEW,
    "report_figures_wide": _wide_view,
    "open_findings": lambda: f"{FINDINGS_SELECT}\nWHERE {OPEN}",
}


@dataclass(frozen=True)
class Scope:
    """What one evaluation covered: open findings inside it that did not fire are resolved.

    None means every agency or every year; `checks` are check-id prefixes ("A", "X01"),
    empty for every check.
    """

    agency_id: int | None = None
    year: int | None = None
    checks: tuple[str, ...] = ()

    def covers(self, agency_id: int | None, year: int | None, check_id: str) -> bool:
        return (
            self.agency_id in (None, agency_id)
            and self.year in (None, year)
            and (not self.checks or check_id.startswith(self.checks))
        )

    def keeps(self, agency_id: int | None, year: int | None, check_id: str) -> bool:
        """Whether an open finding stands without having been evaluated again (see `Unchanged`)."""
        return False

    def where(self) -> tuple[str, list[Any]]:
        """The SQL condition (over `findings`) and its parameters."""
        clauses, params = ["1"], []
        for column in ("agency_id", "year"):
            if getattr(self, column) is not None:
                clauses.append(f"{column} = ?")
                params.append(getattr(self, column))
        if self.checks:
            clauses.append("(" + " OR ".join("substr(check_id, 1, ?) = ?" for _ in self.checks) + ")")
            params += [x for prefix in self.checks for x in (len(prefix), prefix)]
        return " AND ".join(clauses), params


@dataclass(frozen=True)
class Unchanged(Scope):
    """An audit that skipped what did not change: the checks of `agencies` but `copy_checks`
    (which compare agencies with each other), and `copy_checks` in `copy_years`. It covers
    everything else; the open findings it skipped stand (`last_seen` moves on)."""

    agencies: frozenset[int] = frozenset()
    copy_checks: tuple[str, ...] = ()
    copy_years: frozenset[int] = frozenset()

    def keeps(self, agency_id: int | None, year: int | None, check_id: str) -> bool:
        if check_id.startswith(self.copy_checks):
            return year in self.copy_years
        return agency_id in self.agencies

    def covers(self, agency_id: int | None, year: int | None, check_id: str) -> bool:
        return super().covers(agency_id, year, check_id) and not self.keeps(agency_id, year, check_id)


def finding_identity(agency_id: int | None, year: int | None, check_id: str, keys: Iterable[str]) -> str:
    """The stable identity of a finding: the same problem in the same cells is one row forever."""
    return hashlib.sha256(json.dumps([agency_id, year, check_id, sorted(keys)]).encode()).hexdigest()


def _fsync(path: str | Path) -> None:
    """Make a file's bytes, or a folder's entries, durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _stored(value: Value) -> int | str | None:
    """Decimals as text so that 0.10 stays 0.10; counts as integers."""
    return str(value) if isinstance(value, Decimal) else value


def _loaded(value: int | str | None) -> Value:
    return Decimal(value) if isinstance(value, str) else value


def _implied_raw(value: int | str | None) -> str | None:
    """The printed text a stored value stands for unless `raws` says otherwise: its own text."""
    return None if value is None else str(value)


def _layout(conn: sqlite3.Connection, keys: list[str]) -> int:
    """The id of the key list `keys`, added the first time a report has it."""
    text = json.dumps({key: i for i, key in enumerate(keys)}, ensure_ascii=False)
    row = conn.execute("SELECT id FROM figure_layouts WHERE keys = ?", (text,)).fetchone()
    if row:
        return int(row[0])
    return int(conn.execute("INSERT INTO figure_layouts (keys) VALUES (?) RETURNING id", (text,)).fetchone()[0])


def _put_figures(conn: sqlite3.Connection, report_id: int, cells: list[tuple[str, int | str | None, str | None]]) -> None:
    """One report's figures, (key, stored value, raw) in the report's order, as its `figure_cells` row."""
    raws = {str(i): raw for i, (_, value, raw) in enumerate(cells) if raw != _implied_raw(value)}
    conn.execute(
        "INSERT INTO figure_cells (report_id, layout_id, vals, raws) VALUES (?, ?, ?, ?)",
        (
            report_id,
            _layout(conn, [key for key, _, _ in cells]),
            json.dumps([value for _, value, _ in cells], separators=(",", ":")),
            json.dumps(raws, ensure_ascii=False, separators=(",", ":")) if raws else None,
        ),
    )


def _read_figures(conn: sqlite3.Connection, where: str, params: Iterable[Any]) -> dict[int, dict[str, Figure]]:
    """The figures of the reports `where` selects (over `figure_cells c`), by report id, decoded
    here rather than row by row through the `figures` view. Equal cells share one `Figure`
    (it is frozen): most cells of most reports are a small count printed as itself, and making
    a Figure each was a tenth of a full audit."""
    layouts: dict[int, list[str]] = {}
    made: dict[tuple[str, int | str | None], Figure] = {}  # the cells whose raw is the value's own
    out: dict[int, dict[str, Figure]] = {}
    for report_id, layout_id, vals, raws in conn.execute(
        f"SELECT c.report_id, c.layout_id, c.vals, c.raws FROM figure_cells c WHERE {where}", list(params)
    ):
        if layout_id not in layouts:
            keys = conn.execute("SELECT keys FROM figure_layouts WHERE id = ?", (layout_id,)).fetchone()[0]
            layouts[layout_id] = list(json.loads(keys))
        keys, values = layouts[layout_id], json.loads(vals)
        figures = {}
        for cell in zip(keys, values, strict=True):
            figure = made.get(cell)
            if figure is None:
                figure = made[cell] = Figure(cell[0], _loaded(cell[1]), _implied_raw(cell[1]))
            figures[cell[0]] = figure
        for position, raw in (json.loads(raws) if raws else {}).items():
            key, value = keys[int(position)], values[int(position)]
            figures[key] = Figure(key, _loaded(value), raw)
        out[report_id] = figures
    return out


def _template_phrases() -> bytes:
    """A preset dictionary for report texts: what every report prints, the headings and the
    tables' labels; it saves a tenth to a fifth of each compressed text."""
    phrases = [heading for _, heading, _ in SECTION_HEADINGS]
    for template in TEMPLATES.values():
        phrases += [*template.signatures, *(line.label for line in template.section2), *(row.label for row in template.rows)]
    phrases += [label for _, label in (*APPLICANT_COLUMNS, *APPEAL_GROUPS, *APPEAL_RESULTS)]
    return "\n".join(dict.fromkeys(phrases)).encode()


def _latest_dictionary(conn: sqlite3.Connection) -> tuple[int, bytes]:
    """The (id, data) new report texts are compressed with."""
    dictionary_id, zdict = conn.execute("SELECT id, data FROM text_dictionaries ORDER BY id DESC LIMIT 1").fetchone()
    return dictionary_id, zdict


def _put_text(
    conn: sqlite3.Connection, report_id: int, text: str, sections: Mapping[str, str], dictionary: tuple[int, bytes]
) -> None:
    """A report's text and sections in one zlib stream, primed with `dictionary` (`_latest_dictionary`):
    the sections are mostly the text again, which the compressor stores as back-references."""
    dictionary_id, zdict = dictionary
    packer = zlib.compressobj(9, zdict=zdict)
    content = packer.compress(json.dumps({"text": text, "sections": sections}, ensure_ascii=False).encode())
    conn.execute(
        "INSERT INTO report_texts (report_id, dictionary_id, content) VALUES (?, ?, ?)",
        (report_id, dictionary_id, content + packer.flush()),
    )


def _statements(script: str) -> Iterator[str]:
    """Split a SQL script into statements (executescript would commit our transaction)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""


# The configuration's agencies on their way in (`Store.sync_roster`), in its order.
ROSTER_TABLE = """CREATE TEMP TABLE IF NOT EXISTS roster (name TEXT PRIMARY KEY, kind TEXT, region TEXT,
    section TEXT, host TEXT, level TEXT, first_year INTEGER, aliases TEXT, listing TEXT, insecure_tls INTEGER)"""
# (new, old) for each alias of an agency not stored yet that names a stored agency no longer
# configured: not in the roster, nor, when only some agencies are put ({partial}), configured before.
RENAME_CLAIMS = """SELECT r.name, j.value FROM temp.roster r, json_each(r.aliases) j
    WHERE r.name NOT IN (SELECT name FROM main.agencies) AND j.value IN (SELECT name FROM main.agencies)
        AND j.value NOT IN (SELECT name FROM temp.roster)
        AND j.value NOT IN (SELECT name FROM main.agencies WHERE configured AND {partial})
    ORDER BY r.rowid"""
# A row is written only where something changed: an unchanged national roster writes nothing.
ROSTER_UPSERT = """INSERT INTO agencies (name, kind, region, section, host, level, first_year, aliases, listing, insecure_tls, configured)
    SELECT *, 1 FROM temp.roster WHERE true ORDER BY rowid
    ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, region = excluded.region, section = excluded.section,
        host = excluded.host, level = excluded.level, first_year = excluded.first_year, aliases = excluded.aliases,
        listing = excluded.listing, insecure_tls = excluded.insecure_tls, configured = 1
    WHERE (kind, region, section, host, level, first_year, aliases, listing, insecure_tls, configured)
        IS NOT (excluded.kind, excluded.region, excluded.section, excluded.host, excluded.level,
            excluded.first_year, excluded.aliases, excluded.listing, excluded.insecure_tls, 1)"""


def stored_agency(
    name: str, kind: str, section: str, region: str, aliases: str,
    first_year: int | None = None, level: str | None = None, insecure_tls: int = 0, listing: str = "auto",
) -> Agency:  # fmt: skip
    """An agency as a row of `agencies` holds it (`aliases` its JSON list)."""
    return Agency(name, kind, section, region, tuple(json.loads(aliases)), first_year, level, bool(insecure_tls), listing)


def _renames(claims: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(old, new) names of stored agencies the configuration renamed, from its claims: (new, old)
    for each configured agency not yet stored and each of its aliases naming a stored agency no
    longer configured (`RENAME_CLAIMS`).

    Such an agency is that stored one renamed (机构改革 renames departments; the old name stays
    in its report titles). An old name several agencies claim, or an agency claiming several
    old names (a merger), is ambiguous: it is logged and nothing is carried over.
    """
    by_new: dict[str, list[str]] = defaultdict(list)
    for new, old in claims:
        by_new[new].append(old)
    by_old: dict[str, list[str]] = defaultdict(list)  # old name → new names claiming it
    for new, olds in by_new.items():
        if len(olds) > 1:
            event(log, "agency rename ambiguous", level=logging.WARNING, new=new, old=", ".join(olds))
        else:
            by_old[olds[0]].append(new)
    renames = []
    for old, news in by_old.items():
        if len(news) == 1:
            renames.append((old, news[0]))
        else:
            event(log, "agency rename ambiguous", level=logging.WARNING, old=old, new=", ".join(news))
    return renames


class Verdict(NamedTuple):
    """The crawl's verdict on one (agency, year), as `record_outcomes` stores it."""

    agency_id: int
    year: int
    state: str
    url: str | None = None
    reason: str | None = None
    report_id: int | None = None


class ColumnRead(NamedTuple):
    """A column as read to its end, as `keep_column_reads` stores it (see SCHEMA_7 and SCHEMA_9)."""

    section: str
    inputs: str
    first_page: str
    picks: str
    pages: int
    shape: str
    read_at: datetime
    first_sha256: str


class Store:
    """One SQLite database plus its evidence folder. Open with `Store.open`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, evidence_dir: Path) -> None:
        self.path = path
        self.evidence_dir = evidence_dir
        self._evidence_root = str(evidence_dir)
        self._conn = conn
        self._conn.row_factory = sqlite3.Row
        self._dictionaries: dict[int, bytes] = {}  # text_dictionaries, read once
        # The dictionary new texts are packed with. Only a migration adds one, and migrations run
        # when a store is opened: a store opened later by a newer program may add another, and
        # texts packed here with this one still name theirs.
        self._new_text_dictionary: tuple[int, bytes] | None = None
        # For read queries by other modules (`store.db.query(sql)` yields dicts).
        self.db = sqlite_utils.Database(conn)

    @classmethod
    def open(cls, path: str | Path, evidence_dir: str | Path) -> Store:
        """Open or create the store, bringing its schema up to date."""
        path, evidence_dir = Path(path), Path(evidence_dir)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            evidence_dir.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, DB_MODE))  # SQLite gives -wal/-shm the same mode
            # isolation_level=None: no hidden transactions; every write says BEGIN itself.
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode = WAL")
            # In WAL mode a crash still loses no committed transaction's atomicity; only a power
            # cut can lose the last few commits. Without it every commit waits for an fsync.
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 30000")
        except (OSError, sqlite3.DatabaseError) as e:
            raise StoreError(f"{path}: cannot open the store: {e}") from e
        store = cls(conn, path, evidence_dir)
        store._migrate()
        return store

    @classmethod
    def reader(cls, path: str | Path, evidence_dir: str | Path) -> Store:
        """A read-only connection to a store another process keeps up to date (an audit worker's):
        no schema change, no file created, and a write is refused by SQLite."""
        path = Path(path)
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=30)
            conn.execute("PRAGMA busy_timeout = 30000")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{path}: cannot open the store: {e}") from e
        return cls(conn, path, Path(evidence_dir))

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rollback on any error. Locked or full disk → StoreError."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.path}: {e}") from e

    def _migrate(self) -> None:
        try:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            current = self._conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not a disclosure-monitor store: {e}") from e
        if current > len(MIGRATIONS):
            raise StoreError(
                f"{self.path}: schema version {current} is newer than this program knows ({len(MIGRATIONS)})"
            )
        for version, migration in enumerate(MIGRATIONS[current:], start=current + 1):
            with self._transaction() as conn:
                if isinstance(migration, str):
                    for statement in _statements(migration):
                        conn.execute(statement)
                else:
                    migration(conn)
                conn.execute("INSERT INTO schema_version VALUES (?, ?)", (version, _stamp(None)))
        with self._transaction():
            for name, sql in VIEWS.items():
                self.db.create_view(name, sql(), replace=True)

    # -- agencies ---------------------------------------------------------------------------

    def sync_roster(self, agencies: Iterable[Agency]) -> int:
        """Make the configured agencies exactly these (the configuration's), inserted or updated
        by name, the others kept for their history but no longer configured; returns how many.

        They are streamed through a temporary table, never held: a national roster is 100,000.
        An agency renamed in the configuration, with its old name among its aliases, keeps its
        stored row (see `_renames`): its reports, crawl history and findings stay its own.
        A `Roster` read from the same bytes as the last one is not read in again (a national
        one takes 5 s to read, and a run's crawl and audit both ask for it).
        """
        source = agencies.sha256 if isinstance(agencies, Roster) else None
        known = self._conn.execute("SELECT agencies FROM roster_source WHERE sha256 = ?", (source,)).fetchone()
        if known is not None:
            return int(known[0])
        size = self._put_agencies(agencies, whole_roster=True)
        if source is not None:
            with self._transaction() as conn:
                conn.execute("INSERT OR REPLACE INTO roster_source VALUES (1, ?, ?, ?)", (source, size, _stamp(None)))
        return size

    def upsert_agencies(self, agencies: Iterable[Agency]) -> dict[str, int]:
        """Insert or update these agencies by name, configured, the others as they are; returns
        name → id. For a few agencies at a time (a test, one agency's report); a whole
        configuration is `sync_roster`'s."""
        agencies = tuple(agencies)
        self._put_agencies(agencies, whole_roster=False)
        return self.agency_ids(a.name for a in agencies)

    def _put_agencies(self, agencies: Iterable[Agency], whole_roster: bool) -> int:
        rows = (
            (a.name, a.kind, a.region, a.section, host_of(a.section), a.level, a.first_year,
             json.dumps(a.aliases, ensure_ascii=False), a.listing, int(a.insecure_tls))
            for a in agencies
        )  # fmt: skip
        self._refill(ROSTER_TABLE, "roster", f"INSERT INTO temp.roster VALUES ({', '.join('?' * 10)})", rows)
        with self._transaction() as conn:
            conn.execute("DELETE FROM roster_source")  # the roster is no longer that of a known configuration
            for old, new in _renames(conn.execute(RENAME_CLAIMS.format(partial=int(not whole_roster)))):
                conn.execute("UPDATE agencies SET name = ? WHERE name = ?", (new, old))
                event(log, "agency renamed", old=old, new=new)
            if whole_roster:
                conn.execute("UPDATE agencies SET configured = 0 WHERE configured AND name NOT IN (SELECT name FROM temp.roster)")
            conn.execute(ROSTER_UPSERT)
            return int(conn.execute("SELECT count(*) FROM temp.roster").fetchone()[0])

    def agency_ids(self, names: Iterable[str]) -> dict[str, int]:
        """name → id of these stored agencies."""
        rows = self._conn.execute("SELECT name, id FROM agencies WHERE name IN (SELECT value FROM json_each(?))", (json.dumps(list(names)),))
        return dict(rows.fetchall())

    def roster_hosts(self) -> list[tuple[str, int]]:
        """(host, how many columns) of the configured agencies, each host where its first agency
        comes (in the configuration's order, for agencies stored by it)."""
        rows = self._conn.execute(
            "SELECT host, count(DISTINCT section) FROM agencies WHERE configured GROUP BY host ORDER BY min(id)"
        )
        return rows.fetchall()

    def roster_columns(self, host: str) -> list[str]:
        """The sections (columns) of the configured agencies on `host`, where their first agency comes."""
        rows = self._conn.execute(
            "SELECT section FROM agencies WHERE configured AND host = ? GROUP BY section ORDER BY min(id)", (host,)
        )
        return [section for (section,) in rows]

    def column_agencies(self, section: str) -> list[tuple[int, Agency]]:
        """(id, agency) of the configured agencies whose reports are in the column `section`."""
        return self._roster_rows("host = ? AND section = ?", (host_of(section), section))

    def roster_batches(self, batch: int = 1000) -> Iterator[list[tuple[int, Agency]]]:
        """Every configured agency as (id, agency), in order of id, `batch` at a time."""
        last = 0
        while rows := self._roster_rows(f"id > ? ORDER BY id LIMIT {int(batch)}", (last,)):
            yield rows
            last = rows[-1][0]

    def roster_agencies(self, ids: Iterable[int]) -> dict[int, Agency]:
        """id → agency of those of `ids` that are configured."""
        return dict(self._roster_rows("id IN (SELECT value FROM json_each(?))", (json.dumps(list(ids)),)))

    def _roster_rows(self, where: str, params: Sequence[Any]) -> list[tuple[int, Agency]]:
        rows = self._conn.execute(
            f"""SELECT id, name, kind, section, region, aliases, first_year, level, insecure_tls, listing
            FROM agencies WHERE configured AND {where}""",
            params,
        )
        return [(agency_id, stored_agency(*row)) for agency_id, *row in rows]

    # -- documents and evidence ---------------------------------------------------------------

    def _evidence_forms(self, sha256: str) -> tuple[str, str]:
        """Where the bytes with this sha256 are kept: as fetched, or gzip-compressed (`.gz`).
        Strings, not Paths: the crawler asks for every page it fetches again, and pathlib's
        objects were 7 % of the event loop's time in a national unchanged run."""
        plain = os.path.join(self._evidence_root, sha256[:2], sha256[2:4], sha256)
        return plain, plain + ".gz"

    def _evidence_file(self, sha256: str) -> str:
        plain, packed = self._evidence_forms(sha256)
        return packed if os.path.exists(packed) else plain

    def evidence_path(self, sha256: str) -> Path:
        """The file holding these bytes: the `.gz` one when they were kept compressed."""
        return Path(self._evidence_file(sha256))

    def holds_evidence(self, sha256: str) -> bool:
        """Whether the bytes with this sha256 are still kept (a person may have pruned the folder)."""
        return any(map(os.path.exists, self._evidence_forms(sha256)))

    def read_evidence(self, sha256: str) -> bytes:
        """The bytes as fetched, from either form."""
        path = self._evidence_file(sha256)
        try:
            with open(path, "rb") as f:
                data = f.read()
            return gzip.decompress(data) if path.endswith(".gz") else data
        except (OSError, EOFError, zlib.error) as e:
            raise StoreError(f"{path}: cannot read evidence: {e}") from e

    def _write_evidence(self, blobs: Mapping[str, bytes]) -> None:
        """Write each once: temp files, fsync, then links into place, which fail rather than overwrite.

        Text (HTML pages, listings, JSON) is kept gzip-compressed, a third to a twelfth of its
        size; formats that are compressed already stay as fetched, so that they open as they are.
        Every temp file of the batch is written before the first fsync, and every link made
        before the folders' fsyncs: on a journalling file system the first fsync commits the
        others' writes with its own, so a batch costs about two commits, not two a file.
        """
        staged: list[tuple[str, str]] = []  # (temp file, where it goes)
        try:
            for sha256, data in blobs.items():
                if self.holds_evidence(sha256):
                    continue
                plain, packed = self._evidence_forms(sha256)
                target = plain
                if not data.startswith(COMPRESSED_FORMATS):
                    compressed = gzip.compress(data, compresslevel=6, mtime=0)
                    if len(compressed) < len(data):
                        target, data = packed, compressed
                folder = os.path.dirname(target)
                for made in (os.path.dirname(folder), folder):  # mode applies to the last folder made only
                    with suppress(FileExistsError):
                        os.mkdir(made, FOLDER_MODE)
                fd, temp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
                staged.append((temp, target))
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.chmod(temp, EVIDENCE_MODE)
            for temp, _ in staged:
                _fsync(temp)
            linked = set()
            for temp, target in staged:
                try:
                    os.link(temp, target)
                except FileExistsError:
                    continue  # another process stored the same bytes first
                linked.add(os.path.dirname(target))
            for folder in linked:
                _fsync(folder)
        finally:
            for temp, _ in staged:
                os.unlink(temp)

    def keep_evidence(self, data: bytes) -> str:
        """Write `data` to the evidence folder, once and durably; returns its sha256."""
        return self.keep_evidence_batch([data])[0]

    def keep_evidence_batch(self, blobs: Sequence[bytes]) -> list[str]:
        """Write each of `blobs` to the evidence folder, once and durably, all of them for about
        the fsyncs of one; returns their sha256s in order.

        Touches no database, so the crawler runs it in a thread: the fsyncs then wait
        there, not in the event loop, and `add_document` finds the files already there.
        """
        kept = [hashlib.sha256(data).hexdigest() for data in blobs]
        try:
            self._write_evidence(dict(zip(kept, blobs)))
        except OSError as e:
            raise StoreError(f"{self.evidence_dir}: cannot write evidence: {e}") from e
        return kept

    def add_document(
        self,
        url: str,
        data: bytes,
        *,
        http_status: int | None = 200,
        content_type: str | None = None,
        encoding: str | None = None,
        final_url: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        now: datetime | None = None,
        kept: str | None = None,
    ) -> tuple[int, bool]:
        """Keep fetched bytes as evidence; returns (document id, whether these bytes are new to the store).

        `kept`: the sha256 `keep_evidence` returned for these same bytes (the crawler keeps them in
        a thread first); they are then neither hashed nor looked for again.
        """
        sha256 = kept or self.keep_evidence(data)
        with self._transaction() as conn:
            seen = conn.execute("SELECT 1 FROM documents WHERE sha256 = ? LIMIT 1", (sha256,)).fetchone()
            document_id = conn.execute(
                f"""INSERT INTO documents (url, sha256, size, {', '.join(REFETCHED)})
                VALUES (?, ?, ?, {', '.join('?' * len(REFETCHED))})
                ON CONFLICT (url, sha256) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in REFETCHED)}
                RETURNING id""",
                (url, sha256, len(data), final_url, _stamp(now), http_status, content_type, encoding, etag, last_modified),
            ).fetchone()[0]
        return document_id, seen is None

    def reconfirm(self, document_id: int, *, now: datetime | None = None, **about: str | int | None) -> None:
        """A stored document fetched again with the same bytes, or answered 304: what `add_document`
        would record for it, without hashing the bytes again or looking at its evidence. `about`
        takes add_document's keywords for the answer (http_status, content_type, encoding, …)."""
        self.reconfirm_many([(document_id, now, about)])

    def reconfirm_many(self, answers: Iterable[tuple[int, datetime | None, Mapping[str, str | int | None]]]) -> None:
        """`reconfirm` for several (document id, when, about) in one transaction: the crawler keeps a
        column's and stores them right after its outcomes, not a commit a page (a national unchanged
        run fetches 125,000 pages again). A missing document stores none of them."""
        rows = []
        for document_id, now, about in answers:
            fields = dict.fromkeys(REFETCHED) | {"http_status": 200} | dict(about) | {"fetched_at": _stamp(now)}
            if len(fields) != len(REFETCHED):
                raise TypeError(f"reconfirm: no document field {sorted(fields.keys() - set(REFETCHED))}")
            rows.append((*(fields[c] for c in REFETCHED), document_id))
        update = f"UPDATE documents SET {', '.join(f'{c} = ?' for c in REFETCHED)} WHERE id = ?"
        with self._transaction() as conn:
            for row in rows:
                if not conn.execute(update, row).rowcount:
                    raise StoreError(f"{self.path}: no document {row[-1]}")

    # -- columns ------------------------------------------------------------------------------

    def column_read(self, section: str) -> dict[str, Any] | None:
        """What the column at `section` listed when last read to its end (see SCHEMA_7 and 9), or None."""
        row = self._conn.execute("SELECT * FROM column_reads WHERE section = ?", (section,)).fetchone()
        return dict(row) if row else None

    def keep_column_reads(self, reads: Iterable[ColumnRead]) -> None:
        """Store columns read to their end, each replacing what its column listed before."""
        with self._transaction() as conn:
            conn.executemany(
                f"INSERT OR REPLACE INTO column_reads ({', '.join(ColumnRead._fields)}) VALUES ({', '.join('?' * len(ColumnRead._fields))})",
                (read._replace(read_at=_stamp(read.read_at)) for read in reads),
            )

    def latest_document(self, url: str) -> dict[str, Any] | None:
        """The most recent fetch of `url` (for conditional GET: etag, last_modified)."""
        row = self._conn.execute(
            "SELECT * FROM documents WHERE url = ? ORDER BY fetched_at DESC, id DESC LIMIT 1", (url,)
        ).fetchone()
        return dict(row) if row else None

    # -- reports ------------------------------------------------------------------------------

    def save_report(
        self,
        agency_id: int,
        year: int,
        report: Report,
        document_id: int,
        url: str | None = None,
        title: str | None = None,
        *,
        now: datetime | None = None,
    ) -> int:
        """Store a parsed report and all its figures in one transaction; returns the report id.

        The same bytes, or other bytes saying the same (`Report.fingerprint`), as the current
        version → the current id, unchanged. Otherwise a new current version; the old one
        stays, marked superseded, for D07 and for history.
        """
        fingerprint = report.fingerprint()
        stamp = _stamp(now)
        with self._transaction() as conn:
            document = conn.execute("SELECT sha256 FROM documents WHERE id = ?", (document_id,)).fetchone()
            if document is None:
                raise StoreError(f"{self.path}: no document {document_id}")
            current = conn.execute(
                """SELECT r.id, r.version, r.first_seen, r.content_sha256, d.sha256 FROM reports r
                JOIN documents d ON d.id = r.document_id
                WHERE r.agency_id = ? AND r.year = ? AND r.is_current""",
                (agency_id, year),
            ).fetchone()
            if current and (current["sha256"] == document["sha256"] or current["content_sha256"] == fingerprint):
                return int(current["id"])
            if current:
                conn.execute("UPDATE reports SET is_current = 0 WHERE id = ?", (current["id"],))
            report_id = conn.execute(
                """INSERT INTO reports (agency_id, year, version, document_id, url, title, printed_agency,
                    published_on, signed_on, period_start, period_end, title_year, period_year, template,
                    source_format, encoding, tables_complete, notes, first_seen, last_changed, content_sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                (
                    agency_id,
                    year,
                    current["version"] + 1 if current else 1,
                    document_id,
                    url,
                    title or report.title,
                    report.agency,
                    _iso(report.published_on),
                    _iso(report.signed_on),
                    _iso(report.period_start),
                    _iso(report.period_end),
                    report.title_year,
                    report.period_year,
                    report.template,
                    report.source_format,
                    report.encoding,
                    json.dumps(report.tables_complete),
                    json.dumps(report.notes, ensure_ascii=False),
                    current["first_seen"] if current else stamp,
                    stamp,
                    fingerprint,
                ),
            ).fetchone()[0]
            if current:
                conn.execute("UPDATE reports SET superseded_by = ? WHERE id = ?", (report_id, current["id"]))
            if self._new_text_dictionary is None:
                self._new_text_dictionary = _latest_dictionary(conn)
            _put_text(conn, report_id, report.text, report.sections, self._new_text_dictionary)
            _put_figures(conn, report_id, [(f.key, _stored(f.value), f.raw) for f in report.figures.values()])
        return int(report_id)

    def current_report(self, agency_id: int, year: int) -> Report | None:
        """The current version of an agency's report for `year`, rebuilt as the parser made it.

        The previous year's report, for the cross-year checks, is `current_report(a, year - 1)`.
        """
        row = self._conn.execute(
            f"{REPORT_SELECT} WHERE r.agency_id = ? AND r.year = ? AND r.is_current", (agency_id, year)
        ).fetchone()
        return self._rebuild(row) if row else None

    def report(self, report_id: int) -> Report | None:
        """Any stored version by id, current or superseded."""
        row = self._conn.execute(f"{REPORT_SELECT} WHERE r.id = ?", (report_id,)).fetchone()
        return self._rebuild(row) if row else None

    def current_reports(self, agency_ids: Iterable[int], batch: int = 500) -> Iterator[tuple[int, dict[int, Report]]]:
        """Each agency's current reports by year, in the order given: two queries per `batch`
        agencies instead of two per report, and only one batch in memory at a time."""
        ids = iter(agency_ids)
        while chunk := list(itertools.islice(ids, batch)):
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"{REPORT_SELECT} WHERE r.is_current AND r.agency_id IN ({marks})", chunk
            ).fetchall()
            figures = _read_figures(
                self._conn, f"c.report_id IN (SELECT id FROM reports WHERE is_current AND agency_id IN ({marks}))", chunk
            )
            reports: dict[int, dict[int, Report]] = defaultdict(dict)
            for row in rows:
                reports[row["agency_id"]][row["year"]] = self._rebuild(row, figures.pop(row["id"], {}))
            for agency_id in chunk:
                yield agency_id, reports.pop(agency_id, {})

    def _dictionary(self, dictionary_id: int) -> bytes:
        """The preset dictionary a report text was compressed with (a few KB, read once)."""
        if dictionary_id not in self._dictionaries:
            row = self._conn.execute("SELECT data FROM text_dictionaries WHERE id = ?", (dictionary_id,)).fetchone()
            self._dictionaries[dictionary_id] = row["data"]
        return self._dictionaries[dictionary_id]

    def _unpack(self, dictionary_id: int, content: bytes) -> dict[str, Any]:
        """A report's {"text": ..., "sections": {...}} from its report_texts row."""
        unpacker = zlib.decompressobj(zdict=self._dictionary(dictionary_id))
        return json.loads(unpacker.decompress(content) + unpacker.flush())

    def current_report_ids(self, first: int, last: int) -> dict[tuple[int, int], int]:
        """{(agency_id, year): id} of the current reports of agencies `first` to `last` (ids): what
        changed since the last audit, told apart without loading a report (a stored report never
        changes; a new one gets an id). A range at a time: a national store's were 50 MB at once."""
        rows = self._conn.execute(
            "SELECT agency_id, year, id FROM reports WHERE is_current AND agency_id BETWEEN ? AND ?", (first, last)
        )
        return {(agency_id, year): report_id for agency_id, year, report_id in rows}

    def current_sections(self, year: int, keys: Iterable[str]) -> Iterator[tuple[int, str, str | None, dict[str, str]]]:
        """(agency_id, agency's name, printed agency, {key: text}) of `year`'s current reports of
        configured agencies, only the sections `keys` (X05's roster): no figures are read and no
        Report is built."""
        keys = list(keys)
        rows = self._conn.execute(
            """SELECT r.agency_id, a.name, r.printed_agency, t.dictionary_id, t.content FROM reports r
            JOIN agencies a ON a.id = r.agency_id AND a.configured
            JOIN report_texts t ON t.report_id = r.id WHERE r.is_current AND r.year = ?""",
            (year,),
        )
        for agency_id, name, printed, dictionary_id, content in rows:
            sections = self._unpack(dictionary_id, content)["sections"]
            yield agency_id, name, printed, {key: sections[key] for key in keys if sections.get(key) is not None}

    def _rebuild(self, row: sqlite3.Row, figures: dict[str, Figure] | None = None) -> Report:
        """A stored report as the parser made it; `figures` when the caller read them in bulk."""
        if figures is None:
            figures = _read_figures(self._conn, "c.report_id = ?", [row["id"]]).get(row["id"], {})
        content = self._unpack(row["dictionary_id"], row["content"])
        return Report(
            agency=row["printed_agency"],
            year=row["year"],
            title=row["title"],
            period_start=_date(row["period_start"]),
            period_end=_date(row["period_end"]),
            signed_on=_date(row["signed_on"]),
            published_on=_date(row["published_on"]),
            template=row["template"],
            source_format=row["source_format"],
            encoding=row["encoding"],
            figures=figures,
            sections=content["sections"],
            tables_complete=json.loads(row["tables_complete"]),
            notes=json.loads(row["notes"]),
            text=content["text"],
            title_year=row["title_year"],
            period_year=row["period_year"],
        )

    def changed_reports(self) -> dict[tuple[int, int], list[dict[str, Any]]]:
        """`report_history` of every (agency_id, year) stored in more than one version, in one query."""
        rows = self.db.query(
            """SELECT r.agency_id, r.year, r.id, r.version, r.is_current, d.sha256, r.content_sha256, r.url,
                r.published_on, r.signed_on, r.first_seen, r.last_changed
            FROM reports r JOIN documents d ON d.id = r.document_id
            WHERE (r.agency_id, r.year) IN (SELECT agency_id, year FROM reports WHERE version > 1)
            ORDER BY r.agency_id, r.year, r.version"""
        )
        out: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            out[(row.pop("agency_id"), row.pop("year"))].append(row)
        return dict(out)

    def current_versions(self, agency_ids: Iterable[int]) -> dict[tuple[int, int], dict[str, Any]]:
        """{(agency_id, year): id, sha256 of its document, url, verified_at} of these agencies' current
        reports; verified_at is the latest fetch of its url."""
        return self._by_agency_year(
            """SELECT r.agency_id, r.year, r.id, d.sha256, r.url,
                (SELECT max(fetched_at) FROM documents WHERE url = r.url) AS verified_at
            FROM reports r JOIN documents d ON d.id = r.document_id
            WHERE r.is_current AND r.agency_id IN ({ids})""",
            agency_ids,
        )

    def unreadable(self, agency_ids: Iterable[int]) -> dict[tuple[int, int], dict[str, Any]]:
        """{(agency_id, year): url, reason, verified_at} of these agencies' years whose last
        verdict was a parse error: the page listed, fetched at verified_at, held no readable report."""
        return self._by_agency_year(
            """SELECT o.agency_id, o.year, o.url, o.reason,
                (SELECT max(fetched_at) FROM documents WHERE url = o.url) AS verified_at
            FROM outcomes o WHERE o.state = 'parse_error' AND o.agency_id IN ({ids})""",
            agency_ids,
        )

    def _by_agency_year(self, sql: str, agency_ids: Iterable[int], batch: int = 500) -> dict[tuple[int, int], dict[str, Any]]:
        """The rows of `sql` (which selects agency_id and year, `{ids}` standing for the agencies)
        by (agency_id, year), a query per `batch` agencies."""
        rows: dict[tuple[int, int], dict[str, Any]] = {}
        ids = iter(agency_ids)
        while chunk := list(itertools.islice(ids, batch)):
            found = self._conn.execute(sql.format(ids=",".join("?" * len(chunk))), chunk)
            rows |= {(row["agency_id"], row["year"]): dict(row) for row in found}
        return rows

    def report_history(self, agency_id: int, year: int) -> list[dict[str, Any]]:
        """Every stored version, oldest first: id, version, is_current, sha256, url, dates, first_seen, last_changed."""
        return list(
            self.db.query(
                """SELECT r.id, r.version, r.is_current, d.sha256, r.content_sha256, r.url, r.published_on,
                    r.signed_on, r.first_seen, r.last_changed
                FROM reports r JOIN documents d ON d.id = r.document_id
                WHERE r.agency_id = ? AND r.year = ? ORDER BY r.version""",
                [agency_id, year],
            )
        )

    # -- outcomes -----------------------------------------------------------------------------

    def record_outcome(
        self,
        agency_id: int,
        year: int,
        state: str,
        *,
        url: str | None = None,
        reason: str | None = None,
        report_id: int | None = None,
        run_id: int | None = None,
        now: datetime | None = None,
    ) -> None:
        """Set the crawl's verdict for an agency × year; a change of state is also kept in outcome_history."""
        self.record_outcomes([Verdict(agency_id, year, state, url, reason, report_id)], run_id=run_id, now=now)

    def record_outcomes(self, verdicts: Iterable[Verdict], *, run_id: int | None = None, now: datetime | None = None) -> None:
        """`record_outcome` for several (agency, year) in one transaction: one commit, not one each."""
        stamp = _stamp(now)
        with self._transaction() as conn:
            for v in verdicts:
                before = conn.execute(
                    "SELECT state FROM outcomes WHERE agency_id = ? AND year = ?", (v.agency_id, v.year)
                ).fetchone()
                conn.execute(
                    """INSERT INTO outcomes (agency_id, year, state, url, reason, report_id, run_id, since, checked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (agency_id, year) DO UPDATE SET state = excluded.state, url = excluded.url,
                        reason = excluded.reason, report_id = excluded.report_id, run_id = excluded.run_id,
                        checked_at = excluded.checked_at,
                        since = CASE WHEN outcomes.state = excluded.state THEN outcomes.since ELSE excluded.since END""",
                    (*v, run_id, stamp, stamp),
                )
                if before is None or before["state"] != v.state:
                    conn.execute(
                        """INSERT INTO outcome_history (agency_id, year, state, url, reason, run_id, checked_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""",
                        (v.agency_id, v.year, v.state, v.url, v.reason, run_id, stamp),
                    )

    def outcomes(self, agency_id: int | None = None, *, run_id: int | None = None) -> list[dict[str, Any]]:
        """Current outcomes with the agency's name and kind, as rows (the audit streams `verdicts` instead);
        of one agency, or those the run `run_id` gave (a run gives every agency-year it looked for one)."""
        filters = (("o.agency_id = :agency_id", agency_id), ("o.run_id = :run_id", run_id))
        where = " AND ".join(condition for condition, value in filters if value is not None) or "1"
        return list(
            self.db.query(
                f"""SELECT o.*, a.name AS agency, a.kind FROM outcomes o JOIN agencies a ON a.id = o.agency_id
                WHERE {where} ORDER BY a.name, o.year""",
                {"agency_id": agency_id, "run_id": run_id},
            )
        )

    def verdicts(self, agency_ids: Sequence[int]) -> Iterator[tuple[int, int, str, str | None, str | None]]:
        """(agency_id, year, state, url, reason) of every current outcome of these agencies' years
        without a current report (the report speaks for its year), as the audit reads them:
        tuples, not the rows of `outcomes`, of a chunk of agencies at a time."""
        yield from self._conn.execute(
            """SELECT agency_id, year, state, url, reason FROM outcomes o
            WHERE agency_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS
            (SELECT 1 FROM reports r WHERE r.agency_id = o.agency_id AND r.year = o.year AND r.is_current)""",
            (json.dumps(list(agency_ids)),),
        )

    def failure_streaks(
        self, failing: Iterable[str], agency_ids: Sequence[int] | None = None
    ) -> dict[tuple[int, int], dict[str, Any]]:
        """Every agency × year (of `agency_ids`, or all) whose latest outcome is one of the `failing`
        states, keyed by (agency_id, year): `since` (when the failures began, across changes
        between failing states), `runs` (crawl runs since then, this one included, at least 1)
        and the last state before them (`previous_state`, `previous_url`, `previous_reason`; None if none)."""
        chosen = "" if agency_ids is None else "AND agency_id IN (SELECT value FROM json_each(:agencies))"
        rows = self.db.query(
            f"""WITH failing AS (SELECT value AS state FROM json_each(:failing)),
            ok AS (SELECT agency_id, year, max(id) AS id FROM outcome_history
                WHERE state NOT IN (SELECT state FROM failing) {chosen} GROUP BY agency_id, year),
            start AS (SELECT h.agency_id, h.year, min(h.id) AS id FROM outcome_history h
                LEFT JOIN ok ON ok.agency_id = h.agency_id AND ok.year = h.year
                WHERE h.id > coalesce(ok.id, 0) {chosen.replace("agency_id", "h.agency_id", 1)} GROUP BY h.agency_id, h.year)
            SELECT o.agency_id, o.year, h.checked_at AS since,
                max(1, (SELECT count(*) FROM runs r WHERE r.id BETWEEN h.run_id AND o.run_id
                    AND (r.finished_at IS NOT NULL OR r.id = o.run_id))) AS runs,  -- a killed run is no run
                p.state AS previous_state, p.url AS previous_url, p.reason AS previous_reason
            FROM outcomes o
            JOIN start s ON s.agency_id = o.agency_id AND s.year = o.year
            JOIN outcome_history h ON h.id = s.id
            LEFT JOIN ok ON ok.agency_id = o.agency_id AND ok.year = o.year
            LEFT JOIN outcome_history p ON p.id = ok.id
            WHERE o.state IN (SELECT state FROM failing) {chosen.replace("agency_id", "o.agency_id", 1)}""",
            {"failing": json.dumps(list(failing)), "agencies": json.dumps(list(agency_ids or ()))},
        )
        return {(row["agency_id"], row["year"]): row for row in rows}

    # -- findings -----------------------------------------------------------------------------

    def sync_findings(
        self,
        scope: Scope,
        findings: Iterable[Finding],
        now: datetime | None = None,
        keep_inputs: bool = False,
    ) -> dict[str, int]:
        """Make the stored findings of `scope` agree with what the checks just raised.

        New identity → inserted; seen again → last_seen and wording updated; resolved and
        firing again → reopened; open in scope but not raised → resolved; open and kept by
        the scope (`Scope.keeps`) → last_seen updated, counted as seen. Dismissed findings
        stay dismissed. `keep_inputs`: the staged audit inputs (`stage_audit_inputs`) replace
        the stored ones in the same transaction. Set-based: the raised findings go through one
        temporary table, not a few queries each. Returns counts: new, seen, reopened, resolved.
        """
        stamp = _stamp(now)
        self._fire(scope, findings)
        with self._transaction() as conn:
            new, reopened, seen = conn.execute(
                """SELECT count(*) - count(f.id), count(f.resolved_at), count(f.id) - count(f.resolved_at)
                FROM temp.fired n LEFT JOIN findings f ON f.identity = n.identity"""
            ).fetchone()
            conn.execute(
                f"""UPDATE findings SET severity = n.severity, message_zh = n.message_zh, message_en = n.message_en,
                    expected = n.expected, actual = n.actual, report_id = {CURRENT_REPORT_OF_FIRED},
                    last_seen = ?, resolved_at = NULL
                FROM temp.fired n WHERE findings.identity = n.identity""",
                (stamp,),
            )
            conn.execute(
                f"""INSERT INTO findings (identity, agency_id, year, check_id, keys, severity, message_zh,
                    message_en, expected, actual, report_id, last_seen, first_seen)
                SELECT n.*, {CURRENT_REPORT_OF_FIRED}, ?, ? FROM temp.fired n
                WHERE NOT EXISTS (SELECT 1 FROM findings f WHERE f.identity = n.identity) ORDER BY n.rowid""",
                (stamp, stamp),
            )
            where, params = scope.where()
            stale, kept = [], 0
            for finding_id, fired, agency_id, year, check_id in conn.execute(
                f"""SELECT id, identity IN (SELECT identity FROM temp.fired), agency_id, year, check_id
                FROM findings WHERE resolved_at IS NULL AND {where}""",
                params,
            ):
                if scope.keeps(agency_id, year, check_id):
                    kept += 1
                elif not fired:
                    stale.append((stamp, finding_id))
            conn.execute("DELETE FROM temp.fired")
            conn.executemany("UPDATE findings SET resolved_at = ? WHERE id = ?", stale)
            # What stays open in scope was raised (stamped above) or kept: the kept are stamped
            # here, in one statement rather than by id (a national audit keeps 250,000).
            conn.execute(
                f"UPDATE findings SET last_seen = ? WHERE resolved_at IS NULL AND last_seen IS NOT ? AND {where}",
                [stamp, stamp, *params],
            )
            if keep_inputs:
                for table, _ in AUDIT_INPUTS.values():
                    conn.execute(f"DELETE FROM {table}")
                    conn.execute(f"INSERT INTO {table} SELECT * FROM temp.next_{table}")
        return {"new": new, "seen": seen + kept, "reopened": reopened, "resolved": len(stale)}

    def _fire(self, scope: Scope, findings: Iterable[Finding]) -> None:
        """Put the raised findings into `temp.fired` as they come, one row an identity (the
        last raised wins, in the place of the first), so that a national audit's findings
        are never all held in memory. Only the connection's own temporary database is
        written: the store is not locked while the checks are still producing them."""
        conn = self._conn

        @lru_cache(maxsize=1024)  # an agency's findings come together; its id is not asked for each
        def id_of(name: str) -> int | None:
            row = conn.execute("SELECT id FROM agencies WHERE name = ?", (name,)).fetchone()
            return None if row is None else int(row[0])

        def rows() -> Iterator[tuple[Any, ...]]:
            for finding in findings:
                agency_id = scope.agency_id
                if agency_id is None and finding.agency is not None:
                    agency_id = id_of(finding.agency)
                    if agency_id is None:
                        raise ValueError(f"finding {finding.check_id} names an unknown agency {finding.agency!r}")
                year = finding.year if finding.year is not None else scope.year
                if not scope.covers(agency_id, year, finding.check_id):
                    raise ValueError(f"finding {finding.check_id} ({agency_id}, {year}) is outside {scope}")
                yield (
                    finding_identity(agency_id, year, finding.check_id, finding.keys), agency_id, year,
                    finding.check_id, json.dumps(list(finding.keys)), finding.severity,
                    finding.message_zh, finding.message_en, finding.expected, finding.actual,
                )  # fmt: skip

        self._refill(FIRED_TABLE, "fired", FIRE, rows())

    def _refill(self, create: str, table: str, insert: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Empty the connection's temporary `table` (made by `create` if need be) and `insert` `rows`
        as they come, in one transaction of the temporary database only: the store stays unlocked."""
        conn = self._conn
        conn.execute(create)
        conn.execute("BEGIN")
        try:
            conn.execute(f"DELETE FROM temp.{table}")
            conn.executemany(insert, rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def stage_audit_inputs(self, kind: str, fingerprints: Iterable[tuple[int, str]]) -> None:
        """An audit's fresh fingerprints of `kind` (see `AUDIT_INPUTS`), kept aside in a temporary
        table as they are made (a national audit's would be 35 MB of Python strings) until
        `changed_inputs` compares them with the stored ones and `sync_findings` stores them."""
        table = f"next_{AUDIT_INPUTS[kind][0]}"
        create = f"CREATE TEMP TABLE IF NOT EXISTS {table} (key INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL)"
        self._refill(create, table, f"INSERT INTO temp.{table} VALUES (?, ?)", fingerprints)

    def changed_inputs(self, kind: str, everything: bool = False) -> tuple[frozenset[int], frozenset[int]]:
        """The keys of the staged fingerprints of `kind` that differ from the stored ones (or all
        of them, with `everything`), and those that do not."""
        table, key_column = AUDIT_INPUTS[kind]
        differs = "1" if everything else "o.fingerprint IS NOT n.fingerprint"
        changed: list[int] = []
        same: list[int] = []
        for key, differ in self._conn.execute(
            f"SELECT n.key, {differs} FROM temp.next_{table} n LEFT JOIN {table} o ON o.{key_column} = n.key"
        ):
            (changed if differ else same).append(key)
        return frozenset(changed), frozenset(same)

    def dismiss_finding(self, finding_id: int, reason: str, now: datetime | None = None) -> None:
        """A person judged the finding wrong or accepted; it leaves the digest for good."""
        with self._transaction() as conn:
            changed = conn.execute(
                "UPDATE findings SET dismissed_at = ?, dismissed_reason = ? WHERE id = ?",
                (_stamp(now), reason, finding_id),
            ).rowcount
        if not changed:
            raise StoreError(f"{self.path}: no finding {finding_id}")

    def findings(self, open_only: bool = False) -> list[dict[str, Any]]:
        """Findings with agency name, region and kind; `keys` decoded. Errors first."""
        where = f"WHERE {OPEN}" if open_only else ""
        rows = self.db.query(
            f"""{FINDINGS_SELECT} {where}
            ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                a.name, f.year, f.check_id, f.id"""
        )
        return [{**row, "keys": json.loads(row["keys"])} for row in rows]

    # -- runs and digests ---------------------------------------------------------------------

    def start_run(self, now: datetime | None = None) -> int:
        with self._transaction() as conn:
            return int(conn.execute("INSERT INTO runs (started_at) VALUES (?) RETURNING id", (_stamp(now),)).fetchone()[0])

    def finish_run(self, run_id: int, counts: Mapping[str, int], now: datetime | None = None) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE runs SET finished_at = ?, counts = ? WHERE id = ?", (_stamp(now), json.dumps(dict(counts)), run_id)
            )

    def add_digest(
        self,
        idempotency_key: str,
        *,
        period: str,
        route: str = "default",
        recipients: Iterable[str],
        finding_ids: Iterable[int],
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Record a digest about to be sent; the same key returns the existing row (sent or not)."""
        with self._transaction() as conn:
            conn.execute(
                """INSERT INTO digests (idempotency_key, period, route, created_at, recipients, finding_ids)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING""",
                (idempotency_key, period, route, _stamp(now), json.dumps(list(recipients)), json.dumps(list(finding_ids))),
            )
        return next(self.db.query("SELECT * FROM digests WHERE idempotency_key = ?", [idempotency_key]))

    def mark_digest_sent(self, digest_id: int, now: datetime | None = None) -> None:
        with self._transaction() as conn:
            conn.execute("UPDATE digests SET sent_at = ? WHERE id = ? AND sent_at IS NULL", (_stamp(now), digest_id))

    # -- digest delivery and status (queries for digest/send.py and `status`) ---------------

    def digest_by_key(self, idempotency_key: str) -> dict[str, Any] | None:
        return next(self.db.query("SELECT * FROM digests WHERE idempotency_key = ?", [idempotency_key]), None)

    def pending_digests(self) -> list[dict[str, Any]]:
        """Digests recorded but never accepted by the SMTP server, oldest period first."""
        return list(self.db.query("SELECT * FROM digests WHERE sent_at IS NULL ORDER BY period, id"))

    def set_digest_findings(self, digest_id: int, finding_ids: Iterable[int]) -> None:
        """What a pending digest carries now: a retry rebuilds it from the current findings."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE digests SET finding_ids = ? WHERE id = ? AND sent_at IS NULL",
                (json.dumps(list(finding_ids)), digest_id),
            )

    def last_run(self) -> dict[str, Any] | None:
        """The most recent run, `counts` decoded; None before the first."""
        row = next(self.db.query("SELECT * FROM runs ORDER BY id DESC LIMIT 1"), None)
        return {**row, "counts": json.loads(row["counts"])} if row else None
