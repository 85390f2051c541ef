"""What a reader finds in the rendered digest: the right agencies under the right headings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import html5lib
import lxml.html
import pytest

from disclosure_monitor.config import Config
from disclosure_monitor.digest import build, build_digest
from disclosure_monitor.model import Finding
from disclosure_monitor.store import Scope, Store

from .conftest import COMPLIANT, PERIOD, TODAY


def headings(html: str) -> dict[str, str]:
    """Each h2 heading's text (without its count) → the text of everything up to the next h2."""
    tree = lxml.html.fromstring(html)
    out = {}
    for h2 in tree.iter("h2"):
        parts = []
        for sibling in h2.itersiblings():
            if sibling.tag == "h2":
                break
            parts.append(sibling.text_content())
        out[h2.text.strip()] = "".join(parts)
    return out


def test_each_agency_stands_under_the_heading_of_its_problem(store: Store, config: Config) -> None:
    sections = headings(build_digest(store, config, TODAY).html)
    assert list(sections) == ["概况", "未按期公开", "逾期公开", "数据不一致", "需要核实", "发布后被修改", "无法核验"]
    assert "赣州市赣县区发展和改革委员会" in sections["未按期公开"]
    assert "平潭综合实验区管委会办公室" in sections["逾期公开"]
    assert "淮安市人民政府" in sections["数据不一致"] and "赣州市赣县区融媒体中心" in sections["数据不一致"]
    assert "沭阳县发展和改革局" in sections["需要核实"] and "P04" in sections["需要核实"]
    assert "沭阳县发展和改革局" in sections["发布后被修改"]
    assert "石城县人民政府" in sections["无法核验"] and "被反爬虫拦截" in sections["无法核验"]
    assert "淮安市人民政府" not in sections["未按期公开"]


def test_an_inconsistent_report_shows_its_failing_cells_and_evidence(store: Store, config: Config) -> None:
    tree = lxml.html.fromstring(build_digest(store, config, TODAY).html)
    (item,) = [li for li in tree.iter("li") if "A04" in li.text_content()]
    assert item.find_class("agency")[0].text == "淮安市人民政府"
    assert "review.total" in item.text_content()
    assert item.find_class("expected")[0].text == "351"
    assert item.find_class("actual")[0].text == "352"
    (link,) = item.iter("a")
    assert link.get("href") == "http://127.0.0.1:8765/reports/001/source.pdf"
    evidence = Path(next(c.text for c in item.iter("code") if c.text and c.text.startswith("/")))
    assert evidence.parent.parent.parent == store.evidence_dir
    assert evidence.read_bytes()[:5] == b"%PDF-"


def test_nothing_about_a_compliant_agency(store: Store, config: Config) -> None:
    digest = build_digest(store, config, TODAY)
    assert COMPLIANT not in digest.html and COMPLIANT not in digest.text


def test_summary_counts_and_new_items_first(store: Store, config: Config) -> None:
    digest = build_digest(store, config, TODAY)
    tree = lxml.html.fromstring(digest.html)
    count = {name: int(tree.get_element_by_id(f"count-{name}").text) for name in ("new", "open", "resolved", "error", "warning")}
    assert count == {"new": 3, "open": 8, "resolved": 0, "error": 3, "warning": 5}
    assert digest.subject == f"[政务公开年报监测] {PERIOD} 周报：3 项错误，5 项待核实，本周新增 3 项"
    inconsistent = digest.text.split("== 数据不一致")[1].split("==")[1]
    assert inconsistent.index("[新] 淮安市人民政府") < inconsistent.index("赣州市赣县区融媒体中心")


def test_a_resolved_finding_leaves_the_lists_and_is_counted(store: Store, config: Config) -> None:
    ids = {a["name"]: a["id"] for a in store.db.query("SELECT id, name FROM agencies")}
    store.sync_findings(Scope(agency_id=ids["石城县人民政府"], year=2024, checks=("M",)), [])
    digest = build_digest(store, config, TODAY)
    assert "石城县人民政府" not in digest.text
    assert "无法核验" not in digest.text
    assert "本周已解决: 1" in digest.text


def test_html_is_valid_and_has_no_script(store: Store, config: Config) -> None:
    html = build_digest(store, config, TODAY).html
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    tree = lxml.html.fromstring(html)
    assert not tree.xpath("//script | //link | //@*[starts-with(name(), 'on')]")
    assert tree.xpath("//svg | //*[local-name()='svg']"), "the on-time chart is inline"
    assert tree.xpath("//details/summary"), "the warnings are collapsible"


def test_text_from_portals_is_escaped(store: Store, config: Config) -> None:
    ids = {a["name"]: a["id"] for a in store.db.query("SELECT id, name FROM agencies")}
    reason = '文件损坏 <img src=x onerror="alert(1)">'
    store.record_outcome(ids["石城县人民政府"], 2023, "parse_error", url="javascript:alert(1)", reason=reason)
    m03 = Finding("M03", "warning", f"石城县人民政府2023年度报告无法解析（{reason}）", f"could not be parsed ({reason})", agency="石城县人民政府", year=2023)
    store.sync_findings(Scope(agency_id=ids["石城县人民政府"], year=2023, checks=("M",)), [m03])
    html = build_digest(store, config, TODAY).html
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    tree = lxml.html.fromstring(html)
    assert not tree.xpath("//img | //@onerror | //a[starts-with(@href, 'javascript')]")
    assert reason in tree.text_content()


def test_english_uses_english_headings_and_messages(store: Store, config: Config) -> None:
    digest = build_digest(store, config, TODAY, "en")
    assert list(headings(digest.html))[:4] == ["Summary", "Not published by the deadline", "Published late", "Figures that do not add up"]
    assert "行政复议总计为352" not in digest.html
    assert "components sum to 351" in digest.html
    assert PERIOD in digest.subject


def test_long_lists_are_capped_with_a_count_and_a_query(store: Store, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "ITEM_CAP", 1)
    digest = build_digest(store, config, TODAY)
    section = digest.text.split("== 数据不一致 (2) ==")[1].split("\n== ")[0]
    assert "另有 1 项未列出" in section
    query = next(line.strip() for line in section.splitlines() if line.strip().startswith("SELECT"))
    listed = {row["agency"] for row in store.db.query(query)}
    assert listed == {"淮安市人民政府", "赣州市赣县区融媒体中心"}


def test_an_empty_store_says_so(tmp_path: Path, config: Config) -> None:
    empty = replace(config, store=replace(config.store, path=tmp_path / "empty.db"))
    with Store.open(empty.store.path, tmp_path / "evidence") as store:
        digest = build_digest(store, empty, TODAY)
    assert "本期没有未解决的问题。" in digest.text
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(digest.html)
