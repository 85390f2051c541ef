"""The one place that opens connections: politeness, robots.txt, conditional GET,
retries, size caps and the classification of what a portal answered.

Nothing a portal says can make it connect elsewhere than where it was told: only
http(s) URLs, redirects only within the allowed hosts, and no loopback, private or
link-local address unless a configured host is itself in that range. Bodies are
capped after decoding (a gzip bomb stops at the cap) and every request has a
deadline for the whole answer (a body that drips forever ends too).

Every request to a host waits for that host's turn (at most `per_host_concurrency`
in flight, starts at least `per_host_delay` apart, or the robots.txt Crawl-delay if
longer), so callers may fire requests at will. Answers that are not content become
`errors.FetchError` leaves, each one an outcome state.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import random
import re
import socket
import ssl
import urllib.request
import zlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
from protego import Protego

from ..config import CrawlSettings, host_of
from ..errors import (
    BlockedByAntibot,
    ColumnMissing,
    ColumnMoved,
    DocumentTooLarge,
    FetchError,
    NetworkFailure,
    RobotsDisallowed,
    TLSFailure,
)
from ..parse.document import decode, sniff_format

# A desktop browser, so portals serve their desktop pages, followed by the honest contact token.
DESKTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
BREAKER_THRESHOLD = 5  # consecutive failures after which a host is given up for the run
MAX_REDIRECTS = 5
OPEN_HOSTS = 256  # hosts whose idle connections stay open for reuse
MAX_RETRY_AFTER = 120.0  # seconds, before scaling by backoff_base

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
ANTIBOT_STATUS = frozenset({412, 512, 521})
# Challenge scripts of 瑞数 ($_ts) and 加速乐 (__jsl*), and the Chinese "security check" banner.
ANTIBOT_MARKERS = (b"$_ts", b"__jsluid", b"__jsl_clearance", "安全验证".encode(), "安全验证".encode("gb18030"))
TINY_BODY = 2048  # bytes: a 202 this small is a challenge, not a page
SOFT_404_CHARS = 2000
SOFT_404 = re.compile(r"页面不存在|找不到|无法找到|错误页面|not found|\b404\b", re.IGNORECASE)
_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.DOTALL | re.IGNORECASE)
_TEXT_TYPES = ("text/", "xml", "json", "javascript")
# Only codings we undo ourselves, a bounded piece at a time (wbits: gzip header, zlib header).
CODINGS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
PUBLIC = "public"


@dataclass(frozen=True)
class Fetched:
    """One answer with content (or a 304 saying the caller's copy is current)."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]  # lower-case names
    content: bytes
    sha256: str
    encoding: str | None  # for text answers: the charset the bytes were decoded with
    fetched_at: datetime
    not_modified: bool = False
    text: str | None = field(default=None, repr=False)  # decoded text answers

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass
class FetchStats:
    """Counts for the run summary."""

    requests: int = 0
    not_modified: int = 0
    bytes: int = 0
    retries: int = 0


@dataclass
class _Host:
    slots: asyncio.Semaphore
    delay: float
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots_read: bool = False
    robots: Protego | None = None
    next_start: float = 0.0
    failures: int = 0
    in_flight: int = 0


class _Transient(Exception):
    """An attempt worth repeating; `retry_after` is the server's wish in seconds."""

    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        self.error, self.retry_after = error, retry_after


def _visible_text(text: str) -> str:
    return _TAGS.sub(" ", text).strip()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _is_text(content_type: str | None, data: bytes, url: str) -> bool:
    if content_type and any(t in content_type.lower() for t in _TEXT_TYPES):
        return sniff_format(data, url, content_type) in ("html", "text")
    return not content_type and sniff_format(data, url) == "html"


def address_class(address: str) -> str:
    """Which range an IP address is in: public, or loopback / private / link-local / … ."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for name in ("loopback", "link_local", "unspecified", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{name}"):
            return name.replace("_", "-")
    return PUBLIC if ip.is_global else "non-global"


class _Inflater:
    """One Content-Encoding undone with a bound on each output, so a bomb never unpacks past the cap."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.state: Any = None  # the decompressor, made when the first bytes show its header

    def feed(self, data: bytes, room: int) -> bytes:
        """The decoded bytes of `data`, but never more than `room + 1` (one more than fits says: too large)."""
        if self.state is None and data:
            wbits = CODINGS[self.coding]
            # "deflate" is raw deflate on some servers, a zlib stream on others.
            if self.coding == "deflate" and (data[0] & 0x0F != 8 or int.from_bytes(data[:2], "big") % 31):
                wbits = -zlib.MAX_WBITS
            self.state = zlib.decompressobj(wbits)
        out = bytearray()
        try:
            while data and len(out) <= room:
                out += self.state.decompress(data, room + 1 - len(out))
                data = self.state.unconsumed_tail
        except zlib.error as e:
            raise httpx.DecodingError(f"broken {self.coding} body: {e}") from None
        return bytes(out)


def _inflaters(content_encoding: str) -> list[_Inflater]:
    """Decoders for the codings applied, last applied first; codings we do not know pass through as httpx does."""
    codings = [c.strip().lower() for c in content_encoding.split(",")]
    return [_Inflater(c) for c in reversed(codings) if c in CODINGS]


class Fetcher:
    """A polite async HTTP client; use as `async with Fetcher(settings) as f: await f.get(url)`.

    `backoff_base` scales every wait between retries (1 s → 1, 3, 9 s; tests pass 0.01)
    and the server's Retry-After. `configured_hosts` are the host names of the configured
    columns: only they may be in a loopback, private or link-local range, and any host in
    the same range as one of them (with none given, each request's own first URL counts).
    """

    def __init__(
        self,
        settings: CrawlSettings,
        *,
        backoff_base: float | None = None,
        configured_hosts: Iterable[str] = (),
        open_hosts: int = OPEN_HOSTS,
    ) -> None:
        self.settings = settings
        self.open_hosts = open_hosts
        self.backoff_base = backoff_base if backoff_base is not None else getattr(settings, "backoff_base", 1.0)
        self.max_bytes = int(settings.max_document_mb * 1024 * 1024)
        self.user_agent = f"{DESKTOP_UA} {settings.user_agent}"
        self.stats = FetchStats()
        self._hosts: dict[str, _Host] = {}
        # Each host's own connection pool, least recently used first.
        self._clients: OrderedDict[tuple[str, bool, str | None], httpx.AsyncHTTPTransport] = OrderedDict()
        # HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY, read once, as httpx.AsyncClient would
        self._proxies = {scheme: url for scheme, url in urllib.request.getproxies_environment().items() if url}
        self._tls: dict[bool, ssl.SSLContext] = {}  # made once: loading the CA bundle costs ~20 ms
        self._headers = {
            "User-Agent": self.user_agent,
            "Accept-Encoding": ", ".join(c for c in CODINGS if not c.startswith("x-")),
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "zh-CN,zh;q=0.9",
            "Connection": "keep-alive",
        }
        self._timeouts = {"timeout": httpx.Timeout(settings.timeout).as_dict()}
        self.configured = {h.lower() for h in configured_hosts if h}
        self._classes: dict[str, str] = {}  # host name → address class, resolved once

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    async def _client(self, url: str, insecure_tls: bool) -> httpx.AsyncHTTPTransport:
        """The host's own connection pool. One pool for all hosts would check every connection it holds
        on each request (a readability syscall each): a cost per request that grows with the hosts.

        A bare transport, not an httpx.AsyncClient: we follow no redirects and keep no cookies,
        and the client's work for them was a fifth of a request's CPU. The environment's proxy
        settings are honoured here instead (`_proxy`).
        """
        proxy = self._proxy(url)
        key = (host_of(url), insecure_tls, proxy)
        client = self._clients.get(key)
        if client is not None:
            self._clients.move_to_end(key)
            return client
        await self._retire_idle_clients(keep=self.open_hosts - 1)
        slots = self.settings.per_host_concurrency
        if insecure_tls not in self._tls:
            self._tls[insecure_tls] = httpx.create_ssl_context(verify=not insecure_tls)
        client = self._clients[key] = httpx.AsyncHTTPTransport(
            verify=self._tls[insecure_tls],
            limits=httpx.Limits(max_connections=slots, max_keepalive_connections=slots),
            proxy=proxy,
        )
        return client

    def _proxy(self, url: str) -> str | None:
        """The proxy the environment names for `url`, if any: an office behind one reaches portals only through it."""
        if not self._proxies:
            return None
        parts = urlsplit(url)
        if "no" in self._proxies and urllib.request.proxy_bypass_environment(parts.netloc, self._proxies):
            return None
        return self._proxies.get(parts.scheme) or self._proxies.get("all")

    async def _retire_idle_clients(self, keep: int) -> None:
        """Close the least recently used clients beyond `keep` whose host has nothing in flight,
        so a national crawl does not keep a connection open to every host it has finished with."""
        retired = []
        for key in list(self._clients):  # chosen without awaiting: other requests may retire too
            if len(self._clients) <= keep:
                break
            if self._hosts[key[0]].in_flight == 0:
                retired.append(self._clients.pop(key))
        for client in retired:
            await client.aclose()

    def _host(self, url: str) -> _Host:
        key = host_of(url)
        if key not in self._hosts:
            self._hosts[key] = _Host(asyncio.Semaphore(self.settings.per_host_concurrency), self.settings.per_host_delay)
        return self._hosts[key]

    # -- public --------------------------------------------------------------------------------

    async def get(self, url: str, **options: Any) -> Fetched:
        """GET `url`; see `request` for the options."""
        return await self.request("GET", url, **options)

    async def post(self, url: str, **options: Any) -> Fetched:
        """POST `url` with `data` (a form) or `json`; see `request` for the options."""
        return await self.request("POST", url, **options)

    async def request(
        self,
        method: str,
        url: str,
        *,
        data: Mapping[str, str] | None = None,
        json: Any = None,
        referer: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        column: bool = False,
        allowed_hosts: Iterable[str] = (),
        insecure_tls: bool = False,
    ) -> Fetched:
        """Fetch one URL, following redirects within `url`'s host and `allowed_hosts`.

        `etag`/`last_modified` make the GET conditional (a 304 comes back with
        `not_modified` set and no content). `column` marks a report column: then a
        404, a soft 404 or a redirect to another host or to the site root say the
        column is missing or moved rather than that a document failed.
        """
        url = urldefrag(url).url
        await self._admit(url, url)
        allowed = {host_of(url), *(h.lower() for h in allowed_hosts)}
        headers = {"Referer": referer} if referer else {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            response, content = await self._exchange(method, current, headers, data, json, insecure_tls)
            if response.status_code not in (301, 302, 303, 307, 308):
                return self._classify(url, current, response, content, column)
            target = urljoin(current, response.headers.get("location", ""))
            if column and (host_of(target) != host_of(url) or urlsplit(target).path in ("", "/")):
                raise ColumnMoved(url, f"redirected to {target}")
            if host_of(target) not in allowed:
                raise NetworkFailure(url, f"redirected off the configured hosts to {target} (not followed)")
            await self._admit(target, url)
            if response.status_code == 303:
                method, data, json = "GET", None, None
            current = target
        raise NetworkFailure(url, f"more than {MAX_REDIRECTS} redirects")

    # -- where we may go --------------------------------------------------------------------------

    async def _admit(self, url: str, origin: str) -> None:
        """Refuse, before any connection, a URL a portal must not make us fetch.

        Only http(s); and an address outside the public internet only on a configured
        host or in a range a configured host (or, with none configured, `origin`) is in.
        """
        parts = urlsplit(url)
        name = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not name:
            raise NetworkFailure(url, "not an http(s) URL (not fetched)")
        if name in self.configured:
            return
        kind = await self._class_of(url, name)
        if kind == PUBLIC:
            return
        trusted = set()
        for home in self.configured or {(urlsplit(origin).hostname or "").lower()}:
            with suppress(NetworkFailure):  # a configured host that does not resolve trusts no range
                trusted.add(await self._class_of(origin, home))
        if kind not in trusted:
            raise NetworkFailure(url, f"{name} is a {kind} address and no configured host is (not fetched)")

    async def _class_of(self, url: str, name: str) -> str:
        """The address class of a host name: literal addresses as they are, names as they resolve (any
        non-public address makes the name non-public)."""
        if name not in self._classes:
            try:
                self._classes[name] = address_class(name)
            except ValueError:
                if name == "localhost" or name.endswith(".localhost"):
                    self._classes[name] = "loopback"
                else:
                    try:
                        infos = await asyncio.get_running_loop().getaddrinfo(name, None, type=socket.SOCK_STREAM)
                    except OSError as e:
                        raise NetworkFailure(url, f"cannot resolve {name}: {e}") from None
                    kinds = {address_class(str(info[4][0])) for info in infos} - {PUBLIC}
                    self._classes[name] = min(kinds) if kinds else PUBLIC
        return self._classes[name]

    # -- one exchange: robots, politeness, retries ----------------------------------------------

    async def _exchange(
        self, method: str, url: str, headers: dict[str, str], data: Any, json: Any, insecure_tls: bool
    ) -> tuple[httpx.Response, bytes]:
        host = self._host(url)
        if self.settings.respect_robots:
            await self._read_robots(host, url, insecure_tls)
            if host.robots is not None and not host.robots.can_fetch(url, self.user_agent):
                raise RobotsDisallowed(url, "robots.txt disallows this path")
        return await self._with_retries(host, method, url, headers, data, json, insecure_tls)

    async def _read_robots(self, host: _Host, url: str, insecure_tls: bool) -> None:
        """Fetch robots.txt once per host: 4xx → allow all; 5xx or unreachable after retries → allow."""
        async with host.robots_lock:
            if host.robots_read:
                return
            robots_url = urljoin(url, "/robots.txt")
            try:
                response, content = await self._with_retries(host, "GET", robots_url, {}, None, None, insecure_tls)
            except FetchError:
                response = None
            if response is not None and response.status_code == 200:
                text, _ = decode(content, response.headers)
                host.robots = Protego.parse(text)
                crawl_delay = host.robots.crawl_delay(self.user_agent)
                if crawl_delay:
                    host.delay = max(host.delay, float(crawl_delay))
            host.robots_read = True

    async def _with_retries(
        self, host: _Host, method: str, url: str, headers: dict[str, str], data: Any, json: Any, insecure_tls: bool
    ) -> tuple[httpx.Response, bytes]:
        if host.failures >= BREAKER_THRESHOLD:
            raise NetworkFailure(url, f"host gave {host.failures} consecutive failures; not tried again this run")
        for attempt in range(self.settings.max_retries + 1):
            try:
                result = await self._attempt(host, method, url, headers, data, json, insecure_tls)
                host.failures = 0
                return result
            except _Transient as transient:
                if attempt == self.settings.max_retries:
                    host.failures += 1
                    raise transient.error from None
                self.stats.retries += 1
                wait = self.backoff_base * (
                    min(transient.retry_after, MAX_RETRY_AFTER)
                    if transient.retry_after is not None
                    else 3**attempt * random.uniform(1.0, 1.5)
                )
                # The whole host backs off, not only this request.
                host.next_start = max(host.next_start, asyncio.get_running_loop().time() + wait)
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def _turn(self, host: _Host) -> AsyncIterator[None]:
        """Hold one of the host's slots, starting no sooner than its delay allows."""
        loop = asyncio.get_running_loop()
        async with host.slots:
            async with host.turn:
                while (wait := host.next_start - loop.time()) > 0:
                    await asyncio.sleep(wait)
                host.next_start = loop.time() + host.delay
            host.in_flight += 1
            try:
                yield
            finally:
                host.in_flight -= 1

    @staticmethod
    def _answered(host: _Host) -> None:
        """Count the delay from the answer too: our start is not when the server saw the request
        (a new connection reaches it later than a reused one), its answer is surely after that."""
        host.next_start = max(host.next_start, asyncio.get_running_loop().time() + host.delay)

    async def _attempt(
        self, host: _Host, method: str, url: str, headers: dict[str, str], data: Any, json: Any, insecure_tls: bool
    ) -> tuple[httpx.Response, bytes]:
        async with self._turn(host):
            client = await self._client(url, insecure_tls)
            self.stats.requests += 1
            deadline = self.settings.request_deadline
            # No cookies are sent or kept: we do not solve challenges, and on one IP they would leak between ports.
            request = httpx.Request(
                method, url, headers={**self._headers, **headers}, data=data, json=json, extensions=self._timeouts
            )
            try:
                async with asyncio.timeout(deadline):
                    response = await client.handle_async_request(request)
                    try:
                        self._answered(host)
                        content = await self._read_capped(url, response)
                    finally:
                        await response.aclose()
            except TimeoutError:
                # Not worth repeating: a host that drips will drip again. It counts towards the breaker.
                host.failures += 1
                raise NetworkFailure(url, f"no complete answer within {deadline:g} s (crawl.request_deadline)") from None
            except httpx.ConnectError as e:
                if isinstance(e.__context__, ssl.SSLError) or "SSL" in str(e) or "CERTIFICATE" in str(e):
                    raise TLSFailure(url, f"TLS handshake failed: {e}") from None
                raise _Transient(NetworkFailure(url, f"cannot connect: {e}")) from None
            except httpx.TimeoutException as e:
                raise _Transient(NetworkFailure(url, f"timed out ({type(e).__name__})")) from None
            except (httpx.TransportError, httpx.DecodingError) as e:
                raise _Transient(NetworkFailure(url, f"connection broke: {e}")) from None
        self.stats.bytes += len(content)
        if len(self._clients) > self.open_hosts:  # hosts asked at once outnumbered open_hosts
            await self._retire_idle_clients(keep=self.open_hosts)
        if response.status_code in RETRY_STATUS:
            reason = f"HTTP {response.status_code}"
            raise _Transient(NetworkFailure(url, reason), _retry_after(response.headers.get("retry-after")))
        return response, content

    async def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        """The body, refused by Content-Length up front and never read, nor decoded, past the cap."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise DocumentTooLarge(f"Content-Length {declared} exceeds {self.max_bytes} bytes", url)
        inflaters = _inflaters(response.headers.get("content-encoding", ""))
        body = bytearray()
        async for chunk in response.aiter_raw():
            for inflater in inflaters:
                chunk = inflater.feed(chunk, self.max_bytes - len(body))
            body += chunk
            if len(body) > self.max_bytes:
                raise DocumentTooLarge(f"body exceeds {self.max_bytes} bytes" + (" once decoded" if inflaters else ""), url)
        return bytes(body)

    # -- what the answer means -----------------------------------------------------------------

    def _classify(self, url: str, final_url: str, response: httpx.Response, content: bytes, column: bool) -> Fetched:
        status = response.status_code
        headers = {k.lower(): v for k, v in response.headers.items()}
        if status == 304:
            self.stats.not_modified += 1
            return Fetched(url, final_url, 304, headers, b"", "", None, datetime.now(UTC), not_modified=True)
        head = content[:65536]
        if status in ANTIBOT_STATUS or (status == 202 and len(content) < TINY_BODY):
            raise BlockedByAntibot(url, f"HTTP {status} challenge page")
        if any(marker in head for marker in ANTIBOT_MARKERS):
            raise BlockedByAntibot(url, f"HTTP {status} with an anti-bot challenge script")
        if status in (404, 410):
            raise (ColumnMissing if column else NetworkFailure)(url, f"HTTP {status}")
        if status >= 400 or status < 200:
            raise NetworkFailure(url, f"HTTP {status}")
        text, encoding = None, None
        if _is_text(headers.get("content-type"), content, final_url):
            text, encoding = decode(content, headers, html=True)
            html = "html" in headers.get("content-type", "") or text.lstrip().startswith("<")
            visible = _visible_text(text) if html and len(text) < 4 * SOFT_404_CHARS else ""
            if visible and len(visible) < SOFT_404_CHARS and SOFT_404.search(visible):
                raise (ColumnMissing if column else NetworkFailure)(url, "soft 404: the page says it does not exist")
        return Fetched(
            url, final_url, status, headers, content, hashlib.sha256(content).hexdigest(), encoding,
            datetime.now(UTC), text=text,
        )
