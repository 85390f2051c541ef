"""Flaky portals do not cry wolf: a crawl failure becomes "cannot verify" (M02) only after
`failures_before_alert` failing runs in a row, and until then the last verdict stands.

One simulated county department on a TRS portal publishes 2022 and 2024 and never 2023;
between runs the test switches the portal's column between answering and 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from disclosure_monitor.audit import audit
from disclosure_monitor.config import Config
from disclosure_monitor.crawl.run import crawl
from disclosure_monitor.digest import build_digest
from disclosure_monitor.simulator import AgencySpec, Scenario, Simulator, SiteSpec
from disclosure_monitor.store import Store

from .crawl.conftest import BACKOFF, TODAY, open_store, write_config

AGENCY = "赣州市赣县区统计局"
SCENARIO = Scenario(
    seed=0,
    years=(2021, 2022, 2023, 2024),
    sites=(SiteSpec("trs-1", "trs"),),
    agencies=(AgencySpec(AGENCY, "dept", "江西省赣州市赣县区", "trs-1", first_year=2022, missing=frozenset({2023})),),
)


@dataclass
class Portal:
    sim: Simulator
    config: Config
    store: Store

    def night(self, fault: str | None) -> dict[tuple[str, int], dict[str, Any]]:
        """One crawl with the column answering (None) or failing ("gone": HTTP 404), then the
        checks; returns the publication findings (M…) by (check, year), open or not."""
        site = self.sim.site_objects["trs-1"]
        site.spec = replace(site.spec, fault=fault)
        crawl(self.config, self.store, TODAY, backoff_base=BACKOFF)
        audit(self.config, self.store, TODAY)
        return {(f["check_id"], f["year"]): f for f in self.store.findings() if f["check_id"].startswith("M")}


@pytest.fixture
def portal(tmp_path: Path) -> Iterator[Portal]:
    with Simulator(SCENARIO) as sim:
        config = write_config(tmp_path, sim.agencies_config())
        assert config.checks.failures_before_alert == 2  # the default
        with open_store(config) as store:
            yield Portal(sim, config, store)


def is_open(finding: dict[str, Any]) -> bool:
    return finding["resolved_at"] is None


def test_a_portal_that_fails_one_night_and_recovers_raises_nothing(portal: Portal) -> None:
    assert portal.night("gone") == {}  # never seen, failed once: nothing to say yet
    assert set(portal.night(None)) == {("M01", 2023)}  # what a reachable column tells; never an M02


def test_one_failed_night_keeps_the_last_verdict(portal: Portal) -> None:
    first = portal.night(None)
    assert set(first) == {("M01", 2023)} and is_open(first[("M01", 2023)])
    during = portal.night("gone")
    assert set(during) == {("M01", 2023)} and is_open(during[("M01", 2023)]), "no M02, and M01 not resolved"
    after = portal.night(None)
    assert is_open(after[("M01", 2023)]) and after[("M01", 2023)]["reopen_count"] == 0


def test_three_failed_runs_raise_cannot_verify_once_and_the_digest_says_since_when(portal: Portal) -> None:
    assert portal.night("gone") == {}
    second = portal.night("gone")
    assert set(second) == {("M02", 2022), ("M02", 2023), ("M02", 2024)}
    assert all(is_open(f) for f in second.values())
    third = portal.night("gone")
    assert {k: f["id"] for k, f in third.items()} == {k: f["id"] for k, f in second.items()}
    assert all(is_open(f) and f["first_seen"] == second[k]["first_seen"] for k, f in third.items())
    text = build_digest(portal.store, portal.config, TODAY).text
    since = next(portal.store.db.query("SELECT min(started_at) AS t FROM runs"))["t"][:10]
    assert text.count(f"自 {since} 起连续 3 次抓取失败") == 3
    assert "failing since" in build_digest(portal.store, portal.config, TODAY, "en").text


def test_the_threshold_is_configurable(portal: Portal) -> None:
    portal.config = replace(portal.config, checks=replace(portal.config.checks, failures_before_alert=1))
    assert {k for k, f in portal.night("gone").items() if is_open(f)} == {("M02", 2022), ("M02", 2023), ("M02", 2024)}
