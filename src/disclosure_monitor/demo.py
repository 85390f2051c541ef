"""`demo`: the whole job against the bundled sample portal, served on 127.0.0.1.

A simulated county's portals (every listing shape, a GBK site, a shared column, hostile
hosts) serve reports built from real published figures; the demo crawls them into a
fresh store, runs every check and writes the digest where a person can open it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .config import load_config
from .crawl import RunSummary
from .digest import build_digest, write_digest
from .service import open_store, run_cycle
from .simulator import Simulator, default_scenario, write_config

# Polite enough to look like the real thing, fast enough to finish in seconds.
DEMO_CRAWL = {"per_host_delay": 0.05, "timeout": 5, "max_retries": 1, "years_back": 3}


@dataclass(frozen=True)
class DemoResult:
    config: Path
    database: Path
    digest: Path
    summary: RunSummary


def run_demo(folder: Path, today: date) -> DemoResult:
    """Serve the sample portal, run one cycle and a dry-run digest; everything lands in `folder`."""
    years = tuple(range(today.year - 4, today.year))
    scenario = replace(default_scenario(seed=0, n_agencies=40, years=years), stall_seconds=8.0)
    with Simulator(scenario) as sim:
        # One crawl only: say at once what could not be verified, without waiting for a second night.
        path = write_config(folder, sim.agencies_config(), checks={"failures_before_alert": 1}, **DEMO_CRAWL)
        config = load_config(path)
        summary = run_cycle(config, today)
    with open_store(config) as store:
        digest = build_digest(store, config, today)
    out = folder / "digest.html"
    write_digest(digest, config.email, out)
    return DemoResult(config.path, config.store.path, out, summary)
