"""The portal shapes of spec/portals.md §4, each answering requests from the scenario.

A `Site` turns its agencies' reports into listing `Item`s and answers a `Request`
with a `Response`; it never touches sockets (server.py does). Shapes differ only
in how they list and where they put articles: TRS static pages (S1, and S6 in
GB18030), the shared county column (S7), Hanweb datastore + dataproxy (S2), the
gkmlpt JSON API (S4) and the Epoint JSON POST (S5). S8 faults wrap any of them.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import itertools
import json
import posixpath
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs

from .documents import CONTENT_TYPES, EXTENSIONS, UNREADABLE, ReportSpec, article_page, render, render_html
from .scenario import FAULTS, AgencySpec, Scenario, SiteSpec


@dataclass
class Request:
    method: str
    path: str  # without the query
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    query_string: str = ""

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query_string}" if self.query_string else self.path


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: date | None = None  # set on static content: ETag + Last-Modified + 304
    stall: float = 0.0  # seconds of silence after the headers
    declared_length: int | None = None  # a Content-Length that lies
    stream: Iterable[bytes] | None = None  # a body made as it is sent (chunked): endless, or too big to hold


def html_response(text: str, status: int = 200, charset: str = "utf-8") -> Response:
    return Response(status, text.encode(charset), f"text/html; charset={charset}")


@dataclass
class Item:
    """One entry of a listing: a report rendition, an amendment, or noise."""

    title: str
    published: date
    path: str  # the article page
    agency: AgencySpec | None = None
    year: int | None = None
    spec: ReportSpec | None = None  # None for noise and amendments
    fmt: str = "html"
    attachment: str | None = None  # path of the document when it is not the article itself
    pinned: bool = False
    kind: str = "report"  # report | duplicate | amendment | noise

    @property
    def document_path(self) -> str:
        return self.attachment or self.path


_NOISE = ("政府信息公开指南", "{y}年政务公开工作要点", "{y}年政府工作报告", "政府信息公开制度")


def _truncate(title: str, width: int = 18) -> str:
    return title if len(title) <= width else title[:width] + "…"


class Site:
    """One host. Subclasses say how items are listed and where articles live."""

    container = 'class="TRS_Editor"'
    static = True  # listings carry validators

    def __init__(self, spec: SiteSpec, scenario: Scenario) -> None:
        self.spec = spec
        self.scenario = scenario
        self.agencies = scenario.agencies_on(spec.name)
        self.edits: dict[tuple[str, int], ReportSpec] = {}
        self.edited_on: dict[tuple[str, int], datetime] = {}
        self.hits = 0
        self.revision = 0  # bumped whenever the same request would be answered differently (server.py caches by it)

    @functools.cached_property
    def items(self) -> list[Item]:
        """Built on first use, so that 3,000 hosts start serving before anyone asks for their columns."""
        return self.build_items()

    @functools.cached_property
    def by_path(self) -> dict[str, Item]:
        return {i.path: i for i in self.items} | {i.attachment: i for i in self.items if i.attachment}

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        return {a.name: n for n, a in enumerate(self.agencies)}

    def position(self, agency: AgencySpec) -> int:
        """The agency's place on this host, which its column's slug or id is made from."""
        return self._positions[agency.name]

    # -- what is listed -------------------------------------------------------

    def section(self, agency: AgencySpec) -> str:
        """The path of the agency's report column (its config `section`)."""
        raise NotImplementedError

    def article_path(self, agency: AgencySpec, day: date, ident: int) -> str:
        raise NotImplementedError

    def attachment_path(self, article: str, day: date, ident: int, fmt: str) -> str:
        return f"{article.rsplit('/', 1)[0]}/P0{day:%Y%m%d}{ident:09d}.{EXTENSIONS[fmt]}"

    def build_items(self) -> list[Item]:
        items = []
        for agency in self.agencies:
            for year in self.scenario.wanted_years(agency):
                spec = self.scenario.report(agency, year)
                if spec is not None:
                    items.append(self.report_item(agency, year, spec, agency.format(year)))
            items.extend(self.noise_items(agency))
        return items

    def ident(self, *parts: object) -> int:
        return zlib.crc32("|".join(map(str, (self.spec.name, *parts))).encode()) % 10**7 + 10**6

    def report_item(self, agency: AgencySpec, year: int, spec: ReportSpec, fmt: str, kind: str = "report") -> Item:
        ident = self.ident(agency.name, year, fmt)
        path = self.article_path(agency, spec.published, ident)
        attachment = None if fmt == "html" else self.attachment_path(path, spec.published, ident, fmt)
        title = spec.title + ("（图片版）" if kind == "duplicate" else "")
        return Item(title, spec.published, path, agency, year, spec, fmt, attachment, kind=kind)

    def noise_items(self, agency: AgencySpec) -> list[Item]:
        year = self.scenario.years[-1]
        out = []
        for n, pattern in enumerate(_NOISE[: 2 if len(self.agencies) > 3 else 4]):
            day = date(year, 2 + n, 10)
            title = (agency.name if n != 2 else agency.region.split("省")[-1]) + pattern.format(y=year)
            out.append(Item(title, day, self.article_path(agency, day, self.ident(agency.name, pattern)), agency, kind="noise"))
        return out

    def listing(self, agency: AgencySpec | None) -> list[Item]:
        """Items of one agency's column (None: the whole site), pinned first, then newest first."""
        chosen = [i for i in self.items if agency is None or i.agency == agency]
        return sorted(chosen, key=lambda i: (not i.pinned, -i.published.toordinal(), i.path))

    def current(self, item: Item) -> ReportSpec | None:
        if item.spec is None or item.kind != "report":
            return item.spec
        return self.edits.get((item.spec.agency, item.spec.year), item.spec)

    def edit(self, agency: str, year: int) -> None:
        """A silent correction: one section-2 cell changes, the URL stays."""
        item = next(i for i in self.items if i.kind == "report" and i.spec.agency == agency and i.spec.year == year)
        spec = self.current(item)
        line = next(line for line in spec.template.section2 if line.label == "行政处罚")
        key = line.keys[-1]
        self.edits[(agency, year)] = spec.with_cells({key: (spec.figures()[key] or 0) + 7})
        self.edited_on[(agency, year)] = datetime.now(UTC)
        self.revision += 1

    def publish(self, agency: str, year: int) -> None:
        """A report the scenario left missing, published now: newer than anything listed, so
        listed first in its column, as portals list."""
        owner = next(a for a in self.agencies if a.name == agency)
        spec = self.scenario.report(replace(owner, missing=owner.missing - {year}), year)
        assert spec is not None and not any(i.agency == owner and i.year == year for i in self.items), (agency, year)
        day = max(i.published for i in self.items) + timedelta(days=1)
        self.items.append(self.report_item(owner, year, replace(spec, signed_on=day, published_on=day), owner.format(year)))
        self.__dict__.pop("by_path", None)  # cached_property: made again on next use
        self.revision += 1

    # -- answering ------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path == "/robots.txt":
            return Response(404, b"", "text/plain")
        if request.path == "/":
            return html_response(f"<html><head><title>{self.spec.name}</title></head><body><h1>首页</h1></body></html>")
        item = self.by_path.get(request.target) or self.by_path.get(request.path)
        if item is not None:
            return self.document(item, request.path)
        return self.route(request) or self.not_found()

    def route(self, request: Request) -> Response | None:
        """Shape-specific listing and endpoint paths."""
        raise NotImplementedError

    def not_found(self) -> Response:
        body = "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"
        return Response(404, body.encode("latin-1"), "text/html; charset=iso-8859-1")

    def document(self, item: Item, path: str) -> Response:
        spec = self.current(item)
        modified = self.edited_on.get((item.agency.name, item.year)) if item.agency and item.year else None
        last = modified.date() if modified else item.published
        if path == item.attachment:
            served = self.scenario.rendition(spec, item.fmt)
            return Response(200, render(served, item.fmt), CONTENT_TYPES[item.fmt], last_modified=last)
        if spec is None:  # noise and amendments: a short article
            page = self.page(item, f"<p>{html.escape(item.title)}。</p>")
            return Response(200, page, "text/html; charset=utf-8", last_modified=last)
        if item.attachment is None:
            return Response(200, render_html(spec, self.container), self.html_type(), last_modified=last)
        return Response(200, self.page(item, self.attachment_link(item)), self.html_type(), last_modified=last)

    def html_type(self) -> str:
        return "text/html; charset=utf-8"

    def page(self, item: Item, body: str) -> bytes:
        publisher = item.agency.name if item.agency else self.spec.name
        return article_page(
            title=item.title, published=item.published, publisher=publisher, body=body, container=self.container
        ).encode()

    def attachment_link(self, item: Item) -> str:
        name = html.escape(f"{item.title}.{EXTENSIONS[item.fmt]}")
        href = "./" + posixpath.relpath(item.attachment, posixpath.dirname(item.path))
        month = item.attachment.rsplit("/", 2)[1]
        oldsrc = f"/protect/P0{month}/{item.attachment.rsplit('/', 1)[1]}"
        return (
            f'<p>现将{html.escape(item.title)}予以公布。</p><p class="insertfileTag">'
            f'<a appendix="true" href="{href}" title="{name}" OLDSRC="{oldsrc}">{name}</a></p>'
        )


# ---------------------------------------------------------------------------
# S1 TRS county portal and S6 its legacy GB18030 twin.


def page_number(name: str) -> int:
    """0 for index.html, n for index_n.html."""
    return 0 if name in ("", "index.html") else int(name.removeprefix("index_").removesuffix(".html") or 0)


class TrsSite(Site):
    """Static pages index.html, index_1.html…; the page count only in a script."""

    def slug(self, agency: AgencySpec) -> str:
        return f"bm{self.position(agency):02d}"

    def section(self, agency: AgencySpec) -> str:
        return f"/zwgk/{self.slug(agency)}/zfxxgknb/index.html"

    def article_path(self, agency: AgencySpec, day: date, ident: int) -> str:
        return f"/zwgk/{self.slug(agency)}/zfxxgknb/{day:%Y%m}/t{day:%Y%m%d}_{ident}.html"

    def columns(self) -> dict[str, AgencySpec | None]:
        return {self.section(a).rsplit("/", 1)[0] + "/": a for a in self.agencies}

    def route(self, request: Request) -> Response | None:
        folder, _, name = request.path.rpartition("/")
        agency_key = folder + "/"
        if agency_key not in self.columns() or not (name == "" or name.startswith("index")):
            return None
        items = self.listing(self.columns()[agency_key])
        per = self.spec.per_page
        count = max(1, -(-len(items) // per))
        number = page_number(name)
        if number >= count:
            return None
        return self.list_page(items[number * per : (number + 1) * per], count, number, items[0].published)

    def list_page(self, items: list[Item], count: int, number: int, modified: date | None) -> Response:
        """Page `number` of `count` of a column, listing `items`."""
        lis = "\n".join(self.list_item(i) for i in items)
        page = f"""<!DOCTYPE html><html><head><meta charset="{self.charset}"><title>政府信息公开年报</title></head>
<body><div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>
<ul class="list">
{lis}
</ul>
<div class="page"><script>
{self.pager(count, number)}
</script></div></body></html>"""
        return Response(200, page.encode(self.encoding), self.html_type(), last_modified=modified)

    charset, encoding = "utf-8", "utf-8"

    def pager(self, count: int, number: int) -> str:
        return (
            f"var currentPage = {number};//所在页从0开始\nvar countPage = {count}//共多少页\n"
            f'createPageHTML({count}, {number}, "index", "html");\n'
            'document.write("<a href=\\"index.html\\" class=\'fanye\'>首页</a>");'
        )

    def list_item(self, item: Item) -> str:
        href = "." + item.path.split("/zfxxgknb", 1)[1]
        title = html.escape(item.title)
        return (
            f"<li><a href='{href}' title='{title}' target='_blank'>{html.escape(_truncate(item.title))}</a>"
            f"<span>{item.published.isoformat()}</span></li>"
        )


class GbkSite(TrsSite):
    """S6: GB18030 bytes, <meta charset=gb2312>, and no charset in the HTTP header."""

    charset, encoding = "gb2312", "gb18030"

    def html_type(self) -> str:
        return "text/html"

    def page(self, item: Item, body: str) -> bytes:
        return super().page(item, body).decode().replace("charset=utf-8", "charset=gb2312").encode("gb18030")

    def not_found(self) -> Response:
        return replace(super().not_found(), content_type="text/html; charset=ISO-8859-1")


class SharedSite(TrsSite):
    """S7: one county 部门年报 column for every agency, with noise, duplicates, amendments and pins."""

    column = "/zwgk/zfxxgknb/bmxxgknb/"

    def section(self, agency: AgencySpec) -> str:
        return self.column + "index.html"

    def columns(self) -> dict[str, AgencySpec | None]:
        return {self.column: None}

    def article_path(self, agency: AgencySpec, day: date, ident: int) -> str:
        if ident % 2:  # extension-less and snowflake URLs both occur
            return f"{self.column}content_{ident}"
        return f"{self.column}{day:%Y%m}/{ident * 10**12 + day.toordinal()}.html"

    def attachment_path(self, article: str, day: date, ident: int, fmt: str) -> str:
        return f"{self.column}{day:%Y%m}/P0{day:%Y%m%d}{ident:09d}.{EXTENSIONS[fmt]}"

    def list_item(self, item: Item) -> str:
        return (
            f"<li><a href='{item.path}' title='{html.escape(item.title)}'>{html.escape(_truncate(item.title))}"
            f"<span>{item.published.isoformat()}</span></a></li>"
        )

    def build_items(self) -> list[Item]:
        items = super().build_items()
        reports = [i for i in items if i.kind == "report" and i.fmt == "html"]
        if reports:  # an image-only duplicate of an HTML report, to be skipped in favour of the text
            first = reports[0]
            items.append(self.report_item(first.agency, first.year, first.spec, "image_pdf", kind="duplicate"))
        if len(reports) > 1:  # a correction notice: an amendment, not the report
            second = reports[1]
            title = f"关于{second.spec.title}的更正说明"
            day = date.fromordinal(second.published.toordinal() + 5)
            items.append(Item(title, day, self.article_path(second.agency, day, self.ident(title)), second.agency, second.year, kind="amendment"))
        for old in sorted(items, key=lambda i: i.published)[:2]:  # the two oldest, pinned at the top
            old.pinned = True
        return items

    def noise_items(self, agency: AgencySpec) -> list[Item]:
        return super().noise_items(agency) if agency is self.agencies[0] else []


# ---------------------------------------------------------------------------
# S2 Hanweb JCMS: first page in <datastore>, later records from dataproxy.jsp.


class HanwebSite(Site):
    container = 'id="zoom"'
    static = False

    def colid(self, agency: AgencySpec) -> int:
        return 1229100000 + self.position(agency)

    def section(self, agency: AgencySpec) -> str:
        return f"/col/col{self.colid(agency)}/index.html"

    def article_path(self, agency: AgencySpec, day: date, ident: int) -> str:
        return f"/art/{day.year}/{day.month}/{day.day}/art_{self.colid(agency)}_{ident}.html"

    def attachment_path(self, article: str, day: date, ident: int, fmt: str) -> str:
        return f"/module/download/downfile.jsp?classid=0&filename={hashlib.md5(article.encode()).hexdigest()}.{EXTENSIONS[fmt]}"

    def attachment_link(self, item: Item) -> str:
        name = html.escape(f"{item.title}.{EXTENSIONS[item.fmt]}")
        return f'<p>附件：<a href="{html.escape(item.attachment)}">{name}</a></p>'

    def record(self, item: Item) -> str:
        return (
            f"<record><![CDATA[<li><a href='{item.path}' title='{html.escape(item.title)}' target='_blank'>"
            f"{html.escape(_truncate(item.title))}</a><span>{item.published.isoformat()}</span></li>]]></record>"
        )

    def agency_by_column(self, columnid: str) -> AgencySpec | None:
        return next((a for a in self.agencies if str(self.colid(a)) == columnid), None)

    def route(self, request: Request) -> Response | None:
        if request.path == "/module/web/jpage/dataproxy.jsp" and request.method == "POST":
            return self.dataproxy(request)
        agency = next((a for a in self.agencies if self.section(a) == request.path), None)
        if agency is None:
            return None
        items = self.listing(agency)
        per, colid = self.spec.per_page, self.colid(agency)
        records = "\n".join(self.record(i) for i in items[:per])
        page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>
<div id="4{colid % 100000}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=1&path=/&columnid={colid}&unitid=4{colid % 100000}&permissiontype=0"></a>]]></nextgroup>
<recordset>
{records}
</recordset></datastore></script></div>
<script>var param_4{colid % 100000}={{columnid:{colid},unitid:'4{colid % 100000}'}}; $('#4{colid % 100000}').jpage({{totalRecord:{len(items)},perPage:{per}}});</script>
</body></html>"""
        return html_response(page)

    def dataproxy(self, request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        agency = self.agency_by_column(form.get("columnid", ""))
        if agency is None or "referer" not in request.headers:
            return Response(400, b"bad request", "text/plain")
        items = self.listing(agency)
        start = int(request.query.get("startrecord", 1))
        end = int(request.query.get("endrecord", start + self.spec.per_page - 1))
        records = "\n".join(self.record(i) for i in items[start - 1 : end])
        body = f"<datastore><totalrecord>{len(items)}</totalrecord><recordset>\n{records}\n</recordset></datastore>"
        return Response(200, body.encode(), "text/xml; charset=utf-8")


# ---------------------------------------------------------------------------
# S4 gkmlpt and S5 Epoint: JSON APIs, several agencies per host, no validators.


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC).timestamp())


class GkmlptSite(Site):
    container = 'class="article-content"'
    static = False
    sid = "755325"

    def slug(self, agency: AgencySpec) -> str:
        return f"dept{self.position(agency):02d}"

    def section(self, agency: AgencySpec) -> str:
        return f"/{self.slug(agency)}/gkmlpt/index#2931"

    def article_path(self, agency: AgencySpec, day: date, ident: int) -> str:
        return f"/{self.slug(agency)}/gkmlpt/content/{ident // 1000}/{ident}/post_{ident}.html"

    def route(self, request: Request) -> Response | None:
        slug, _, rest = request.path.strip("/").partition("/")
        agency = next((a for a in self.agencies if self.slug(a) == slug), None)
        if agency is None:
            return None
        if rest == "gkmlpt/index":
            shell = f"<html><head><meta charset='utf-8'><title>政府信息公开目录</title><script>window._CONFIG = {{SID: '{self.sid}', DEPT: '{slug}'}};</script></head><body><div id='app'></div><script src='/gkmlpt/static/app.js'></script></body></html>"
            return html_response(shell)
        if not rest.startswith("gkmlpt/api/all/") or request.query.get("sid") != self.sid:
            return None
        items, per = self.listing(agency), self.spec.per_page
        page = max(1, int(request.query.get("page", 1)))
        articles = [
            {
                "id": self.ident(i.path),
                "title": i.title,
                "url": i.path,
                "publisher": agency.name,
                "create_time": _epoch(i.published),
                "display_publish_time": _epoch(i.published),
            }
            for i in items[(page - 1) * per : page * per]
        ]
        body = json.dumps({"total": len(items), "articles": articles}, ensure_ascii=False)
        return Response(200, body.encode(), "application/json; charset=utf-8")


class EpointSite(Site):
    container = 'class="ewb-article-info"'
    static = False
    endpoint = "/EWB-FRONT/rest/lightfrontaction/getgovinfolist"

    def deptcode(self, agency: AgencySpec) -> str:
        return f"0030{self.position(agency):02d}"

    def section(self, agency: AgencySpec) -> str:
        return f"/dynamic/zwgk/govInfoPub.html?categorynum=003011&deptcode={self.deptcode(agency)}"

    def article_path(self, agency: AgencySpec, day: date, ident: int) -> str:
        return f"/xxgk/{self.deptcode(agency)}/{day:%Y%m%d}/{hashlib.md5(str(ident).encode()).hexdigest()}.html"

    def route(self, request: Request) -> Response | None:
        if request.path == "/dynamic/zwgk/govInfoPub.html":
            return html_response("<html><head><meta charset='utf-8'><title>政府信息公开</title></head><body><div id='list'></div><script src='/js/govinfopub.js'></script></body></html>")
        if request.path != self.endpoint or request.method != "POST":
            return None
        try:
            query = json.loads(request.body or b"{}")
        except ValueError:
            return Response(400, b'{"status":"error"}', "application/json")
        agency = next((a for a in self.agencies if self.deptcode(a) == query.get("deptcode")), None)
        items = self.listing(agency) if agency else []
        index, size = int(query.get("pageIndex", 1)), int(query.get("pageSize", self.spec.per_page))
        data = [
            {"infourl": i.path, "title": _truncate(i.title), "realtitle": i.title, "infodate": i.published.isoformat()}
            for i in items[(index - 1) * size : index * size]
        ]
        body = json.dumps({"custom": {"total": len(items), "data": data}}, ensure_ascii=False)
        return Response(200, body.encode(), "application/json; charset=utf-8")


SHAPE_CLASSES: dict[str, type[Site]] = {
    "trs": TrsSite,
    "gbk": GbkSite,
    "shared": SharedSite,
    "hanweb": HanwebSite,
    "gkmlpt": GkmlptSite,
    "epoint": EpointSite,
}


# ---------------------------------------------------------------------------
# S8: one fault per host, in front of an ordinary site.

_TS_BODY = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><script>$_ts=window[\'$_ts\'];if(!$_ts)$_ts={};$_ts.nsd=48151;$_ts.cd="qEmpc...";</script><script src="/4QbVtADbnLVI/c.FxJzG50F.dfe1675.js"></script></head><body></body></html>'
_JSL_BODY = "<script>document.cookie='__jsl_clearance=1700000000.123|0|abcdef;max-age=3600;path=/';location.href=location.pathname+location.search</script>"


# ---------------------------------------------------------------------------
# Issue-7 attacks (scenario.ATTACKS): bodies and pages no honest portal serves.

SCRIPT = '<script>alert("xss")</script>'
DEPTH = 100_000


def _drip(body: bytes, every: float = 0.1) -> Iterator[bytes]:
    """The body one byte every `every` seconds, over and over: an answer that never ends."""
    for byte in itertools.cycle(body):
        time.sleep(every)
        yield bytes([byte])


@functools.cache
def bomb(coding: str, megabytes: int = 1024) -> bytes:
    """`megabytes` MB of zeros as a gzip or deflate (zlib) body of about a thousandth of that.

    One fully flushed deflate segment per MB, repeated: made in milliseconds, not by compressing 1 GB.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = bytes(1 << 20)
    segment = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    deflated = segment * megabytes + zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()
    check = functools.reduce(lambda value, _: (zlib.crc32 if coding == "gzip" else zlib.adler32)(block, value),
                             range(megabytes), 0 if coding == "gzip" else 1)
    if coding == "gzip":
        size = (megabytes << 20) & 0xFFFFFFFF
        return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + deflated + check.to_bytes(4, "little") + size.to_bytes(4, "little")
    return b"\x78\xda" + deflated + check.to_bytes(4, "big")


def _huge_pdf(megabytes: int = 500) -> Iterator[bytes]:
    """A 'PDF' of `megabytes` MB, made a block at a time as it is sent, never held whole."""
    yield b"%PDF-1.7\n"
    block = bytes(1 << 20)
    for _ in range(megabytes):
        yield block


@functools.cache
def docx_bomb(megabytes: int = 210) -> bytes:
    """A DOCX whose document.xml unpacks to `megabytes` MB of zeros (about 200 KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(megabytes):
                member.write(block)
    return buffer.getvalue()


def _endless_column(site: Site, request: Request) -> Response | None:
    """Page n of a TRS column of `scenario.pages` pages, all notices newer than any report."""
    folder, _, name = request.path.rpartition("/")
    agency = site.columns().get(folder + "/") if isinstance(site, TrsSite) else None
    if agency is None or not name.startswith("index"):
        return None
    number, per = page_number(name), site.spec.per_page
    if number >= site.scenario.pages:
        return site.not_found()
    day = date(site.scenario.years[-1] + 1, 5, 1)
    notices = [
        Item(f"{agency.name}关于第{number * per + k + 1}批政务公开事项的公示", day,
             site.article_path(agency, day, site.ident("notice", number, k)), agency, kind="noise")
        for k in range(per)
    ]
    return site.list_page(notices, site.scenario.pages, number, None)


def _bad_links_column(site: Site, request: Request) -> Response:
    """The column page with every report listed first under a file:// and a javascript: link."""
    response = site.handle(request)
    bad = "".join(
        f"<li><a href='{href}' title='{html.escape(i.title)}'>{html.escape(i.title)}</a><span>{i.published.isoformat()}</span></li>"
        for i in site.listing(None) if i.kind == "report"
        for href in ("file:///etc/passwd", " JavaScript:window.open('file:///etc/shadow')")
    )
    return replace(response, body=response.body.replace(b'<ul class="list">', b'<ul class="list">' + bad.encode(), 1))


def _script_column(site: Site, request: Request) -> Response | None:
    """The column with <script> in every title and article link (escaped as a CMS would)."""
    folder = request.path.rpartition("/")[0]
    agency = site.columns().get(folder + "/") if isinstance(site, TrsSite) else None
    if agency is None:
        return None
    items = [replace(i, title=i.title + SCRIPT, path=f"{i.path}?from={SCRIPT}") for i in site.listing(agency)]
    return site.list_page(items, 1, 0, None)


def _article_linking(site: Site, item: Item, url: str) -> Response:
    """The item's article page with its attachment linked at `url` instead."""
    link = f'<p>附件：<a href="{html.escape(url)}">{html.escape(item.title)}.pdf</a></p>'
    return Response(200, site.page(item, link), site.html_type())


def _attack(site: Site, request: Request, in_column: bool) -> Response | None:
    """The attacks of scenario.ATTACKS: on the column, on report pages, or on their attachments."""
    item = site.by_path.get(request.path)
    report = item is not None and item.kind == "report"
    article = report and request.path == item.path
    attachment = report and request.path == item.attachment
    answers = {
        "drip": lambda: replace(site.handle(request), body=b"", stream=_drip(site.handle(request).body)) if in_column else None,
        "gzip_bomb": lambda: Response(200, bomb("gzip"), headers={"Content-Encoding": "gzip"}) if article else None,
        "deflate_bomb": lambda: Response(200, bomb("deflate"), headers={"Content-Encoding": "deflate"}) if article else None,
        "redirect_loop": lambda: Response(302, headers={"Location": request.path + ("" if request.query_string else "?again=1")}) if in_column else None,
        "redirect_offhost": lambda: Response(302, headers={"Location": f"http://127.0.0.2{request.path}"}) if article else None,
        "redirect_private": lambda: Response(302, headers={"Location": f"http://10.0.0.1{request.path}"}) if article else None,
        "link_private": lambda: _article_linking(site, item, "http://169.254.169.254/latest/meta-data/report.pdf") if article else None,
        "endless_pages": lambda: _endless_column(site, request),
        "bad_links": lambda: _bad_links_column(site, request) if in_column else None,
        "huge_pdf": lambda: Response(200, content_type=CONTENT_TYPES["pdf"], stream=_huge_pdf()) if attachment else None,
        "docx_bomb": lambda: Response(200, docx_bomb(), CONTENT_TYPES["docx"]) if attachment else None,
        "deep_html": lambda: replace(site.handle(request), body=b"<div>" * DEPTH + site.handle(request).body + b"</div>" * DEPTH) if article else None,
        "script_title": lambda: _script_column(site, request) if in_column else None,
    }
    return answers[site.spec.fault]() if site.spec.fault in answers else None


def _fault_response(site: Site, request: Request) -> Response | None:
    """The hostile answer for this request, or None to let the site answer."""
    fault, column = site.spec.fault, {site.section(a).split("#")[0].split("?")[0] for a in site.agencies}
    if request.path == "/robots.txt":
        return Response(200, b"User-agent: *\nDisallow: /\n", "text/plain") if fault == "robots" else None
    site.hits += 1
    in_column = request.path in column
    answers = {
        "ts412": lambda: Response(412, _TS_BODY.encode(), headers={"Set-Cookie": "FSSBBIl1UgzbN7N80S=abc; Path=/"}),
        "jsl521": lambda: None if "__jsl_clearance" in request.headers.get("cookie", "") else Response(521, _JSL_BODY.encode(), headers={"Set-Cookie": "__jsluid_h=0123456789abcdef; path=/"}),
        "moved": lambda: Response(301, b"", headers={"Location": "/"}) if in_column else None,
        "gone": lambda: site.not_found() if in_column else None,
        "soft404": lambda: html_response("<html><head><title>提示</title></head><body>对不起，您访问的页面不存在！</body></html>") if in_column else None,
        "js_shell": lambda: html_response("<!DOCTYPE html><html><head><meta charset=utf-8><title>政务公开</title><script src=/static/js/chunk-vendors.js></script></head><body><noscript>请启用JavaScript</noscript><div id=app></div></body></html>") if in_column else None,
        "short_body": lambda: replace(site.handle(request), declared_length=10**6) if in_column else None,
        "stall": lambda: replace(site.handle(request), stall=site.scenario.stall_seconds) if in_column else None,
        "flaky503": lambda: Response(503, b"Service Unavailable", "text/plain") if site.hits <= 2 else None,
        "retry429": lambda: Response(429, b"Too Many Requests", "text/plain", headers={"Retry-After": "1"}) if site.hits <= 1 else None,
    }
    return answers[fault]() if fault in answers else _attack(site, request, in_column)


def answer(site: Site, request: Request) -> Response:
    """What the site sends back, its fault applied first."""
    if site.spec.fault:
        assert site.spec.fault in FAULTS, site.spec.fault
        hostile = _fault_response(site, request)
        if hostile is not None:
            return hostile
    return site.handle(request)


def build_site(spec: SiteSpec, scenario: Scenario) -> Site:
    return SHAPE_CLASSES[spec.shape](spec, scenario)


def expected_state(site: Site, agency: AgencySpec, item: Item | None) -> str:
    """The outcome a correct crawler reaches for one (agency, year)."""
    fault_state = FAULTS.get(site.spec.fault or "")
    if fault_state:
        return fault_state
    if item is None:
        return "not_published"
    return "parse_error" if item.fmt in UNREADABLE else "found"
