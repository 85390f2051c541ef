"""Picking each agency's report per year from real title shapes (spec/portals.md §3)."""

from __future__ import annotations

from datetime import date

import pytest

from disclosure_monitor.config import Agency
from disclosure_monitor.crawl.discover import ListingItem
from disclosure_monitor.crawl.select import Selector, title_kind, title_year

COLUMN = "http://www.hejiang.gov.cn/gk/zfxxgknb/bmxxgknb/"


def agency(name: str, *aliases: str, kind: str = "dept") -> Agency:
    return Agency(name=name, kind=kind, section=COLUMN + "index.html", aliases=aliases)


def item(title: str, path: str, published: date | None = None) -> ListingItem:
    return ListingItem(title, COLUMN + path, published)


@pytest.mark.parametrize(
    ("title", "kind", "year"),
    [
        ("龙游县人民政府办公室2023年政府信息公开工作年度报告", "report", 2023),
        ("2022年上海市政府信息公开工作年度报告", "report", 2022),
        ("上海市黄浦区人民政府2022年政府信息公开工作年度报告（超链版）.pdf", "report", 2022),
        ("宿州市人民政府2019年政府信息公开工作年度报告（图片版）", "report", 2019),
        ("某某局2023年度政府信息公开工作年度报告", "report", 2023),
        ("某某局２０２３年政府信息公开年报", "report", 2023),
        ("某某局2023 年政府信息公开工作年报", "report", 2023),
        ("某某局二〇二三年政府信息公开工作年度报告", "report", 2023),
        ("区统计局2023年政府信息公开工作年度报告", "report", 2023),
        ("关于某某局2022年政府信息公开工作年度报告的更正说明", "amendment", 2022),
        ("某某局2022年政府信息公开工作年度报告（修订版）", "revision", 2022),
        ("某某局政府信息公开指南", None, None),
        ("某某局政府信息公开制度", None, None),
        ("某某县2024年政务公开工作要点", None, None),
        ("2024年政府工作报告", None, None),
        ("某某县2023年统计年报", None, None),
        ("某某局2024年部门预算", None, None),
    ],
)
def test_titles_are_classified_and_dated(title: str, kind: str | None, year: int | None) -> None:
    assert title_kind(title) == kind
    if kind:
        assert title_year(title) == year


def test_shared_column_gives_each_agency_its_own_reports_only() -> None:
    office = agency("泸州市合江县人民政府办公室", kind="gov_office")
    stats = agency("泸州市合江县统计局")
    selector = Selector([office, stats], {office.name: [2022, 2023], stats.name: [2022, 2023]})
    selector.add(
        [
            item("合江县人民政府办公室2023年政府信息公开工作年度报告", "content_191767", date(2024, 1, 20)),
            item("县统计局2023年政府信息公开工作年度报告", "content_191801", date(2024, 1, 28)),
            item("合江县财政局2023年政府信息公开工作年度报告", "content_191802", date(2024, 1, 25)),
            item("合江县统计局2022年政府信息公开工作年度报告", "202301/1906985018193408001.html", date(2023, 1, 30)),
            item("合江县统计局政府信息公开指南", "content_180001", date(2023, 3, 1)),
            item("2023年政府信息公开工作年度报告", "content_191900", date(2024, 2, 1)),
        ]
    )
    picked = {key: pick.chosen.item.url.removeprefix(COLUMN) for key, pick in selector.picks().items()}
    assert picked == {
        (office.name, 2023): "content_191767",
        (stats.name, 2023): "content_191801",
        (stats.name, 2022): "202301/1906985018193408001.html",
    }
    assert selector.missing() == {(office.name, 2022)}


def test_longest_alias_wins_between_agencies_with_similar_names() -> None:
    gov = agency("宿迁市沭阳县人民政府", kind="gov")
    office = agency("宿迁市沭阳县人民政府办公室", kind="gov_office")
    selector = Selector([gov, office], {gov.name: [2023], office.name: [2023]})
    selector.add([item("沭阳县人民政府办公室2023年政府信息公开工作年度报告", "a.html", date(2024, 1, 10))])
    assert list(selector.picks()) == [(office.name, 2023)]


def test_single_agency_column_accepts_a_title_without_an_agency_but_not_another_agencys() -> None:
    bureau = agency("赣州市赣县区融媒体中心", "赣县区融媒体中心")
    selector = Selector([bureau], {bureau.name: [2022, 2023]})
    selector.add(
        [
            item("2023年政府信息公开工作年度报告", "202401/t20240115_1.html", date(2024, 1, 15)),
            item("某某街道办事处2022年政府信息公开工作年度报告", "202301/t20230115_2.html", date(2023, 1, 15)),
        ]
    )
    assert {key[1] for key in selector.picks()} == {2023}


def test_html_beats_pdf_beats_images_and_a_correction_notice_never_replaces_the_report() -> None:
    bureau = agency("合江县统计局")
    selector = Selector([bureau], {bureau.name: [2023]})
    selector.add(
        [
            item("关于合江县统计局2023年政府信息公开工作年度报告的更正说明", "c.html", date(2024, 2, 5)),
            item("合江县统计局2023年政府信息公开工作年度报告（图片版）", "b.html", date(2024, 1, 20)),
            item("合江县统计局2023年政府信息公开工作年度报告.pdf", "P020240120.pdf", date(2024, 1, 20)),
            item("合江县统计局2023年政府信息公开工作年度报告", "a.html", date(2024, 1, 20)),
        ]
    )
    pick = selector.picks()[(bureau.name, 2023)]
    assert pick.chosen.item.url.endswith("a.html")
    assert [c.item.url.rsplit("/", 1)[1] for c in pick.others] == ["P020240120.pdf", "b.html", "c.html"]


def test_paging_stops_once_every_report_is_seen_or_the_list_is_too_old() -> None:
    bureau = agency("合江县统计局")
    selector = Selector([bureau], {bureau.name: [2022, 2023]})
    assert not selector.enough([item("合江县统计局2023年政府信息公开工作年度报告", "a.html", date(2024, 1, 20))])
    assert not selector.enough([item("合江县统计局2022年政府信息公开工作年度报告", "b.html", date(2023, 1, 20))])
    assert selector.enough([item("合江县统计局2021年政府信息公开工作年度报告", "c.html", date(2022, 1, 20))])
    old = Selector([bureau], {bureau.name: [2022, 2023]})
    assert old.enough([item("合江县统计局2018年政府信息公开工作年度报告", "d.html", date(2019, 1, 20))])
