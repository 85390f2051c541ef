"""Generated documents are well-formed and print the figures they claim to."""

from __future__ import annotations

import io

import docx
import pdfplumber
from bs4 import BeautifulSoup

from disclosure_monitor import parse_document
from disclosure_monitor.simulator import ReportSpec, render
from disclosure_monitor.simulator.documents import OLE_MAGIC, render_docx

SPEC = ReportSpec("赣州市赣县区统计局", 2023, source="001")


def test_html_page_carries_title_meta_and_figures():
    soup = BeautifulSoup(render(SPEC, "html"), "lxml")
    assert soup.find("meta", attrs={"name": "ArticleTitle"})["content"] == "赣州市赣县区统计局2023年政府信息公开工作年度报告"
    assert soup.find("meta", attrs={"name": "PubDate"})["content"].startswith("2024-01-22")
    text = soup.get_text()
    assert "本报告所列数据统计期限为2023年1月1日至2023年12月31日" in text
    assert "发布日期：" in text
    header = soup.find(string="三、本年度办理结果").find_parent("td")
    assert header["rowspan"] == str(len(SPEC.template.rows) - 3)
    assert "3050" in text and "96171.6" in text  # （七）总计 and fees of report 001


def test_blank_cells_and_gbk_encoding():
    spec = ReportSpec("赣州市镕城镇人民政府", 2023, source="013", encoding="gb18030")
    data = render(spec, "html")
    assert b"charset=gb2312" in data
    assert "镕城镇" in data.decode("gb18030")
    assert spec.figures()["apply.new.commercial"] is None


def test_mutations_change_what_the_document_prints():
    bad = SPEC.inconsistent()
    assert bad.figures()["apply.granted.natural"] == SPEC.figures()["apply.granted.natural"] + 1
    short = ReportSpec("某局", 2023, omit=("s5",))
    assert "五、存在的主要问题" not in render(short, "html").decode()
    old = ReportSpec("某局", 2023, source="002")
    assert old.template.name == "2019" and "本年新制作数量" in render(old, "html").decode()


def test_pdf_has_a_text_layer_with_title_and_tables():
    with pdfplumber.open(io.BytesIO(render(SPEC, "pdf"))) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert SPEC.title in text
    assert "（七）总计 2932 53 0 0 61 4 3050" in text


def test_docx_has_merged_table_cells():
    document = docx.Document(io.BytesIO(render(SPEC, "docx")))
    assert document.paragraphs[0].text == SPEC.title
    table = document.tables[1]  # section 三
    column = [row.cells[0].text for row in table.rows]
    assert column.count("三、本年度办理结果") == len(SPEC.template.rows) - 3  # one merged cell spans them
    assert table.rows[-1].cells[-1].text == "103"


def test_docx_reports_of_one_layout_each_print_their_own_figures():
    a, b = (ReportSpec(f"赣州市赣县区第{n}局", 2023, source="001", vary=True) for n in (1, 2))
    assert a.figures() != b.figures()
    for spec in (a, b, a):
        render_docx.cache_clear()  # the second `a` is rendered again, after `b`, not served from the cache
        report = parse_document(render(spec, "docx"), filename="report.docx")
        assert {k: f.value for k, f in report.figures.items()} == spec.figures()


def test_unreadable_renditions_look_like_what_portals_serve():
    assert render(SPEC, "doc").startswith(OLE_MAGIC)
    image = render(SPEC, "image_pdf")
    assert image.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(image)) as pdf:
        assert not (pdf.pages[0].extract_text() or "").strip()
