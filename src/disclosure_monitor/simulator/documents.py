"""Annual-report documents built from real figures, in the formats portals serve.

A `ReportSpec` says what one report prints: whose figures (a dev-corpus report),
which dates, which cells are changed or blank, which sections are left out. The
renderers turn it into an HTML article page, a text PDF, a DOCX, or a file a parser
must refuse (legacy DOC, image-only PDF); `ReportSpec.figures()` is what a parser
must read back, so tests can check the parser end to end.
"""

from __future__ import annotations

import copy
import html
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, NamedTuple

from ..model import Value
from ..parse.template import APPEAL_GROUPS, APPEAL_KEYS, APPEAL_RESULTS, COLS, TEMPLATES, Template

if TYPE_CHECKING:
    from docx.oxml.table import CT_Tbl

FORMATS = ("html", "pdf", "docx", "doc", "image_pdf")
CONTENT_TYPES = {
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "image_pdf": "application/pdf",
}
EXTENSIONS = {"html": "html", "pdf": "pdf", "docx": "docx", "doc": "doc", "image_pdf": "pdf"}
# Formats a parser must refuse (errors.UnsupportedFormat): their (agency, year) ends in parse_error.
UNREADABLE = frozenset({"doc", "image_pdf"})


@cache
def sources() -> dict[str, dict]:
    """The real reports' figures bundled in data/figures.json, by dev-corpus id."""
    text = resources.files(__package__).joinpath("data/figures.json").read_text(encoding="utf-8")
    return json.loads(text)["sources"]


def _value(raw: int | str | None) -> Value:
    return Decimal(raw) if isinstance(raw, str) else raw


def printed(value: Value) -> str:
    """A cell as the report prints it; a blank cell prints nothing."""
    return "" if value is None else str(value)


@dataclass(frozen=True)
class ReportSpec:
    """One report as published. Hashable, so rendered bytes can be cached by it."""

    agency: str
    year: int
    source: str = "001"  # dev-corpus id whose figures the report prints; "002" is the 2019 template
    signed_on: date | None = None  # default: 20 January after the report year
    published_on: date | None = None  # default: two days after signing
    overrides: tuple[tuple[str, Value], ...] = ()  # cells printed differently (None: blank)
    omit: tuple[str, ...] = ()  # section ids s1…s6 left out
    encoding: str = "utf-8"  # of the HTML rendition
    # Vary the figures by agency and year, keeping every sum and every cross-year identity
    # true: a roster of distinct reports that read like real ones (the scenarios set it).
    vary: bool = False

    @property
    def template(self) -> Template:
        return TEMPLATES[sources()[self.source]["template"]]

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    @property
    def signed(self) -> date:
        return self.signed_on or date(self.year + 1, 1, 20)

    @property
    def published(self) -> date:
        return self.published_on or self.signed + timedelta(days=2)

    def figures(self) -> dict[str, Value]:
        """Every figure key of the template with the value the document prints."""
        raw = sources()[self.source]["figures"]
        values = {key: _value(raw.get(key)) for key in self.template.figure_keys()}
        if self.vary:
            values.update(_varied(values, self))
        values.update(self.overrides)
        return values

    def with_cells(self, cells: dict[str, Value]) -> ReportSpec:
        """The same report with some cells printed differently (None: blank)."""
        return replace(self, overrides=self.overrides + tuple(cells.items()))

    def inconsistent(self) -> ReportSpec:
        """One cell off by one, so a row sum (A01) and a column sum (A02) fail."""
        key = "apply.granted.natural"
        return self.with_cells({key: (self.figures()[key] or 0) + 1})


def _varied(values: dict[str, Value], spec: ReportSpec) -> dict[str, Value]:
    """The source's counts scaled by a factor that changes every year; nothing carried over
    between years (so 上年结转 always equals last year's 结转下年度); 现行有效 steady with
    制发 = 废止; no 规章 (few agencies may make them)."""
    salt = zlib.crc32(spec.agency.encode())
    factor = 1 + (spec.year + salt) % 3
    counts = ("apply.", "review.", "suit_", "a20_5.", "a20_6.")
    out: dict[str, Value] = {
        k: v * factor for k, v in values.items() if isinstance(v, int) and k.startswith(counts)
    }
    for c in COLS:
        for row in ("carried_in", "carried_out"):
            if values.get(f"apply.{row}.{c}") is not None:
                out[f"apply.{row}.{c}"] = 0
        out[f"apply.new.{c}"] = out.get(f"apply.result_total.{c}")
    if spec.template.name == "2021":
        in_force = 5 + salt % 40
        issued = min((spec.year + salt) % 4, in_force)
        out.update({f"a20_1.regulation.{c}": 0 for c in ("issued", "abolished", "in_force")})
        out.update({"a20_1.normative.issued": issued, "a20_1.normative.abolished": issued})
        out["a20_1.normative.in_force"] = in_force
    return out


# ---------------------------------------------------------------------------
# Tables as a grid of cells with spans, rendered to HTML, DOCX and PDF alike.


class Cell(NamedTuple):
    """A tuple, not a frozen dataclass: a report has ~280 of them, made on every render."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Grid:
    n_rows: int
    n_cols: int
    cells: tuple[Cell, ...]

    def rows(self) -> list[list[Cell]]:
        """Cells grouped by the row they start in, left to right."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in sorted(self.cells):  # by (row, col): no two cells start at the same place
            out[cell.row].append(cell)
        return out


# Section 2 of each template: (heading, column heads, row labels) per block of 第二十条.
SECTION2_BLOCKS: dict[str, tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]] = {
    "2021": (
        ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "行政规范性文件")),
        ("第二十条第（五）项", ("本年处理决定数量",), ("行政许可",)),
        ("第二十条第（六）项", ("本年处理决定数量",), ("行政处罚", "行政强制")),
        ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("行政事业性收费",)),
    ),
    "2019": (
        ("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), ("规章", "规范性文件")),
        ("第二十条第（五）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("行政许可", "其他对外管理服务事项")),
        ("第二十条第（六）项", ("上一年项目数量", "本年增/减", "处理决定数量"), ("行政处罚", "行政强制")),
        ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), ("行政事业性收费",)),
        ("第二十条第（九）项", ("采购项目数量", "采购总金额"), ("政府集中采购",)),
    ),
}


class _GridBuilder:
    def __init__(self, n_cols: int) -> None:
        self.n_cols = n_cols
        self.cells: list[Cell] = []
        self.row = 0

    def put(self, col: int, text: str, rowspan: int = 1, colspan: int = 1, row: int | None = None) -> None:
        self.cells.append(Cell(self.row if row is None else row, col, text, rowspan, colspan))

    def values(self, first_col: int, values: list[Value]) -> None:
        """Value cells from first_col; the last one stretches to the table's right edge."""
        for i, value in enumerate(values):
            last = i == len(values) - 1
            span = self.n_cols - first_col - i if last else 1
            self.put(first_col + i, printed(value), colspan=span)

    def grid(self) -> Grid:
        return Grid(max(c.row + c.rowspan for c in self.cells), self.n_cols, tuple(self.cells))


def section2_grid(spec: ReportSpec, figures: dict[str, Value]) -> Grid:
    lines = {line.label: line for line in spec.template.section2}
    b = _GridBuilder(4)
    for heading, heads, labels in SECTION2_BLOCKS[spec.template.name]:
        b.put(0, heading, colspan=4)
        b.row += 1
        b.put(0, "信息内容")
        b.values(1, list(heads))  # column heads stretch like values do
        b.row += 1
        for label in labels:
            b.put(0, label)
            b.values(1, [figures[k] for k in lines[label].keys])
            b.row += 1
    return b.grid()


def section3_grid(spec: ReportSpec, figures: dict[str, Value]) -> Grid:
    b = _GridBuilder(10)
    b.put(0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3)
    b.put(3, "申请人情况", colspan=7)
    b.row = 1
    b.put(3, "自然人", rowspan=2)
    b.put(4, "法人或其他组织", colspan=5)
    b.put(9, "总计", rowspan=2)
    b.row = 2
    for i, head in enumerate(("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")):
        b.put(4 + i, head)
    rows = spec.template.rows
    results = range(2, len(rows) - 1)  # result rows and （七）总计 share the 三、本年度办理结果 header
    for i, rowspec in enumerate(rows):
        b.row = 3 + i
        if i in results:
            if i == results[0]:
                b.put(0, "三、本年度办理结果", rowspan=len(results))
            group, _, sub = rowspec.label.partition(" ")
            if sub:  # a group label and its first sub-row
                size = 1
                while i + size in results and not rows[i + size].label.startswith("（"):
                    size += 1
                b.put(1, group, rowspan=size)
                b.put(2, sub)
            elif group.startswith("（"):
                b.put(1, group, colspan=2)
            else:
                b.put(2, group)
        else:
            b.put(0, rowspec.label, colspan=3)
        b.values(3, [figures[f"apply.{rowspec.key}.{c}"] for c in COLS])
    return b.grid()


def section4_grid(figures: dict[str, Value]) -> Grid:
    b = _GridBuilder(15)
    b.put(0, "行政复议", colspan=5)
    b.put(5, "行政诉讼", colspan=10)
    b.row = 1
    for i, (_, label) in enumerate(APPEAL_RESULTS):
        b.put(i, label, rowspan=2)
    for g, (_, label) in enumerate(APPEAL_GROUPS[1:]):
        b.put(5 + 5 * g, label.removeprefix("行政诉讼（").removesuffix("）"), colspan=5)
    b.row = 2
    for g in range(2):
        for i, (_, label) in enumerate(APPEAL_RESULTS):
            b.put(5 + 5 * g + i, label)
    b.row = 3
    for i, key in enumerate(APPEAL_KEYS):
        b.put(i, printed(figures[key]))
    return b.grid()


# ---------------------------------------------------------------------------
# The text: six sections of plausible prose, varied per agency, consistent with the tables.

_OPENINGS = (
    "{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，",
    "{year}年，{agency}在上级政务公开办的指导下，紧紧围绕中心工作，",
    "{year}年，{agency}深入贯彻党中央、国务院关于全面推进政务公开的决策部署，",
    "{year}年以来，{agency}按照本级政府政务公开工作要点的安排，",
    "{year}年度，{agency}把政务公开作为建设法治政府的重要抓手，",
)
_MIDDLES = (
    "持续深化政务公开，不断提升政府信息公开质量和实效。",
    "扎实做好政府信息公开各项工作，切实保障人民群众的知情权、参与权和监督权。",
    "以公开促落实、促规范、促服务，政务公开工作取得新成效。",
    "围绕群众关切的事项及时发布信息，政策知晓度和满意度明显提升。",
)
_MANAGEMENT = (
    "严格落实信息发布保密审查制度，对公开的政府信息进行动态更新和规范管理。",
    "建立“先审后发、分级负责”的审核流程，年内开展两次政府信息公开属性自查。",
    "对照公开目录逐项梳理应公开事项，及时清理过期失效信息，确保信息准确一致。",
    "落实公文公开属性源头认定，拟公开文件在印发时同步明确公开方式。",
)
_PLATFORM = (
    "持续优化政府信息公开专栏，做好政务新媒体的信息发布和日常维护。",
    "完成门户网站栏目整合，集中发布法定主动公开内容，方便群众查找。",
    "依托政务服务平台和微信公众号同步推送重要信息，拓宽信息获取渠道。",
    "规范政府信息公开平台页面设置，定期检查链接有效性和内容更新情况。",
)
_OVERSIGHT = (
    "将政务公开工作纳入年度工作考核，主动接受社会评议，本年度未发生责任追究情况。",
    "设立意见箱和咨询电话接受群众监督，全年开展社会评议一次，未发生责任追究。",
    "把政务公开列入年度绩效考核内容，邀请群众代表参与评议，未发现需要追究责任的情形。",
)
_ISSUES = (
    "本年度政府信息公开工作虽取得一定成效，但仍存在一些问题和不足：一是公开内容的深度和广度还需拓展；二是政策解读形式较为单一。",
    "存在的主要问题是：信息更新的及时性有待提高，部分栏目内容不够完善，工作人员业务能力仍有不足。",
    "对照新要求，工作中仍有短板：个别业务科室公开意识不强，主动公开的信息以动态类为主，实质性内容偏少。",
    "问题主要表现在：依申请公开答复文书的规范性有待加强，政务新媒体互动回应不够及时。",
    "目前仍存在政策解读图解化、视频化产品较少，基层公开标准目录更新滞后等不足。",
)
_REMEDIES = (
    "下一步，我们将加强业务培训，丰富解读形式，持续改进信息发布质量，推动政务公开工作再上新台阶。",
    "改进措施：一是健全信息发布审核机制；二是加强栏目日常维护；三是定期开展业务培训，确保各项整改措施落到实处。",
    "针对上述问题，将制定整改清单，明确责任科室和完成时限，并把整改情况纳入年终考核。",
    "整改措施：建立信息更新提醒制度，每季度通报栏目更新情况，同时规范依申请公开答复文书格式。",
    "我们将引入第三方评估，围绕群众需求改进公开方式，提升政策解读的针对性和可读性。",
)


# Fields a report names as its focus: four of them make each agency's prose its own, as
# real reports' are (identical sections across agencies are a finding, X05).
_FIELDS = (
    "教育", "医疗卫生", "住房保障", "就业创业", "社会救助", "养老服务", "食品药品", "生态环境",
    "安全生产", "交通运输", "农业农村", "乡村振兴", "市场监管", "财政预决算", "政府采购", "国有资产",
    "城市建设", "自然资源", "水利", "文化旅游", "体育", "统计", "税费优惠", "营商环境",
    "行政审批", "行政执法", "应急管理", "退役军人服务", "民族宗教", "科技创新",
)


def _fields(spec: ReportSpec, salt: str) -> str:
    picked: list[str] = []
    for i in range(4):
        ranked = sorted(_FIELDS, key=lambda f: zlib.crc32(f"{spec.agency}{spec.year}{salt}{i}{f}".encode()))
        picked.append(next(f for f in ranked if f not in picked))
    return "、".join(picked[:3]) + "和" + picked[3]


def _pick(options: tuple[str, ...], spec: ReportSpec, salt: str) -> str:
    return options[zlib.crc32(f"{spec.agency}{spec.year}{salt}".encode()) % len(options)]


def _count(value: Value, text: str) -> str:
    return "" if value is None else text.format(value)


def sections(spec: ReportSpec, figures: dict[str, Value]) -> list[tuple[str, str, list[str] | Grid]]:
    """(section id, heading, body) for the sections the report prints, in order; bodies are paragraphs or a grid."""
    f, y = figures, spec.year
    new = f["apply.new.total"]
    if new == 0:
        applications = "本年度未收到政府信息公开申请。"
    else:
        applications = "全年" + "，".join(
            part
            for part in (
                _count(new, "共收到政府信息公开申请{}件"),
                _count(f["apply.carried_in.total"], "上年结转{}件"),
                _count(f["apply.result_total.total"], "办结{}件"),
                _count(f["apply.carried_out.total"], "结转下年度继续办理{}件"),
            )
            if part
        ) + "，均在法定期限内予以答复。"
    normative = f.get("a20_1.normative.issued")
    rules = _count(normative, "本年度制发行政规范性文件{}件，") if spec.template.name == "2021" else ""
    suits = [f[k] for k in ("suit_direct.total", "suit_after_review.total") if f[k] is not None]
    appeals = _count(f["review.total"], "本年度发生政府信息公开行政复议{}件") + (
        f"，行政诉讼{sum(suits)}件。" if suits else "。"
    )
    s1 = [
        _pick(_OPENINGS, spec, "open").format(year=y, agency=spec.agency) + _pick(_MIDDLES, spec, "mid"),
        f"（一）主动公开。{rules}通过政府门户网站及时主动公开机构职能、政策文件和{_fields(spec, 'open')}等领域信息。",
        f"（二）依申请公开。{applications}",
        "（三）政府信息管理。" + _pick(_MANAGEMENT, spec, "manage"),
        "（四）平台建设。" + _pick(_PLATFORM, spec, "platform"),
        "（五）监督保障。" + _pick(_OVERSIGHT, spec, "oversight"),
    ]
    return [
        (sid, heading, body)
        for sid, heading, body in (
            ("s1", "一、总体情况", s1),
            ("s2", "二、主动公开政府信息情况", section2_grid(spec, f)),
            ("s3", "三、收到和处理政府信息公开申请情况", section3_grid(spec, f)),
            ("s4", "四、政府信息公开行政复议、行政诉讼情况", section4_grid(f)),
            ("s5", "五、存在的主要问题及改进情况", [
                appeals,
                _pick(_ISSUES, spec, "issue") + f"{_fields(spec, 'gap')}领域的信息公开仍需加强。",
                _pick(_REMEDIES, spec, "remedy") + f"重点做好{_fields(spec, 'plan')}方面的公开工作。",
            ]),
            ("s6", "六、其他需要报告的事项", ["本年度未收取信息处理费。无其他需要报告的事项。"]),
        )
        if sid not in spec.omit
    ]


def preamble(spec: ReportSpec) -> str:
    y = spec.year
    return (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定，由{spec.agency}编制。"
        "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
        "存在的主要问题及改进情况、其他需要报告的事项。"
        f"本报告所列数据统计期限为{y}年1月1日至{y}年12月31日。"
    )


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------------------
# HTML: the report as a Word-exported fragment inside a portal article page.

_SPAN = '<p class="MsoNormal" align="{align}"><span style="font-family:宋体;font-size:{size}pt">{text}</span></p>'


def _grid_html(grid: Grid) -> str:
    out = ['<table class="MsoNormalTable" border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse">']
    for row in grid.rows():
        out.append("<tr>")
        for cell in row:
            spans = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            text = html.escape(cell.text) if cell.text else "<o:p>&nbsp;</o:p>"
            out.append(f'<td{spans} valign="center">' + _SPAN.format(align="center", size="9", text=text) + "</td>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def report_html(spec: ReportSpec) -> str:
    """The report itself, as the Word-exported fragment a portal editor pastes."""
    para = lambda text, align="justify": _SPAN.format(align=align, size="12", text=html.escape(text))
    out = [para(spec.title, "center"), para(preamble(spec))]
    for _, heading, body in sections(spec, spec.figures()):
        out.append(f'<p class="MsoNormal"><b><span style="font-family:黑体">{html.escape(heading)}</span></b></p>')
        out.extend([_grid_html(body)] if isinstance(body, Grid) else [para(p) for p in body])
    out += [para(spec.agency, "right"), para(chinese_date(spec.signed), "right")]
    return "\n".join(out)


def article_page(
    *,
    title: str,
    published: date,
    publisher: str,
    body: str,
    index_no: str = "",
    container: str = 'class="TRS_Editor"',
    charset: str = "utf-8",
    site_name: str = "政府门户网站",
) -> str:
    """A portal article page: national <meta> tags, the 信息公开 head table, the body container."""
    e = html.escape
    return f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{e(title)}_{e(site_name)}</title>
<meta name="SiteName" content="{e(site_name)}">
<meta name="ColumnName" content="政府信息公开年报">
<meta name="ArticleTitle" content="{e(title)}">
<meta name="PubDate" content="{published.isoformat()} 09:30">
<meta name="ContentSource" content="{e(publisher)}">
</head><body>
<div class="top">无障碍 | 长者版 | 繁體版</div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<table class="xxgk_head">
<tr><td>索引号：</td><td>{e(index_no)}</td><td>发布机构：</td><td>{e(publisher)}</td></tr>
<tr><td>成文日期：</td><td>{chinese_date(published)}</td><td>发布日期：</td><td>{published.isoformat()}</td></tr>
<tr><td>名称：</td><td colspan="3">{e(title)}</td></tr>
</table>
<h1 class="article-title">{e(title)}</h1>
<div {container}>
{body}
</div>
<div class="tools">打印 | 关闭 | 字体：大 中 小</div>
</body></html>
"""


def render_html(spec: ReportSpec, container: str = 'class="TRS_Editor"') -> bytes:
    charset = "gb2312" if spec.encoding.lower() in ("gbk", "gb2312", "gb18030") else spec.encoding
    page = article_page(
        title=spec.title,
        published=spec.published,
        publisher=spec.agency,
        body=report_html(spec),
        index_no=f"{zlib.crc32(spec.agency.encode()) % 10**9:09d}/{spec.year + 1}-00001",
        container=container,
        charset=charset,
    )
    return page.encode("gb18030" if charset == "gb2312" else spec.encoding)


# ---------------------------------------------------------------------------
# PDF: a real text PDF (reportlab, CID font STSong-Light: no font file needed).

_PAGE_W, _PAGE_H, _MARGIN = 595.0, 842.0, 40.0
_GRID_WIDTHS = {4: (130, 133, 133, 133), 10: (66, 70, 150) + (35,) * 7, 15: (35,) * 15}


@cache
def _cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _wrap(text: str, width: float, size: float) -> list[str]:
    per_line = max(1, int(width // size))
    return [text[i : i + per_line] for i in range(0, len(text), per_line)] or [""]


class _PdfWriter:
    """Lines of text top-down with page breaks and a page number footer."""

    def __init__(self, title: str) -> None:
        from reportlab.pdfgen import canvas

        self.buffer = io.BytesIO()
        self.canvas = canvas.Canvas(self.buffer, pagesize=(_PAGE_W, _PAGE_H))
        self.canvas.setTitle(title)
        self.font = _cjk_font()
        self.page = 1
        self.y = _PAGE_H - _MARGIN

    def need(self, height: float) -> None:
        if self.y - height < _MARGIN:
            self.canvas.setFont(self.font, 9)
            self.canvas.drawCentredString(_PAGE_W / 2, _MARGIN / 2, f"- {self.page} -")
            self.canvas.showPage()
            self.page += 1
            self.y = _PAGE_H - _MARGIN

    def text(self, text: str, size: float = 11, align: str = "left") -> None:
        width = _PAGE_W - 2 * _MARGIN
        for line in _wrap(text, width, size):
            self.need(size * 1.6)
            self.y -= size * 1.6
            self.canvas.setFont(self.font, size)
            if align == "center":
                self.canvas.drawCentredString(_PAGE_W / 2, self.y, line)
            elif align == "right":
                self.canvas.drawRightString(_PAGE_W - _MARGIN, self.y, line)
            else:
                self.canvas.drawString(_MARGIN, self.y, line)

    def grid(self, grid: Grid, size: float = 7) -> None:
        widths = _GRID_WIDTHS[grid.n_cols]
        lefts = [_MARGIN + sum(widths[:i]) for i in range(len(widths))]
        for row in grid.rows():
            wrapped = [(c, _wrap(c.text, sum(widths[c.col : c.col + c.colspan]) - 2, size)) for c in row]
            height = max((len(lines) for _, lines in wrapped), default=1) * size * 1.4
            self.need(height)
            self.canvas.setFont(self.font, size)
            for cell, lines in wrapped:
                for n, line in enumerate(lines):
                    self.canvas.drawString(lefts[cell.col] + 1, self.y - (n + 1) * size * 1.4, line)
            self.y -= height + 2

    def close(self) -> bytes:
        self.need(_PAGE_H)  # footer of the last page
        self.canvas.save()
        return self.buffer.getvalue()


# Big enough for every rendition of a benchmark's pdf_pool (pools × years × templates, some inconsistent).
@lru_cache(maxsize=256)
def render_pdf(spec: ReportSpec) -> bytes:
    pdf = _PdfWriter(spec.title)
    pdf.text(spec.title, 16, "center")
    pdf.text(preamble(spec))
    for _, heading, body in sections(spec, spec.figures()):
        pdf.text(heading, 12)
        if isinstance(body, Grid):
            pdf.grid(body)
        else:
            for paragraph in body:
                pdf.text(paragraph)
    pdf.text(spec.agency, align="right")
    pdf.text(chinese_date(spec.signed), align="right")
    return pdf.close()


@lru_cache(maxsize=8)
def render_image_pdf(spec: ReportSpec) -> bytes:
    """A scan: grey bars where text would be, and no text layer at all."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(_PAGE_W, _PAGE_H))
    page.setTitle("")
    page.setFillGray(0.3)
    for n in range(40):
        width = 515 - (zlib.crc32(f"{spec.agency}{n}".encode()) % 200)
        page.rect(_MARGIN, _PAGE_H - _MARGIN - 18 * n, width, 8, stroke=0, fill=1)
    page.save()
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# DOCX (python-docx, real tables with merged cells) and a legacy DOC.


@lru_cache(maxsize=256)
def render_docx(spec: ReportSpec) -> bytes:
    import docx
    from docx.table import Table

    document = docx.Document()
    document.core_properties.title = spec.title
    # The same report renders to the same bytes: a portal's file does not change per download.
    stamp = datetime.combine(spec.signed, datetime.min.time())
    document.core_properties.created = document.core_properties.modified = stamp
    document.add_heading(spec.title, level=1)
    document.add_paragraph(preamble(spec))
    for _, heading, body in sections(spec, spec.figures()):
        document.add_paragraph(heading, style="Heading 2")
        if isinstance(body, Grid):
            tbl = copy.deepcopy(_merged_table(body.n_rows, body.n_cols, _spans(body)))
            document.element.body._insert_tbl(tbl)
            grid = Table(tbl, document._body)._cells  # every grid position, read once
            for cell in body.cells:
                grid[cell.row * body.n_cols + cell.col].text = cell.text
        else:
            for paragraph in body:
                document.add_paragraph(paragraph)
    for line in (spec.agency, chinese_date(spec.signed)):
        document.add_paragraph(line).alignment = 2  # right
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip_times(buffer.getvalue(), stamp)


Spans = tuple[tuple[int, int, int, int], ...]  # (row, col, rowspan, colspan) of each merged cell


def _spans(grid: Grid) -> Spans:
    return tuple((c.row, c.col, c.rowspan, c.colspan) for c in grid.cells if c.rowspan > 1 or c.colspan > 1)


@lru_cache(maxsize=32)
def _merged_table(n_rows: int, n_cols: int, spans: Spans) -> CT_Tbl:
    """An empty "Table Grid" table with these cells merged, made once per layout and copied:
    python-docx's merge reads the whole table again for every merged cell, which was half
    the simulator's CPU in a benchmark crawl (its reports share a few layouts)."""
    import docx

    table = docx.Document().add_table(rows=n_rows, cols=n_cols)
    table.style = "Table Grid"
    grid = table._cells
    for row, col, rowspan, colspan in spans:
        grid[row * n_cols + col].merge(grid[(row + rowspan - 1) * n_cols + col + colspan - 1])
    return table._tbl


def _fixed_zip_times(data: bytes, stamp: datetime) -> bytes:
    """Rewrite a zip with every member dated `stamp`, so its bytes do not depend on the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, src.read(info))
    return out.getvalue()


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def render_doc(spec: ReportSpec) -> bytes:
    """A Word 97 file as far as any sniffer can tell: OLE header, then the title in UTF-16."""
    header = OLE_MAGIC + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00\x06\x00"
    return header.ljust(512, b"\x00") + spec.title.encode("utf-16-le").ljust(1536, b"\x00")


RENDERERS = {
    "html": render_html,
    "pdf": render_pdf,
    "docx": render_docx,
    "doc": render_doc,
    "image_pdf": render_image_pdf,
}


def render(spec: ReportSpec, fmt: str) -> bytes:
    """The document's bytes in one of FORMATS."""
    return RENDERERS[fmt](spec)
