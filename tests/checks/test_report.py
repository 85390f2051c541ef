"""Every single-report check fires on a real corpus report with one cell, date or section
changed, and stays silent on the same report unchanged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from disclosure_monitor.checks import CATALOGUE, AgencyFacts, check_report
from disclosure_monitor.model import Figure, Report

from .conftest import load_report

TOWNSHIP = AgencyFacts("某某镇人民政府", kind="township", region="江西省赣州市赣县区", level="township")
COUNTY_DEPT = AgencyFacts("沭阳县发展和改革局", kind="dept", region="江苏省宿迁市沭阳县", level="county")
CITY_GOV = AgencyFacts("淮安市人民政府", kind="gov", region="江苏省淮安市", level="city")

SEVERITY = {check.id: check.severity for check in CATALOGUE}
Mutation = Callable[[Report], None]


def put(key: str, value: int | Decimal | None, raw: str | None = None) -> Mutation:
    def mutate(report: Report) -> None:
        report.figures[key] = Figure(key, value, raw if raw is not None else (None if value is None else str(value)))

    return mutate


def bump(key: str, by: int = 1) -> Mutation:
    return lambda report: put(key, report.value(key) + by)(report)


def setattr_(name: str, value: object) -> Mutation:
    return lambda report: setattr(report, name, value)


def section(key: str, text: str | None) -> Mutation:
    def mutate(report: Report) -> None:
        if text is None:
            del report.sections[key]
        else:
            report.sections[key] = text

    return mutate


def incomplete(table: str) -> Mutation:
    return lambda report: report.tables_complete.__setitem__(table, False)


@dataclass
class Case:
    check_id: str
    corpus: str
    change: Mutation
    agency: AgencyFacts | None = None
    keys: tuple[str, ...] | None = None  # the cells the finding must name, when worth asserting


CASES = [
    Case("A01", "001", bump("apply.granted.natural"), keys=("apply.granted.total",)),
    Case("A02", "001", bump("apply.result_total.research")),
    Case("A03", "001", lambda r: (bump("apply.carried_out.natural")(r), bump("apply.carried_out.total")(r))),
    Case("A04", "001", bump("review.total")),
    Case("A05", "001", bump("suit_direct.total")),
    Case("A06", "001", bump("suit_after_review.total")),
    Case("A07", "001", put("a20_6.penalty", -3), keys=("a20_6.penalty",)),
    Case("A01.blank", "001", put("apply.granted.natural", None)),
    Case("C02", "001", incomplete("table3"), keys=("table3",)),
    Case("P01", "000", put("a20_1.regulation.issued", 1), agency=TOWNSHIP),
    Case("P02", "001", put("a20_1.normative.in_force", 7)),
    Case("P03", "001", put("a20_8.fees_wan", Decimal(3500), "3500元")),
    Case("P04", "001", put("apply.partial.legal", None)),
    Case("X06", "000", setattr_("template", "2019")),
    Case("D01", "013", setattr_("signed_on", date(2023, 12, 30))),
    Case("D02", "013", setattr_("published_on", date(2024, 2, 5)), agency=COUNTY_DEPT),
    Case("D03", "013", setattr_("signed_on", date(2024, 2, 5)), agency=COUNTY_DEPT),
    Case("D04", "013", setattr_("published_on", date(2024, 1, 16))),
    Case("D05", "013", lambda r: (setattr_("signed_on", None)(r), setattr_("published_on", None)(r))),
    Case("D06", "013", setattr_("title_year", 2022)),
    Case("N01", "013", put("apply.new.total", 27)),
    Case("N02", "004", put("apply.result_total.total", 68)),
    Case("N03", "004", put("apply.carried_out.total", 2)),
    Case("N04", "006", put("review.total", 3), keys=("review.total",)),
    Case("N04", "006", put("suit_direct.total", 6), keys=("suit_direct.total", "suit_after_review.total")),
    Case("N05", "000", put("apply.new.total", 1)),
    Case("N06", "006", put("a20_1.normative.issued", 70)),
    Case("C01", "000", section("s3", None), keys=("sections.s3",)),
    Case("C03", "000", lambda r: section("s1", r.sections["s1"].split("（二）")[0])(r)),
    Case("C05", "000", section("s5", "无。")),
    Case("C06", "000", section("s6", "无。")),
    Case("C07", "013", put("apply.other_no_fee.total", 1)),
]
IDS = [f"{c.check_id}-{c.corpus}-{'.'.join(c.keys or ())}" for c in CASES]


def ids(findings) -> set[str]:
    return {f.check_id for f in findings}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_silent_on_the_unchanged_report(case: Case) -> None:
    assert case.check_id not in ids(check_report(load_report(case.corpus), case.agency))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_fires_when_one_fact_is_changed(case: Case) -> None:
    report = load_report(case.corpus)
    case.change(report)
    hits = [f for f in check_report(report, case.agency) if f.check_id == case.check_id]
    assert hits, f"{case.check_id} did not fire"
    finding = hits[0]
    assert finding.message_zh and finding.message_en and "{" not in finding.message_zh + finding.message_en
    assert finding.severity == ("warning" if case.check_id.endswith(".blank") else SEVERITY[case.check_id])
    if case.keys:
        assert any(set(case.keys) <= set(f.keys) for f in hits), [f.keys for f in hits]


def test_a_township_filling_the_regulation_row_is_p01_but_a_city_government_is_not() -> None:
    report = load_report("000")
    put("a20_1.regulation.in_force", 2)(report)
    township = [f for f in check_report(report, TOWNSHIP) if f.check_id == "P01"]
    assert [f.severity for f in township] == ["warning"]
    assert "0/0/2" in township[0].message_en
    assert "P01" not in ids(check_report(report, CITY_GOV))


def test_a_2023_report_in_the_2019_format_is_x06() -> None:
    report = load_report("000")
    report.template = "2019"
    (finding,) = [f for f in check_report(report) if f.check_id == "X06"]
    assert "识别为2019" in finding.message_zh


def test_a_report_with_only_five_parts_is_c01_for_the_missing_one() -> None:
    report = load_report("000")
    del report.sections["s5"]
    c01 = [f for f in check_report(report) if f.check_id == "C01"]
    assert [f.keys for f in c01] == [("sections.s5",)]
    assert "第五部分" in c01[0].message_zh


def test_a_2019_report_with_a_blank_total_column_gives_blank_warnings_not_errors() -> None:
    report = load_report("002")
    for row in ("granted", "partial", "unable_not_held", "rejected_petition"):
        put(f"apply.{row}.total", None)(report)
    findings = check_report(report)
    assert not [f for f in findings if f.check_id.startswith("A") and f.severity == "error"]
    assert "A01.blank" in ids(findings)
    assert {f.severity for f in findings if f.check_id.endswith(".blank")} == {"warning"}
    assert "P04" in ids(findings)


def test_a_checks_wait_for_a_complete_table() -> None:
    report = load_report("001")
    bump("apply.granted.natural")(report)
    incomplete("table3")(report)
    assert not {"A01", "A02", "A03"} & ids(check_report(report))


def test_numbers_in_chinese_numerals_are_read() -> None:
    report = load_report("013")
    report.sections["s1"] = report.sections["s1"].replace("26件", "二十六件")
    assert "N01" not in ids(check_report(report))
    report.sections["s1"] = report.sections["s1"].replace("二十六件", "二十三件")
    (n01,) = [f for f in check_report(report) if f.check_id == "N01"]
    assert (n01.expected, n01.actual) == ("23", "26")


def test_a_government_must_report_its_assessment_results() -> None:
    report = load_report("001")  # 淮安市人民政府 2024: the text never mentions 考核/评议/责任追究
    assert "C04" in ids(check_report(report, CITY_GOV))
    assert "C04" not in ids(check_report(report, AgencyFacts("淮安市人民政府", kind="dept")))
    report.sections["s6"] += "本年度将政务公开纳入工作考核，开展社会评议，未发生责任追究情况。"
    report.text += report.sections["s6"]
    assert "C04" not in ids(check_report(report, CITY_GOV))


def test_an_unknown_agency_kind_is_recorded_as_info() -> None:
    report = load_report("000")
    findings = check_report(report, AgencyFacts("赣县区融媒体中心"))
    assert [(f.check_id, f.severity) for f in findings if f.check_id == "D00"] == [("D00", "info")]
    assert "D00" not in ids(check_report(report, AgencyFacts("赣县区融媒体中心", kind="dept")))
