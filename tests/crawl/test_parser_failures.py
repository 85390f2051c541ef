"""A document that breaks the parser costs that document, never the run."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from disclosure_monitor.crawl import run as crawl_run
from disclosure_monitor.simulator import Simulator, default_scenario

from .conftest import BACKOFF, TODAY, open_store, write_config


def one_site():  # type: ignore[no-untyped-def]
    scenario = default_scenario(0, 40)
    site = scenario.site("trs-1")
    return replace(scenario, sites=(site,), agencies=tuple(a for a in scenario.agencies if a.site == site.name))


@pytest.mark.parametrize("failure", ["exception", "worker_dies"])
def test_the_broken_document_is_a_parse_error_and_the_rest_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    with Simulator(one_site()) as sim:
        found = [e for e in sim.expected().values() if e.state == "found" and e.year >= TODAY.year - 3]
        victim = found[0].document_url
        real = crawl_run.parse_document

        def fragile(data: bytes, *, url: str | None = None, **kw):  # type: ignore[no-untyped-def]
            if url == victim:
                if failure == "worker_dies":
                    time.sleep(0.5)  # long enough for the documents after it to be handed to the pool too
                    os._exit(1)  # as a segfault in a native library would
                raise RecursionError("maximum recursion depth exceeded")
            return real(data, url=url, **kw)

        # Workers fork from this process, so they inherit the fragile parser.
        monkeypatch.setattr(crawl_run, "parse_document", fragile)
        config = write_config(tmp_path, sim.agencies_config())
        with open_store(config) as store:
            summary = crawl_run.crawl(config, store, TODAY, backoff_base=BACKOFF)
    states = {(o.agency, o.year): o for o in summary.outcomes}
    broken = states[(found[0].agency, found[0].year)]
    assert broken.state == "parse_error" and ("died" in broken.reason or "RecursionError" in broken.reason)
    assert all(states[(e.agency, e.year)].state == "found" for e in found[1:])
