"""Serve every simulated site on its own loopback port, and log every request.

`Simulator(scenario).start()` binds one listening socket per site on 127.0.0.1
(ephemeral ports) and serves them all from one asyncio event loop in one thread:
3,000 hosts cost one thread, not 3,000 polling ones, because the simulator shares
the machine with the crawler a benchmark measures. Answers are made (rendered) in
a few worker threads so that a slow render never holds up another host, and kept:
the same GET is answered from memory, and a conditional one 304 without rendering.
`.sites` maps site names to base URLs, `.agencies_config()` gives the [[agency]]
entries for a config file, and `.expected()` the outcome a correct crawler reaches
for every (agency, year). The request log (`.log`, and `GET /__sim/log` on any
site) lets tests assert politeness from what the servers saw rather than from timing.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import socket
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from http import HTTPStatus
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from ..model import Value
from .scenario import Scenario, SiteSpec
from .sites import Request, Response, Site, answer, build_site, expected_state

LOG_PATH = "/__sim/log"
CACHE_BYTES = 256 << 20  # bodies kept for repeated requests; validators are kept for every answer
WORKERS = 8  # threads that make answers: renders, and streams that sleep between pieces
_REASONS = {status.value: status.phrase for status in HTTPStatus}


class RequestLog:
    """Every request: monotonic start/end, host:port, method, path, headers, in flight on that host.

    `keep` bounds the entries kept (the oldest go first), for runs too long to log whole.
    """

    def __init__(self, keep: int | None = None) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=keep)
        self._in_flight: dict[str, int] = {}
        self._lock = threading.Lock()

    def begin(self, host: str, method: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            self._in_flight[host] = self._in_flight.get(host, 0) + 1
            entry = {
                "start": time.monotonic(),
                "end": None,
                "host": host,
                "method": method,
                "path": path,
                "headers": headers,
                "in_flight": self._in_flight[host],
                "status": None,
            }
            self.entries.append(entry)
            return entry

    def end(self, entry: dict[str, Any], status: int) -> None:
        with self._lock:
            self._in_flight[entry["host"]] -= 1
            entry["end"], entry["status"] = time.monotonic(), status

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self.entries]

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()


@functools.lru_cache(maxsize=4096)
def _http_date(day: date | datetime) -> str:
    """Cached: one string shared by the thousands of documents published on the same day."""
    moment = day if isinstance(day, datetime) else datetime.combine(day, dtime(9, 30), UTC)
    return format_datetime(moment, usegmt=True)


def _not_modified(request: Request, etag: str, last_modified: str) -> bool:
    if "if-none-match" in request.headers:
        return etag in [t.strip() for t in request.headers["if-none-match"].split(",")]
    if "if-modified-since" in request.headers:
        try:
            return parsedate_to_datetime(request.headers["if-modified-since"]) >= parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            return False
    return False


@dataclass(frozen=True)
class _Answer:
    """A site's response with its validators (static content only), computed once per rendering."""

    response: Response
    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def made(cls, site: Site, request: Request) -> _Answer:
        """Ask the site (its fault first); hash the body of static content for its ETag."""
        response = answer(site, request)
        if response.last_modified is None:
            return cls(response)
        etag = '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"'
        return cls(response, etag, _http_date(response.last_modified))

    def to(self, request: Request) -> tuple[Response, dict[str, str]]:
        """The response and headers to send: a 304 when the client's validators match."""
        headers = dict(self.response.headers)
        if self.etag is None or self.last_modified is None:
            return self.response, headers
        headers["ETag"], headers["Last-Modified"] = self.etag, self.last_modified
        if _not_modified(request, self.etag, self.last_modified):
            return Response(304, b"", self.response.content_type), headers
        return self.response, headers


_Key = tuple[tuple[SiteSpec, int], str]  # (the site's spec and revision, the request target)


class _Cache:
    """Answers to GET and HEAD on hosts without a fault (which answer by the count, the cookie…),
    by site state and target: an edit bumps `Site.revision`, a new `spec` is another state.

    Bodies are kept up to `budget` bytes, least recently used dropped first; validators are kept
    for every answer, so an unchanged conditional request is a 304 even after its body is dropped.
    """

    def __init__(self, budget: int) -> None:
        self.budget, self.size = budget, 0
        self.bodies: OrderedDict[_Key, _Answer] = OrderedDict()
        # ETag and Last-Modified by target, per site state: ~300 bytes for each of the ~540,000 URLs of a national run
        self.validators: dict[tuple[SiteSpec, int], dict[str, tuple[str, str]]] = {}

    @staticmethod
    def key(site: Site, request: Request) -> _Key | None:
        if request.method not in ("GET", "HEAD") or site.spec.fault:
            return None
        return (site.spec, site.revision), request.target

    def get(self, key: _Key, request: Request) -> _Answer | None:
        """The kept answer, or a body-less one when it can only be a 304; None: make it."""
        kept = self.bodies.get(key)
        if kept is not None:
            self.bodies.move_to_end(key)
            return kept
        state, target = key
        validators = self.validators.get(state, {}).get(target)
        if validators is not None and _not_modified(request, *validators):
            return _Answer(Response(304), *validators)
        return None

    def put(self, key: _Key, made: _Answer) -> None:
        if made.response.stream is not None:
            return
        if made.etag is not None and made.last_modified is not None and not made.response.headers:
            state, target = key
            self.validators.setdefault(state, {})[target] = (made.etag, made.last_modified)
        self.bodies[key] = made
        self.size += len(made.response.body)
        while self.size > self.budget:
            _, dropped = self.bodies.popitem(last=False)
            self.size -= len(dropped.response.body)


def _head(response: Response, headers: dict[str, str], keep_alive: bool) -> bytes:
    """Status line and headers, as nginx would send them."""
    lines = [
        f"HTTP/1.1 {response.status} {_REASONS.get(response.status, '')}",
        "Server: nginx",
        f"Date: {formatdate(usegmt=True)}",
    ]
    if response.body or response.status != 304:
        lines.append(f"Content-Type: {response.content_type}")
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if response.stream is not None:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append(f"Content-Length: {response.declared_length or len(response.body)}")
    if not keep_alive:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _keep_alive(version: str, headers: dict[str, str]) -> bool:
    connection = headers.get("connection", "").lower()
    return connection == "keep-alive" if version == "HTTP/1.0" else connection != "close"


class _Server:
    """One event loop thread over every site's listening socket, and the workers that make answers."""

    def __init__(self, log: RequestLog, cache_bytes: int) -> None:
        self.log = log
        self.cache = _Cache(cache_bytes)
        self.loop = asyncio.new_event_loop()
        self.pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="sim-answer")
        self.thread = threading.Thread(target=self.loop.run_forever, name="simulator", daemon=True)
        self.servers: list[asyncio.Server] = []
        self.connections: set[asyncio.Task[None]] = set()

    def start(self, listeners: list[tuple[Site, socket.socket]]) -> None:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(listeners), self.loop).result()

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()
        self.pool.shutdown(wait=False, cancel_futures=True)

    async def _listen(self, listeners: list[tuple[Site, socket.socket]]) -> None:
        for site, sock in listeners:
            address, port = sock.getsockname()[:2]
            host = f"{address}:{port}"
            self.servers.append(await asyncio.start_server(functools.partial(self._connection, site, host), sock=sock))

    async def _close(self) -> None:
        for server in self.servers:
            server.close()
        for task in self.connections:
            task.cancel()
        await asyncio.gather(*self.connections, return_exceptions=True)

    async def _connection(self, site: Site, host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.connections.add(task)
        writer.transport.set_write_buffer_limits(0)  # drain() returns once the bytes are with the kernel
        try:
            while await self._exchange(site, host, reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass  # a client that hangs up mid-answer (a timeout, a refused oversized body) is normal here
        except asyncio.CancelledError:
            pass  # stop(): ended quietly, or asyncio's stream callback reports the cancellation as an error
        finally:
            self.connections.discard(task)
            writer.close()

    async def _exchange(self, site: Site, host: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Read one request and answer it; False when the connection is to close."""
        try:
            lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        except asyncio.IncompleteReadError:
            return False
        method, target, version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length") or 0))
        keep_alive = _keep_alive(version, headers)
        url = urlsplit(target)
        if url.path == LOG_PATH:
            log = Response(200, json.dumps(self.log.snapshot(), ensure_ascii=False).encode(), "application/json")
            return await self._send(writer, method, log, {}, keep_alive)
        request = Request(method, url.path, dict(parse_qsl(url.query)), headers, body, url.query)
        entry = self.log.begin(host, method, target, headers)
        status = 0
        try:
            if site.spec.latency:
                await asyncio.sleep(site.spec.latency)
            response, response_headers = (await self._answer(site, request)).to(request)
            status = response.status
            return await self._send(writer, method, response, response_headers, keep_alive)
        finally:
            self.log.end(entry, status)

    async def _answer(self, site: Site, request: Request) -> _Answer:
        key = self.cache.key(site, request)
        kept = self.cache.get(key, request) if key is not None else None
        if kept is not None:
            return kept
        made = await self.loop.run_in_executor(self.pool, _Answer.made, site, request)
        if key is not None:
            self.cache.put(key, made)
        return made

    async def _send(
        self, writer: asyncio.StreamWriter, method: str, response: Response, headers: dict[str, str], keep_alive: bool
    ) -> bool:
        """Write the answer; return whether the connection stays open."""
        keep_alive = keep_alive and not response.declared_length
        head = _head(response, headers, keep_alive)
        if response.stall:
            writer.write(head)
            await writer.drain()
            await asyncio.sleep(response.stall)
            head = b""
        if method == "HEAD" or response.stream is None:
            writer.write(head + (b"" if method == "HEAD" else response.body))
            await writer.drain()
            return keep_alive
        writer.write(head)
        pieces = iter(response.stream)
        # Until it ends, or the client hangs up (a ConnectionError); a piece may take its time to come.
        while (piece := await self.loop.run_in_executor(self.pool, next, pieces, None)) is not None:
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return keep_alive


@dataclass(frozen=True)
class Expected:
    """What a correct crawler concludes for one (agency, year)."""

    agency: str
    year: int
    state: str  # found | not_published | blocked_antibot | robots_disallowed | column_moved | …
    url: str | None = None  # the article page listed in the column
    document_url: str | None = None  # where the report's bytes are (the article, or its attachment)
    title: str | None = None
    format: str | None = None  # html | pdf | docx | doc | image_pdf
    template: str | None = None
    published_on: date | None = None
    signed_on: date | None = None
    late: bool = False
    inconsistent: bool = False
    edited: bool = False
    figures: dict[str, Value] | None = None


class Simulator:
    """All sites of a scenario, served on loopback; also a context manager.

    `log_keep` bounds the request log (None: every request), for runs too long to log whole;
    `cache_bytes` the bodies kept for repeated requests.
    """

    def __init__(
        self,
        scenario: Scenario,
        host: str = "127.0.0.1",
        port_base: int = 0,
        log_keep: int | None = None,
        cache_bytes: int = CACHE_BYTES,
    ) -> None:
        self.scenario = scenario
        self.cache_bytes = cache_bytes
        self.host, self.port_base = host, port_base
        self.log = RequestLog(log_keep)
        self.site_objects = {spec.name: build_site(spec, scenario) for spec in scenario.sites}
        self.sites: dict[str, str] = {}
        self._server: _Server | None = None

    def start(self) -> Simulator:
        listeners = []
        for n, (name, site) in enumerate(self.site_objects.items()):
            sock = socket.create_server((self.host, self.port_base + n if self.port_base else 0), backlog=128)
            listeners.append((site, sock))
            self.sites[name] = f"http://{self.host}:{sock.getsockname()[1]}"
        self._server = _Server(self.log, self.cache_bytes)
        self._server.start(listeners)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The request log as a list of dicts (a copy)."""
        return self.log.snapshot()

    def agencies_config(self) -> list[dict[str, Any]]:
        """The [[agency]] entries of a config file for this scenario (spec/interface.md)."""
        out = []
        for agency in self.scenario.agencies:
            site = self.site_objects[agency.site]
            out.append(
                {
                    "name": agency.name,
                    "kind": agency.kind,
                    "region": agency.region,
                    "section": self.sites[agency.site] + site.section(agency),
                    "aliases": list(agency.aliases),
                    "first_year": agency.first_year,
                }
            )
        return out

    def expected(self) -> dict[tuple[str, int], Expected]:
        """For every (agency, year) wanted by the config: the outcome and, when found, what the report says."""
        out = {}
        for agency in self.scenario.agencies:
            site = self.site_objects[agency.site]
            reports = {i.year: i for i in site.items if i.agency == agency and i.kind == "report"}
            for year in self.scenario.wanted_years(agency):
                item = reports.get(year)
                state = expected_state(site, agency, item)
                if item is None or state not in ("found", "parse_error"):
                    out[(agency.name, year)] = Expected(agency.name, year, state)
                    continue
                spec = site.current(item)
                served = self.scenario.rendition(spec, item.fmt)
                base = self.sites[agency.site]
                out[(agency.name, year)] = Expected(
                    agency.name,
                    year,
                    state,
                    url=base + item.path,
                    document_url=base + item.document_path,
                    title=item.title,
                    format=item.fmt,
                    template=spec.template.name,
                    published_on=item.published,
                    signed_on=served.signed,
                    late=year in agency.late,
                    inconsistent=year in agency.inconsistent,
                    edited=(agency.name, year) in site.edits,
                    figures=served.figures() if state == "found" else None,
                )
        return out

    def edit(self, agency: str | None = None, year: int | None = None) -> list[tuple[str, int]]:
        """Change a published report's bytes under the same URL (the scenario's `edited` ones by default)."""
        targets = (
            [(agency, year)]
            if agency is not None and year is not None
            else [(a.name, y) for a in self.scenario.agencies for y in sorted(a.edited) if y not in a.missing]
        )
        for name, y in targets:
            self._site_of(name).edit(name, y)
        return targets

    def publish(self, agency: str, year: int) -> None:
        """Publish the report of a year the scenario left missing (see `Site.publish`)."""
        self._site_of(agency).publish(agency, year)

    def _site_of(self, agency: str) -> Site:
        return next(s for s in self.site_objects.values() if any(a.name == agency for a in s.agencies))
