"""A document that breaks the parser costs that document, never the run."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from disclosure_monitor.crawl import run as crawl_run
from disclosure_monitor.errors import ParseError
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
            states = {(o["agency"], o["year"]): o for o in store.outcomes(run_id=summary.run_id)}
    broken = states[(found[0].agency, found[0].year)]
    assert broken["state"] == "parse_error" and ("died" in broken["reason"] or "RecursionError" in broken["reason"])
    assert all(states[(e.agency, e.year)]["state"] == "found" for e in found[1:])


def test_a_document_that_failed_to_parse_is_not_fetched_again_until_its_recheck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Simulator(one_site()) as sim:
        victim = next(e for e in sim.expected().values() if e.state == "found" and e.year >= TODAY.year - 3)
        real = crawl_run.parse_document

        def unreadable(data: bytes, *, url: str | None = None, **kw):  # type: ignore[no-untyped-def]
            if url == victim.document_url:
                raise ParseError("no report tables found", url)
            return real(data, url=url, **kw)

        monkeypatch.setattr(crawl_run, "parse_document", unreadable)
        config = write_config(tmp_path, sim.agencies_config())
        runs = []
        with open_store(config) as store:
            for recheck_days in (7, 7, 0):  # the same day twice, then with every page due
                config = write_config(tmp_path, sim.agencies_config(), recheck_days=recheck_days)
                sim.log.clear()
                summary = crawl_run.crawl(config, store, TODAY, backoff_base=BACKOFF)
                verdict = next(o for o in store.outcomes(run_id=summary.run_id) if (o["agency"], o["year"]) == (victim.agency, victim.year))
                asked = urlsplit(victim.document_url).path in {e["path"] for e in sim.requests}
                runs.append((verdict["state"], verdict["reason"], asked))
    first, same_day, due = runs
    assert first == (same_day[0], same_day[1], True) and first[0] == "parse_error"
    assert not same_day[2]  # not asked again the same day
    assert due == first  # asked again when due, and still unreadable
