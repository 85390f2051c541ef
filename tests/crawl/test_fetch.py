"""The Fetcher against simulated hostile hosts, over real HTTP."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from disclosure_monitor.config import CrawlSettings
from disclosure_monitor.crawl.fetch import Fetcher
from disclosure_monitor.errors import BlockedByAntibot, ColumnMissing, ColumnMoved, DocumentTooLarge
from disclosure_monitor.simulator import Simulator, default_scenario

from .conftest import without

SETTINGS = CrawlSettings(per_host_delay=0.01, timeout=5, max_retries=3)


@pytest.fixture(scope="module")
def sim():
    with Simulator(without(default_scenario(0, 40), "stall")) as sim:
        yield sim


def column(sim: Simulator, site: str) -> str:
    name = next(a.name for a in sim.scenario.agencies if a.site == site)
    return next(a["section"] for a in sim.agencies_config() if a["name"] == name)


def fetch(url: str, settings: CrawlSettings = SETTINGS, **options) -> object:
    async def go():
        async with Fetcher(settings, backoff_base=0.005) as fetcher:
            return await fetcher.get(url, **options), fetcher.stats

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("site", "error"),
    [
        ("hostile-ts412", BlockedByAntibot),
        ("hostile-jsl521", BlockedByAntibot),
        ("hostile-moved", ColumnMoved),
        ("hostile-gone", ColumnMissing),
        ("hostile-soft404", ColumnMissing),
    ],
)
def test_hostile_columns_are_classified(sim: Simulator, site: str, error: type) -> None:
    with pytest.raises(error):
        fetch(column(sim, site), column=True)


def test_transient_errors_are_retried_until_the_page_comes(sim: Simulator) -> None:
    for site in ("hostile-flaky503", "hostile-retry429"):
        fetched, stats = fetch(column(sim, site), column=True)
        assert fetched.status == 200 and stats.retries >= 1


def test_a_document_over_the_cap_is_refused_before_it_is_read(sim: Simulator) -> None:
    pdf = next(e for e in sim.expected().values() if e.format == "pdf" and e.state == "found")
    with pytest.raises(DocumentTooLarge):
        fetch(pdf.document_url, replace(SETTINGS, max_document_mb=0.001))


def test_an_unchanged_page_costs_a_304(sim: Simulator) -> None:
    url = column(sim, "trs-1")
    first, _ = fetch(url)
    again, stats = fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.content == b"" and stats.not_modified == 1


def test_many_hosts_at_once_each_answered_while_idle_connections_are_closed(sim: Simulator) -> None:
    """More hosts than the fetcher keeps connections to, asked all at once (twice over), then
    one after another: every page comes, and at the end only `open_hosts` clients are open."""
    healthy = [s.name for s in sim.scenario.sites if not s.fault]
    pages = [column(sim, site) for site in healthy]
    assert len(set(pages)) > 3

    async def go():
        async with Fetcher(SETTINGS, backoff_base=0.005, open_hosts=2) as fetcher:
            answers = await asyncio.gather(*(fetcher.get(url) for url in pages * 2))
            answers += [await fetcher.get(url) for url in pages]
            return answers, len(fetcher._clients)

    answers, still_open = asyncio.run(go())
    assert [a.status for a in answers] == [200] * len(pages) * 3
    assert still_open <= 2


class RecordingProxy:
    """A forward proxy on loopback that notes each request line and relays one exchange a connection."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, version = head.split(b"\r\n", 1)[0].decode().split(" ")
        self.requests.append(f"{method} {target}")
        parts = urlsplit(target)
        upstream_reader, upstream_writer = await asyncio.open_connection(parts.hostname, parts.port)
        origin_form = f"{method} {parts.path or '/'}{'?' + parts.query if parts.query else ''} {version}".encode()
        rest = head.split(b"\r\n", 1)[1].replace(b"Connection: keep-alive", b"Connection: close")
        upstream_writer.write(origin_form + b"\r\n" + rest)
        await upstream_writer.drain()

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            while chunk := await source.read(65536):
                sink.write(chunk)
                await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer), return_exceptions=True)


@pytest.mark.parametrize("bypassed", [False, True])
def test_the_environments_proxy_is_used_unless_no_proxy_names_the_host(
    sim: Simulator, monkeypatch: pytest.MonkeyPatch, bypassed: bool
) -> None:
    """An office that reaches the internet only through a proxy sets HTTP(S)_PROXY, as for any tool."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    url = column(sim, "trs-1")
    proxy = RecordingProxy()

    async def go():
        server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
        if bypassed:
            monkeypatch.setenv("NO_PROXY", urlsplit(url).hostname)
        async with server, Fetcher(SETTINGS, backoff_base=0.005) as fetcher:
            return await fetcher.get(url)

    page = asyncio.run(go())
    assert page.status == 200 and page.content
    assert (f"GET {url}" in proxy.requests) is not bypassed
    assert not bypassed or proxy.requests == []
