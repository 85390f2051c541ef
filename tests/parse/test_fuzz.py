"""Mutated real reports: whatever a portal does to a document, the parser answers with a
Report or a ParseError that says why — never a traceback, never a hang.

The mutations are what broken portals and converters do: cells deleted, digits changed,
tags cut, the whole page in another encoding or declaring the wrong one, bytes flipped.
"""

from __future__ import annotations

import re

import lxml.etree
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disclosure_monitor.errors import ParseError
from disclosure_monitor.model import Report
from disclosure_monitor.parse import parse_document

from .conftest import corpus_ids, corpus_source

TEXTS = {i: corpus_source(i) for i in corpus_ids() if corpus_source(i).suffix != ".pdf"}
PDFS = {i: corpus_source(i) for i in corpus_ids() if corpus_source(i).suffix == ".pdf"}
CELL = re.compile(r"<td\b.*?</td>|[^\s|]+", re.DOTALL | re.IGNORECASE)  # an HTML cell, or a token of a text table
ENCODINGS = ("gb18030", "big5", "utf-16", "utf-16-le", "shift_jis", "latin-1", "utf-8-sig")


@st.composite
def text_mutation(draw: st.DrawFn, text: str) -> str:
    """One thing a portal or converter does to a page's text."""
    kind = draw(st.sampled_from(("delete_cells", "change_digits", "cut_tags", "truncate", "splice")))
    places = {
        "delete_cells": [m.span() for m in CELL.finditer(text)],
        "change_digits": [m.span() for m in re.finditer(r"\d", text)],
        "cut_tags": [m.span() for m in re.finditer(r"[<>\t|]", text)],
    }
    if places.get(kind):
        # Each edit keeps the text's length, so the places found stay valid.
        for _ in range(draw(st.integers(1, 30))):
            start, end = draw(st.sampled_from(places[kind]))
            filler = draw(st.sampled_from("0123456789０一-—.、")) if kind == "change_digits" else " "
            text = text[:start] + filler * (end - start) + text[end:]
    elif kind == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif kind == "splice":  # a slice of the page pasted elsewhere in it
        a, b, c = sorted(draw(st.integers(0, len(text))) for _ in range(3))
        text = text[:a] + text[b:c] + text[a:]
    return text


@st.composite
def mutated_text(draw: st.DrawFn) -> tuple[str, bytes, dict[str, str]]:
    """A dev-corpus text, markdown or HTML report, mutated one to three times and encoded somehow."""
    report = draw(st.sampled_from(sorted(TEXTS)))
    path = TEXTS[report]
    text = path.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        text = draw(text_mutation(text))
    encoding = draw(st.sampled_from(ENCODINGS + ("utf-8",)))
    data = text.encode(encoding, errors="replace")
    declared = draw(st.sampled_from((None, "utf-8", "gbk", "iso-8859-1", "no-such-charset")))
    headers = {"content-type": f"text/html; charset={declared}"} if declared else {}
    return path.name, data, headers


def answers_sanely(data: bytes, filename: str, headers: dict[str, str] | None = None) -> None:
    try:
        report = parse_document(data, filename=filename, headers=headers)
    except ParseError as e:
        assert e.reason and isinstance(e.reason, str)
        return
    assert isinstance(report, Report) and report.figures


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(mutated_text())
def test_mutated_text_and_html_reports(case: tuple[str, bytes, dict[str, str]]) -> None:
    answers_sanely(case[1], case[0], case[2])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_pdf_with_flipped_bytes_or_cut_short(data: st.DataObject) -> None:
    pdf = bytearray(PDFS[data.draw(st.sampled_from(sorted(PDFS)))].read_bytes())
    if data.draw(st.booleans()):
        del pdf[data.draw(st.integers(8, len(pdf))):]
    for _ in range(data.draw(st.integers(0, 50))):
        pdf[data.draw(st.integers(0, len(pdf) - 1))] = data.draw(st.integers(0, 255))
    answers_sanely(bytes(pdf), "source.pdf")


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_text())
def test_mutated_reports_at_length(case: tuple[str, bytes, dict[str, str]]) -> None:
    answers_sanely(case[1], case[0], case[2])


# -- nesting ------------------------------------------------------------------------------------


def nested(depth: int) -> bytes:
    return b"<html><body>" + b"<div>" * depth + corpus_source("013").read_bytes() + b"</div>" * depth + b"</body></html>"


def test_html_nested_100000_deep_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no report tables"):
        parse_document(nested(100_000), filename="deep.html")


def test_html_nested_deeper_than_python_recurses_is_still_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # libxml2 keeps 2047 levels with huge_tree; the walk over them must not use Python's stack.
    parser = lxml.etree.HTMLParser
    monkeypatch.setattr(lxml.etree, "HTMLParser", lambda **options: parser(**{**options, "huge_tree": True}))
    report = parse_document(nested(1500), filename="deep.html")
    assert report.value("apply.new.total") is not None
