"""The parser's entry points: bytes or a path in, a `Report` out."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date

from ..errors import DocumentTooLarge, ParseError
from ..model import Report
from . import document, extract, facts

# Documents larger than this are refused before they are read (the crawler caps sooner).
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def parse_document(
    data: bytes,
    *,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
    filename: str | None = None,
) -> Report:
    """Read one annual-report document into its facts and figures.

    Raises `UnsupportedFormat` for formats recognised but not readable (DOC, WPS, OFD,
    image-only PDF) and `ParseError` for anything that is not a readable report.
    """
    source = url or filename
    if not data.strip():
        raise ParseError("empty document", source)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(f"document of {len(data)} bytes exceeds {MAX_DOCUMENT_BYTES}", source)
    content_type = next((v for k, v in (headers or {}).items() if k.lower() == "content-type"), None)
    try:
        fmt = document.sniff_format(data, filename or url, content_type)
        doc = document.read(data, fmt, headers)
    except ParseError as e:
        e.source = e.source or source
        raise type(e)(e.reason, e.source) from None
    report = Report(source_format=doc.format, encoding=doc.encoding)
    report.text = doc.text
    extract.fill_figures(report, doc.lines, doc.xs)
    facts.fill_facts(report, doc, url)
    if not report.figures:
        raise ParseError("no report tables found (truncated, or not an annual report)", source)
    return report


def parse_path(path: str | os.PathLike[str], max_bytes: int = MAX_DOCUMENT_BYTES) -> Report:
    """Parse a local file, refusing it by size before reading it."""
    name = os.fspath(path)
    try:
        size = os.path.getsize(name)
        if size > max_bytes:
            raise DocumentTooLarge(f"file of {size} bytes exceeds the limit of {max_bytes}", name)
        with open(name, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ParseError(e.strerror or str(e), name) from None
    return parse_document(data, filename=name)


def page_published_on(data: bytes, headers: Mapping[str, str] | None = None) -> date | None:
    """The publication date a portal's article page shows (PubDate, 发布日期), if any.

    A report published as an attachment carries no such date itself: the page that
    links it does.
    """
    try:
        doc = document.read_html(data, headers)
    except ParseError:
        return None
    return facts.published_on(doc.published, doc.text)
