"""Which listing item is each agency's report for each year (spec/portals.md §3).

Titles are classified by `TITLE_RULES` (data, first match wins), the year is read
from the title, the agency by its longest matching name or alias among the agencies
that share the column. Among the candidates for one (agency, year) a revision beats
the report, the report beats a correction notice, and the text rendition beats PDF,
DOCX, DOC and image renditions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..config import Agency
from .discover import ListingItem, rendition_rank

REPORT = re.compile(r"(政府)?信息公开(工作)?(年度)?(报告|年报)")
# (kind, pattern) in order; the first that matches a report-like title decides. None: not a report.
TITLE_RULES: tuple[tuple[str | None, re.Pattern[str]], ...] = (
    (None, re.compile(r"指南|制度|要点|计划|政府工作报告|统计(?!局)|预算|决算")),
    ("revision", re.compile(r"(修订|更正)(版|稿)")),
    ("amendment", re.compile(r"更正|修订|说明")),
    ("report", re.compile("")),
)
KIND_ORDER = ("revision", "report", "amendment")  # a revision supersedes the report; a notice only stands in

_CN_DIGITS = dict(zip("〇○零Ｏ一二三四五六七八九", "0000123456789"))
_CN_YEAR = re.compile(r"[二][〇○零Ｏ一二三四五六七八九]{3}(?=\s*年)")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
# One administrative level at the start of a name: 江西省, 赣州市, 赣县区, 平潭综合实验区 …
_ADMIN = re.compile(r"^(.{1,10}?(?:省|自治区|特别行政区|自治州|地区|盟|市|州|县|区|旗))(.{2,})$")
_VARIANTS = (("人民政府", "政府"), ("办公室", "办"))
_LEFTOVER = re.compile(r"[\s()（）【】\[\]《》〈〉“”\"'·、,，.。:：-]|关于|的|更正|说明|修订|版|本单位|本机关")


def normalise(text: str) -> str:
    """Full-width → ASCII, no spaces, Chinese-numeral years as digits: for matching only."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group()), text)


def title_kind(title: str) -> str | None:
    """report | revision | amendment, or None for anything that is not an annual report."""
    text = normalise(title)
    if not REPORT.search(text):
        return None
    return next(kind for kind, pattern in TITLE_RULES if pattern.search(text))


def title_year(title: str) -> int | None:
    """The report year printed in the title (2023, ２０２３, 2023 年, 二〇二三年)."""
    match = _YEAR.search(normalise(title))
    return int(match.group(1)) if match else None


def agency_aliases(agency: Agency) -> set[str]:
    """Names a title may use: configured ones, without leading province/city prefixes, 政府/办 short forms.

    The bare unit ("财政局") is never an alias: it would take other counties' reports.
    """
    names = {normalise(n) for n in (agency.name, *agency.aliases)}
    for name in list(names):
        rest = name
        while match := _ADMIN.match(rest):
            level, rest = match.group(1)[-1], match.group(2)
            if _ADMIN.match(rest):
                names.add(rest)
            else:  # the last level left: keep it one character long (区统计局), never drop it
                names.add(level + rest)
    for long, short in _VARIANTS:
        names |= {n.replace(long, short) for n in names if long in n}
    return names


def is_agency_less(title: str) -> bool:
    """"2023年政府信息公开工作年度报告": nothing names who published it."""
    text = _YEAR.sub("", REPORT.sub("", normalise(title)))
    return not _LEFTOVER.sub("", text)


@dataclass(frozen=True)
class Candidate:
    item: ListingItem
    agency: str
    year: int
    kind: str  # report | revision | amendment
    year_inferred: bool = False  # no year in the title: publication year − 1

    @property
    def rank(self) -> tuple[int, int]:
        return KIND_ORDER.index(self.kind), rendition_rank(self.item.title, self.item.url)


@dataclass
class Pick:
    """The chosen item for one (agency, year) and what else was listed for it."""

    chosen: Candidate
    others: list[Candidate] = field(default_factory=list)  # other renditions and amendments, kept as evidence


class Selector:
    """Collects the items of one column, page by page, for the agencies that share it.

    `wanted` maps agency name → the years looked for.
    """

    def __init__(self, agencies: Sequence[Agency], wanted: Mapping[str, Iterable[int]]) -> None:
        self.agencies = list(agencies)
        self.wanted = {name: set(years) for name, years in wanted.items()}
        self.single = len(self.agencies) == 1
        # Longest alias first: in a shared column the most specific name decides.
        self._aliases = sorted(
            ((alias, a.name) for a in self.agencies for alias in agency_aliases(a)), key=lambda p: -len(p[0])
        )
        self.candidates: dict[tuple[str, int], list[Candidate]] = {}

    def agency_of(self, title: str) -> str | None:
        text = normalise(title)
        matches = [(alias, name) for alias, name in self._aliases if alias in text]
        if matches:
            longest = len(matches[0][0])
            names = {name for alias, name in matches if len(alias) == longest}
            return names.pop() if len(names) == 1 else None  # two agencies, same name: take neither
        if self.single and is_agency_less(title):
            return self.agencies[0].name
        return None

    def classify(self, item: ListingItem) -> Candidate | None:
        kind = title_kind(item.title)
        agency = self.agency_of(item.title) if kind else None
        if kind is None or agency is None:
            return None
        year = title_year(item.title)
        if year is None and item.published is not None:
            return Candidate(item, agency, item.published.year - 1, kind, year_inferred=True)
        return Candidate(item, agency, year, kind) if year is not None else None

    def add(self, items: Iterable[ListingItem]) -> None:
        for item in items:
            candidate = self.classify(item)
            if candidate and candidate.year in self.wanted.get(candidate.agency, ()):
                self.candidates.setdefault((candidate.agency, candidate.year), []).append(candidate)

    def picks(self) -> dict[tuple[str, int], Pick]:
        out = {}
        for key, found in self.candidates.items():
            ordered = sorted(found, key=lambda c: c.rank)
            out[key] = Pick(ordered[0], ordered[1:])
        return out

    def missing(self) -> set[tuple[str, int]]:
        """Wanted (agency, year) with no report or revision seen yet."""
        have = {key for key, found in self.candidates.items() if any(c.kind != "amendment" for c in found)}
        return {(name, y) for name, years in self.wanted.items() for y in years} - have

    def enough(self, page_items: list[ListingItem]) -> bool:
        """Add one page's items; True when the pages after it cannot change any pick.

        Lists run newest first (pinned items aside): stop once every wanted report is
        seen and this page is older than all of them, or once a whole page was
        published more than two years before the oldest wanted year.
        """
        self.add(page_items)
        years = [y for ys in self.wanted.values() for y in ys]
        dates = [i.published for i in page_items]
        if not years:
            return True
        if not dates or None in dates:
            return False
        if all(d.year < min(years) - 2 for d in dates):
            return True
        chosen = [p.chosen.item.published for p in self.picks().values()]
        # Later items are no newer than this page's oldest: once that is older than every pick, nothing can change.
        return not self.missing() and None not in chosen and min(dates) < min(chosen)
