"""Hostile portals (the simulator's ATTACKS): every (agency, year) ends in its expected state
with a reason that says why, within the configured time and memory, and nothing a portal
says makes the crawler connect anywhere but the configured loopback hosts.
"""

from __future__ import annotations

import asyncio
import ipaddress
import signal
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import httpcore
import pytest

from disclosure_monitor.config import CrawlSettings
from disclosure_monitor.crawl.fetch import Fetcher
from disclosure_monitor.crawl.run import RunSummary, crawl
from disclosure_monitor.errors import DocumentTooLarge, FetchError, NetworkFailure
from disclosure_monitor.simulator import ATTACKS, Simulator, hostile_scenario
from disclosure_monitor.simulator.sites import bomb, docx_bomb

from .conftest import BACKOFF, TODAY, open_store, write_config

# The limits the crawl runs under; every attack must end within them.
LIMITS = {"timeout": 1, "request_deadline": 3, "max_retries": 1, "max_pages": 20, "max_document_mb": 5}
SETTINGS = CrawlSettings(per_host_delay=0.01, **LIMITS)
CAP = 5 * 1024 * 1024
REASONS = {  # what the outcome's reason says, per attack
    "drip": "crawl.request_deadline",
    "gzip_bomb": "once decoded",
    "deflate_bomb": "once decoded",
    "redirect_loop": "more than 5 redirects",
    "redirect_offhost": "redirected off the configured hosts to http://127.0.0.2/",
    "redirect_private": "redirected off the configured hosts to http://10.0.0.1/",
    "link_private": "169.254.169.254 is a link-local address",
    "endless_pages": "stopped after 20 pages (crawl.max_pages)",
    "huge_pdf": f"body exceeds {CAP} bytes",
    "docx_bomb": "zip bomb",
    "deep_html": "no report tables",
}


@contextmanager
def watchdog(seconds: int) -> Iterator[None]:
    """Fail, rather than hang, when a limit under test is missing."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s: a limit did not hold")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def tripwire() -> Iterator[list[tuple[str, int]]]:
    """Every connection the crawler tries to a non-loopback address, refused before a packet leaves."""
    from httpcore._backends.auto import AutoBackend  # what httpx's async pool connects with

    attempts: list[tuple[str, int]] = []
    connect = AutoBackend.connect_tcp

    async def guarded(self: Any, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        if not ipaddress.ip_address(host).is_loopback:
            attempts.append((host, port))
            raise httpcore.ConnectError(f"tripwire: {host} is not loopback")
        return await connect(self, host, port, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AutoBackend, "connect_tcp", guarded)
        yield attempts


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    bomb("gzip"), bomb("deflate"), docx_bomb()  # made once, before any clock starts
    with Simulator(hostile_scenario()) as sim:
        yield sim


@dataclass
class Hostile:
    sim: Simulator
    summary: RunSummary
    seconds: float
    store: Any

    def outcomes(self, attack: str) -> list[dict[str, Any]]:
        names = {a.name for a in self.sim.scenario.agencies if a.site == f"hostile-{attack}"}
        return [o for o in self.store.outcomes(run_id=self.summary.run_id) if o["agency"] in names]


@pytest.fixture(scope="module")
def hostile(sim: Simulator, tripwire: list, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    config = write_config(tmp_path_factory.mktemp("hostile"), sim.agencies_config(), **LIMITS)
    with open_store(config) as store:
        start = time.monotonic()
        with watchdog(120):
            summary = crawl(config, store, TODAY, backoff_base=BACKOFF)
        yield Hostile(sim, summary, time.monotonic() - start, store)


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_each_attack_ends_in_its_state_with_a_reason(hostile: Hostile, attack: str) -> None:
    outcomes = hostile.outcomes(attack)
    expected = hostile.sim.expected()
    assert outcomes
    for o in outcomes:
        assert o["state"] == expected[(o["agency"], o["year"])].state, (o, attack)
        assert REASONS.get(attack, "") in (o["reason"] or ""), (o, attack)


def test_the_whole_hostile_crawl_ends_within_its_limits(hostile: Hostile) -> None:
    # The drip holds its host for one deadline, the rest are refused quickly; all hosts run at once.
    assert hostile.seconds < 4 * LIMITS["request_deadline"]


def test_nothing_connects_beyond_loopback(hostile: Hostile, tripwire: list) -> None:
    assert tripwire == []


def test_file_and_javascript_links_are_ignored_for_the_real_report(hostile: Hostile) -> None:
    found = [o for o in hostile.outcomes("bad_links") if o["state"] == "found"]
    assert found and all(o["url"].startswith("http://127.0.0.1:") for o in found)


def test_a_list_page_cap_leaves_the_column_incomplete_not_the_reports_missing(hostile: Hostile) -> None:
    port = hostile.sim.sites["hostile-endless_pages"].rsplit(":", 1)[1]
    pages = [e for e in hostile.sim.requests if e["host"].endswith(port) and "index" in e["path"]]
    assert len(pages) == LIMITS["max_pages"]
    assert "not_published" not in {o["state"] for o in hostile.outcomes("endless_pages")}


# -- the fetcher alone: memory and time of one request -------------------------------------------


def document(sim: Simulator, attack: str, attachment: bool = False) -> str:
    """The URL of a report page (or its attachment) on the attack's host."""
    site = sim.site_objects[f"hostile-{attack}"]
    item = next(i for i in site.items if i.kind == "report")
    return sim.sites[site.spec.name] + (item.document_path if attachment else item.path)


def measured(url: str, settings: CrawlSettings = SETTINGS, **options: Any) -> tuple[Exception | None, float, int]:
    """Fetch `url`: the error raised, the seconds taken, the peak bytes allocated meanwhile."""

    async def go() -> None:
        async with Fetcher(settings, backoff_base=BACKOFF) as fetcher:
            await fetcher.get(url, **options)

    tracemalloc.start()
    start = time.monotonic()
    try:
        with watchdog(60):
            asyncio.run(go())
        error = None
    except (FetchError, DocumentTooLarge) as e:
        error = e
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return error, time.monotonic() - start, peak


@pytest.mark.parametrize("attack", ["gzip_bomb", "deflate_bomb"])
def test_a_compression_bomb_is_refused_without_being_unpacked(sim: Simulator, tripwire: list, attack: str) -> None:
    error, seconds, peak = measured(document(sim, attack))
    assert isinstance(error, DocumentTooLarge) and "once decoded" in error.reason
    # httpx alone inflates each 64 KB read into 64 MB before anyone can count it.
    assert peak < 3 * CAP and seconds < 5


def test_a_500_mb_pdf_is_refused_once_the_cap_is_read(sim: Simulator, tripwire: list) -> None:
    error, seconds, peak = measured(document(sim, "huge_pdf", attachment=True))
    assert isinstance(error, DocumentTooLarge)
    assert peak < 3 * CAP and seconds < 5


def test_a_body_that_never_ends_stops_at_the_deadline(sim: Simulator, tripwire: list) -> None:
    site = sim.site_objects["hostile-drip"]
    column = sim.sites[site.spec.name] + site.section(site.agencies[0])
    settings = replace(SETTINGS, request_deadline=1.5)
    error, seconds, _ = measured(column, settings, column=True)
    assert isinstance(error, NetworkFailure) and "crawl.request_deadline" in error.reason
    assert 1.5 <= seconds < 1.5 + 2  # the read timeout (1 s) alone never fires: a byte comes every 100 ms


def test_a_redirect_to_a_private_address_is_refused_even_to_an_allowed_host(sim: Simulator, tripwire: list) -> None:
    error, _, _ = measured(document(sim, "redirect_private"), allowed_hosts=["10.0.0.1"])
    assert isinstance(error, NetworkFailure) and "10.0.0.1 is a private address" in error.reason
    assert tripwire == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/x.pdf"])
def test_only_http_urls_are_fetched(url: str) -> None:
    error, _, _ = measured(url)
    assert isinstance(error, NetworkFailure) and "not an http(s) URL" in error.reason


def test_a_loopback_url_is_refused_when_the_configured_hosts_are_public(sim: Simulator, tripwire: list) -> None:
    async def go() -> None:
        async with Fetcher(SETTINGS, configured_hosts=["1.2.3.4"]) as fetcher:  # classified, never contacted
            await fetcher.get(sim.sites["hostile-bad_links"] + "/")

    with pytest.raises(NetworkFailure, match="loopback address"):
        asyncio.run(go())
    assert not [e for e in sim.requests if e["path"] == "/"]
