"""Copy detection: masking, numerals, and the prefix index against comparing every pair."""

from __future__ import annotations

import itertools

from disclosure_monitor.parse.narrative import chinese_number
from disclosure_monitor.checks.similarity import MIN_CHARS, CopyIndex, jaccard, masked, shingles, similarity

from .conftest import corpus_ids, load_report


def test_chinese_numerals() -> None:
    cases = {"一": 1, "十": 10, "十二": 12, "二十三": 23, "一百零五": 105, "两千": 2000, "一万二千": 12000}
    assert {text: chinese_number(text) for text in cases} == cases


def test_masking_removes_names_years_numbers_and_headings() -> None:
    report = load_report("000")
    flat = masked(report.text, (report.agency,))
    assert "赣县区融媒体中心" not in flat and "2023" not in flat and "统计期限" not in flat
    assert "总体情况" not in flat and "存在的主要问题及改进情况" not in flat


def test_short_texts_are_not_compared() -> None:
    assert similarity("无。", "无。") is None
    assert shingles("存在问题" * (MIN_CHARS // 4)) is not None


def test_the_index_finds_exactly_the_pairs_a_full_comparison_finds() -> None:
    texts = []
    for case in corpus_ids():
        report = load_report(case)
        for key, text in report.sections.items():
            texts.append((f"{case}.{key}", text))
            sentences = text.split("。")
            # near-copies: one sentence dropped, or the halves swapped
            texts.append((f"{case}.{key}.cut", "。".join(sentences[:-2] + sentences[-1:])))
            texts.append((f"{case}.{key}.swap", text[len(text) // 2 :] + text[: len(text) // 2]))
    for threshold in (0.5, 0.85, 0.9):
        index = CopyIndex(((label, text, ()) for label, text in texts), threshold)
        found = {(a, m.label) for a, text in texts for m in index.similar(text) if m.label != a}
        grams = {label: shingles(text) for label, text in texts}
        brute = {
            (a, b)
            for (a, ga), (b, gb) in itertools.permutations(grams.items(), 2)
            if ga and gb and jaccard(ga, gb) >= threshold
        }
        assert found == brute and brute, threshold
