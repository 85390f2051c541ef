"""The Fetcher against simulated hostile hosts, over real HTTP."""

from __future__ import annotations

import asyncio
from dataclasses import replace

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
