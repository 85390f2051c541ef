"""Every check of spec/checks.md as one row: id, severity, scope, what it reads, its formula,
its predicate and its messages in Chinese and English.

The engine runs the rows of a scope and fills the messages with `str.format` from the
predicate's parameters plus `agency`, `year`, `prev_year`, `deadline`, `expected` and
`actual`. The narrative cues (`parse/narrative.py`) are regular expressions over the
text with white space removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..parse.narrative import (
    ACTIVITY,
    CARRIED_OUT,
    HANDLED,
    NONE_RECEIVED,
    NORMATIVE,
    RECEIVED,
    REVIEW,
    SUIT,
)
from . import predicates as p
from .predicates import Predicate

ERROR, WARNING, INFO = "error", "warning", "info"

# scopes: what a row needs to be evaluated (see engine.py)
REPORT, PAIR, HISTORY, COPIES, PUBLICATION, CHANGE = "report", "pair", "history", "copies", "publication", "change"
AGENCY = "agency"  # facts about the configured agency, raised with REPORT and PUBLICATION

COPY_SECTIONS, COPY_THRESHOLD = ("s1", "s5"), 0.90


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    scope: str
    reads: tuple[str, ...]
    formula: str
    predicate: Predicate
    message_zh: str
    message_en: str


OVERVIEW_TOPICS = {
    "主动公开": r"主动公开",
    "依申请公开": r"依申请",
    "政府信息管理": r"信息管理",
    "平台建设": r"平台建设|公开平台",
    "监督保障": r"监督保障",
}

SUMS = "apply.*, review.*, suit_*.*"
BLANK_NOTE = ("（含空白单元格，按0计）", " (blank cells counted as 0)")

CATALOGUE: tuple[Check, ...] = (
    # M. publication
    Check(
        "M01", ERROR, PUBLICATION, ("state", "today"),
        "today > deadline(Y, kind) and the column was crawled completely without a report",
        p.not_published,
        "{agency}未在法定期限{deadline}前公开{year}年度政府信息公开工作年度报告。",
        "{agency} has not published its {year} annual report; the deadline was {deadline}.",
    ),
    Check(
        "M02", WARNING, PUBLICATION, ("state", "url"),
        "the column could not be crawled (state in CRAWL_FAILURES), after the deadline",
        p.unreachable,
        "无法核验{agency}{year}年度报告：{state_zh}（{url}）。",
        "Cannot verify {agency}'s {year} report: {state_en} ({url}).",
    ),
    Check(
        "M03", WARNING, PUBLICATION, ("state", "reason"),
        "a report was found but could not be parsed",
        p.unparseable,
        "{agency}{year}年度报告无法解析（{reason}），数据未核验。",
        "{agency}'s {year} report could not be parsed ({reason}).",
    ),
    Check(
        "D00", INFO, AGENCY, ("agency.kind",),
        "agency kind not configured: deadline (Y+1)-03-31 assumed",
        p.kind_unknown,
        "{agency}的机关类型未配置，按{deadline}的期限核验。",
        "{agency}'s kind is not configured; the later deadline {deadline} is assumed.",
    ),
    # 1. table arithmetic
    Check(
        "A01", ERROR, REPORT, (SUMS,),
        "apply.r.total = Σ_{c∈COLS_A} apply.r.c",
        p.identities("A01"),
        "「{row_label}」行总计为{actual}，但各类申请人之和为{expected}。",
        'Row "{row_label}": 总计 is {actual} but the applicant columns sum to {expected}.',
    ),
    Check(
        "A02", ERROR, REPORT, (SUMS,),
        "apply.result_total.c = Σ_{r∈RESULT_ROWS} apply.r.c",
        p.identities("A02"),
        "「{col_label}」列（七）总计为{actual}，但各办理结果之和为{expected}。",
        'Column "{col_label}": （七）总计 is {actual} but the result rows sum to {expected}.',
    ),
    Check(
        "A03", ERROR, REPORT, (SUMS,),
        "apply.new.c + apply.carried_in.c = apply.result_total.c + apply.carried_out.c",
        p.identities("A03"),
        "「{col_label}」列勾稽不符：本年新收+上年结转={lhs_terms}={lhs}，办理结果总计+结转下年度={rhs_terms}={rhs}。",
        'Column "{col_label}" fails 一+二=三+四: {lhs_terms}={lhs} vs {rhs_terms}={rhs}.',
    ),
    Check(
        "A04", ERROR, REPORT, ("review.*",),
        "review.total = upheld + corrected + other + pending",
        p.identities("A04"),
        "行政复议总计为{actual}，但维持、纠正、其他、尚未审结之和为{expected}。",
        "行政复议 总计 is {actual}, components sum to {expected}.",
    ),
    Check(
        "A05", ERROR, REPORT, ("suit_direct.*",),
        "suit_direct.total = Σ components",
        p.identities("A05"),
        "行政诉讼（未经复议直接起诉）总计为{actual}，分项之和为{expected}。",
        "Litigation without prior review: 总计 {actual} ≠ sum {expected}.",
    ),
    Check(
        "A06", ERROR, REPORT, ("suit_after_review.*",),
        "suit_after_review.total = Σ components",
        p.identities("A06"),
        "行政诉讼（复议后起诉）总计为{actual}，分项之和为{expected}。",
        "Litigation after review: 总计 {actual} ≠ sum {expected}.",
    ),
    Check(
        "A07", ERROR, REPORT, ("*",),
        "count keys are integers ≥ 0 (2019 delta may be negative); money ≥ 0",
        p.typed_values,
        "「{label}」的值「{raw}」不是非负整数（金额）。",
        '"{label}" value "{raw}" is not a non-negative integer (amount).',
    ),
    Check(
        "C02", WARNING, REPORT, ("tables_complete",),
        "tables 二, 三, 四 found and parsed",
        p.tables_complete,
        "未找到或无法解析“{table}”统计表。",
        'Table "{table}" missing or unparseable.',
    ),
    # 2. plausibility
    Check(
        "P01", WARNING, REPORT, p.REGULATION_KEYS + ("agency.kind", "agency.level"),
        "max(a20_1.regulation.*) > 0 and (kind ∉ {state_council_dept, gov, gov_office} or level ∈ {county, township})",
        p.regulation_power,
        "本机关无规章制定权，但规章栏填报了数字（制发{i}/废止{a}/现行有效{f}）。",
        "This agency cannot make 规章, yet the 规章 row is non-zero ({i}/{a}/{f}).",
    ),
    Check(
        "P02", WARNING, REPORT, ("a20_1.*.in_force", "a20_1.*.issued"),
        "a20_1.X.in_force < a20_1.X.issued",
        p.in_force_below_issued,
        "「{row_label}」现行有效件数{f}少于本年制发件数{i}。",
        '"{row_label}": 现行有效 {f} is below this year\'s 制发 {i}.',
    ),
    Check(
        "P03", WARNING, REPORT, (p.FEE_KEY,),
        "raw has 元 without 万, or > 6 decimals, or ≥ 1,000,000 and kind ≠ gov",
        p.fee_unit,
        "行政事业性收费金额「{raw}」疑似未按“万元”填报。",
        'Fee amount "{raw}" looks like it is not in 万元.',
    ),
    Check(
        "P04", WARNING, REPORT, ("apply.*", "review.*", "suit_*.*"),
        "any null cell in the complete tables 三/四",
        p.blank_cells,
        "表格存在{n}个空白单元格（应填0），勾稽关系无法完整核验。",
        "{n} blank cells in the tables (0 expected); 勾稽 cannot be fully verified.",
    ),
    Check(
        "P05", WARNING, HISTORY, ("*", "sections"),
        "all figures 0 in Y, Y−1, Y−2 while the text states applications/处罚/许可 > 0",
        p.zero_tables_for_years(ACTIVITY),
        "表格数据连续三年全部为0，与正文所述不符。",
        "Tables are all zero for three years, contradicting the text.",
    ),
    # 3. cross-year, copies, format
    Check(
        "X01", WARNING, PAIR, ("apply.carried_in.*", "apply.carried_out.*"),
        "apply.carried_in.c(Y) = apply.carried_out.c(Y−1)",
        p.carried_over,
        "「{col_label}」列上年结转{cin}件，与{prev_year}年报告“结转下年度继续办理”{prev}件不一致。",
        'Column "{col_label}": 上年结转 {cin} ≠ last year\'s 结转下年度 {prev}.',
    ),
    Check(
        "X02", WARNING, PAIR, ("a20_1.*",),
        "in_force(Y) = in_force(Y−1) + issued(Y) − abolished(Y), both years template 2021",
        p.in_force_carried,
        "「{row_label}」现行有效件数{f}，按上年{f0}+本年制发{i}−本年废止{a}应为{expected}。",
        '"{row_label}": 现行有效 {f}; last year {f0} + issued {i} − abolished {a} = {expected}.',
    ),
    Check(
        "X03", WARNING, PAIR, ("sections.s5",),
        "sim(s5(Y), s5(Y−1)) ≥ 0.85",
        p.similar_sections("s5", 0.85),
        "“存在的主要问题及改进情况”与上年报告相似度{pct}%，疑似照搬。",
        "Section 五 is {pct}% similar to last year's.",
    ),
    Check(
        "X04", WARNING, PAIR, ("text", "*"),
        "sim(full(Y), full(Y−1)) ≥ 0.90, or all figures identical to Y−1 and not all zero",
        p.same_report(0.90),
        "本年报告与上年报告高度雷同（{what_zh}，相似度{pct}%）。",
        "Report is near-identical to last year's ({what_en}, {pct}% similar).",
    ),
    Check(
        "X05", WARNING, COPIES, ("sections.s1", "sections.s5"),
        "sim(s1 or s5, same section of another agency's Y report) ≥ COPY_THRESHOLD",
        p.copied_sections,
        "“{section}”与{other_agency}同年报告相似度{pct}%，疑似抄袭。",
        "Section {section} is {pct}% similar to {other_agency}'s report.",
    ),
    Check(
        "X06", WARNING, REPORT, ("template",),
        "(Y ≥ 2021 and template ∈ {2019, mixed}) or (Y ≥ 2019 and template = other)",
        p.old_format,
        "{year}年度报告未使用国办公开办函〔2021〕30号规定的新版格式（识别为{template}）。",
        "Year-{year} report does not use the 2021 national format (detected: {template}).",
    ),
    # 4. dates
    Check(
        "D01", ERROR, REPORT, ("signed_on", "published_on"),
        "signed_on ≤ Y-12-31 or published_on ≤ Y-12-31",
        p.before_period_end,
        "报告日期{date}早于统计期结束（{year}年12月31日）。",
        "Date {date} is before the reporting period ends.",
    ),
    Check(
        "D02", WARNING, REPORT, ("published_on", "agency.kind"),
        "published_on > deadline(Y, kind)",
        p.after_deadline("published_on"),
        "报告于{published_on}发布，晚于法定期限{deadline}（《条例》第四十九条）。",
        "Published {published_on}, after the legal deadline {deadline} (Art. 49).",
    ),
    Check(
        "D03", WARNING, REPORT, ("signed_on", "agency.kind"),
        "signed_on > deadline(Y, kind)",
        p.after_deadline("signed_on"),
        "落款日期{signed_on}晚于法定期限{deadline}。",
        "Signed {signed_on}, after the deadline {deadline}.",
    ),
    Check(
        "D04", WARNING, REPORT, ("published_on", "signed_on"),
        "published_on < signed_on",
        p.published_before_signed,
        "发布日期{published_on}早于落款日期{signed_on}。",
        "Published before it was signed.",
    ),
    Check(
        "D05", WARNING, REPORT, ("signed_on", "published_on"),
        "signed_on is null and published_on is null",
        p.no_dates,
        "未能识别落款日期和发布日期，无法判断是否按时发布。",
        "No signing or publication date found; timeliness unknown.",
    ),
    Check(
        "D06", WARNING, REPORT, ("title_year", "period_year"),
        "the year in the title or the 统计期限 sentence ≠ year",
        p.year_mismatch,
        "报告年度{year}与{where}中的年份{other}不一致。",
        "Reporting year {year} disagrees with {where} ({other}).",
    ),
    Check(
        "D07", WARNING, CHANGE, ("sha256", "published_on"),
        "content hash or published_on differs from the first captured version",
        p.changed_after_publication,
        "报告在首次发布后被修改（首次抓取{first_seen_on}）。",
        "Report changed after first publication (first seen {first_seen_on}).",
    ),
    # 5. narrative vs table
    Check(
        "N01", WARNING, REPORT, ("sections", "apply.new.total"),
        "收到/受理/新收/接收…申请 N件 = apply.new.total (or + carried_in.total if 含上年结转)",
        p.stated(RECEIVED, ("apply.new.total",), also=(r"含上年度?结转", ("apply.new.total", "apply.carried_in.total"))),
        "正文称收到申请{n}件，表格“本年新收”为{m}件。",
        "Text says {n} applications received; table says {m}.",
    ),
    Check(
        "N02", WARNING, REPORT, ("sections", "apply.result_total.total"),
        "办结/答复/办理完毕 N件 = apply.result_total.total",
        p.stated(HANDLED, ("apply.result_total.total",)),
        "正文称办结{n}件，表格“（七）总计”为{m}件。",
        "Text says {n} handled; table 总计 is {m}.",
    ),
    Check(
        "N03", WARNING, REPORT, ("sections", "apply.carried_out.total"),
        "结转下年度/顺延到下年度 N件 = apply.carried_out.total",
        p.stated(CARRIED_OUT, ("apply.carried_out.total",)),
        "正文称结转下年度{n}件，表格为{m}件。",
        "Text says {n} carried forward; table says {m}.",
    ),
    Check(
        "N04", WARNING, REPORT, ("sections", "review.total"),
        "行政复议 N件 = review.total",
        p.stated(REVIEW, ("review.total",), kind_zh="行政复议", kind_en="administrative review"),
        "正文称{kind_zh}{n}件，表格为{m}件。",
        "Text says {n} {kind_en} cases; table says {m}.",
    ),
    Check(
        "N04", WARNING, REPORT, ("sections", "suit_direct.total", "suit_after_review.total"),
        "行政诉讼 N件 = suit_direct.total + suit_after_review.total",
        p.stated(SUIT, ("suit_direct.total", "suit_after_review.total"), kind_zh="行政诉讼", kind_en="litigation"),
        "正文称{kind_zh}{n}件，表格为{m}件。",
        "Text says {n} {kind_en} cases; table says {m}.",
    ),
    Check(
        "N05", WARNING, REPORT, ("sections", "apply.new.total"),
        "text says 未收到…申请 / 无依申请 but apply.new.total > 0",
        p.says_none(NONE_RECEIVED, "apply.new.total"),
        "正文称未收到申请，但表格“本年新收”为{new}件。",
        "Text says no applications but the table shows {new}.",
    ),
    Check(
        "N06", WARNING, REPORT, ("sections", "a20_1.normative.issued"),
        "制发/印发 行政规范性文件 N件 = a20_1.normative.issued",
        p.stated(NORMATIVE, ("a20_1.normative.issued",)),
        "正文称制发行政规范性文件{n}件，表格为{m}件。",
        "Text says {n} 行政规范性文件 issued; table says {m}.",
    ),
    # 6. completeness
    Check(
        "C01", WARNING, REPORT, ("sections",),
        "all six headings present",
        p.missing_sections,
        "报告缺少第{n}部分“{heading}”（《条例》第五十条）。",
        'Section {n} "{heading}" is missing (Art. 50).',
    ),
    Check(
        "C03", WARNING, REPORT, ("sections.s1",),
        "s1 mentions ≥ 4 of 主动公开/依申请公开/政府信息管理/平台建设/监督保障",
        p.overview_topics(OVERVIEW_TOPICS, 4),
        "“总体情况”未涵盖{missing}等格式要求内容。",
        "Section 一 lacks {missing}.",
    ),
    Check(
        "C04", WARNING, REPORT, ("text", "agency.kind"),
        "kind = gov ⇒ text mentions 考核, 评议 and 责任追究",
        p.government_results(("考核", "评议", "责任追究")),
        "政府年度报告未报告工作考核、社会评议和责任追究结果情况（《条例》第五十条第四项）。",
        "Government report omits 考核/评议/责任追究 results (Art. 50(4)).",
    ),
    Check(
        "C05", WARNING, REPORT, ("sections.s5",),
        "s5 ≥ 50 chars with a problem cue and an improvement cue",
        p.substantive_section("s5", 50, (r"问题|不足|短板", r"改进|措施|下一步|整改")),
        "“存在的主要问题及改进情况”内容缺失或过于简略。",
        "Section 五 missing or perfunctory.",
    ),
    Check(
        "C06", WARNING, REPORT, ("sections.s6",),
        "s6 mentions 信息处理费 or 收费",
        p.section_mentions("s6", r"信息处理费|收费"),
        "“其他需要报告的事项”未说明信息处理费收取情况。",
        "Section 六 does not report 信息处理费.",
    ),
    Check(
        "C07", WARNING, REPORT, ("sections.s6", "apply.other_no_fee.total"),
        "apply.other_no_fee.total > 0 ⇒ s6 mentions 信息处理费 or 收费通知",
        p.section_mentions("s6", r"信息处理费|收费通知", when_key="apply.other_no_fee.total"),
        "有{n}件申请因逾期未缴费不再处理，但未报告信息处理费情况。",
        "{n} applications dropped for unpaid fees, but 信息处理费 is not reported.",
    ),
)
