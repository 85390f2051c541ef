"""The predicates the catalogue's rows point at: `Subject -> Iterable[Hit]`.

Each yields one `Hit` per failure and nothing when the check holds or cannot be
judged (a figure it needs is missing). Families of checks share one parametrised
predicate (the 勾稽 sums, the narrative cues, the headings), so a new check of a
known shape is a new catalogue row, not a new function.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache

from ..model import Report, Value
from ..parse import narrative
from ..parse.template import (
    APPEAL_KEYS,
    APPLICANT_COLUMNS,
    INT,
    MONEY,
    SECTION_HEADINGS,
    SIGNED,
    TEMPLATE_2019,
    TEMPLATE_2021,
    TEMPLATES,
    Identity,
    Template,
)
from .similarity import similarity
from .subject import KNOWN_KINDS, Hit, Subject

Predicate = Callable[[Subject], Iterable[Hit]]

TABLES = {
    "table2": "二、主动公开政府信息情况",
    "table3": "三、收到和处理政府信息公开申请情况",
    "table4": "四、政府信息公开行政复议、行政诉讼情况",
}
HEADINGS = {key: heading for key, heading, _ in SECTION_HEADINGS}
HEADING_PATTERNS = {key: pattern for key, _, pattern in SECTION_HEADINGS}
SECTION_NUMERALS = dict(zip(HEADINGS, "一二三四五六"))
COL_LABELS = dict(APPLICANT_COLUMNS)
ROW_LABELS = {row.key: row.label for t in TEMPLATES.values() for row in t.rows}
FEE_KEY = "a20_8.fees_wan"


def _kinds() -> dict[str, str]:
    """The value type of every canonical key: section-2 lines say theirs; tables 三/四 count."""
    kinds: dict[str, str] = {}
    for template in TEMPLATES.values():
        for line in template.section2:
            for key in line.keys:
                # only the 本年增/减 column of a SIGNED line may be negative
                kinds[key] = SIGNED if key.endswith(".delta") else (INT if line.kind == SIGNED else line.kind)
        kinds.update({key: INT for key in template.apply_keys() + APPEAL_KEYS})
    return kinds


KEY_KINDS = _kinds()
LINE_LABELS = {key: line.label for t in TEMPLATES.values() for line in t.section2 for key in line.keys}


def label(key: str) -> str:
    """A cell's name as the report prints it, with its key for the unambiguous reading."""
    parts = key.split(".")
    if parts[0] == "apply":
        return f"{ROW_LABELS.get(parts[1], parts[1])}·{COL_LABELS.get(parts[2], parts[2])}（{key}）"
    return f"{LINE_LABELS.get(key, key)}（{key}）"


def section3_template(report: Report) -> Template:
    """The template whose table 三 rows the report carries; for mixed/other, by its （六） rows."""
    if report.template in TEMPLATES:
        return TEMPLATES[report.template]
    if any(key.startswith("apply.other_single.") for key in report.figures):
        return TEMPLATE_2019
    return TEMPLATE_2021


def _terms(values: Sequence[Value]) -> str:
    return "+".join("空" if v is None else str(v) for v in values)


def balance(
    left: Sequence[Value], right: Sequence[Value], keys: Sequence[str], **params: object
) -> Hit | None:
    """Σ left = Σ right under the blank rule: all blank → skipped; else blank = 0, `.blank` on failure."""
    blanks = left.count(None) + right.count(None)
    if blanks == len(left) + len(right):
        return None
    lhs = sum(filter(None, left))  # blank (None) and 0 add nothing
    rhs = sum(filter(None, right))
    if lhs == rhs:
        return None
    params = {"lhs": lhs, "rhs": rhs, "lhs_terms": _terms(left), "rhs_terms": _terms(right), **params}
    return Hit(tuple(keys), expected=rhs, actual=lhs, params=params, blank=blanks > 0)


# ---- 1. table arithmetic --------------------------------------------------------------


# A sum as the checks ask it: the identity, its table, its cells, its message's labels.
_Sum = tuple[Identity, str, tuple[str, ...], dict[str, str]]


@cache
def _sums(template: Template, check_id: str) -> tuple[_Sum, ...]:
    """The template's sums named `check_id`, built once rather than for every report."""
    return tuple(
        (
            identity,
            "table3" if identity.left[0].startswith("apply.") else "table4",
            identity.left + identity.right,
            {"row_label": ROW_LABELS.get(identity.row or "", ""), "col_label": COL_LABELS.get(identity.col or "", "")},
        )
        for identity in template.identities()
        if identity.name == check_id
    )


def identities(check_id: str) -> Predicate:
    """The template's sums named `check_id` (A01–A06), over the tables parsed complete."""

    def predicate(s: Subject) -> Iterable[Hit]:
        report, value = s.report, s.values.get
        for identity, table, keys, labels in _sums(section3_template(report), check_id):
            if report.tables_complete.get(table):
                hit = balance(list(map(value, identity.left)), list(map(value, identity.right)), keys, **labels)
                if hit:
                    yield hit

    return predicate


def _integral(value: Value) -> bool:
    return isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value())


_VALID = {
    INT: lambda v: _integral(v) and v >= 0,
    SIGNED: _integral,
    MONEY: lambda v: v >= 0,
}


def typed_values(s: Subject) -> Iterable[Hit]:
    for key, figure in s.report.figures.items():
        if figure.value is None or (type(figure.value) is int and figure.value >= 0):
            continue  # blank, or what every kind takes: almost every cell
        kind = KEY_KINDS.get(key)
        if kind and not _VALID[kind](figure.value):
            raw = figure.raw if figure.raw is not None else str(figure.value)
            yield Hit((key,), actual=figure.value, params={"label": label(key), "raw": raw})


def tables_complete(s: Subject) -> Iterable[Hit]:
    for table, name in TABLES.items():
        if not s.report.tables_complete.get(table):
            yield Hit((table,), params={"table": name})


# ---- 2. plausibility ------------------------------------------------------------------

REGULATION_KEYS = tuple(f"a20_1.regulation.{c}" for c in ("issued", "abolished", "in_force"))
RULE_MAKING_KINDS = frozenset({"state_council_dept", "gov", "gov_office"})


def regulation_power(s: Subject) -> Iterable[Hit]:
    if s.agency is None or (s.agency.kind is None and s.agency.level not in {"county", "township"}):
        return
    values = [s.report.value(k) for k in REGULATION_KEYS]
    if max((v or 0 for v in values), default=0) <= 0:
        return
    if s.agency.kind not in RULE_MAKING_KINDS or s.agency.level in {"county", "township"}:
        i, a, f = ("空" if v is None else v for v in values)
        yield Hit(REGULATION_KEYS, actual=max(v or 0 for v in values), params={"i": i, "a": a, "f": f})


def in_force_below_issued(s: Subject) -> Iterable[Hit]:
    for row, row_label in (("regulation", "规章"), ("normative", "行政规范性文件")):
        f, i = s.report.value(f"a20_1.{row}.in_force"), s.report.value(f"a20_1.{row}.issued")
        if f is not None and i is not None and f < i:
            keys = (f"a20_1.{row}.in_force", f"a20_1.{row}.issued")
            yield Hit(keys, expected=f">= {i}", actual=f, params={"row_label": row_label, "f": f, "i": i})


def fee_unit(s: Subject) -> Iterable[Hit]:
    figure = s.report.figures.get(FEE_KEY)
    if figure is None or figure.value is None:
        return
    raw = figure.raw if figure.raw is not None else str(figure.value)
    value = Decimal(figure.value)
    suspicious = (
        ("元" in raw and "万" not in raw)
        or -value.as_tuple().exponent > 6
        or (value >= 1_000_000 and s.kind != "gov")
    )
    if suspicious:
        yield Hit((FEE_KEY,), actual=raw, params={"raw": raw})


@cache
def _apply_keys(template: Template) -> tuple[str, ...]:
    return template.apply_keys()


def blank_cells(s: Subject) -> Iterable[Hit]:
    """P04: cells the parser found blank (a key absent from `figures` was not found: that is C02)."""
    report = s.report
    cells = {"table3": _apply_keys(section3_template(report)), "table4": APPEAL_KEYS}
    blanks = {
        table: [k for k in keys if k in report.figures and s.values[k] is None]
        for table, keys in cells.items()
        if report.tables_complete.get(table)
    }
    n = sum(len(keys) for keys in blanks.values())
    if n:
        yield Hit(tuple(t for t, keys in blanks.items() if keys), expected=0, actual=n, params={"n": n})


@lru_cache(maxsize=32)
def _flat(text: str) -> str:
    """`text` without white space, made once per report for all the narrative and content checks."""
    return narrative.flatten(text)


@lru_cache(maxsize=32)
def _flat_sections(sections: tuple[tuple[str, str], ...], text: str) -> str:
    return narrative.flatten(_joined(sections, text))


def _flat_prose(report: Report) -> str:
    """`prose` without white space, made once per report: looked up by the report's own
    strings (which keep their hashes), not by the prose joined again for every check."""
    return _flat_sections(tuple(sorted(report.sections.items())), report.text)


def _statements(report: Report, patterns: tuple[str, ...]) -> narrative.Statement | None:
    return narrative.first_statement(_flat_prose(report), patterns)


def _all_zero(report: Report) -> bool:
    values = [f.value for f in report.figures.values() if f.value is not None]
    return bool(values) and all(v == 0 for v in values)


def zero_tables_for_years(patterns: tuple[str, ...]) -> Predicate:
    """P05: three years of all-zero tables while one year's prose states a count > 0."""

    def predicate(s: Subject) -> Iterable[Hit]:
        years = (s.report, *s.earlier)
        if len(years) < 3 or not all(_all_zero(r) for r in years):
            return
        for report in years:
            said = _statements(report, patterns)
            if said and said.n > 0:
                yield Hit((), expected=said.n, actual=0, params={"sentence": said.sentence})
                return

    return predicate


# ---- 3. cross-year and copies ---------------------------------------------------------


def carried_over(s: Subject) -> Iterable[Hit]:
    for col in (c for c, _ in APPLICANT_COLUMNS):
        cin_key, cout_key = f"apply.carried_in.{col}", f"apply.carried_out.{col}"
        cin, prev = s.report.value(cin_key), s.previous.value(cout_key)
        hit = balance(
            [cin], [prev], (cin_key,), col_label=COL_LABELS[col], cin="空" if cin is None else cin,
            prev="空" if prev is None else prev,
        )
        if hit:
            yield hit


def in_force_carried(s: Subject) -> Iterable[Hit]:
    if s.report.template != "2021" or s.previous.template != "2021":
        return
    for row, row_label in (("regulation", "规章"), ("normative", "行政规范性文件")):
        f_key, i_key, a_key = (f"a20_1.{row}.{c}" for c in ("in_force", "issued", "abolished"))
        f, i, a = (s.report.value(k) for k in (f_key, i_key, a_key))
        f0 = s.previous.value(f_key)
        if f is None or f0 is None:
            continue  # without both stocks there is nothing to carry
        hit = balance([f, a], [f0, i], (f_key,), row_label=row_label)
        if hit:
            expected = f0 + (i or 0) - (a or 0)
            params = {**hit.params, "f": f, "f0": f0, "i": i or 0, "a": a or 0, "expected": expected}
            yield Hit(hit.keys, expected=expected, actual=f, params=params, blank=hit.blank)


def similar_sections(section: str, threshold: float) -> Predicate:
    """X03: a section too similar to the same section of last year's report."""

    def predicate(s: Subject) -> Iterable[Hit]:
        score = similarity(s.report.sections.get(section, ""), s.previous.sections.get(section, ""), _names(s))
        if score is not None and score >= threshold:
            yield Hit((f"sections.{section}",), actual=round(score, 3), params={"pct": round(score * 100)})

    return predicate


def same_report(threshold: float) -> Predicate:
    """X04: the whole text near-identical, or every figure identical and not all zero."""

    def predicate(s: Subject) -> Iterable[Hit]:
        score = similarity(full_text(s.report), full_text(s.previous), _names(s))
        mine = s.values
        same_figures = mine == {k: f.value for k, f in s.previous.figures.items()} and not _all_zero(s.report)
        if (score is not None and score >= threshold) or (mine and same_figures):
            pct = round(score * 100) if score is not None else "—"
            what = ("数据完全相同", "identical figures") if same_figures else ("文字雷同", "near-identical text")
            yield Hit((), actual=pct, params={"pct": pct, "what_zh": what[0], "what_en": what[1]})

    return predicate


def copied_sections(s: Subject) -> Iterable[Hit]:
    for section, other, score in s.copies:
        pct = round(score * 100)
        params = {"section": HEADINGS[section], "other_agency": other, "pct": pct}
        yield Hit((f"sections.{section}", other), actual=round(score, 3), params=params)


def old_format(s: Subject) -> Iterable[Hit]:
    t, y = s.report.template, s.year
    if y is not None and ((y >= 2021 and t in {"2019", "mixed"}) or (y >= 2019 and t == "other")):
        yield Hit(("template",), expected="2021", actual=t, params={"template": t})


def _names(s: Subject) -> tuple[str, ...]:
    """The names to mask, sorted and once each: a year's text compared with the year before
    and then with the year after is then masked and shingled once (`similarity` caches it)."""
    return tuple(sorted({n for n in (s.agency_name, s.report.agency, s.previous.agency if s.previous else None) if n}))


# ---- 4. dates -------------------------------------------------------------------------


def before_period_end(s: Subject) -> Iterable[Hit]:
    if s.year is None:
        return
    end = date(s.year, 12, 31)
    for field in ("signed_on", "published_on"):
        day = getattr(s.report, field)
        if day is not None and day <= end:
            yield Hit((field,), expected=f"> {end}", actual=day, params={"date": day})


def after_deadline(field: str) -> Predicate:
    """D02/D03: `field` later than the legal deadline."""

    def predicate(s: Subject) -> Iterable[Hit]:
        day = getattr(s.report, field)
        if day is not None and s.deadline is not None and day > s.deadline:
            yield Hit((field,), expected=f"<= {s.deadline}", actual=day, params={field: day})

    return predicate


def published_before_signed(s: Subject) -> Iterable[Hit]:
    p, signed = s.report.published_on, s.report.signed_on
    if p is not None and signed is not None and p < signed:
        params = {"published_on": p, "signed_on": signed}
        yield Hit(("published_on", "signed_on"), expected=f">= {signed}", actual=p, params=params)


def no_dates(s: Subject) -> Iterable[Hit]:
    if s.report.signed_on is None and s.report.published_on is None:
        yield Hit(("signed_on", "published_on"))


def year_mismatch(s: Subject) -> Iterable[Hit]:
    for field, where in (("title_year", "标题"), ("period_year", "统计期限")):
        other = getattr(s.report, field)
        if other is not None and s.year is not None and other != s.year:
            yield Hit((field,), expected=s.year, actual=other, params={"where": where, "other": other})


def changed_after_publication(s: Subject) -> Iterable[Hit]:
    c = s.change
    versions = {"sha256": (c.first_sha256, c.sha256), "published_on": (c.first_published_on, c.published_on)}
    changed = [field for field, (first, now) in versions.items() if first != now]
    if changed:
        yield Hit(tuple(changed), params={"first_seen_on": c.first_seen})


# ---- 5. narrative ---------------------------------------------------------------------


def prose(report: Report) -> str:
    """The section texts joined (the whole text when sections were not found)."""
    return _joined(sorted(report.sections.items()), report.text)


def _joined(sections: Iterable[tuple[str, str]], text: str) -> str:
    return "\n".join(section for _, section in sections) or text


def full_text(report: Report) -> str:
    return report.text or prose(report)


def stated(
    patterns: tuple[str, ...], keys: tuple[str, ...], also: tuple[str, tuple[str, ...]] | None = None, **extra_params: object
) -> Predicate:
    """The number the prose states after a cue must equal Σ `keys`.

    `also` = (marker, keys): when the sentence matches the regex `marker`, Σ of those keys
    is accepted too (N01: "含上年结转" counts 本年新收 + 上年结转).
    """

    def predicate(s: Subject) -> Iterable[Hit]:
        values = list(map(s.values.get, keys))
        if None in values:
            return
        said = _statements(s.report, patterns)
        if said is None:
            return
        table = sum(values)
        accepted = {table}
        if also and re.search(also[0], said.sentence):
            extra = [s.report.value(k) for k in also[1]]
            if all(v is not None for v in extra):
                accepted.add(sum(extra))
        if said.n not in accepted:
            params = {"n": said.n, "m": table, "sentence": said.sentence, **extra_params}
            yield Hit(keys, expected=said.n, actual=table, params=params)

    return predicate


def says_none(pattern: str, key: str) -> Predicate:
    """N05: the prose says no applications came in, but the table counts some."""

    def predicate(s: Subject) -> Iterable[Hit]:
        value = s.report.value(key)
        if value and narrative.mentions(_flat_prose(s.report), pattern):
            yield Hit((key,), expected=0, actual=value, params={"new": value})

    return predicate


# ---- 6. completeness ------------------------------------------------------------------


def missing_sections(s: Subject) -> Iterable[Hit]:
    for key, heading in HEADINGS.items():
        if key not in s.report.sections:
            yield Hit((f"sections.{key}",), params={"n": SECTION_NUMERALS[key], "heading": heading})


def overview_topics(topics: dict[str, str], needed: int) -> Predicate:
    """C03: section 一 names at least `needed` of the format's topics (name → regex)."""

    def predicate(s: Subject) -> Iterable[Hit]:
        text = s.report.sections.get("s1")
        if text is None:
            return
        flat = _flat(text)
        missing = [name for name, pattern in topics.items() if not re.search(pattern, flat)]
        if len(topics) - len(missing) < needed:
            present = len(topics) - len(missing)
            yield Hit(("sections.s1",), expected=needed, actual=present, params={"missing": "、".join(missing)})

    return predicate


def government_results(terms: tuple[str, ...]) -> Predicate:
    """C04: a government's report speaks of each of `terms`."""

    def predicate(s: Subject) -> Iterable[Hit]:
        if s.kind != "gov":
            return
        flat = _flat(full_text(s.report))
        missing = [t for t in terms if t not in flat]
        if missing:
            yield Hit((), actual="、".join(missing))

    return predicate


def substantive_section(section: str, min_chars: int, cues: tuple[str, ...]) -> Predicate:
    """C05: a present section long enough, not just "无", with a match for every cue regex."""

    def predicate(s: Subject) -> Iterable[Hit]:
        text = s.report.sections.get(section)
        if text is None:
            return
        flat = re.sub(HEADING_PATTERNS[section], "", _flat(text), count=1)
        if len(flat) < min_chars or not all(re.search(c, flat) for c in cues):
            yield Hit((f"sections.{section}",), actual=len(flat))

    return predicate


def section_mentions(section: str, pattern: str, when_key: str | None = None) -> Predicate:
    """C06/C07: the section mentions `pattern`; with `when_key`, only when that figure is > 0.

    Without `when_key` an absent section is left to C01; with it, the figure makes the
    silence a finding whether or not the section exists.
    """

    def predicate(s: Subject) -> Iterable[Hit]:
        n = s.report.value(when_key) if when_key else None
        text = s.report.sections.get(section)
        if (when_key and not n) or (text is None and not when_key):
            return
        if not re.search(pattern, _flat(text or "")):
            keys = (f"sections.{section}",) + ((when_key,) if when_key else ())
            yield Hit(keys, actual=n, params={"n": n})

    return predicate


# ---- M. publication, and the agency's facts --------------------------------------------

CRAWL_FAILURES = {
    "blocked_antibot": ("被反爬虫机制拦截", "blocked by an anti-bot wall"),
    "robots_disallowed": ("robots.txt 禁止抓取", "disallowed by robots.txt"),
    "tls_error": ("TLS/证书错误", "TLS error"),
    "column_moved": ("年报栏目已迁移", "the report column has moved"),
    "column_missing": ("年报栏目不存在", "the report column is gone"),
    "js_only": ("页面须执行 JavaScript 才能显示", "the page needs JavaScript"),
    "network_error": ("网络故障", "network failure"),
}


def _due(s: Subject) -> bool:
    return s.deadline is not None and s.publication.today > s.deadline


def not_published(s: Subject) -> Iterable[Hit]:
    if s.publication.state == "not_published" and _due(s):
        yield Hit(("publication",), expected=f"<= {s.deadline}", actual="not_published")


def unreachable(s: Subject) -> Iterable[Hit]:
    state = s.publication.state
    if state in CRAWL_FAILURES and _due(s):
        zh, en = CRAWL_FAILURES[state]
        params = {"state": state, "state_zh": zh, "state_en": en, "url": s.publication.url or "—"}
        yield Hit(("publication",), actual=state, params=params)


def unparseable(s: Subject) -> Iterable[Hit]:
    if s.publication.state == "parse_error":
        yield Hit(("publication",), actual="parse_error", params={"reason": s.publication.reason or "—"})


def kind_unknown(s: Subject) -> Iterable[Hit]:
    if s.agency is not None and s.agency.kind not in KNOWN_KINDS:
        yield Hit(("agency.kind",), actual=s.agency.kind)
