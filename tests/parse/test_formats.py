"""Each format, end to end: documents the simulator renders from real reports' figures,
read back figure by figure (HTML with merged cells, text PDFs, DOCX with merged cells)."""

from __future__ import annotations

from datetime import date

import pytest

from disclosure_monitor import UnsupportedFormat, parse_document
from disclosure_monitor.simulator.documents import ReportSpec, render

# 001: a city government, every cell filled; 013: organisation columns blank (null);
# 000: all zeros; 002: the 2019 试行 template.
SOURCES = ("001", "013", "000", "002")


def read_back(spec: ReportSpec, fmt: str):  # type: ignore[no-untyped-def]
    return parse_document(render(spec, fmt), filename=f"report.{fmt}")


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
@pytest.mark.parametrize("source", SOURCES)
def test_every_figure_read_back(source: str, fmt: str) -> None:
    spec = ReportSpec(agency="赣州市赣县区统计局", year=2023, source=source)
    report = read_back(spec, fmt)
    wrong = {k: (v, report.value(k)) for k, v in spec.figures().items() if report.value(k) != v}
    assert not wrong, f"{len(wrong)} wrong (want, got): {dict(list(wrong.items())[:6])}"
    assert report.template == spec.template.name
    assert all(report.tables_complete.values())


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_facts_read_back(fmt: str) -> None:
    spec = ReportSpec(agency="沭阳县堃镕局", year=2022, source="001", signed_on=date(2023, 1, 17))
    report = read_back(spec, fmt)
    assert (report.agency, report.year) == ("沭阳县堃镕局", 2022)
    assert (report.period_start, report.period_end) == (date(2022, 1, 1), date(2022, 12, 31))
    assert report.signed_on == date(2023, 1, 17)
    assert set(report.sections) == {"s1", "s2", "s3", "s4", "s5", "s6"}


def test_portal_page_publication_date() -> None:
    spec = ReportSpec(agency="沭阳县统计局", year=2022, published_on=date(2023, 3, 2))
    assert read_back(spec, "html").published_on == date(2023, 3, 2)


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_a_changed_cell_is_read_as_printed(fmt: str) -> None:
    """The parser reports what is printed, even when it breaks the sums (the checks judge)."""
    spec = ReportSpec(agency="某县统计局", year=2023, source="001").inconsistent()
    report = read_back(spec, fmt)
    assert report.value("apply.granted.natural") == spec.figures()["apply.granted.natural"]


def test_blank_cells_in_a_pdf_stay_in_their_columns() -> None:
    """A PDF text layer drops blank cells; positions under the header put numbers back."""
    spec = ReportSpec(agency="某县发展和改革局", year=2023, source="013")
    report = read_back(spec, "pdf")
    assert report.value("apply.new.natural") == 26 and report.value("apply.new.total") == 26
    assert report.value("apply.new.commercial") is None


@pytest.mark.parametrize(("fmt", "reason"), [("doc", ".doc"), ("image_pdf", "image-only")])
def test_unreadable_renditions_are_refused(fmt: str, reason: str) -> None:
    with pytest.raises(UnsupportedFormat, match=reason):
        read_back(ReportSpec(agency="某县统计局", year=2023), fmt)


def test_cells_standing_one_per_line() -> None:
    """Some PDF text layers put every table cell on its own line: the real 001 report so laid
    out still reads back cell for cell."""
    from disclosure_monitor.parse.document import read_pdf

    from .conftest import corpus_expected, corpus_source

    exploded = []
    for line in read_pdf(corpus_source("001").read_bytes()).lines:
        label = [c for c in line if not c.replace(",", "").replace(".", "").isdigit()]
        exploded += [" ".join(label)] if label else []
        exploded += [c for c in line if c not in label]
    report = parse_document("\n".join(exploded).encode(), filename="001.txt")
    want = corpus_expected("001")["figures"]
    wrong = {k: (v, report.to_json()["figures"].get(k)) for k, v in want.items() if str(report.to_json()["figures"].get(k)) != str(v)}
    assert not wrong, f"{len(wrong)} wrong: {dict(list(wrong.items())[:6])}"
