"""Crawler fixtures: the portal simulator on loopback, a config file written for it, real runs.

The default scenario is crawled twice (once cold, once over unchanged sites) and the
tests read the simulator's request log and the SQLite store. The stalling host is left
out here (it costs timeouts) and has its own test.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from disclosure_monitor.config import Config, load_config
from disclosure_monitor.crawl.run import RunSummary, crawl
from disclosure_monitor.simulator import Scenario, Simulator, default_scenario
from disclosure_monitor.simulator import write_config as simulator_config
from disclosure_monitor.store import Store

TODAY = date(2025, 6, 1)
DELAY = 0.02
BACKOFF = 0.005


def write_config(folder: Path, agencies: list[dict[str, Any]], **crawl_settings: Any) -> Config:
    """A real TOML configuration file for the simulated agencies, loaded."""
    settings = {"per_host_delay": DELAY, "timeout": 5, "max_retries": 3, "years_back": 3, **crawl_settings}
    return load_config(simulator_config(folder, agencies, **settings))


def open_store(config: Config) -> Store:
    return Store.open(config.store.path, config.store.evidence)


def without(scenario: Scenario, fault: str) -> Scenario:
    sites = tuple(s for s in scenario.sites if s.fault != fault)
    names = {s.name for s in sites}
    return replace(scenario, sites=sites, agencies=tuple(a for a in scenario.agencies if a.site in names))


@dataclass
class Crawled:
    sim: Simulator
    config: Config
    store: Store
    first: RunSummary
    first_outcomes: list[dict[str, Any]]  # the store's outcomes after the first run
    first_log: list[dict[str, Any]]
    second: RunSummary
    second_log: list[dict[str, Any]]

    def expected(self) -> dict:
        """The simulator's answer key for the years this crawl looks for."""
        return {k: e for k, e in self.sim.expected().items() if k[1] >= TODAY.year - 3}

    def site_hosts(self, *shapes: str) -> set[str]:
        return {
            url.removeprefix("http://")
            for name, url in self.sim.sites.items()
            if self.sim.scenario.site(name).shape in shapes and not self.sim.scenario.site(name).fault
        }


@pytest.fixture(scope="package")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    with Simulator(without(default_scenario(0, 40), "stall")) as sim:
        config = write_config(tmp_path_factory.mktemp("crawl"), sim.agencies_config())
        store = open_store(config)
        first = crawl(config, store, TODAY, backoff_base=BACKOFF)
        first_outcomes = store.outcomes(run_id=first.run_id)
        first_log = sim.requests
        sim.log.clear()
        second = crawl(config, store, TODAY, backoff_base=BACKOFF)
        yield Crawled(sim, config, store, first, first_outcomes, first_log, second, sim.requests)
        store.close()
