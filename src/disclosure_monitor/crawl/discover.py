"""Report columns → listing items, whatever shape the portal's CMS gives them.

Each listing shape (spec/portals.md §1) is a small class with one interface:
`detect(page)` says whether a column page has this shape, `items(page)` reads the
entries of one page, and `next_page(first, last, n)` says which request gives the
page after the n read so far (None: no more). `read_listing` drives any of them.
Article pages get `article_title` and `attachments`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import lxml.etree
import lxml.html

from ..errors import ColumnMissing, FetchError, JavaScriptOnly, NetworkFailure
from .fetch import Fetched

DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_SPACES = re.compile(r"\s+")
MAX_PAGES = 500  # default of crawl.max_pages
DOCUMENT_EXTENSIONS = ("pdf", "docx", "doc", "wps", "ofd")
_SKIP_HREF = ("javascript:", "#", "mailto:", "tel:")
_WEB = ("http:", "https:")


def _web_link(href: str | None, base_url: str) -> str | None:
    """The absolute URL of a link, or None for what is not a web page (javascript:, file:, mailto:, …)."""
    href = (href or "").strip()
    if not href or href.startswith(_SKIP_HREF):
        return None
    url = urljoin(base_url, href)
    return url if url.startswith(_WEB) else None  # urljoin writes the scheme in lower case


@dataclass(frozen=True)
class ListingItem:
    """One entry of a column: the full title when the page gives it, the article URL, the date shown."""

    title: str
    url: str
    published: date | None = None
    truncated: bool = False  # only a cut-short title was shown (no a@title): read the article's


@dataclass(frozen=True)
class PageRequest:
    """How to ask for one more listing page."""

    url: str
    method: str = "GET"
    data: dict[str, str] | None = None
    json: dict[str, Any] | None = None
    referer: str | None = None

    @property
    def key(self) -> str:
        return json.dumps([self.method, self.url, self.data, self.json], sort_keys=True, ensure_ascii=False)


@dataclass
class Page:
    """A fetched listing page; `url` keeps the configured URL, fragment included (gkmlpt's category)."""

    url: str
    fetched: Fetched

    @cached_property
    def text(self) -> str:
        return self.fetched.text or ""

    @cached_property
    def data(self) -> Any:
        """The page as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.text)
        except ValueError:
            return None


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\xa0", " ")).strip()


def _date(text: str) -> date | None:
    match = DATE.search(text)
    if not match:
        return None
    try:
        return date(*map(int, match.groups()))
    except ValueError:
        return None


def _epoch_date(value: Any) -> date | None:
    if isinstance(value, int | float) and value > 0:
        return datetime.fromtimestamp(value / 1000 if value > 10**11 else value, UTC).date()
    return _date(str(value)) if value else None


_text = lxml.etree.XPath("string()", smart_strings=False)  # an element's text and its descendants'


def _root(markup: str) -> lxml.etree._Element | None:
    """The page by lxml.etree's own HTML parser, as in parse.document: lxml.html's element classes
    cost a class look-up for every element, and its fromstring a pass of regular expressions over
    the markup. A parser a call (0.6 µs), so that no two threads ever share one."""
    try:
        return lxml.etree.fromstring(markup, lxml.etree.HTMLParser())
    except (lxml.etree.ParserError, ValueError):
        return None


def html_items(markup: str, base_url: str) -> list[ListingItem]:
    """Every titled link of an HTML page or fragments: a@title over the text, the date near the link."""
    root = _root(markup)
    if root is None:
        return []
    out = []
    for a in root.iter("a"):
        url = _web_link(a.get("href"), base_url)
        if url is None:
            continue
        shown = _text(a)
        title = _clean(a.get("title") or "") or _clean(DATE.sub("", shown))
        if not title:
            continue
        row = next((e for e in a.iterancestors() if e.tag in ("li", "tr", "dd", "p")), a.getparent())
        published = _date(shown) or _date(_text(row) if row is not None else "")
        truncated = not a.get("title") and title.endswith(("…", "...", "..."))
        out.append(ListingItem(title, url, published, truncated))
    return out


class Shape:
    """A listing shape; subclasses override what differs."""

    name: ClassVar[str]

    def detect(self, page: Page) -> bool:
        raise NotImplementedError

    def items(self, page: Page) -> list[ListingItem]:
        return html_items(page.text, page.fetched.final_url)

    def next_page(self, first: Page, last: Page, n: int) -> PageRequest | None:
        raise NotImplementedError


class TrsPages(Shape):
    """TRS WCM static pages: index.html, index_1.html … with the page count only in a script."""

    name = "trs"
    COUNT = re.compile(r"var\s+countPage\s*=\s*(\d+)")
    CREATE = re.compile(r"""createPageHTML\(\s*(\d+)\s*,\s*\d+\s*,\s*["'](\w+)["']\s*,\s*["'](\w+)["']""")

    def detect(self, page: Page) -> bool:
        return bool(self.COUNT.search(page.text) or self.CREATE.search(page.text))

    def next_page(self, first: Page, last: Page, n: int) -> PageRequest | None:
        count, create = self.COUNT.search(first.text), self.CREATE.search(first.text)
        pages = int((count or create).group(1)) if count or create else 1
        if n >= pages:
            return None
        name = urlsplit(first.fetched.final_url).path.rsplit("/", 1)[1] or "index.html"
        base, ext = (create.group(2), create.group(3)) if create else tuple(name.rsplit(".", 1) + ["html"])[:2]
        return PageRequest(urljoin(first.fetched.final_url, f"{base}_{n}.{ext}"))


class HanwebDatastore(Shape):
    """Hanweb JCMS: the first records as CDATA in <datastore>, later ones POSTed from dataproxy.jsp."""

    name = "hanweb"
    CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
    NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[.*?href=[\"']([^\"']+)", re.DOTALL)
    JPAGE = re.compile(r"totalRecord\s*:\s*(\d+)\s*,\s*perPage\s*:\s*(\d+)")
    TOTAL = re.compile(r"<totalrecord>\s*(\d+)", re.IGNORECASE)
    PARAMS = re.compile(r"var\s+param_\w+\s*=\s*\{([^}]*)\}")
    GROUP = 3  # pages per dataproxy request, as the portals' own script asks
    FORM_FIELDS = ("col", "appid", "webid", "path", "columnid", "sourceContentType", "unitid", "webname", "permissiontype")

    def detect(self, page: Page) -> bool:
        return "<datastore" in page.text

    def items(self, page: Page) -> list[ListingItem]:
        records = re.sub(r"<nextgroup>.*?</nextgroup>", "", page.text, flags=re.DOTALL)
        # the records parsed as one page, each in a <div> of its own so that its date stays its own
        markup = "".join(f"<div>{snippet}</div>" for snippet in self.CDATA.findall(records))
        return [i for i in html_items(markup, page.fetched.final_url) if "/module/" not in urlsplit(i.url).path]

    def form(self, first: Page) -> tuple[str, dict[str, str]]:
        """The dataproxy endpoint and the form fields the column page declares."""
        nextgroup = self.NEXTGROUP.search(first.text)
        href = nextgroup.group(1).replace("&amp;", "&") if nextgroup else "/module/web/jpage/dataproxy.jsp"
        parts = urlsplit(urljoin(first.fetched.final_url, href))
        fields = {"col": "1", "appid": "1", "webid": "1", "path": "/", "permissiontype": "0", **dict(parse_qsl(parts.query))}
        declared = self.PARAMS.search(first.text)
        if declared:
            fields |= {k: v.strip("'\"") for k, v in re.findall(r"(\w+)\s*:\s*('[^']*'|\"[^\"]*\"|[\w-]+)", declared.group(1))}
        return f"{parts.scheme}://{parts.netloc}{parts.path}", {k: v for k, v in fields.items() if k in self.FORM_FIELDS}

    def next_page(self, first: Page, last: Page, n: int) -> PageRequest | None:
        jpage = self.JPAGE.search(first.text)
        if not jpage:
            return None
        total, per = int(jpage.group(1)), int(jpage.group(2))
        if latest := self.TOTAL.search(last.text):  # records may be added while we read
            total = max(total, int(latest.group(1)))
        start = per + (n - 1) * self.GROUP * per + 1
        if start > total:
            return None
        endpoint, form = self.form(first)
        query = urlencode({"startrecord": start, "endrecord": start + self.GROUP * per - 1, "perpage": per})
        return PageRequest(f"{endpoint}?{query}", "POST", data=form, referer=first.fetched.final_url)


class GkmlptApi(Shape):
    """Guangdong 政府信息公开目录: a shell with the SID; items from /gkmlpt/api/all/{cat}?page=n&sid=."""

    name = "gkmlpt"
    SID = re.compile(r"""SID\s*:\s*["'](\w+)["']""")

    def detect(self, page: Page) -> bool:
        return "/gkmlpt/" in page.url and bool(self.SID.search(page.text))

    def items(self, page: Page) -> list[ListingItem]:
        if not isinstance(page.data, dict):
            return []
        return [
            ListingItem(
                _clean(a.get("title") or ""),
                urljoin(page.fetched.final_url, a.get("post_url") or a.get("url") or ""),
                _epoch_date(a.get("create_time") or a.get("created_at") or a.get("display_publish_time")),
            )
            for a in page.data.get("articles") or []
            if a.get("title") and (a.get("post_url") or a.get("url"))
        ]

    def next_page(self, first: Page, last: Page, n: int) -> PageRequest | None:
        sid = self.SID.search(first.text)
        if sid is None or (n > 1 and not self.items(last)):
            return None
        parts = urlsplit(first.url)
        prefix = parts.path.split("/gkmlpt/", 1)[0]
        category = parts.fragment if parts.fragment.isdigit() else "0"
        query = urlencode({"page": n, "sid": sid.group(1)})
        return PageRequest(f"{parts.scheme}://{parts.netloc}{prefix}/gkmlpt/api/all/{category}?{query}")


class EpointApi(Shape):
    """Epoint 新点: a JS shell whose list comes from a JSON POST filtered by deptcode and categorynum."""

    name = "epoint"
    ENDPOINT = "/EWB-FRONT/rest/lightfrontaction/getgovinfolist"
    SITE_GUID = re.compile(r"""siteGuid["']?\s*[:=]\s*["']([\w-]+)""")
    PAGE_SIZE = 20

    def detect(self, page: Page) -> bool:
        return "categorynum" in urlsplit(page.url).query or "EWB-FRONT" in page.text

    def items(self, page: Page) -> list[ListingItem]:
        custom = page.data.get("custom") if isinstance(page.data, dict) else None
        rows = custom.get("data") if isinstance(custom, dict) else None
        return [
            ListingItem(
                _clean(r.get("realtitle") or r.get("title") or ""),
                urljoin(page.fetched.final_url, r["infourl"]),
                _date(str(r.get("infodate") or "")),
            )
            for r in rows or []
            if r.get("infourl") and (r.get("realtitle") or r.get("title"))
        ]

    def next_page(self, first: Page, last: Page, n: int) -> PageRequest | None:
        if n > 1 and len(self.items(last)) < self.PAGE_SIZE:
            return None
        parts = urlsplit(first.url)
        query = dict(parse_qsl(parts.query))
        guid = self.SITE_GUID.search(first.text)
        body = {
            "deptcode": query.get("deptcode", ""),
            "categorynum": query.get("categorynum", ""),
            "pageIndex": n,
            "pageSize": self.PAGE_SIZE,
            "siteGuid": guid.group(1) if guid else "",
        }
        return PageRequest(f"{parts.scheme}://{parts.netloc}{self.ENDPOINT}", "POST", json=body, referer=first.url)


class GenericLinks(Shape):
    """Any other HTML list: its links, and the 下一页 link when there is one."""

    name = "generic"
    NEXT = re.compile(r"^\s*(下一页|下页|next|›|>)\s*$", re.IGNORECASE)

    def detect(self, page: Page) -> bool:
        return True

    def next_page(self, first: Page, last: Page, n: int) -> PageRequest | None:
        root = _root(last.text) if last.text else None
        if root is None:
            return None
        for a in root.iter("a"):
            url = _web_link(a.get("href"), last.fetched.final_url)
            if self.NEXT.match(_text(a)) and url:
                return PageRequest(url)
        return None


SHAPES: tuple[Shape, ...] = (GkmlptApi(), EpointApi(), HanwebDatastore(), TrsPages(), GenericLinks())


def shape_for(page: Page, listing: str = "auto") -> Shape:
    """The configured shape, or the first that recognises the page."""
    if listing != "auto":
        return next(s for s in SHAPES if s.name == listing)
    return next(s for s in SHAPES if s.detect(page))


def looks_js_only(page: Page) -> bool:
    """A page with (almost) no text of its own: its list is drawn by scripts we do not run."""
    root = _root(page.text) if page.text.strip() else None
    if root is None:
        return True
    for junk in root.xpath("//script|//style|//noscript|//head"):
        junk.text = None
        junk[:] = []
    return len(_clean(_text(root))) < 200


PageFetch = Callable[[PageRequest], Awaitable[Fetched]]


@dataclass
class Listing:
    """The items read from one column; `complete` unless a later page failed (`error` says how).
    `unchanged`: its first page was recognised as read before, and no later page was asked."""

    shape: str
    items: list[ListingItem] = field(default_factory=list)
    pages: int = 1
    complete: bool = True
    error: FetchError | None = None
    first: list[ListingItem] = field(default_factory=list)  # the first page's items
    unchanged: bool = False


async def read_listing(
    first: Page,
    fetch: PageFetch,
    *,
    listing: str = "auto",
    stop: Callable[[list[ListingItem]], bool] = lambda _: False,
    max_pages: int = MAX_PAGES,
    seen_before: Callable[[list[ListingItem]], bool] = lambda _: False,
) -> Listing:
    """Read a column from its first page on, until the shape has no more pages or `stop(page_items)` says so,
    or only its first page when `seen_before(first_page_items)` says the caller knows the rest.

    A 404 after the first page is the end of the column (TRS page counts are not
    reliable). A column with no items and no pages that looks like a script shell
    raises JavaScriptOnly. A column with more than `max_pages` pages is left
    incomplete, with the reason, rather than read forever.
    """
    shape = shape_for(first, listing)
    result = Listing(shape.name)
    seen: set[str] = set()

    def take(page: Page) -> list[ListingItem]:
        fresh = [i for i in shape.items(page) if i.url not in seen]
        seen.update(i.url for i in fresh)
        result.items.extend(fresh)
        return fresh

    page_items = result.first = take(first)
    if not page_items and shape.next_page(first, first, 1) is None and looks_js_only(first):
        raise JavaScriptOnly(first.url, "the column page is a script shell with no list in its HTML")
    if seen_before(page_items):
        result.unchanged = True
        return result
    asked: set[str] = set()
    last = first
    while not stop(page_items):
        request = shape.next_page(first, last, result.pages)
        if request is None or request.key in asked:
            break
        if result.pages >= max_pages:
            reason = f"stopped after {max_pages} pages (crawl.max_pages); the column goes on"
            result.complete, result.error = False, NetworkFailure(request.url, reason)
            break
        asked.add(request.key)
        try:
            fetched = await fetch(request)
        except ColumnMissing:
            break
        except FetchError as e:
            result.complete, result.error = False, e
            break
        last = Page(request.url, fetched)
        result.pages += 1
        page_items = take(last)
    return result


# -- article pages ---------------------------------------------------------------------------

_ARTICLE_TITLE = re.compile(r"""<meta\s+name=["']ArticleTitle["']\s+content=["']([^"']+)""", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    url: str
    name: str  # the human name: opaque URLs (downfile.jsp?filename=<hex>.pdf) carry it only in the link


def article_title(markup: str) -> str | None:
    """The full title from <meta name="ArticleTitle">, for list titles cut short."""
    match = _ARTICLE_TITLE.search(markup)
    return _clean(lxml.html.fromstring(f"<p>{match.group(1)}</p>").text_content()) if match else None


def _extension(text: str) -> str | None:
    match = re.search(r"\.(\w{2,4})(?:$|[?#&])", text.lower())
    return match.group(1) if match and match.group(1) in DOCUMENT_EXTENSIONS else None


def attachments(markup: str, article_url: str) -> list[Attachment]:
    """Document links of an article, resolved against the article's URL (never OLDSRC), best format first."""
    root = _root(markup)
    if root is None:
        return []
    found: dict[str, Attachment] = {}
    for a in root.iter("a"):
        url = _web_link(a.get("href"), article_url)
        if url is None:
            continue
        name = _clean(a.get("title") or _text(a))
        if _extension(url) or _extension(name) or "downfile" in url.lower():
            found.setdefault(url, Attachment(url, name))
    return sorted(found.values(), key=lambda att: rendition_rank(att.name, att.url))


# html first, then pdf, docx, doc; an image rendition (图片版) last.
RENDITIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("image", re.compile(r"图片版")),
    ("pdf", re.compile(r"\.pdf\b", re.IGNORECASE)),
    ("docx", re.compile(r"\.docx\b", re.IGNORECASE)),
    ("doc", re.compile(r"\.(doc|wps)\b", re.IGNORECASE)),
    ("ofd", re.compile(r"\.ofd\b", re.IGNORECASE)),
)
RENDITION_ORDER = ("html", "pdf", "docx", "doc", "ofd", "image")


def rendition_rank(title: str, url: str) -> int:
    """Lower is better: which rendition of a report to read when several are listed."""
    kind = next((k for k, pattern in RENDITIONS if pattern.search(title) or pattern.search(url)), "html")
    return RENDITION_ORDER.index(kind)
