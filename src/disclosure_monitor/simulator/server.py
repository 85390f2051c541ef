"""Serve every simulated site on its own loopback port, and log every request.

`Simulator(scenario).start()` binds one threaded HTTP server per site on
127.0.0.1 (ephemeral ports); `.sites` maps site names to base URLs,
`.agencies_config()` gives the [[agency]] entries for a config file, and
`.expected()` the outcome a correct crawler reaches for every (agency, year).
The request log (`.log`, and `GET /__sim/log` on any site) lets tests assert
politeness from what the servers saw rather than from timing.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..model import Value
from .scenario import Scenario
from .sites import Request, Response, Site, answer, build_site, expected_state

LOG_PATH = "/__sim/log"


@dataclass
class RequestLog:
    """Every request: monotonic start/end, host:port, method, path, headers, in flight on that host."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    _in_flight: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

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


def _http_date(day: date | datetime) -> str:
    moment = day if isinstance(day, datetime) else datetime.combine(day, dtime(9, 30), timezone.utc)
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


def _handler(site: Site, log: RequestLog) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep stderr quiet
            pass

        def do_GET(self) -> None:
            self.serve()

        def do_POST(self) -> None:
            self.serve()

        def do_HEAD(self) -> None:
            self.serve()

        def serve(self) -> None:
            url = urlsplit(self.path)
            if url.path == LOG_PATH:
                self.send(Response(200, json.dumps(log.snapshot(), ensure_ascii=False).encode(), "application/json"))
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            length = int(headers.get("content-length") or 0)
            request = Request(self.command, url.path, dict(parse_qsl(url.query)), headers, self.rfile.read(length), url.query)
            host = f"{self.server.server_address[0]}:{self.server.server_address[1]}"
            entry = log.begin(host, self.command, self.path, headers)
            status = 0
            try:
                if site.spec.latency:
                    time.sleep(site.spec.latency)
                status = self.send(answer(site, request), request)
            finally:
                log.end(entry, status)

        def send(self, response: Response, request: Request | None = None) -> int:
            """Write the answer (a 304 when the client's validators match); return its status."""
            headers = dict(response.headers)
            if response.last_modified is not None and request is not None:
                etag = '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"'
                headers["ETag"], headers["Last-Modified"] = etag, _http_date(response.last_modified)
                if _not_modified(request, etag, headers["Last-Modified"]):
                    response = Response(304, b"", response.content_type)
            self.send_response(response.status)
            if response.body or response.status != 304:
                self.send_header("Content-Type", response.content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            if response.stream is not None:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(response.declared_length or len(response.body)))
            if response.declared_length:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if response.stall:
                self.wfile.flush()
                time.sleep(response.stall)
            if self.command == "HEAD":
                return response.status
            if response.stream is None:
                self.wfile.write(response.body)
                return response.status
            for piece in response.stream:  # until it ends, or the client hangs up (a ConnectionError)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            return response.status

    return Handler


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-answer (a timeout, a refused oversized body) is normal here."""

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


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
    """All sites of a scenario, served on loopback; also a context manager."""

    def __init__(self, scenario: Scenario, host: str = "127.0.0.1", port_base: int = 0) -> None:
        self.scenario = scenario
        self.host, self.port_base = host, port_base
        self.log = RequestLog()
        self.site_objects = {spec.name: build_site(spec, scenario) for spec in scenario.sites}
        self.sites: dict[str, str] = {}
        self._servers: list[ThreadingHTTPServer] = []

    def start(self) -> Simulator:
        for n, (name, site) in enumerate(self.site_objects.items()):
            port = self.port_base + n if self.port_base else 0
            server = _QuietServer((self.host, port), _handler(site, self.log))
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, args=(0.05,), name=f"sim-{name}", daemon=True).start()
            self._servers.append(server)
            self.sites[name] = f"http://{self.host}:{server.server_address[1]}"
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> Simulator:
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
            site = next(s for s in self.site_objects.values() if any(a.name == name for a in s.agencies))
            site.edit(name, y)
        return targets
