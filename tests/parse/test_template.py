"""`normalise` folds report text through a table; it must say exactly what NFKC would."""

from __future__ import annotations

import random
import re
import unicodedata

from disclosure_monitor.parse.template import FOLDABLE, normalise


def _nfkc(text: str) -> str:
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]+", "", unicodedata.normalize("NFKC", text).lower())


def test_printed_forms_fold_as_nfkc_would() -> None:
    samples = ["（一）总体情况", "２０２３年共收到申请１２件", "ＡＢＣ abc ①⑵㈠〇", "¨e´a", "㍿㎡℃％", "e\u0301", "ｶﾞｷﾞ", "한국"]
    assert [normalise(s) for s in samples] == [_nfkc(s) for s in samples]


def test_any_mix_of_foldable_characters_folds_as_nfkc_would() -> None:
    """Characters drawn from every foldable range, next to each other in every order."""
    rng = random.Random(6)
    alphabet = [chr(code) for low, high in FOLDABLE for code in range(low, min(high, low + 2000) + 1)]
    for _ in range(20_000):
        text = "".join(rng.choices(alphabet, k=rng.randint(1, 12)))
        assert normalise(text) == _nfkc(text), text
