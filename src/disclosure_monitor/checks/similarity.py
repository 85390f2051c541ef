"""How alike two report texts are, once everything that legitimately differs is masked.

checks.md §3 `sim`: drop white space, punctuation, digits, years, the agency's own
name, the six template headings and the 统计期限 sentence, then compare the sets of
character 5-grams by Jaccard. Texts shorter than `MIN_CHARS` after masking are not
compared: short boilerplate ("无。") is alike by nature, not copied.

`CopyIndex` finds every pair above a threshold among a year's texts without comparing
all pairs. First, a gram that more than `BOILERPLATE` of the indexed texts contain is
masked like the headings are: a sentence that many reports share (a province's template,
the regulation's wording) is no evidence of one report copying another, and it is what
made every text a candidate of every other. A text left with less than `MIN_CHARS` of
its own after that is not compared. Then prefix filtering (Bayardo et al. 2007,
"All-pairs") over what is left: with every gram set ordered the same way (rarest gram
first), two sets with Jaccard ≥ t must share one of the first `n - ceil(t·n) + 1` grams
of each (10 % of a set at t = 0.9), so only texts sharing such a gram are compared
exactly, after a size filter (|a| ≥ t·|b|). Since no gram left is in more than
`BOILERPLATE` texts, a text has at most `BOILERPLATE` candidates per prefix gram, and
the cost grows with the number of texts, not with its square.

Measured on one core with simulator s1 texts (drawn from a few hundred corpus sentences,
so every text overlaps every other): indexing and checking cost 0.3–0.7 ms per text at
1,000, 4,000 and 16,000 texts a year; with the prefix filter alone it was 7.3 ms at 1,000
and 16 ms at 2,000, growing with the year's size (all-pairs), and it reported 138
accidental pairs among 2,000 texts that share nothing but the simulator's sentences.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..parse.template import SECTION_HEADINGS, normalise

GRAM = 5
MIN_CHARS = 200
# A gram in more than this many of a year's texts (of one section) is boilerplate, not copying.
BOILERPLATE = 50

_PERIOD = re.compile(r"统计(?:期限|时限|期间)")
_SENTENCE_ENDS = "。\n"
_HEADINGS = re.compile("|".join(f"(?:{pattern})" for _, _, pattern in SECTION_HEADINGS))
_NUMBERS = re.compile(r"[0-9]+|[〇零一二三四五六七八九]{4}年")

Shingles = frozenset[str]


def without_period_sentences(text: str) -> str:
    """The text less every sentence (up to and with its 。 or line end) naming the 统计期限.

    Found from the words, not by trying a sentence pattern at every character: that was
    a twentieth of a full audit."""
    kept, start = [], 0
    for match in _PERIOD.finditer(text):
        if match.start() < start:
            continue  # in a sentence dropped already
        begin = max(text.rfind(end, start, match.start()) for end in _SENTENCE_ENDS) + 1
        ends = [i for i in (text.find(end, match.end()) for end in _SENTENCE_ENDS) if i >= 0]
        kept.append(text[start : max(begin, start)])
        start = min(ends) + 1 if ends else len(text)
    return "".join(kept) + text[start:] if kept else text


def masked(text: str, names: Iterable[str] = ()) -> str:
    """The text reduced to what a copier would have to write themselves."""
    out = normalise(without_period_sentences(text))
    for name in sorted({normalise(n) for n in names if n}, key=len, reverse=True):
        if name:
            out = out.replace(name, "")
    return _NUMBERS.sub("", _HEADINGS.sub("", out))


@lru_cache(maxsize=2048)
def shingles(text: str, names: tuple[str, ...] = ()) -> Shingles | None:
    """The 5-gram set of the masked text, or None when it is too short to judge.

    Cached by text: the same section is compared with many others in one run.
    """
    flat = masked(text, names)
    if len(flat) < MIN_CHARS:
        return None
    return frozenset([flat[i : i + GRAM] for i in range(len(flat) - GRAM + 1)])


def jaccard(a: Shingles, b: Shingles) -> float:
    common = len(a & b)
    return common / (len(a) + len(b) - common)


# An agency's texts, compared year with year before (X03, X04), are each needed twice in a
# row: a few kept suffice, and whole texts (≈ 80 KB of grams each) then do not fill `shingles`'
# cache, which a year's roster of sections needs (it held 2048 of them: ≈ 160 MB).
_pair_shingles = lru_cache(maxsize=16)(shingles.__wrapped__)


def similarity(a: str, b: str, names: tuple[str, ...] = ()) -> float | None:
    """Jaccard similarity of two texts after masking `names`; None when either is too short."""
    sa, sb = _pair_shingles(a, names), _pair_shingles(b, names)
    if sa is None or sb is None:
        return None
    return jaccard(sa, sb)


@dataclass(frozen=True)
class Match:
    label: str
    score: float


class CopyIndex:
    """Labelled texts, indexed once, for "which of them is ≥ `threshold` similar to this one?".

    Similarity here is `jaccard` of the texts' own grams: their shingles less the grams
    more than `boilerplate` indexed texts contain (see the module's doc). Memory stays
    small: an entry keeps its text and size; the index keeps the prefix grams, the
    boilerplate grams and the frequency of grams that several texts share. A candidate's
    gram set is rebuilt on demand (`shingles` caches the recent ones).

    While indexing, each text is compared with those indexed before it (All-Pairs), so the
    matches of every indexed text are known at the end (`matches`) without shingling it
    again: in a year's roster, larger than `shingles`' cache, asking `similar` for each
    text cost a third of X05.
    """

    def __init__(
        self, texts: Iterable[tuple[str, str, tuple[str, ...]]], threshold: float, boilerplate: int = BOILERPLATE
    ) -> None:
        """`texts`: (label, text, names to mask) triples."""
        self.threshold = threshold
        shingled: list[tuple[int, str, str, tuple[str, ...]]] = []
        df: Counter[str] = Counter()
        for position, (label, text, names) in enumerate(texts):
            if grams := shingles(text, names):
                shingled.append((position, label, text, names))
                df.update(grams)
        self._boilerplate = frozenset(gram for gram, n in df.items() if n > boilerplate)
        # rarest first, so that the grams most texts share rarely make candidates;
        # grams of one text only all rank 0, ordered by hash
        self._df = {gram: n for gram, n in df.items() if 1 < n <= boilerplate}
        del df
        self._entries: list[tuple[str, str, tuple[str, ...]]] = []
        self._sizes: list[int] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._matches: dict[int, list[Match]] = {}  # by the text's position in `texts`
        positions: list[int] = []  # each entry's position in `texts`
        for position, label, text, names in shingled:
            if own := self._own(text, names):
                prefix = self._prefix(own)
                mine = self._matches[position] = []
                for entry, score in self._verified(own, {e for gram in prefix for e in self._postings[gram]}):
                    mine.append(Match(self._entries[entry][0], score))
                    self._matches[positions[entry]].append(Match(label, score))
                for gram in prefix:
                    self._postings[gram].append(len(self._entries))
                self._entries.append((label, text, names))
                self._sizes.append(len(own))
                positions.append(position)

    def _own(self, text: str, names: tuple[str, ...]) -> Shingles | None:
        """The text's grams less boilerplate; None when too little is left to judge."""
        grams = shingles(text, names)
        if grams is None or not self._boilerplate:
            return grams
        own = grams - self._boilerplate
        if len(own) < len(grams) and len(own) + GRAM - 1 < MIN_CHARS:
            return None
        return own

    def _prefix(self, grams: Shingles) -> list[str]:
        size = len(grams) - math.ceil(self.threshold * len(grams)) + 1
        df = self._df
        return sorted(grams, key=lambda g: (df.get(g, 0), hash(g)))[:size]

    def _verified(self, grams: Shingles, candidates: Iterable[int]) -> Iterator[tuple[int, float]]:
        """(entry, score) of the `candidates` at or above the threshold."""
        for entry in candidates:
            if min(len(grams), self._sizes[entry]) < self.threshold * max(len(grams), self._sizes[entry]):
                continue
            _, other_text, other_names = self._entries[entry]
            other = self._own(other_text, other_names)
            assert other is not None  # indexed only when it had enough of its own
            score = jaccard(grams, other)
            if score >= self.threshold:
                yield entry, score

    def similar(self, text: str, names: tuple[str, ...] = ()) -> list[Match]:
        """Indexed texts at or above the threshold, most similar first."""
        grams = self._own(text, names)
        if grams is None:
            return []
        candidates = {e for gram in self._prefix(grams) for e in self._postings.get(gram, ())}
        matches = [Match(self._entries[entry][0], score) for entry, score in self._verified(grams, candidates)]
        return sorted(matches, key=lambda m: (-m.score, m.label))

    def matches(self, position: int) -> list[Match]:
        """What `similar` says of the indexed text at `position` in `texts` (with its own names),
        less the text itself, most similar first."""
        return sorted(self._matches.get(position, ()), key=lambda m: (-m.score, m.label))
