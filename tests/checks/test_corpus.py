"""The checks on the dev corpus as published: what a careful reader found, and nothing worse."""

from __future__ import annotations

import pytest

from disclosure_monitor.checks import check_report

from .conftest import corpus_ids, expected, load_report, meta


def errors(case: str) -> set[str]:
    return {f.check_id for f in check_report(load_report(case)) if f.severity == "error"}


def test_000_signed_before_its_period_ends_is_d01_and_nothing_else_is_an_error() -> None:
    findings = check_report(load_report("000"))
    assert errors("000") == {"D01"}
    (d01,) = [f for f in findings if f.check_id == "D01"]
    assert d01.keys == ("signed_on",) and d01.actual == "2023-01-11"
    assert "2023-01-11" in d01.message_zh


def test_013_blank_organisation_columns_are_p04_not_arithmetic_errors() -> None:
    findings = check_report(load_report("013"))
    (p04,) = [f for f in findings if f.check_id == "P04"]
    assert p04.actual == "125" and "125" in p04.message_zh
    assert not [f for f in findings if f.check_id.startswith("A")]


@pytest.mark.parametrize("case", [c for c in corpus_ids() if meta(c)["inconsistencies"] == []])
def test_a_clean_report_yields_no_error(case: str) -> None:
    assert errors(case) == set()


@pytest.mark.parametrize("case", corpus_ids())
def test_the_expected_findings_and_no_other_errors(case: str) -> None:
    facts = expected(case)
    found = {f.check_id for f in check_report(load_report(case))}
    assert errors(case) == set(facts["expected_findings"])
    assert set(facts.get("expected_warnings", ())) <= found
