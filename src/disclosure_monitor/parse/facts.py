"""Report-level facts: agency, year, 统计期限, signing and publication dates, section texts."""

from __future__ import annotations

import re
from datetime import date

from ..model import Report
from .cells import fold
from .document import Document
from .template import SECTION_HEADINGS

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = r"(?:19|20)\d{2}|二[〇○零Ｏ][一二三][〇○零Ｏ一二三四五六七八九]"
_TITLE = re.compile(
    rf"(?P<pre>[^。；;，,\n]{{0,40}}?)(?P<year>{_YEAR})年度?(?P<post>[^。；;，,\n]{{0,30}}?)"
    r"(?:政府)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)"
)
_DATE_AR = re.compile(r"((?:19|20)\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_DATE_CN = re.compile(r"([二〇○零Ｏ一三四五六七八九]{4})\s*年\s*([十一二三四五六七八九]{1,3})\s*月\s*([十一二三四五六七八九]{1,3})\s*日")
_PERIOD = re.compile(
    r"统计(?:期限|时限|周期|区间|时间|期间|时段|范围)[^。]{0,30}?((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日"
    r"[^。\d]{0,6}?(?:至|到|—|-|～|~)(?:((?:19|20)\d{2})年)?(\d{1,2})月(\d{1,2})日"
)
_PUBLISHED = re.compile(r"(?:发布日期|发布时间|公开日期|发文日期|发布于|pubdate)[:：\s]*((?:19|20)\d{2}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2})", re.IGNORECASE)
_NOISE_PREFIX = re.compile(r"^.*[:：]|^(?:[^\u4e00-\u9fff]|正文|附件)+")
_ORDINAL_HEADING = r"(?:^|\n)\s*(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六]部分[、：:]?)\s*"


def _cn_number(text: str) -> int:
    """十二 → 12, 二十三 → 23, 一 → 1."""
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _year(text: str) -> int:
    return int(text) if text.isdigit() else int("".join(str(_CN_DIGITS[c]) for c in text))


def _date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every date in `text` (Arabic or Chinese numerals) with its position."""
    found = []
    for m in _DATE_AR.finditer(text):
        d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d and ("年" in m.group() or "-" in m.group() or "/" in m.group()):
            found.append((m.start(), d))
    for m in _DATE_CN.finditer(text):
        d = _date(_year(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3)))
        if d:
            found.append((m.start(), d))
    return sorted(found)


def fill_facts(report: Report, doc: Document, url: str | None = None) -> None:
    text = fold(report.text)
    _title(report, [fold(t) for t in doc.titles], text)
    _period(report, text)
    report.sections = split_sections(text)
    _signed(report, text)
    report.published_on = published_on(doc.published, text)
    report.year = report.period_year or report.title_year or _url_year(url)


def _title(report: Report, titles: list[str], text: str) -> None:
    for source in titles + [text[:1500]]:
        m = _TITLE.search(re.sub(r"\s+", "", source))
        if not m:
            continue
        pre = re.sub(r"关于$", "", _NOISE_PREFIX.sub("", m.group("pre")))
        report.title = pre + m.group()[len(m.group("pre")):]
        report.title_year = _year(m.group("year"))
        post = m.group("post")
        agency = post if post not in ("", "政府", "度") else pre
        report.agency = agency.strip(" -—|") or None
        return


def _period(report: Report, text: str) -> None:
    m = _PERIOD.search(re.sub(r"\s+", "", text))
    if not m:
        return
    y1 = int(m.group(1))
    y2 = int(m.group(4)) if m.group(4) else y1
    report.period_start = _date(y1, int(m.group(2)), int(m.group(3)))
    report.period_end = _date(y2, int(m.group(5)), int(m.group(6)))
    report.period_year = y1 if report.period_start else None


def split_sections(text: str) -> dict[str, str]:
    """The text of each of the six sections, found by their numbered headings in order.

    Headings are looked for at line starts first; a text flattened onto one line (a
    crawler's dump) has them mid-line, so then anywhere a numbered heading stands.
    """
    sections = _sections(text, anchored=True)
    return sections if len(sections) >= 4 else max(sections, _sections(text, anchored=False), key=len)


def _sections(text: str, anchored: bool) -> dict[str, str]:
    ordinal = _ORDINAL_HEADING if anchored else _ORDINAL_HEADING.replace("(?:^|\\n)", "", 1)
    starts: list[tuple[str, int, int]] = []
    pos = 0
    for key, _, pattern in SECTION_HEADINGS:
        m = re.compile(ordinal + r"(?:" + pattern + r")", re.MULTILINE).search(text, pos)
        if m:
            starts.append((key, m.start(), m.end()))
            pos = m.end()
    sections = {}
    for i, (key, _, end) in enumerate(starts):
        stop = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        sections[key] = text[end:stop].strip()
    return sections


def _signed(report: Report, text: str) -> None:
    """The 落款 date: the last date standing on its own near the end of the report."""
    tail_from = text.rfind(report.sections["s6"]) if "s6" in report.sections else max(0, len(text) - 600)
    tail = text[tail_from:]
    for pos, d in reversed(find_dates(tail)):
        line_start = tail.rfind("\n", 0, pos) + 1
        line_end = tail.find("\n", pos)
        line = tail[line_start: len(tail) if line_end < 0 else line_end]
        short = len(re.sub(r"\s", "", line)) <= 16
        closing = len(line) <= 40 and not re.sub(r"[\s。.]", "", tail[pos:len(tail) if line_end < 0 else line_end])[12:]
        if short or closing:
            report.signed_on = d
            return


def published_on(meta: list[str], text: str) -> date | None:
    """The portal's publication date: its <meta> first, then a 发布日期-like label."""
    for value in meta:
        dates = find_dates(fold(value))
        if dates:
            return dates[0][1]
    m = _PUBLISHED.search(fold(text))
    dates = find_dates(m.group(1) + "日") if m else []
    return dates[0][1] if dates else None


def _url_year(url: str | None) -> int | None:
    m = re.search(r"(20\d{2})年?(?:度)?(?:政府信息公开|nb|gknb)", url or "")
    return int(m.group(1)) if m else None
