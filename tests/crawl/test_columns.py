"""A column read to its end is replayed while its first page lists the same items (crawl/columns.py)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from disclosure_monitor.crawl.run import crawl
from disclosure_monitor.simulator import Simulator, default_scenario

from .conftest import BACKOFF, TODAY, open_store, write_config


def _paths(log: list[dict]) -> set[str]:
    return {entry["path"] for entry in log}


def _said(outcome: dict) -> tuple:
    """What a run concluded of one (agency, year)."""
    return tuple(outcome[k] for k in ("agency", "year", "state", "url", "reason", "report_id"))


def test_a_column_whose_first_page_is_unchanged_is_not_read_to_its_end_again(tmp_path) -> None:
    scenario = default_scenario(0, 40)
    shared = tuple(a for a in scenario.agencies if a.site == "shared-1")  # one column, several agencies, years missing
    with Simulator(replace(scenario, sites=(scenario.site("shared-1"),), agencies=shared)) as sim:
        config = write_config(tmp_path / "daily", sim.agencies_config())
        sections = {urlsplit(a.section).path for a in config.agencies}
        with open_store(config) as store:
            outcomes = []
            for _ in range(2):
                sim.log.clear()
                run = crawl(config, store, TODAY, backoff_base=BACKOFF)
                outcomes.append([_said(o) for o in store.outcomes(run_id=run.run_id)])
            assert _paths(sim.requests) == sections | {"/robots.txt"}
            assert outcomes[1] == outcomes[0]
            assert "not_published" in {state for _, _, state, *_ in outcomes[0]}  # so the first run read every page

        # recheck_days = 0 reads every column to its end every run, as before
        every_run = write_config(tmp_path / "every-run", sim.agencies_config(), recheck_days=0)
        every_run = replace(every_run, store=config.store)
        reports = {urlsplit(url).path for _, _, state, url, *_ in outcomes[0] if state == "found"}
        with open_store(every_run) as store:
            sim.log.clear()
            crawl(every_run, store, TODAY, backoff_base=BACKOFF)
        later_pages = _paths(sim.requests) - sections - reports - {"/robots.txt"}
        assert later_pages and all(not path.startswith("/robots") for path in later_pages)


def test_a_report_published_since_the_last_full_read_is_found_the_next_run(tmp_path) -> None:
    scenario = default_scenario(0, 40)
    shared = tuple(a for a in scenario.agencies if a.site == "shared-1")
    late = next(a for a in shared if TODAY.year - 2 in a.missing)
    with Simulator(replace(scenario, sites=(scenario.site("shared-1"),), agencies=shared)) as sim:
        config = write_config(tmp_path, sim.agencies_config())
        with open_store(config) as store:
            crawl(config, store, TODAY, backoff_base=BACKOFF)
            crawl(config, store, TODAY, backoff_base=BACKOFF)  # replayed: the column is remembered
            sim.publish(late.name, TODAY.year - 2)
            third = crawl(config, store, TODAY, backoff_base=BACKOFF)
            states = {(o["agency"], o["year"]): o["state"] for o in store.outcomes(run_id=third.run_id)}
            assert states[late.name, TODAY.year - 2] == "found"
            assert third.reports_new == 1
            fourth = crawl(config, store, TODAY, backoff_base=BACKOFF)  # and remembered again
            assert fourth.requests == len({a.section for a in config.agencies}) + 1
