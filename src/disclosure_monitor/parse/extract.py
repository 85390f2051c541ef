"""Rows → figures, driven by the template tables of `template.py`.

Three steps: find where the tables are (markers of sections 二, 三, 四); align the
numeric rows of table 三 with the template's rows (labels anchor, order fills in);
cut digit runs whose separators were lost using the template's own sums. A cell
the sums cannot pin down is left null with a note, never guessed.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from ..model import Figure, Report
from . import narrative
from .cells import Row, fit, rows_from_lines, splits
from .document import Line
from .template import (
    APPEAL_KEYS,
    APPLICANT_HEADS,
    COLS,
    INT,
    MONEY,
    TEMPLATE_2019,
    TEMPLATE_2021,
    Template,
    detect_template,
    normalise,
)

# Where each table starts, as (state, marker regexes over normalised text), in order.
_MARKERS: tuple[tuple[str, str], ...] = (
    ("table2", r"第二十条第|本年制发件数|本年新制作数量"),
    ("table3", r"本年新收|申请人情况|勾稽关系"),
    ("table4", r"行政复议"),
    ("after", r"存在的?主要问题|问题及改进|其他需要报告"),
)
# Narrative sentences that pin a section-2 cell when its digit run is ambiguous.
_PINS: dict[str, tuple[str, ...]] = {"a20_1.normative.issued": narrative.NORMATIVE}
_MAX_SOLUTIONS = 64
# The label patterns of both templates and the markers, compiled once.
_compiled = cache(re.compile)
# Row labels and the text above them, normalised: mostly the template's own, again and
# again. Bounded, since a context can be a paragraph of prose.
_normalised = lru_cache(maxsize=2048)(normalise)

Candidate = dict[str, str | None]


def fill_figures(report: Report, lines: list[Line], xs: list[list[float | None]] | None = None) -> None:
    """Read every table figure of `lines` into `report.figures`, with notes and completeness.

    `xs` (PDF only) places numbers in their columns when blank cells left no trace.
    """
    norm_text = normalise(report.text)
    report.template = detect_template(norm_text)
    section2 = TEMPLATE_2019 if any(s in norm_text for s in TEMPLATE_2019.signatures[:3]) else TEMPLATE_2021
    section3 = TEMPLATE_2019 if "其他处理" in norm_text and "不补正" not in norm_text else TEMPLATE_2021

    tables = _split_tables(rows_from_lines(lines, xs))
    cells2 = _section2(section2, tables["table2"], narrative.flatten(report.text), report.notes)
    columns = _column_centres(tables["table3"], len(COLS)) or _header_centres(lines, xs, tables["table3"])
    cells3 = _section3(section3, tables["table3"], columns, report.notes)
    cells4 = _section4(section3, tables["table4"], report.notes)
    report.tables_complete = {
        "table2": bool(cells2) and len(cells2) == len([k for s in section2.section2 for k in s.keys]),
        "table3": len(cells3) == len(section3.apply_keys()),
        "table4": len(cells4) == len(APPEAL_KEYS),
    }
    kinds = {k: spec.kind for spec in section2.section2 for k in spec.keys}
    for key, raw in {**cells2, **cells3, **cells4}.items():
        report.figures[key] = Figure(key, _value(raw, kinds.get(key, INT)), raw)


def _value(raw: str | None, kind: str) -> int | Decimal | None:
    if raw is None:
        return None
    text = raw.replace(",", "")
    try:
        if kind == MONEY or "." in text:
            return Decimal(text)
        return int(text)
    except (ValueError, InvalidOperation):
        return None


def _split_tables(rows: list[Row]) -> dict[str, list[Row]]:
    """Assign each row to the table it sits in, walking the markers forward only."""
    tables: dict[str, list[Row]] = {name: [] for name, _ in _MARKERS}
    state = "before"
    stage = 0
    for row in rows:
        text = _normalised(row.context + row.label)
        while stage < len(_MARKERS) and _compiled(_MARKERS[stage][1]).search(text):
            state = _MARKERS[stage][0]
            stage += 1
        if state in tables:
            tables[state].append(row)
    return tables


@lru_cache(maxsize=2048)
def _row_key(specs: tuple[tuple[str, str], ...], text: str) -> str | None:
    """The key whose label pattern matches `text` last (sub-row labels follow group labels).

    Cached: the same labels, in the same templates, come back report after report."""
    best, best_end = None, -1
    for key, pattern in specs:
        for m in _compiled(pattern).finditer(text):
            if m.end() > best_end:
                best, best_end = key, m.end()
    return best


# ------------------------------------------------------------------ section 2


def _section2(template: Template, rows: list[Row], flat_text: str, notes: list[str]) -> dict[str, str | None]:
    specs = tuple((str(i), spec.pattern) for i, spec in enumerate(template.section2))
    found: dict[str, str | None] = {}
    for row in rows:
        index = _row_key(specs, _normalised(row.label)) or _row_key(specs, _normalised(row.context))
        if index is None:
            continue
        spec = template.section2[int(index)]
        if spec.keys[0] in found:
            continue
        candidates = _candidates(row, len(spec.keys))
        candidates = [dict(zip(spec.keys, c)) for c in candidates]
        candidates = _pinned(candidates, flat_text)
        if candidates:
            found.update(_agreed(candidates, spec.keys, notes, spec.label))
    return found


def _pinned(candidates: list[Candidate], flat_text: str) -> list[Candidate]:
    """Narrow ambiguous cuts by numbers the narrative states, when that leaves any."""
    if len(candidates) < 2:
        return candidates
    for key, patterns in _PINS.items():
        for pattern in patterns:
            for m in re.finditer(pattern, flat_text):
                stated = str(narrative.number(m.group("n")))
                kept = [c for c in candidates if c.get(key) == stated]
                if kept:
                    candidates = kept
    return candidates


# ------------------------------------------------------------------ section 3


def _section3(
    template: Template, rows: list[Row], columns: list[float] | None, notes: list[str]
) -> dict[str, str | None]:
    specs = tuple((r.key, r.pattern) for r in template.rows)
    data = []
    for row in rows:
        candidates = _candidates(row, len(COLS)) or _by_position(row, columns)
        if candidates:
            strong = _row_key(specs, _normalised(row.label))
            weak = None if strong else _row_key(specs, _normalised(row.context))
            data.append((row, candidates, strong, weak))
    assigned = _align([r.key for r in template.rows], [(s, w) for _, _, s, w in data])
    variables: list[list[Candidate]] = []
    labels: list[str] = []
    for key, index in assigned.items():
        keys = tuple(f"apply.{key}.{c}" for c in COLS)
        variables.append([dict(zip(keys, c)) for c in data[index][1]])
        labels.append(next(r.label for r in template.rows if r.key == key))
    missing = [r.label for r in template.rows if r.key not in assigned]
    if missing and rows:
        notes.append(f"表三缺少{len(missing)}行：{'、'.join(missing[:3])}{'…' if len(missing) > 3 else ''}")
    return _solve(variables, labels, template, notes)


def _align(keys: list[str], labels: list[tuple[str | None, str | None]]) -> dict[str, int]:
    """Match template rows to numeric rows in order: labels anchor, unlabeled rows fill gaps.

    A row whose own label names another template row is never matched to this one; a
    label borrowed from the lines above it only counts as a hint.
    """
    n, m = len(keys), len(labels)
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    move: dict[tuple[int, int], tuple[int, int]] = {}
    best[0][0] = 0.0
    # Moves tried in this order, a later one winning only by a strictly better score:
    # skip a template row, skip a numeric row, match the two.
    skip_row = [3 if strong else 1.5 for strong, _ in labels]
    for i in range(n + 1):
        row, below = best[i], best[i + 1] if i < n else None
        key = keys[i] if i < n else None
        for j in range(m + 1):
            here = row[j]
            if here == neg:
                continue
            if below is not None and here - 1 > below[j]:
                below[j] = here - 1
                move[(i + 1, j)] = (i, j)
            if j < m:
                if here - skip_row[j] > row[j + 1]:
                    row[j + 1] = here - skip_row[j]
                    move[(i, j + 1)] = (i, j)
                if below is not None:
                    strong, weak = labels[j]
                    if strong is not None and strong != key:
                        continue
                    score = here + (4 if strong else 3 if weak == key else 1 if weak else 2)
                    if score > below[j + 1]:
                        below[j + 1] = score
                        move[(i + 1, j + 1)] = (i, j)
    assigned: dict[str, int] = {}
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = move[(i, j)]
        if pi == i - 1 and pj == j - 1:
            assigned[keys[pi]] = pj
        i, j = pi, pj
    return dict(sorted(assigned.items(), key=lambda kv: kv[1]))


def _column_centres(rows: list[Row], k: int) -> list[float] | None:
    """Where each of the k columns stands, from the rows that print every cell."""
    full = [row.xs for row in rows if len(row.pieces) == k and None not in row.pieces and None not in row.xs]
    if not full:
        return None
    return [sum(xs[i] for xs in full) / len(full) for i in range(k)]  # type: ignore[misc]


def _header_centres(lines: list[Line], xs: list[list[float | None]] | None, rows: list[Row]) -> list[float] | None:
    """Where each applicant column stands, from the header lines above the first row."""
    if not xs or not rows:
        return None
    first = rows[0].line_no
    window = list(zip(lines[max(0, first - 20):first], xs[max(0, first - 20):first]))
    found: list[float | None] = []
    for head in APPLICANT_HEADS:
        hits = [
            x
            for line, line_xs in window
            for token, x in zip(line, line_xs)
            if x is not None and len(normalise(token)) <= 8 and re.fullmatch(head, normalise(token))
        ]
        found.append(hits[0] if hits else None)
    if found[0] is None or found[-1] is None:
        return None
    # A header lost from the text layer sits between its neighbours.
    known = [i for i, x in enumerate(found) if x is not None]
    centres: list[float] = []
    for i, x in enumerate(found):
        if x is None:
            a, b = max(k for k in known if k < i), min(k for k in known if k > i)
            x = found[a] + (found[b] - found[a]) * (i - a) / (b - a)  # type: ignore[operator]
        centres.append(x)
    return centres if centres == sorted(centres) else None


def _by_position(row: Row, columns: list[float] | None) -> list[tuple[str | None, ...]]:
    """Lay a short row out by where its numbers stand; the columns left empty are blank."""
    if not columns or not row.pieces or None in row.xs or len(row.pieces) > len(columns):
        return []
    cells: list[str | None] = [None] * len(columns)
    width = min(b - a for a, b in itertools.pairwise(columns)) if len(columns) > 1 else 1.0
    for piece, x in zip(row.pieces, row.xs):
        nearest = min(range(len(columns)), key=lambda i: abs(columns[i] - x))  # type: ignore[operator]
        if cells[nearest] is not None or abs(columns[nearest] - x) > width / 2:  # type: ignore[operator]
            return []
        cells[nearest] = piece
    return [tuple(cells)]


# ------------------------------------------------------------------ section 4


def _section4(template: Template, rows: list[Row], notes: list[str]) -> dict[str, str | None]:
    # The fifteen cells stand in one row, or (a PDF wrapping them) in consecutive rows.
    together = [p for row in rows for p in row.pieces]
    for pieces in [row.pieces for row in rows] + [together]:
        candidates = _cut(pieces, len(APPEAL_KEYS))
        if candidates:
            return _solve([[dict(zip(APPEAL_KEYS, c)) for c in candidates]], ["行政复议、行政诉讼"], template, notes)
    return {}


# ------------------------------------------------------------------ cutting digit runs


def _candidates(row: Row, k: int) -> list[tuple[str | None, ...]]:
    """The row's k cells as read, or every way to cut its digit runs into k cells."""
    return _cut(row.pieces, k)


def _cut(pieces: list[str | None], k: int) -> list[tuple[str | None, ...]]:
    cells = fit(pieces, k)
    if cells is not None:
        return [tuple(cells)]
    if not pieces or None in pieces or len(pieces) > k or not _fused(pieces, k):  # type: ignore[arg-type]
        return []
    return list(splits(pieces, k))  # type: ignore[arg-type]


def _fused(pieces: list[str], k: int) -> bool:
    """Whether the runs show lost separators, rather than a row that is short of cells.

    `000023` cannot be one printed number; nor can a run hold fewer digits than the
    cells it would have to supply. `72 64 178` is three numbers, not fifteen.
    """
    if any(len(p) > 1 and p.startswith("0") and not p.startswith("0.") for p in pieces):
        return True
    return max(len(p) for p in pieces) >= k - len(pieces) + 1


def _solve(
    variables: list[list[Candidate]], labels: list[str], template: Template, notes: list[str]
) -> dict[str, str | None]:
    """Choose each row's cut so that every sum of the template holds; keep what all agree on."""
    identities = template.identities()

    def holds(assignment: Candidate) -> bool:
        for identity in identities:
            keys = identity.left + identity.right
            if not all(k in assignment for k in keys):
                continue
            if any(assignment[k] is None for k in keys):
                continue
            left = sum(_number(assignment[k]) for k in identity.left)
            right = sum(_number(assignment[k]) for k in identity.right)
            if left != right:
                return False
        return True

    # Rows read cell by cell are facts; only cut rows are narrowed by the sums.
    fixed: Candidate = {}
    open_vars: list[tuple[int, list[Candidate]]] = []
    for index, options in enumerate(variables):
        if len(options) == 1:
            fixed.update(options[0])
        else:
            open_vars.append((index, [c for c in options if holds(c)]))
    solutions: list[Candidate] = []

    def search(pos: int, assignment: Candidate) -> None:
        if len(solutions) >= _MAX_SOLUTIONS:
            return
        if pos == len(open_vars):
            solutions.append(dict(assignment))
            return
        for option in open_vars[pos][1]:
            trial = {**assignment, **option}
            if holds(trial):
                search(pos + 1, trial)

    search(0, dict(fixed))
    if not open_vars:
        return fixed
    result = dict(fixed)
    for index, options in open_vars:
        if not options:  # no cut of this run satisfies its own row's sum: leave it unread
            notes.append(f"「{labels[index]}」数字连写且无法按合计拆分")
            continue
        if not solutions:  # the sums across rows cannot all hold: keep what this row agrees on
            result.update(_agreed(options, tuple(options[0]), notes, labels[index]))
            continue
        keys = tuple(options[0])
        result.update(_agreed([{k: s[k] for k in keys} for s in solutions], keys, notes, labels[index]))
    return result


def _agreed(candidates: list[Candidate], keys: tuple[str, ...], notes: list[str], label: str) -> dict[str, str | None]:
    """The cells on which every candidate agrees; the rest null, with a note saying why."""
    out: dict[str, str | None] = {}
    unsure = []
    for key in keys:
        values = {c[key] for c in candidates}
        out[key] = values.pop() if len(values) == 1 else None
        if out[key] is None and len(candidates) > 1:
            unsure.append(key)
    if unsure:
        notes.append(f"「{label}」数字连写且有{len(candidates)}种拆分，无法确定：{', '.join(unsure)}")
    return out


def _number(raw: str | None) -> Decimal:
    return Decimal(raw.replace(",", "")) if raw else Decimal(0)


__all__ = ["fill_figures"]
