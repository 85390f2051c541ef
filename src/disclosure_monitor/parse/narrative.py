"""Numbers the prose states after cue words ("共收到申请二十三件"): the parser pins
ambiguous cells with them, checks N01–N06 and P05 compare them with the tables.

A cue is a regular expression with one named group `n` (use `NUM`) matched against the
text with all white space removed, because PDF and converted texts wrap lines
anywhere ("答\\n复 3050 件"). Arabic and Chinese numerals are both read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUM = r"(?P<n>\d[\d,]*|[零〇一二两三四五六七八九十百千万]+)"

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_SPACE = re.compile(r"\s+")
_SENTENCE_END = "。；;！!？?\n"

# The cue sentences, one tuple of patterns per figure they state.
_STOP = "。；;，,"  # a cue and its number stand in one clause
# A cue that opens with look-behinds says its first characters first ("(?=[收受新接])"): the
# regex engine then only tries the places they stand, not every character (2–3× faster).
RECEIVED = (
    rf"(?=[收受新接])(?<!未)(?<!没有)(?:收到|受理|新收|接收)[^{_STOP}]{{0,25}}?申请[^{_STOP}\d]{{0,6}}?{NUM}件",
    rf"(?=[收受新接])(?<!未)(?<!没有)(?:收到|受理|新收|接收){NUM}件[^{_STOP}]{{0,6}}?申请",
)
HANDLED = (rf"(?=[办答])(?<!公开)(?<!办理)(?:办结|办理完毕|答复)[^{_STOP}\d]{{0,8}}?{NUM}件",)
CARRIED_OUT = (
    rf"(?:结转|顺延)(?:到|至)?下一?年度[^{_STOP}\d]{{0,8}}?{NUM}件",
    rf"{NUM}件[^{_STOP}\d]{{0,4}}?(?:结转|顺延)(?:到|至)?下一?年度",
)
REVIEW = (rf"行政复议[^{_STOP}、\d]{{0,6}}?{NUM}[件起]",)
SUIT = (rf"行政诉讼[^{_STOP}、\d]{{0,6}}?{NUM}[件起]",)
NORMATIVE = (rf"(?:制发|印发)[^{_STOP}\d]{{0,8}}?规范性文件[^{_STOP}\d]{{0,3}}?{NUM}件",)
NONE_RECEIVED = rf"(?:未|没有)(?:收到|受理|接到|接收)(?:(?!复议|诉讼)[^{_STOP}]){{0,20}}?申请|无依申请"
ACTIVITY = RECEIVED + (rf"行政处罚[^{_STOP}\d]{{0,8}}?{NUM}[件起]", rf"行政许可[^{_STOP}\d]{{0,8}}?{NUM}[件项]")


def chinese_number(text: str) -> int:
    """Value of a Chinese numeral as written in counts: 一, 十二, 二十三, 一百零五, 一万二千."""
    total = section = digit = 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10_000
            section = digit = 0
    return total + section + digit


def number(text: str) -> int:
    text = text.replace(",", "")
    return int(text) if text.isdigit() else chinese_number(text)


@dataclass(frozen=True)
class Statement:
    """A number the text states, and the sentence it stands in."""

    n: int
    sentence: str


def flatten(text: str) -> str:
    return _SPACE.sub("", text)


def _sentence(text: str, start: int, end: int) -> str:
    left = max((text.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    return text[left : min(rights) if rights else len(text)]


def first_statement(flat_text: str, patterns: tuple[str, ...]) -> Statement | None:
    """The earliest number any of `patterns` finds in the (flattened) text."""
    found = [m for p in patterns if (m := re.search(p, flat_text))]
    if not found:
        return None
    m = min(found, key=lambda m: m.start())
    return Statement(number(m.group("n")), _sentence(flat_text, m.start(), m.end()))


def mentions(flat_text: str, pattern: str) -> bool:
    return re.search(pattern, flat_text) is not None
