"""What the simulated portals publish, drawn from one seed.

A `Scenario` lists sites (a portal shape, optionally one fault) and agencies (which
site, which years are missing, late, inconsistent or edited, in which format). The
`report` method turns an (agency, year) into the `ReportSpec` the portal publishes;
everything else — listings, URLs, expected outcomes — follows from it.
"""

from __future__ import annotations

import random
import weakref
import zlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .documents import ReportSpec

SHAPES = ("trs", "hanweb", "gkmlpt", "epoint", "gbk", "shared")

# S8 faults: the outcome state every (agency, year) on such a host ends in. None: the
# fault is transient and a polite crawler with retries still finds the reports.
FAULT_STATES: dict[str, str | None] = {
    "ts412": "blocked_antibot",  # 瑞数: 412 + $_ts script
    "jsl521": "blocked_antibot",  # 加速乐: 521 + __jsl_clearance cookie script
    "robots": "robots_disallowed",  # robots.txt Disallow: /
    "moved": "column_moved",  # column 301 to /
    "gone": "column_missing",  # column 404 (ISO-8859-1 error page)
    "soft404": "column_missing",  # column 200 页面不存在
    "js_shell": "js_only",  # column is an empty SPA shell
    "short_body": "network_error",  # Content-Length larger than the body, every time
    "stall": "network_error",  # headers, then silence for Scenario.stall_seconds
    "flaky503": None,  # the first two requests answer 503
    "retry429": None,  # the first request answers 429 Retry-After: 1
}

# Issue-7 attacks: hostile hosts a crawler must survive, within its time and memory limits,
# ending in this state (None: the reports are still found). Not in the default scenario:
# `hostile_scenario` serves them.
ATTACKS: dict[str, str | None] = {
    "drip": "network_error",  # the column page, one byte every 100 ms, forever
    "gzip_bomb": "parse_error",  # report pages: 1 GB of zeros as a ~1 MB gzip body (refused at the size cap)
    "deflate_bomb": "parse_error",  # the same as Content-Encoding: deflate
    "redirect_loop": "network_error",  # the column redirects to itself via a second URL
    "redirect_offhost": "network_error",  # report pages redirect to another loopback host
    "redirect_private": "network_error",  # report pages redirect to http://10.0.0.1/ (never connected to)
    "link_private": "network_error",  # report pages link their document at 169.254.169.254
    "endless_pages": "network_error",  # the column says it has 10,000 pages of notices, and serves them
    "bad_links": None,  # every report is also listed under file:// and javascript: links, first
    "huge_pdf": "parse_error",  # the PDF attachment is 500 MB, streamed without a Content-Length
    "docx_bomb": "parse_error",  # the DOCX attachment unpacks to 210 MB
    "deep_html": "parse_error",  # the report page nests its tables 100,000 tags deep
    "script_title": None,  # report titles and links carry <script>; the reports are inconsistent
}
ATTACK_FORMATS = {"huge_pdf": "pdf", "docx_bomb": "docx", "link_private": "pdf"}  # others: html
FAULTS = {**FAULT_STATES, **ATTACKS}

# Deadlines (checks.md): governments by 31 March, everyone else by 31 January.
_DEADLINE_MONTH = {"gov": 3}


def deadline(year: int, kind: str) -> date:
    month = 3 if year <= 2018 else _DEADLINE_MONTH.get(kind, 1)
    return date(year + 1, month, 31)


@dataclass(frozen=True)
class SiteSpec:
    name: str
    shape: str  # one of SHAPES
    fault: str | None = None  # one of FAULTS
    latency: float = 0.0  # seconds added to every answer
    per_page: int = 5


@dataclass(frozen=True)
class AgencySpec:
    name: str
    kind: str  # dept | gov | gov_office | township | state_council_dept
    region: str
    site: str
    first_year: int
    aliases: tuple[str, ...] = ()
    missing: frozenset[int] = frozenset()
    late: frozenset[int] = frozenset()
    inconsistent: frozenset[int] = frozenset()
    edited: frozenset[int] = frozenset()  # changed by Simulator.edit() under the same URL
    old_template: frozenset[int] = frozenset()  # years ≥ 2021 still in the 2019 template
    formats: tuple[tuple[int, str], ...] = ()  # years not listed are html

    def format(self, year: int) -> str:
        return dict(self.formats).get(year, "html")


@dataclass(frozen=True)
class Scenario:
    seed: int
    years: tuple[int, ...]
    sites: tuple[SiteSpec, ...]
    agencies: tuple[AgencySpec, ...]
    stall_seconds: float = 20.0
    pages: int = 10_000  # the endless_pages column's page count
    pdf_pool: int = 0  # >0: PDFs and DOCX render as one of a few shared documents (benchmarks)

    def site(self, name: str) -> SiteSpec:
        return _index(self).sites[name]

    def agencies_on(self, site: str) -> list[AgencySpec]:
        return list(_index(self).agencies.get(site, ()))

    def wanted_years(self, agency: AgencySpec) -> list[int]:
        return [y for y in self.years if y >= agency.first_year]

    def report(self, agency: AgencySpec, year: int) -> ReportSpec | None:
        """The report the portal publishes for (agency, year); None when it publishes none."""
        if year in agency.missing:
            return None
        salt = zlib.crc32(f"{self.seed}{agency.name}{year}".encode())
        source = "002" if year <= 2020 or year in agency.old_template else ("000", "001", "013")[salt % 3]
        due = deadline(year, agency.kind)
        published = due + timedelta(days=20 + salt % 60) if year in agency.late else due - timedelta(days=3 + salt % 25)
        spec = ReportSpec(
            agency.name,
            year,
            source=source,
            signed_on=published - timedelta(days=salt % 4),
            published_on=published,
            encoding="gb18030" if self.site(agency.site).shape == "gbk" else "utf-8",
            vary=True,
        )
        return spec.inconsistent() if year in agency.inconsistent else spec

    def rendition(self, spec: ReportSpec, fmt: str) -> ReportSpec:
        """The spec whose bytes are served: with a PDF pool, one of a few shared documents
        for PDF and DOCX, the formats that take a simulated portal 15 ms to 2 s to render."""
        if self.pdf_pool and fmt in ("pdf", "docx"):
            pool = zlib.crc32(spec.agency.encode()) % self.pdf_pool
            return replace(spec, agency=f"样例县第{pool + 1}机关", signed_on=None, published_on=None)
        return spec


@dataclass
class _Index:
    sites: dict[str, SiteSpec]
    agencies: dict[str, list[AgencySpec]]  # by site name


_INDEXES: dict[int, _Index] = {}


def _index(scenario: Scenario) -> _Index:
    """Sites by name and agencies by site, built once per scenario: a scan per site or per
    report is quadratic at 100,000 agencies on 3,000 hosts. Kept beside the scenario (by id,
    dropped when it is collected) so that its fields stay exactly its constructor's arguments."""
    index = _INDEXES.get(id(scenario))
    if index is None:
        agencies: dict[str, list[AgencySpec]] = defaultdict(list)
        for agency in scenario.agencies:
            agencies[agency.site].append(agency)
        index = _INDEXES[id(scenario)] = _Index({s.name: s for s in scenario.sites}, agencies)
        weakref.finalize(scenario, _INDEXES.pop, id(scenario), None)
    return index


# ---------------------------------------------------------------------------
# Generated rosters.

_REGIONS = (
    ("江西省赣州市赣县区", "赣县区"),
    ("江苏省宿迁市沭阳县", "沭阳县"),
    ("福建省平潭综合实验区", "平潭"),
    ("广东省深圳市龙华区", "龙华区"),
    ("浙江省衢州市龙游县", "龙游县"),
    ("四川省泸州市合江县", "合江县"),
)
# (name suffix, kind): what a county's roster holds.
_UNITS = (
    ("人民政府", "gov"),
    ("人民政府办公室", "gov_office"),
    ("发展和改革局", "dept"),
    ("统计局", "dept"),
    ("财政局", "dept"),
    ("教育局", "dept"),
    ("人力资源和社会保障局", "dept"),
    ("自然资源局", "dept"),
    ("住房和城乡建设局", "dept"),
    ("交通运输局", "dept"),
    ("农业农村局", "dept"),
    ("水利局", "dept"),
    ("商务局", "dept"),
    ("卫生健康委员会", "dept"),
    ("应急管理局", "dept"),
    ("市场监督管理局", "dept"),
    ("医疗保障局", "dept"),
    ("司法局", "dept"),
    ("民政局", "dept"),
    ("审计局", "dept"),
    ("融媒体中心", "dept"),
    ("退役军人事务局", "dept"),
    ("文化广电旅游局", "dept"),
    ("林业局", "dept"),
)
# Names only GB18030 (not GB2312) can encode, for the legacy GBK site.
_GBK_UNITS = (("镕城镇人民政府", "township"), ("堃山街道办事处", "township"))
_FORMAT_WEIGHTS = (("html", 60), ("pdf", 30), ("docx", 7), ("doc", 3))
# Sites of the default scenario: shape → share of the non-hostile agencies.
_SHARES = {"trs": 6, "hanweb": 5, "gkmlpt": 3, "epoint": 3, "gbk": 4, "shared": 10}


@dataclass
class _Roster:
    rng: random.Random
    years: tuple[int, ...]
    names: set[str] = field(default_factory=set)
    agencies: list[AgencySpec] = field(default_factory=list)

    def add(self, site: SiteSpec, count: int, *, missing=0.08, late=0.10, inconsistent=0.03) -> None:
        for n in range(count):
            region, short = self.rng.choice(_REGIONS)
            units = _GBK_UNITS if site.shape == "gbk" and n < len(_GBK_UNITS) else _UNITS
            unit, kind = units[n] if units is _GBK_UNITS else self.rng.choice(units)
            name = region.split("省")[-1] + unit
            while name in self.names:
                name = f"{name[:-len(unit)]}第{len(self.names)}{unit}"
            self.names.add(name)
            first = self.rng.choice(self.years[:2])
            wanted = [y for y in self.years if y >= first]
            pick = lambda share, wanted=wanted: frozenset(y for y in wanted if self.rng.random() < share)
            formats = tuple(
                (y, self.rng.choices([f for f, _ in _FORMAT_WEIGHTS], [w for _, w in _FORMAT_WEIGHTS])[0])
                for y in wanted
            )
            self.agencies.append(
                AgencySpec(
                    name=name,
                    kind=kind,
                    region=region,
                    site=site.name,
                    first_year=first,
                    aliases=(short + unit,),
                    missing=pick(missing),
                    late=pick(late),
                    inconsistent=pick(inconsistent),
                    formats=formats if site.shape in ("trs", "gbk", "shared") else (),
                )
            )


def default_scenario(seed: int = 0, n_agencies: int = 40, years: tuple[int, ...] = (2020, 2021, 2022, 2023, 2024)) -> Scenario:
    """About n_agencies agencies over every shape, one S8 host per fault (~8% missing, ~10% late, ~3% inconsistent)."""
    rng = random.Random(seed)
    roster = _Roster(rng, years)
    sites = [SiteSpec(f"{shape}-1", shape) for shape in _SHARES]
    per_share = max(n_agencies - len(FAULT_STATES), len(_SHARES)) / sum(_SHARES.values())
    for site in sites:
        roster.add(site, max(1, round(_SHARES[site.shape] * per_share)))
    for fault in FAULT_STATES:
        site = SiteSpec(f"hostile-{fault}", "trs", fault=fault)
        sites.append(site)
        roster.add(site, 1, missing=0, late=0, inconsistent=0)
    agencies = _with_fixtures(roster.agencies, years)
    return Scenario(seed, years, tuple(sites), tuple(agencies))


def _with_fixtures(agencies: list[AgencySpec], years: tuple[int, ...]) -> list[AgencySpec]:
    """Guarantee the cases tests rely on: one edited HTML report, one 2019-template report of a late year."""
    out = list(agencies)
    trs = next(i for i, a in enumerate(out) if a.site == "trs-1")
    last = years[-1]
    out[trs] = replace(
        out[trs],
        missing=out[trs].missing - {last},
        inconsistent=out[trs].inconsistent - {last},
        edited=frozenset({last}),
        formats=tuple((y, f) for y, f in out[trs].formats if y != last),
        old_template=frozenset({years[-2]}) - out[trs].missing,
    )
    return out


def hostile_scenario(*attacks: str, seed: int = 0, years: tuple[int, ...] = (2022, 2023, 2024)) -> Scenario:
    """One TRS host per attack (all of ATTACKS by default), one agency on each that published every year."""
    rng = random.Random(seed)
    roster = _Roster(rng, years)
    sites = tuple(SiteSpec(f"hostile-{attack}", "trs", fault=attack) for attack in attacks or ATTACKS)
    for site in sites:
        roster.add(site, 1, missing=0, late=0, inconsistent=0)
    agencies = []
    for agency, site in zip(roster.agencies, sites):
        fmt = ATTACK_FORMATS.get(site.fault or "", "html")
        inconsistent = frozenset(years) if site.fault == "script_title" else frozenset()
        agencies.append(replace(agency, formats=tuple((y, fmt) for y in years), inconsistent=inconsistent))
    return Scenario(seed, years, sites, tuple(agencies))


def scaled_scenario(n_agencies: int, n_hosts: int, seed: int = 0, years: tuple[int, ...] = (2021, 2022, 2023, 2024)) -> Scenario:
    """Thousands of agencies over n_hosts static and API hosts, for benchmarks; PDFs share a few documents."""
    rng = random.Random(seed)
    roster = _Roster(rng, years)
    shapes = ("trs", "hanweb", "gkmlpt", "shared")
    sites = [SiteSpec(f"{shapes[i % len(shapes)]}-{i}", shapes[i % len(shapes)], per_page=15) for i in range(n_hosts)]
    for i, site in enumerate(sites):
        roster.add(site, n_agencies // n_hosts + (1 if i < n_agencies % n_hosts else 0))
    return Scenario(seed, years, tuple(sites), tuple(roster.agencies), pdf_pool=6)
