"""Encodings as portals serve them: GBK pages without a charset header, BOMs, lying headers."""

from __future__ import annotations

from disclosure_monitor import parse_document

from .conftest import corpus_expected, corpus_source


def gbk_page() -> bytes:
    """The real 013 page re-encoded as a legacy GBK portal would serve it."""
    html = corpus_source("013").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="gb2312"')
    html = html.replace("charset=utf-8", "charset=gb2312").replace('<meta charset="utf-8">', '<meta charset="gb2312">')
    return html.encode("gb18030")


def test_gbk_without_charset_header_reads_like_the_original() -> None:
    want = corpus_expected("013")
    report = parse_document(gbk_page(), headers={"Content-Type": "text/html"})
    assert report.encoding == "gb18030"
    assert report.agency == want["agency"]
    assert report.value("apply.new.total") == want["figures"]["apply.new.total"]
    assert "\ufffd" not in report.text


def test_a_lying_header_loses_to_bytes_that_decode() -> None:
    report = parse_document(gbk_page(), headers={"Content-Type": "text/html; charset=utf-8"})
    assert report.encoding == "gb18030" and report.agency == "沭阳县发展和改革局"


def test_gbk_without_any_declaration_is_detected() -> None:
    html = corpus_source("013").read_text(encoding="utf-8").replace("charset", "x-charset")
    report = parse_document(html.encode("gb18030"))
    assert report.agency == "沭阳县发展和改革局" and report.year == 2023


def test_names_outside_gb2312_survive() -> None:
    """镕 and 堃 are not in GB2312; a page labelled gb2312 still carries them in GBK bytes."""
    text = corpus_source("000").read_text(encoding="utf-8").replace("赣县区融媒体中心 2023", "赣县区镕堃融媒体中心 2023", 1)
    report = parse_document(text.encode("gb18030"), headers={"Content-Type": "text/plain; charset=gb2312"})
    assert report.agency == "赣县区镕堃融媒体中心"


def test_utf8_bom_and_full_width_digits() -> None:
    text = corpus_source("000").read_text(encoding="utf-8")
    text = text.replace("规章\t0\t0\t0", "规章\t０\t１\t２")
    report = parse_document(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert (report.value("a20_1.regulation.abolished"), report.value("a20_1.regulation.in_force")) == (1, 2)
    assert report.figures["a20_1.regulation.in_force"].raw == "2"
