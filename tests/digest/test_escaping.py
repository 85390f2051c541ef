"""What a portal writes reaches the digest as text: a crawl of a portal whose titles and
links carry <script> gives a digest with the text escaped and no script in it."""

from __future__ import annotations

from pathlib import Path

from disclosure_monitor.audit import audit
from disclosure_monitor.crawl.run import crawl
from disclosure_monitor.digest import build_digest
from disclosure_monitor.simulator import Simulator, hostile_scenario
from disclosure_monitor.simulator.sites import SCRIPT
from tests.crawl.conftest import BACKOFF, TODAY, open_store, write_config


def test_script_from_a_portal_is_escaped_in_the_digest(tmp_path: Path) -> None:
    with Simulator(hostile_scenario("script_title")) as sim:
        config = write_config(tmp_path, sim.agencies_config())
        with open_store(config) as store:
            summary = crawl(config, store, TODAY, backoff_base=BACKOFF)
            audit(config, store, TODAY)
            titles = [r["title"] for r in store.db.query("SELECT title FROM reports")]
            digest = build_digest(store, config, TODAY)
    assert set(summary.states) == {"found"}
    assert titles and all(SCRIPT in t for t in titles)  # stored as the portal gave it: evidence
    assert "&lt;script&gt;alert(" in digest.html  # it reached the digest…
    assert "<script" not in digest.html.lower()  # …as text only
