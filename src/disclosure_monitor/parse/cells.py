"""Lines of cells → rows: a label, the text before it, and the numeric cells that follow.

The same rows come out of a Word-exported HTML grid, a PDF text line, a tab-separated
dump or a text whose cell separators were lost (`规章000行政规范性文件693665…`): in the
last case a row's numbers arrive as one digit run, a *piece*, to be split later.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .document import Line

# What a blank cell looks like: the checks treat these as null, never 0.
BLANKS = {"", "/", "-", "—", "–", "－", "——", "无", "／", "\\"}
# A cell holding one number, perhaps with its unit printed beside it ("3件", "0.5万元").
_NUMBER_CELL = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:万?元|件|个|条|项)?")
# A digit run inside text, spaces allowed between its pieces.
_RUN = re.compile(r"\d+(?:\.\d+)?(?:[ \u00a0]+\d+(?:\.\d+)?)*")
# Text after a digit run that makes the run part of the prose, not a cell.
_UNIT_AFTER = re.compile(r"[年月日号%％件条个项次人名份期批家篇]")
_ORDINAL_AFTER = re.compile(r"[.．、][^\d]")
_UNIT = re.compile(r"(?:万?元|件|个|条|项)$")


@dataclass
class Row:
    """One row of a table as read: its own label, the text above it, its cells."""

    label: str = ""
    context: str = ""  # text of earlier lines that held no numbers
    pieces: list[str | None] = field(default_factory=list)  # None = blank cell
    line_no: int = 0
    xs: list[float | None] = field(default_factory=list)  # where each piece stands, if known

    @property
    def has_numbers(self) -> bool:
        return self.pieces.count(None) < len(self.pieces)


def fold(text: str) -> str:
    """Full-width digits and punctuation to ASCII, NBSP and ideographic spaces to spaces."""
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=4096)
def _cell_kind(cell: str) -> tuple[str, str]:
    """What a cell as printed holds: ("blank", …), ("number", its number without the unit)
    or ("text", the text folded and trimmed). Cached: most cells of a table (numbers, the
    template's labels) recur report after report."""
    cell = fold(cell).strip()
    if cell in BLANKS:
        return "blank", cell
    if _NUMBER_CELL.fullmatch(cell):
        return "number", _UNIT.sub("", cell)
    return "text", cell


@lru_cache(maxsize=4096)
def _text_parts(text: str) -> tuple[tuple[str, str], ...]:
    """Split a text cell into ('text', …) and ('num', …) parts; ordinals and units stay text.

    Cached for the labels that recur; a paragraph of prose just passes through."""
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in _RUN.finditer(text):
        run, end = m.group(), m.end()
        after = text[end:end + 2]
        if _UNIT_AFTER.match(after):
            continue
        if _ORDINAL_AFTER.match(after):  # '…00000002.其他法律' : the 2 numbers the next label
            if len(run) == 1 or not run[-2].isdigit():
                continue
            run, end = run[:-1], end - 1
        if m.start() > pos:
            parts.append(("text", text[pos:m.start()]))
        parts.append(("num", run))
        pos = end
    if pos < len(text):
        parts.append(("text", text[pos:]))
    return tuple(parts)


def rows_from_lines(lines: list[Line], xs: list[list[float | None]] | None = None) -> list[Row]:
    """Group every line's cells into rows, keeping text-only lines as context.

    `xs`, when the source knows them (PDF), gives the horizontal position of each cell.
    Some PDFs put every cell of a table on a line of its own: consecutive lines that hold
    one number and nothing else make one row.
    """
    rows: list[Row] = []
    current = Row()
    context: list[str] = []

    for line_no, line in enumerate(lines):
        held = current if current.has_numbers else None  # cells so far stood one per line
        start = len(current.pieces)
        current.line_no = current.line_no if held else line_no
        positions = xs[line_no] if xs else [None] * len(line)
        for cell, x in zip(line, positions):
            kind, cell = _cell_kind(cell)
            if kind == "blank":
                current.pieces.append(None)
                current.xs.append(x)
            elif kind == "number":
                current.pieces.append(cell)
                current.xs.append(x)
            else:
                for kind, part in _text_parts(cell):
                    if kind == "num":
                        current.pieces.extend(part.split())
                        current.xs.extend([x if part == cell else None] * len(part.split()))
                        continue
                    if current.has_numbers:
                        rows.append(current)
                        context.clear()
                        current = Row(context="", line_no=line_no)
                    elif current.pieces:
                        current.pieces.clear()  # blanks before a label are span placeholders
                        current.xs.clear()
                    current.label += part
        if held is not None and current is held and len(current.pieces) - start > 1:
            # A whole row after lone numbers: those were a row (or a stray number) of their own.
            rows.append(Row(held.label, held.context, held.pieces[:start], held.line_no, held.xs[:start]))
            current = Row("", held.context, held.pieces[start:], line_no, held.xs[start:])
        elif current.has_numbers and not current.label and _lone_number(line):
            continue  # its row's next cell may stand on the next line
        if current.has_numbers:
            rows.append(current)
            context.clear()
            current = Row(line_no=line_no + 1)
        else:
            if current.label:
                context.append(current.label)
            current = Row(context="".join(context), line_no=line_no + 1)
    if current.has_numbers:
        rows.append(current)
    return rows


def _lone_number(line: Line) -> bool:
    cells = [_cell_kind(c) for c in line if c.strip()]
    return len(cells) == 1 and cells[0][0] == "number"


def fit(pieces: list[str | None], k: int) -> list[str | None] | None:
    """Trim blank span placeholders at the ends until `k` cells remain; None if impossible."""
    cells = list(pieces)
    while len(cells) > k and cells[-1] is None:
        cells.pop()
    while len(cells) > k and cells[0] is None:
        cells.pop(0)
    return cells if len(cells) == k else None


def splits(pieces: list[str], k: int, limit: int = 200_000) -> list[tuple[str, ...]]:
    """Every way to cut digit runs into `k` numbers without leading zeros.

    Each piece holds at least one cell; a piece with a decimal point is one cell.
    Returns [] when there is no way, or when there would be more than `limit` ways.
    """
    digits = sum(len(p) for p in pieces)
    if math.comb(max(digits - 1, 0), max(k - 1, 0)) > limit * 4:
        return []  # too many readings to be worth enumerating: the cells stay null
    out: list[tuple[str, ...]] = []

    def cut(piece: str, n: int) -> list[tuple[str, ...]]:
        if n == 1:
            ok = piece == "0" or not piece.startswith("0") or piece.startswith("0.")
            return [(piece,)] if ok and piece.lstrip("-") else []
        if "." in piece:
            return []
        found = []
        first_max = 1 if piece.startswith("0") else len(piece) - n + 1
        for i in range(1, first_max + 1):
            for rest in cut(piece[i:], n - 1):
                found.append((piece[:i],) + rest)
        return found

    def place(index: int, remaining: int, acc: tuple[str, ...]) -> None:
        if len(out) > limit:
            return
        if index == len(pieces):
            if remaining == 0:
                out.append(acc)
            return
        left = len(pieces) - index - 1
        digits = len(pieces[index].replace(".", "x"))
        for n in range(1, min(digits, remaining - left) + 1):
            for part in cut(pieces[index], n):
                place(index + 1, remaining - n, acc + part)

    place(0, k, ())
    return out if len(out) <= limit else []
