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
Memory: one X05 task over a year's roster of one section of 27,000 agencies (s1)
added 107 MB to its process when the index kept each raw text and `shingles` cached
2048 gram sets; 20 MB once it keeps masked texts only and caches no gram set.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
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


def shingles(text: str, names: tuple[str, ...] = ()) -> Shingles | None:
    """The 5-gram set of the masked text, or None when it is too short to judge."""
    flat = masked(text, names)
    return _grams(flat) if len(flat) >= MIN_CHARS else None


def _grams(flat: str) -> Shingles:
    return frozenset([flat[i : i + GRAM] for i in range(len(flat) - GRAM + 1)])


def jaccard(a: Shingles, b: Shingles) -> float:
    common = len(a & b)
    return common / (len(a) + len(b) - common)


# An agency's texts, compared year with year before (X03, X04), are each needed twice in a
# row: a few kept suffice (a whole text's grams are ≈ 80 KB).
_pair_shingles = lru_cache(maxsize=16)(shingles)


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
    more than `boilerplate` indexed texts contain (see the module's doc). Texts are `add`ed,
    then queried; the first query indexes them. Memory stays small: an entry keeps its
    masked text (a third of a section, and no names or numbers to mask again), from which
    a candidate's grams are cut again on demand (cheap: no masking), and its size; the
    index keeps the prefix grams' postings (arrays of entry numbers), the boilerplate
    grams and the frequency of grams that several texts share. No gram set of a text is
    kept: `shingles`' cache of them (≈ 60 MB) was a national X05 worker's largest part.

    While indexing, each text is compared with those indexed before it (All-Pairs), so the
    matches of every indexed text are known at the end (`matches`) without shingling it
    again. Grams are ranked rarest first, then by the gram itself: a total order that does
    not depend on the process' hash seed (the prefix filter is exact for any fixed order,
    so the matches and scores do not depend on it either).
    """

    def __init__(
        self, texts: Iterable[tuple[str, str, tuple[str, ...]]] = (), threshold: float = 0.9, boilerplate: int = BOILERPLATE
    ) -> None:
        """`texts`: (label, text, names to mask) triples; more can be `add`ed before the first query."""
        self.threshold = threshold
        self._limit = boilerplate
        self._added: list[tuple[int, str, str]] | None = []  # (position, label, masked text) until indexed
        self._count = 0  # texts added, long enough or not
        self._counts: Counter[str] = Counter()  # in how many added texts each gram is
        for label, text, names in texts:
            self.add(label, text, names)

    def add(self, label: str, text: str, names: tuple[str, ...] = ()) -> None:
        """Add a text (its position is the number added before it); only before the first query."""
        assert self._added is not None, "texts are added before the index is queried"
        flat = masked(text, names)
        if len(flat) >= MIN_CHARS:
            self._added.append((self._count, label, flat))
            self._counts.update(_grams(flat))
        self._count += 1

    def _index(self) -> None:
        """Drop the boilerplate, then index every added text, finding its matches among those before it."""
        if self._added is None:
            return
        added, self._added = self._added, None
        df, self._counts = self._counts, Counter()
        self._boilerplate = frozenset(gram for gram, n in df.items() if n > self._limit)
        # rarest first, so that the grams most texts share rarely make candidates;
        # grams of one text only all rank 0, ordered by the gram
        self._df = {gram: n for gram, n in df.items() if 1 < n <= self._limit}
        del df
        self._entries: list[tuple[str, str]] = []  # (label, masked text)
        self._sizes: list[int] = []
        self._postings: dict[str, array[int]] = {}
        self._matches: dict[int, list[Match]] = {}  # by the text's position in what was added
        positions: list[int] = []  # each entry's position
        for position, label, flat in added:
            if own := self._own(flat):
                prefix = self._prefix(own)
                mine = self._matches[position] = []
                candidates = {e for gram in prefix for e in self._postings.get(gram, ())}
                for entry, score in self._verified(own, candidates):
                    mine.append(Match(self._entries[entry][0], score))
                    self._matches[positions[entry]].append(Match(label, score))
                for gram in prefix:
                    self._postings.setdefault(gram, array("I")).append(len(self._entries))
                self._entries.append((label, flat))
                self._sizes.append(len(own))
                positions.append(position)

    def _own(self, flat: str) -> Shingles | None:
        """The masked text's grams less boilerplate; None when too little is left to judge."""
        grams = _grams(flat)
        if not self._boilerplate:
            return grams
        own = grams - self._boilerplate
        if len(own) < len(grams) and len(own) + GRAM - 1 < MIN_CHARS:
            return None
        return own

    def _prefix(self, grams: Shingles) -> list[str]:
        size = len(grams) - math.ceil(self.threshold * len(grams)) + 1
        df = self._df
        return sorted(grams, key=lambda g: (df.get(g, 0), g))[:size]

    def _verified(self, grams: Shingles, candidates: Iterable[int]) -> Iterator[tuple[int, float]]:
        """(entry, score) of the `candidates` at or above the threshold."""
        for entry in candidates:
            if min(len(grams), self._sizes[entry]) < self.threshold * max(len(grams), self._sizes[entry]):
                continue
            other = self._own(self._entries[entry][1])
            assert other is not None  # indexed only when it had enough of its own
            score = jaccard(grams, other)
            if score >= self.threshold:
                yield entry, score

    def similar(self, text: str, names: tuple[str, ...] = ()) -> list[Match]:
        """Indexed texts at or above the threshold, most similar first."""
        self._index()
        flat = masked(text, names)
        grams = self._own(flat) if len(flat) >= MIN_CHARS else None
        if grams is None:
            return []
        candidates = {e for gram in self._prefix(grams) for e in self._postings.get(gram, ())}
        matches = [Match(self._entries[entry][0], score) for entry, score in self._verified(grams, candidates)]
        return sorted(matches, key=lambda m: (-m.score, m.label))

    def matches(self, position: int) -> list[Match]:
        """What `similar` says of the text added at `position` (with its own names),
        less the text itself, most similar first."""
        self._index()
        return sorted(self._matches.get(position, ()), key=lambda m: (-m.score, m.label))
