"""Deadlines and the publication checks: M01–M03 from a crawl outcome, D07 from a changed document."""

from __future__ import annotations

from datetime import date

import pytest

from disclosure_monitor.checks import AgencyFacts, check_changed, check_publication, deadline_for

DEPT = AgencyFacts("沭阳县发展和改革局", kind="dept", level="county")
GOV = AgencyFacts("淮安市人民政府", kind="gov", level="city")
UNKNOWN = AgencyFacts("赣县区融媒体中心")


@pytest.mark.parametrize(
    ("year", "kind", "deadline"),
    [
        (2018, "dept", date(2019, 3, 31)),
        (2023, "gov", date(2024, 3, 31)),
        (2023, "dept", date(2024, 1, 31)),
        (2023, "state_council_dept", date(2024, 1, 31)),
        (2023, "gov_office", date(2024, 1, 31)),
        (2023, "township", date(2024, 1, 31)),
        (2023, None, date(2024, 3, 31)),
    ],
)
def test_deadline_for(year: int, kind: str | None, deadline: date) -> None:
    assert deadline_for(year, kind) == deadline


def ids(findings) -> list[str]:
    return [f.check_id for f in findings]


def test_m01_only_after_the_deadline() -> None:
    assert check_publication(DEPT, 2023, "not_published", date(2024, 1, 31), None, None) == []
    (m01,) = check_publication(DEPT, 2023, "not_published", date(2024, 2, 1), "https://example.gov.cn/gknb/", None)
    assert (m01.check_id, m01.severity, m01.agency, m01.year) == ("M01", "error", DEPT.name, 2023)
    assert "2024-01-31" in m01.message_zh and "沭阳县发展和改革局" in m01.message_en
    # a government has until 31 March
    assert check_publication(GOV, 2023, "not_published", date(2024, 2, 1), None, None) == []


@pytest.mark.parametrize(
    ("state", "zh"),
    [
        ("blocked_antibot", "反爬虫"),
        ("robots_disallowed", "robots.txt"),
        ("tls_error", "TLS"),
        ("column_moved", "迁移"),
        ("column_missing", "不存在"),
        ("js_only", "JavaScript"),
        ("network_error", "网络"),
    ],
)
def test_m02_names_the_crawl_failure(state: str, zh: str) -> None:
    url = "https://www.shuyang.gov.cn/sygfj/gknb/"
    assert check_publication(DEPT, 2023, state, date(2024, 1, 20), url, None) == []
    (m02,) = check_publication(DEPT, 2023, state, date(2024, 2, 20), url, None)
    assert m02.check_id == "M02" and m02.severity == "warning"
    assert zh in m02.message_zh and url in m02.message_zh and url in m02.message_en


def test_m03_a_report_that_cannot_be_parsed() -> None:
    (m03,) = check_publication(DEPT, 2023, "parse_error", date(2024, 1, 20), None, "image-only PDF")
    assert m03.check_id == "M03" and "image-only PDF" in m03.message_en


def test_a_found_report_is_no_publication_finding() -> None:
    assert check_publication(DEPT, 2023, "found", date(2024, 6, 1), None, None) == []


def test_an_unknown_kind_waits_until_march_and_says_so() -> None:
    assert ids(check_publication(UNKNOWN, 2023, "not_published", date(2024, 2, 1), None, None)) == ["D00"]
    assert ids(check_publication(UNKNOWN, 2023, "not_published", date(2024, 4, 1), None, None)) == ["M01", "D00"]


def test_d07_a_report_changed_after_it_was_first_captured() -> None:
    first = date(2024, 1, 18)
    assert check_changed(first, "a" * 64, "a" * 64, date(2024, 1, 17), date(2024, 1, 17)) == []
    (by_hash,) = check_changed(first, "a" * 64, "b" * 64, date(2024, 1, 17), date(2024, 1, 17), DEPT, 2023)
    assert (by_hash.check_id, by_hash.keys, by_hash.year) == ("D07", ("sha256",), 2023)
    assert "2024-01-18" in by_hash.message_zh
    (by_date,) = check_changed(first, "a" * 64, "a" * 64, date(2024, 1, 17), date(2024, 5, 28))
    assert by_date.keys == ("published_on",)
