"""Copy detection: masking, numerals, and the prefix index against comparing every pair."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter

import pytest

from disclosure_monitor.checks.similarity import (
    BOILERPLATE,
    GRAM,
    MIN_CHARS,
    CopyIndex,
    jaccard,
    masked,
    shingles,
    similarity,
    without_period_sentences,
)
from disclosure_monitor.parse.narrative import chinese_number

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


def _own_grams(texts: list[tuple[str, str]], boilerplate: int) -> dict[str, frozenset[str] | None]:
    """Each text's grams less those in more than `boilerplate` texts, by brute force;
    None when the mask left less than MIN_CHARS to judge."""
    grams = {label: shingles(text) for label, text in texts}
    df = Counter(g for gs in grams.values() if gs for g in gs)
    common = {g for g, n in df.items() if n > boilerplate}
    own = {label: gs - common if gs else None for label, gs in grams.items()}
    return {
        label: None if not o or (len(o) < len(grams[label]) and len(o) + GRAM - 1 < MIN_CHARS) else o
        for label, o in own.items()
    }


@pytest.mark.parametrize("boilerplate", [BOILERPLATE, 10_000])
def test_the_index_finds_exactly_the_pairs_a_full_comparison_finds(boilerplate: int) -> None:
    texts = []
    for case in corpus_ids():
        report = load_report(case)
        for key, text in report.sections.items():
            texts.append((f"{case}.{key}", text))
            sentences = text.split("。")
            # near-copies: one sentence dropped, or the halves swapped
            texts.append((f"{case}.{key}.cut", "。".join(sentences[:-2] + sentences[-1:])))
            texts.append((f"{case}.{key}.swap", text[len(text) // 2 :] + text[: len(text) // 2]))
    grams = _own_grams(texts, boilerplate)
    for threshold in (0.5, 0.85, 0.9):
        index = CopyIndex(((label, text, ()) for label, text in texts), threshold, boilerplate)
        found = {(a, m.label) for a, text in texts for m in index.similar(text) if m.label != a}
        # what indexing found for each text, in the same order, is what looking it up finds
        assert [index.matches(i) for i in range(len(texts))] == [
            [m for m in index.similar(text) if m.label != a] for a, text in texts
        ]
        brute = {
            (a, b)
            for (a, ga), (b, gb) in itertools.permutations(grams.items(), 2)
            if ga and gb and jaccard(ga, gb) >= threshold
        }
        assert found == brute and brute, threshold


def _prose(seed: int, chars: int) -> str:
    """Text no other seed shares a 5-gram with (in practice): random common CJK characters."""
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(chars))


def test_boilerplate_many_texts_share_is_no_copy_but_a_copy_among_them_is_found() -> None:
    template = _prose(0, 1000)  # a province's template every agency fills in
    texts = [(f"agency{i}", template + _prose(i, 40)) for i in range(1, 9)]
    assert jaccard(shingles(texts[0][1]), shingles(texts[1][1])) >= 0.9  # alike only by the template
    own = _prose(99, 300)
    texts += [("original", template + own), ("copier", template + own[:290] + _prose(100, 10))]
    index = CopyIndex(((label, text, ()) for label, text in texts), 0.9, boilerplate=5)
    found = {(a, m.label) for a, text in texts for m in index.similar(text) if m.label != a}
    assert found == {("original", "copier"), ("copier", "original")}
    # the same texts with fewer of them than the bound: every pair is a match, as before
    few = CopyIndex(((label, text, ()) for label, text in texts), 0.9, boilerplate=len(texts))
    assert {m.label for m in few.similar(texts[0][1])} >= {"agency2", "agency8"}


def test_the_period_sentences_dropped_are_those_a_sentence_pattern_drops() -> None:
    """checks.md's rule as one regex (a sentence naming 统计期限/时限/期间, with its 。 or line end),
    against texts made of the words and ends that make it hard."""
    sentence = re.compile(r"(?:^|(?<=[。\n]))[^。\n]*?统计(?:期限|时限|期间)[^。\n]*[。\n]?")
    words = ["统计期限", "统计时限", "统计期间", "统计", "期间", "。", "\n", "本报告", "，", "a"]
    rng = random.Random(5)
    for _ in range(20_000):
        text = "".join(rng.choices(words, k=rng.randint(0, 10)))
        assert without_period_sentences(text) == sentence.sub("", text), text
