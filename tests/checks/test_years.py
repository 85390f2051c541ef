"""Checks across years (X01–X04, P05) and across agencies (X05), on real corpus reports."""

from __future__ import annotations

import copy

from disclosure_monitor.checks import CopyFinder, check_copies, check_history, check_pair
from disclosure_monitor.model import Figure, Report
from disclosure_monitor.parse.template import COLS

from .conftest import load_report


def ids(findings) -> set[str]:
    return {f.check_id for f in findings}


def put(report: Report, key: str, value: int) -> None:
    report.figures[key] = Figure(key, value, str(value))


def previous_year_of(report: Report) -> Report:
    """The same agency's report a year earlier, consistent with `report` on X01 and X02."""
    previous = copy.deepcopy(report)
    previous.year = report.year - 1
    for col in COLS:
        put(previous, f"apply.carried_out.{col}", report.value(f"apply.carried_in.{col}"))
    for row in ("regulation", "normative"):
        f, i, a = (report.value(f"a20_1.{row}.{c}") for c in ("in_force", "issued", "abolished"))
        put(previous, f"a20_1.{row}.in_force", f - i + a)
    return previous


def test_x01_carried_in_must_match_last_years_carried_out() -> None:
    report = load_report("001")
    previous = previous_year_of(report)
    assert "X01" not in ids(check_pair(report, previous))
    put(previous, "apply.carried_out.total", 35)
    (x01,) = [f for f in check_pair(report, previous) if f.check_id == "X01"]
    assert x01.severity == "warning" and x01.keys == ("apply.carried_in.total",)
    assert (x01.expected, x01.actual) == ("35", "34") and "2023年报告" in x01.message_zh


def test_x02_in_force_must_follow_from_last_year() -> None:
    report = load_report("001")
    previous = previous_year_of(report)
    assert "X02" not in ids(check_pair(report, previous))
    put(previous, "a20_1.normative.in_force", previous.value("a20_1.normative.in_force") + 5)
    (x02,) = [f for f in check_pair(report, previous) if f.check_id == "X02"]
    assert x02.keys == ("a20_1.normative.in_force",) and x02.actual == "66"


def test_x03_section_five_copied_from_last_year() -> None:
    earlier, report = load_report("004"), load_report("006")
    assert "X03" not in ids(check_pair(report, earlier))
    report.sections["s5"] = earlier.sections["s5"]
    (x03,) = [f for f in check_pair(report, earlier) if f.check_id == "X03"]
    assert "100%" in x03.message_zh


def test_x04_the_whole_report_republished() -> None:
    earlier = load_report("004")
    assert "X04" not in ids(check_pair(load_report("006"), earlier))
    republished = copy.deepcopy(earlier)
    republished.year = 2022
    assert "X04" in ids(check_pair(republished, earlier))


def test_x04_identical_figures_even_with_new_text() -> None:
    earlier, report = load_report("004"), load_report("006")
    report.figures = dict(earlier.figures)
    (x04,) = [f for f in check_pair(report, earlier) if f.check_id == "X04"]
    assert "数据完全相同" in x04.message_zh


def test_p05_three_zero_years_while_the_text_reports_applications() -> None:
    years = {y: load_report("000") for y in (2021, 2022, 2023)}
    for year, report in years.items():
        report.year = year
    assert check_history(years) == []
    years[2022].sections["s1"] = years[2022].sections["s1"].replace(
        "未收到申请人提交的依申请公开事项", "共收到政府信息公开申请三件"
    )
    (p05,) = check_history(years)
    assert (p05.check_id, p05.year, p05.severity) == ("P05", 2023, "warning")


def test_x05_a_section_copied_from_another_agency_with_the_name_swapped() -> None:
    report = load_report("006")
    others = [(r.agency, r) for r in map(load_report, ("000", "001", "010", "013"))]
    assert check_copies(report, others) == []
    copier = copy.deepcopy(report)
    copier.agency = "某某县人民政府"
    copier.sections["s1"] = report.sections["s1"].replace("平潭综合实验区", "某某县").replace("13561", "2471")
    copier.sections["s5"] = load_report("004").sections["s5"]
    (x05,) = check_copies(report, [*others, (copier.agency, copier)])
    assert x05.keys == ("sections.s1", "某某县人民政府")
    assert "某某县人民政府" in x05.message_zh and x05.severity == "warning"


def test_x05_a_roster_finds_each_copy_once_per_side_and_never_the_agency_itself() -> None:
    reports = [load_report(c) for c in ("000", "001", "006", "010", "013")]
    copier = copy.deepcopy(reports[0])
    copier.agency = "赣县区文化广电新闻出版旅游局"
    reports.append(copier)
    finder = CopyFinder((r.agency, r) for r in reports)
    found = {(r.agency, f.keys) for r in reports for f in finder.check(r)}
    assert found == {
        ("赣县区融媒体中心", ("sections.s1", "赣县区文化广电新闻出版旅游局")),
        ("赣县区融媒体中心", ("sections.s5", "赣县区文化广电新闻出版旅游局")),
        ("赣县区文化广电新闻出版旅游局", ("sections.s1", "赣县区融媒体中心")),
        ("赣县区文化广电新闻出版旅游局", ("sections.s5", "赣县区融媒体中心")),
    }
