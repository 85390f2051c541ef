"""The national annual-report templates as data: rows, their labels, their keys, their sums.

Two templates exist: the 2021 format (国办公开办函〔2021〕30号) and the 2019 试行
format (〔2019〕60号). Everything the extractor and the checks know about them is in
the tables below; a new template version is new rows here, not new control flow.

Label patterns are regular expressions over *normalised* label text (see
`normalise`): white space, punctuation and brackets removed, full-width folded.
When a label matches several rows, the match that ends last wins, because a
sub-row label ("1.属于国家秘密") follows its group label ("（三）不予公开").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

INT, MONEY, SIGNED = "int", "decimal", "signed"

_DROP = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")

# Characters whose NFKC form does not depend on their neighbours once none outside these ranges
# is present: Latin-1, general punctuation, enclosed numbers, CJK punctuation (less the combining
# tone marks 302A–302F), enclosed and compatibility CJK, the unified ideographs, full-width ASCII
# and signs. None is a combining mark or composes with another of them (the few whose form
# contains a mark, like ¨ → " ̈", put a space before it), so such a text folds one character
# at a time, through a table, the same as through NFKC as a whole (tests/parse/test_template.py).
IDEOGRAPHS = (0x4E00, 0x9FFF)  # CJK unified ideographs: NFKC leaves them be, and `normalise` keeps them
FOLDABLE = (
    (0x00, 0xFF), (0x2000, 0x206F), (0x2460, 0x24FF), (0x3000, 0x3029), (0x3030, 0x303F),
    (0x3200, 0x33FF), IDEOGRAPHS, (0xFF00, 0xFF60), (0xFFE0, 0xFFEE),
)  # fmt: skip
_NOT_FOLDABLE = re.compile("[^" + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in FOLDABLE) + "]")


def _fold(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def _ranges(codes: list[int]) -> str:
    """A regex character class of `codes` (ascending), as ranges."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in runs) + "]"


@cache
def _folding() -> tuple[re.Pattern[str], dict[int, str], re.Pattern[str]]:
    """What `_fold` makes of each foldable character but the ideographs (which it keeps as
    they are): a pattern of those it drops, a table of the others it changes, a pattern of those."""
    folded = {code: _fold(chr(code)) for low, high in FOLDABLE if low != IDEOGRAPHS[0] for code in range(low, high + 1)}
    mapped = {code: text for code, text in folded.items() if text and text != chr(code)}
    return re.compile(_ranges([code for code, text in folded.items() if not text]) + "+"), mapped, re.compile(_ranges(list(mapped)))


def normalise(text: str) -> str:
    """Fold full-width forms and drop everything but letters, digits and CJK (NFKC, lower case).

    Report texts, of which the checks normalise megabytes, fold one character at a time
    by regex and table: NFKC over a whole text was half the cost of masking it."""
    if _NOT_FOLDABLE.search(text):
        return _fold(text)
    dropped, mapped, maps = _folding()
    text = dropped.sub("", text)
    return text.translate(mapped) if maps.search(text) else text


@dataclass(frozen=True)
class LineSpec:
    """One row of a section-2 table: its label, and the figure key of each of its cells."""

    label: str
    pattern: str
    keys: tuple[str, ...]
    kind: str = INT

    def matches(self, norm_label: str) -> re.Match[str] | None:
        return _last_match(self.pattern, norm_label)


@dataclass(frozen=True)
class RowSpec:
    """One row of the section-3 table (收到和处理政府信息公开申请情况)."""

    key: str
    label: str
    pattern: str


def _last_match(pattern: str, text: str) -> re.Match[str] | None:
    found = None
    for found in re.finditer(pattern, text):
        pass
    return found


# Section 3: the applicant columns, in the order the template prints them.
APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
)
COLS_A = tuple(key for key, _ in APPLICANT_COLUMNS[:-1])
# How each applicant column's header reads once a PDF has broken it across lines ("商 业 企
# / 业"), as patterns over a normalised token: where to place a number under its column.
APPLICANT_HEADS = (r"自然人", r"商业.*", r"科研.*", r".*公益.*", r"法律.*", r"其他", r"总计")
COLS = COLS_A + ("total",)

_HEAD_ROWS = (
    RowSpec("new", "一、本年新收政府信息公开申请数量", r"本年新收|新收政府信息"),
    RowSpec("carried_in", "二、上年结转政府信息公开申请数量", r"上年结转"),
)
_RESULT_ROWS_COMMON = (
    RowSpec("granted", "（一）予以公开", r"(?<!不)予以公开"),
    RowSpec("partial", "（二）部分公开", r"部分公开"),
    RowSpec("withheld_secret", "（三）不予公开 1.属于国家秘密", r"国家秘密"),
    RowSpec("withheld_law", "2.其他法律行政法规禁止公开", r"禁止公开"),
    RowSpec("withheld_security", "3.危及“三安全一稳定”", r"三安全一稳定|危及"),
    RowSpec("withheld_third_party", "4.保护第三方合法权益", r"第三方"),
    RowSpec("withheld_internal", "5.属于三类内部事务信息", r"内部事务"),
    RowSpec("withheld_process", "6.属于四类过程性信息", r"过程性"),
    RowSpec("withheld_enforcement", "7.属于行政执法案卷", r"执法案卷"),
    RowSpec("withheld_inquiry", "8.属于行政查询事项", r"行政查询"),
    RowSpec("unable_not_held", "（四）无法提供 1.本机关不掌握相关政府信息", r"不掌握"),
    RowSpec("unable_need_create", "2.没有现成信息需要另行制作", r"另行制作|没有现成"),
    RowSpec("unable_unclear", "3.补正后申请内容仍不明确", r"仍不明确|补正后"),
    RowSpec("rejected_petition", "（五）不予处理 1.信访举报投诉类申请", r"信访|举报投诉"),
    RowSpec("rejected_duplicate", "2.重复申请", r"重复申请"),
    RowSpec("rejected_publication", "3.要求提供公开出版物", r"出版物"),
    RowSpec("rejected_excessive", "4.无正当理由大量反复申请", r"大量反复"),
    RowSpec("rejected_confirm", "5.要求行政机关确认或重新出具已获取信息", r"重新出具|确认或"),
)
_RESULT_ROWS_2021 = _RESULT_ROWS_COMMON + (
    RowSpec(
        "other_no_correction",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        r"不补正",
    ),
    RowSpec(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        r"缴纳费用|收费通知",
    ),
    RowSpec("other_other", "3.其他", r"(?:^|[3三])其他$"),
)
_RESULT_ROWS_2019 = _RESULT_ROWS_COMMON + (
    RowSpec("other_single", "（六）其他处理", r"其他处理$"),
)
_TAIL_ROWS = (
    RowSpec("result_total", "（七）总计", r"七总计|^总计$"),
    RowSpec("carried_out", "四、结转下年度继续办理", r"结转下年|下年度继续"),
)

# Section 4: one data row of fifteen cells, three groups of five.
APPEAL_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("suit_direct", "行政诉讼（未经复议直接起诉）"),
    ("suit_after_review", "行政诉讼（复议后起诉）"),
)
APPEAL_RESULTS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
APPEAL_KEYS = tuple(f"{g}.{r}" for g, _ in APPEAL_GROUPS for r, _ in APPEAL_RESULTS)


@dataclass(frozen=True)
class Identity:
    """A sum the template promises: Σ left == Σ right (勾稽关系)."""

    name: str  # the check id that reports it when it fails
    left: tuple[str, ...]
    right: tuple[str, ...]
    row: str | None = None  # which section-3 row or column it is about, for messages
    col: str | None = None


@dataclass(frozen=True)
class Template:
    """One national template: its section-2 rows, section-3 rows and its signatures."""

    name: str
    section2: tuple[LineSpec, ...]
    rows: tuple[RowSpec, ...]
    signatures: tuple[str, ...]

    def __hash__(self) -> int:
        """By name: templates key the caches the checks ask for every report, and the
        generated hash went through every row each time (a twentieth of the checks)."""
        return hash(self.name)

    @property
    def result_rows(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows[2:-2])

    def apply_keys(self) -> tuple[str, ...]:
        return tuple(f"apply.{r.key}.{c}" for r in self.rows for c in COLS)

    def figure_keys(self) -> tuple[str, ...]:
        section2 = tuple(k for line in self.section2 for k in line.keys)
        return section2 + self.apply_keys() + APPEAL_KEYS

    def identities(self) -> tuple[Identity, ...]:
        """Every sum of tables 三 and 四, in the order checks A01…A06 report them."""
        return _identities(self)


@cache
def _identities(template: Template) -> tuple[Identity, ...]:
    """`Template.identities`, made once per template (the parser asks for them per table)."""
    rows = [r.key for r in template.rows]
    out: list[Identity] = []
    for r in rows:
        out.append(
            Identity("A01", (f"apply.{r}.total",), tuple(f"apply.{r}.{c}" for c in COLS_A), row=r)
        )
    for c in COLS:
        out.append(
            Identity(
                "A02",
                (f"apply.result_total.{c}",),
                tuple(f"apply.{r}.{c}" for r in template.result_rows),
                col=c,
            )
        )
    for c in COLS:
        out.append(
            Identity(
                "A03",
                (f"apply.new.{c}", f"apply.carried_in.{c}"),
                (f"apply.result_total.{c}", f"apply.carried_out.{c}"),
                col=c,
            )
        )
    for check_id, (group, _) in zip(("A04", "A05", "A06"), APPEAL_GROUPS):
        parts = tuple(f"{group}.{r}" for r, _ in APPEAL_RESULTS[:-1])
        out.append(Identity(check_id, (f"{group}.total",), parts))
    return tuple(out)


TEMPLATE_2021 = Template(
    name="2021",
    section2=(
        LineSpec("规章", r"规章", tuple(f"a20_1.regulation.{c}" for c in ("issued", "abolished", "in_force"))),
        LineSpec(
            "行政规范性文件",
            r"规范性文件",
            tuple(f"a20_1.normative.{c}" for c in ("issued", "abolished", "in_force")),
        ),
        LineSpec("行政许可", r"行政许可", ("a20_5.licensing",)),
        LineSpec("行政处罚", r"行政处罚", ("a20_6.penalty",)),
        LineSpec("行政强制", r"行政强制", ("a20_6.coercion",)),
        LineSpec("行政事业性收费", r"事业性收费", ("a20_8.fees_wan",), MONEY),
    ),
    rows=_HEAD_ROWS + _RESULT_ROWS_2021 + _TAIL_ROWS,
    signatures=("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "逾期不补正"),
)

_ITEMS_2019 = ("prev_items", "delta", "decisions")
TEMPLATE_2019 = Template(
    name="2019",
    section2=(
        LineSpec("规章", r"规章", tuple(f"a20_1_2019.regulation.{c}" for c in ("made", "published", "total_public"))),
        LineSpec(
            "规范性文件",
            r"规范性文件",
            tuple(f"a20_1_2019.normative.{c}" for c in ("made", "published", "total_public")),
        ),
        LineSpec("行政许可", r"行政许可", tuple(f"a20_5_2019.licensing.{c}" for c in _ITEMS_2019), SIGNED),
        LineSpec(
            "其他对外管理服务事项",
            r"其他对外管理服务事项",
            tuple(f"a20_5_2019.other_services.{c}" for c in _ITEMS_2019),
            SIGNED,
        ),
        LineSpec("行政处罚", r"行政处罚", tuple(f"a20_6_2019.penalty.{c}" for c in _ITEMS_2019), SIGNED),
        LineSpec("行政强制", r"行政强制", tuple(f"a20_6_2019.coercion.{c}" for c in _ITEMS_2019), SIGNED),
        LineSpec("行政事业性收费", r"事业性收费", ("a20_8_2019.fees.prev_items", "a20_8_2019.fees.delta"), SIGNED),
        LineSpec(
            "政府集中采购",
            r"集中采购",
            ("a20_9_2019.procurement.projects", "a20_9_2019.procurement.amount"),
            MONEY,
        ),
    ),
    rows=_HEAD_ROWS + _RESULT_ROWS_2019 + _TAIL_ROWS,
    signatures=(
        "本年新制作数量",
        "本年新公开数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增减",
        "其他对外管理服务事项",
        "第二十条第九项",
        "政府集中采购",
        "采购总金额",
    ),
)

TEMPLATES = {t.name: t for t in (TEMPLATE_2021, TEMPLATE_2019)}

# The six section headings of every report (条例 Art. 50), with accepted variants.
SECTION_HEADINGS: tuple[tuple[str, str, str], ...] = (
    ("s1", "总体情况", r"总体情况"),
    ("s2", "主动公开政府信息情况", r"主动公开政府信息(?:的)?情况"),
    ("s3", "收到和处理政府信息公开申请情况", r"收到和处理政府信息公开申请(?:的)?情况"),
    (
        "s4",
        "政府信息公开行政复议、行政诉讼情况",
        (
            r"(?:政府信息公开|被申请)行政复议[、和及]?(?:提起)?行政诉讼(?:的)?情况"
            r"|政府信息公开行政复议及行政诉讼情况"
        ),
    ),
    (
        "s5",
        "存在的主要问题及改进情况",
        r"存在的?(?:主要)?问题及(?:其)?(?:改进|整改)(?:情况|措施)",
    ),
    ("s6", "其他需要报告的事项", r"其他需要报告的事项"),
)


def detect_template(norm_text: str) -> str:
    """`2021`, `2019`, `mixed` (section 2 of one, section 3 of the other) or `other`."""
    has_2021 = any(s in norm_text for s in TEMPLATE_2021.signatures[:5])
    has_2019 = any(s in norm_text for s in TEMPLATE_2019.signatures)
    if has_2021 and has_2019:
        return "mixed"
    if has_2021:
        return "2021"
    if has_2019:
        return "2019"
    return "other"


def all_figure_keys() -> tuple[str, ...]:
    """Every canonical key of both templates, each once, in template order."""
    seen: dict[str, None] = {}
    for template in (TEMPLATE_2021, TEMPLATE_2019):
        for key in template.figure_keys():
            seen.setdefault(key)
    return tuple(seen)
