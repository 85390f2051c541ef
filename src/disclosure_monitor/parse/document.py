"""Bytes → `Document`: the format sniffed from magic bytes, the text decoded, and every
line of the document as a list of cells, in reading order.

A line is what the source shows as one row: a table row (cells from the expanded grid),
a paragraph, a PDF text line, a tab- or pipe-separated text line. The extractor never
sees HTML, PDF or DOCX, only these lines, so one extractor serves every format.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from functools import cache

from ..errors import ParseError, UnsupportedFormat
from .template import APPLICANT_HEADS

Line = list[str]

# Unpacked size above which a DOCX is treated as a zip bomb rather than a report.
MAX_UNZIPPED = 200 * 1024 * 1024
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "csgb2312"}


@dataclass
class Document:
    """A decoded document: its lines of cells, plus what the page itself says about it."""

    format: str  # html | text | pdf | docx
    lines: list[Line]
    encoding: str | None = None
    # Metadata the portal page shows (not the report text): ArticleTitle, PubDate, <title>.
    titles: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    # For PDFs: the horizontal centre of each cell of each line, so that a row whose blank
    # cells left no trace in the text layer can still be laid out column by column.
    xs: list[list[float | None]] | None = None

    @property
    def text(self) -> str:
        return "\n".join("\t".join(c for c in line if c) for line in self.lines)


def sniff_format(data: bytes, filename: str | None = None, content_type: str | None = None) -> str:
    """The document's real format from its first bytes; names and headers only break ties."""
    head = data[:8]
    name = (filename or "").lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "wps" if name.endswith(".wps") else "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as e:
            raise ParseError(f"broken zip container: {e}") from None
        if "word/document.xml" in names:
            return "docx"
        if "OFD.xml" in names or name.endswith(".ofd"):
            return "ofd"
        raise UnsupportedFormat("zip archive that is neither DOCX nor OFD")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")) or head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    sample = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if sample.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<meta", b"<body", b"<div", b"<table")):
        return "html"
    if name.endswith((".html", ".htm", ".shtml")) or "html" in (content_type or ""):
        return "html"
    return "text"


def _charset_from_header(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    if not value:
        return None
    msg = Message()
    msg["content-type"] = value
    charset = msg.get_param("charset")
    return str(charset).strip().lower() if charset else None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.IGNORECASE)


def _canonical(charset: str | None) -> str | None:
    if not charset:
        return None
    charset = charset.lower()
    if charset in _GB:
        return "gb18030"  # GB2312 lacks names such as 镕 and 堃; browsers read it as GBK
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def decode(data: bytes, headers: Mapping[str, str] | None = None, html: bool = False) -> tuple[str, str]:
    """Decode by BOM → HTTP header → <meta charset> → detection; GB* as GB18030.

    When the header and the page disagree, the one that decodes without errors wins.
    Returns (text, encoding used).
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    declared = [_canonical(_charset_from_header(headers))]
    if html:
        declared += [_canonical(m.decode("ascii", "ignore")) for m in _META_CHARSET.findall(data[:65536])]
    for enc in dict.fromkeys(e for e in declared if e):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    enc = _canonical(best.encoding) if best else None
    if enc is None:
        raise ParseError("cannot determine the text encoding")
    return data.decode(enc, errors="replace"), enc


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return b"\x00" in sample or controls > len(sample) // 20


# ---------------------------------------------------------------- text

def _split_text_line(line: str) -> Line:
    line = line.strip()
    if line.startswith("|") and line.endswith("|"):
        if re.fullmatch(r"\|[\s:|-]*\|", line):
            return []
        return [c.strip() for c in line[1:-1].split("|")]
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    return line.split()


def text_lines(text: str) -> list[Line]:
    return [cells for cells in (_split_text_line(line) for line in text.splitlines()) if any(cells)]


def read_text(data: bytes, headers: Mapping[str, str] | None) -> Document:
    if _looks_binary(data):
        raise ParseError("binary data, not a text document")
    text, enc = decode(data, headers)
    return Document("text", text_lines(text), encoding=enc)


# ---------------------------------------------------------------- html

_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "header", "footer", "tr", "table", "title", "dt", "dd", "blockquote", "pre", "hr", "center",
}
_SKIP = {"script", "style", "noscript", "template", "head", "select", "option", "button", "iframe"}
_PUB_META = ("pubdate", "publishdate", "firstpublishedtime", "publishtime")


def _squeeze(text: str) -> str:
    """White space runs to one space, trimmed (str.split and re's \\s agree on what is space)."""
    return " ".join(text.split())


@cache
def _string_value():  # type: ignore[no-untyped-def]
    """XPath's string(): an element's text and its descendants', joined in C (2x "".join(itertext()))."""
    import lxml.etree

    return lxml.etree.XPath("string()", smart_strings=False)


def _cell_text(cell) -> str:  # type: ignore[no-untyped-def]
    return _squeeze(_string_value()(cell))


def _table_lines(table) -> list[Line]:  # type: ignore[no-untyped-def]
    """Expand rowspan/colspan into a grid; a spanned position reads as an empty cell."""
    lines: list[Line] = []
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan above
    for tr in table.iter("tr"):
        if _nearest_table(tr) is not table:
            continue
        row: Line = []
        col = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while pending.get(col, 0) > 0:
                pending[col] -= 1
                row.append("")
                col += 1
            span = _int_attr(cell, "colspan")
            down = _int_attr(cell, "rowspan")
            row.append(_cell_text(cell))
            row.extend([""] * (span - 1))
            for c in range(col, col + span):
                if down > 1:
                    pending[c] = down - 1
            col += span
        while pending.get(col, 0) > 0:
            pending[col] -= 1
            row.append("")
            col += 1
        if any(row):
            lines.append(row)
    return lines


def _int_attr(el, name: str) -> int:  # type: ignore[no-untyped-def]
    value = el.get(name)
    if value is None:
        return 1
    try:
        return max(1, min(int(value), 500))
    except ValueError:
        return 1


def _nearest_table(el):  # type: ignore[no-untyped-def]
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def read_html(data: bytes, headers: Mapping[str, str] | None) -> Document:
    import lxml.etree

    text, enc = decode(data, headers, html=True)
    # lxml.etree's own HTML parser: lxml.html's element classes (never used here) cost a
    # class look-up for every element the walk touches.
    try:
        root = lxml.etree.fromstring(text, parser=lxml.etree.HTMLParser(huge_tree=False, remove_comments=True))
    except (lxml.etree.ParserError, ValueError) as e:
        raise ParseError(f"unreadable HTML: {e}") from None
    if root is None:
        raise ParseError("unreadable HTML: Document is empty")
    doc = Document("html", [], encoding=enc)
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        if name == "articletitle" and meta.get("content"):
            doc.titles.append(meta.get("content").strip())
        elif name in _PUB_META and meta.get("content"):
            doc.published.append(meta.get("content").strip())
    for title in root.iter("title"):
        if title_text := "".join(title.itertext()).strip():
            doc.titles.append(title_text)
    buffer: list[str] = []

    def flush() -> None:
        line = re.sub(r"[ \t\u3000\xa0]+", " ", "".join(buffer)).strip()
        buffer.clear()
        if line:
            doc.lines.append([line])

    def walk(top) -> None:  # type: ignore[no-untyped-def]
        """Depth first with a stack of its own, so no page, however deeply nested, exhausts Python's."""
        stack = [(top, False)]
        while stack:
            el, children_done = stack.pop()
            tag = el.tag.lower() if isinstance(el.tag, str) else ""
            if not children_done and tag and tag not in _SKIP:
                if tag == "table":
                    flush()
                    doc.lines.extend(_table_lines(el))
                else:
                    if tag in _BLOCK:
                        flush()
                    if el.text:
                        buffer.append(el.text)
                    stack.append((el, True))
                    stack.extend((child, False) for child in reversed(el))
                    continue
            elif children_done and tag in _BLOCK:
                flush()
            if el.tail:
                buffer.append(el.tail)

    body = root.find("body")
    for top in (body if body is not None else root):
        walk(top)
    flush()
    return doc


# ---------------------------------------------------------------- pdf

_PAGE_NUMBER = re.compile(r"^[-－—–]\s*\d{1,3}\s*[-－—–]$|^第\s*\d+\s*页(共\s*\d+\s*页)?$")


def read_pdf(data: bytes) -> Document:
    """A PDF's text layer as lines; fonts it does not embed are measured by `pdf_fonts`,
    never by the machine's, so the text is the same wherever it is read."""
    from .pdf_fonts import pdfium as pdfium_with_box_font

    pdfium = pdfium_with_box_font()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        reason = str(e)
        if "password" in reason.lower():
            raise UnsupportedFormat("password-protected PDF") from None
        raise ParseError(f"corrupt PDF: {reason}") from None
    doc = Document("pdf", [], xs=[])
    try:
        for page in pdf:
            _pdf_page_lines(page.get_textpage(), doc)
    except pdfium.PdfiumError as e:  # a page the header promised is broken
        raise ParseError(f"corrupt PDF: {e}") from None
    finally:
        pdf.close()
    if sum(len("".join(line)) for line in doc.lines) < 40:
        raise UnsupportedFormat("image-only PDF (no text layer; needs OCR)")
    return doc


_TOKEN = re.compile(r"\S+")


# Lines whose token positions can matter: table rows (numbers) and the applicant columns'
# header. Each position costs two calls into pdfium.
_PLACED = re.compile("|".join([r"\d"] + [head.replace(".*", "") for head in APPLICANT_HEADS]))


def _pdf_page_lines(textpage, doc: Document) -> None:  # type: ignore[no-untyped-def]
    """Split a page's text layer into lines of tokens, with the x of each token of a line
    that may belong to a table."""
    text = textpage.get_text_range()
    for m in re.finditer(r"[^\r\n]+", text):
        raw = m.group().strip()
        if not raw or _PAGE_NUMBER.match(raw):
            continue
        tokens, xs = [], []
        placed = _PLACED.search(raw) is not None
        for t in _TOKEN.finditer(m.group()):
            tokens.append(t.group())
            if placed:
                first = textpage.get_charbox(m.start() + t.start())
                last = textpage.get_charbox(m.start() + t.end() - 1)
                xs.append((first[0] + last[2]) / 2)
            else:
                xs.append(None)
        doc.lines.append(tokens)
        assert doc.xs is not None
        doc.xs.append(xs)


# ---------------------------------------------------------------- docx

def read_docx(data: bytes) -> Document:
    """Paragraphs and table rows in body order; merged cells read as a grid, like HTML spans.

    Only the body part is read, with python-docx's element classes: opening the whole
    package (styles, numbering, theme, settings) cost as much again as reading the body.
    """
    from docx.oxml.ns import qn
    from docx.oxml.parser import parse_xml
    from docx.oxml.table import CT_Tbl
    from docx.oxml.text.paragraph import CT_P

    archive = zipfile.ZipFile(io.BytesIO(data))
    if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED:
        raise ParseError("DOCX unpacks to more than 200 MB (zip bomb?)")
    try:
        body = parse_xml(archive.read("word/document.xml")).body
    except Exception as e:  # noqa: BLE001 - a broken package raises many kinds (zip, zlib, XML)
        raise ParseError(f"unreadable DOCX: {e}") from None
    if body is None:
        raise ParseError("unreadable DOCX: no document body")

    run_text = qn("w:t")

    def text_of(element) -> str:  # type: ignore[no-untyped-def]
        # The XML's own runs: python-docx's .text and .cells resolve merges by XPath, 10x slower.
        return _squeeze("".join(t.text or "" for t in element.iter(run_text)))

    lines: list[Line] = []
    for block in body.inner_content_elements:
        if isinstance(block, CT_P):
            text = text_of(block)
            if text:
                lines.append([text])
        elif isinstance(block, CT_Tbl):
            for tr in block.tr_lst:
                cells: Line = []
                for tc in tr.tc_lst:
                    props = tc.tcPr  # looked up once, not by each of tc.vMerge and tc.grid_span
                    continued = props is not None and props.vMerge_val == "continue"
                    cells.append("" if continued else text_of(tc))
                    cells.extend([""] * ((props.grid_span if props is not None else 1) - 1))
                if any(cells):
                    lines.append(cells)
    return Document("docx", lines)


def read(data: bytes, fmt: str, headers: Mapping[str, str] | None = None) -> Document:
    """Read a document of a sniffed format into lines; refuse what we cannot read."""
    readers = {
        "html": lambda: read_html(data, headers),
        "text": lambda: read_text(data, headers),
        "pdf": lambda: read_pdf(data),
        "docx": lambda: read_docx(data),
    }
    if fmt not in readers:
        reasons = {
            "doc": "legacy Word .doc (OLE) needs a converter",
            "wps": "WPS document needs a converter",
            "ofd": "OFD document needs a converter",
            "image": "image file; needs OCR",
        }
        raise UnsupportedFormat(reasons.get(fmt, f"unsupported format {fmt}"))
    return readers[fmt]()
