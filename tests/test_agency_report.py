"""`disclosure-monitor report`: everything known about one agency, crawled from the simulator."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from pathlib import Path

import html5lib
import lxml.html
import pytest

from disclosure_monitor.agency_report import agency_report, figure_labels
from disclosure_monitor.audit import audit
from disclosure_monitor.cli import main
from disclosure_monitor.config import Config
from disclosure_monitor.crawl.run import crawl
from disclosure_monitor.parse.template import all_figure_keys
from disclosure_monitor.simulator import AgencySpec, Scenario, Simulator, SiteSpec

from .crawl.conftest import BACKOFF, TODAY, open_store, write_config

AGENCY = "赣州市赣县区财政局"
SCENARIO = Scenario(
    seed=0,
    years=(2021, 2022, 2023, 2024),
    sites=(SiteSpec("hanweb-1", "hanweb"),),
    agencies=(
        AgencySpec(AGENCY, "dept", "江西省赣州市赣县区", "hanweb-1", first_year=2021, aliases=("赣县区财政局",),
                   late=frozenset({2023}), inconsistent=frozenset({2024})),
    ),
)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Config, dict]]:
    with Simulator(SCENARIO) as sim:
        config = write_config(tmp_path_factory.mktemp("report"), sim.agencies_config())
        with open_store(config) as store:
            crawl(config, store, TODAY, backoff_base=BACKOFF)
            audit(config, store, TODAY)
        yield config, {year: e for (name, year), e in sim.expected().items() if year >= TODAY.year - 3}


def test_every_figure_key_has_a_label_under_its_table() -> None:
    keys = [key for _, rows in figure_labels() for key, _ in rows]
    assert sorted(keys) == sorted(all_figure_keys()) and len(keys) == len(set(keys))


def test_the_text_report_shows_all_three_years(crawled: tuple[Config, dict], capsys: pytest.CaptureFixture[str]) -> None:
    config, expected = crawled
    assert main(["report", "-c", str(config.path), "--agency", "赣县区财政局"]) == 0
    out = capsys.readouterr().out
    for year, e in expected.items():
        assert f"{year}  found" in out and str(e.published_on) in out and e.title in out
    assert "apply.new.total" in out and "本年新收政府信息公开申请数量" in out
    assert "D02" in out and "A0" in out  # 2023 late, 2024's figures inconsistent


def test_the_html_page_is_valid_and_holds_years_figures_findings_and_evidence(
    crawled: tuple[Config, dict], tmp_path: Path
) -> None:
    config, expected = crawled
    page = tmp_path / "agency.html"
    assert main(["report", "-c", str(config.path), "--agency", AGENCY, "--html", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(html)
    assert "<script" not in html
    tree = lxml.html.fromstring(html)
    years = [row.findall("td")[0].text for row in tree.get_element_by_id("reports").iter("tr") if row.findall("td")]
    assert years == [str(y) for y in sorted(expected)]
    first_table = tree.find_class("figures")[0]
    assert [th.text for th in first_table.iter("th")][2:] == [str(y) for y in sorted(expected)]
    for year, e in expected.items():  # one figure of every year, as the portal printed it
        row = next(tr for tr in tree.iter("tr") if tr.findall("td") and tr.findall("td")[1].text_content() == "apply.new.total")
        assert row.findall("td")[2 + sorted(expected).index(year)].text == str(e.figures["apply.new.total"])
    assert tree.get_element_by_id("open-findings") is not None
    evidence = [tr.findall("td") for tr in tree.get_element_by_id("evidence").iter("tr") if tr.findall("td")]
    assert len(evidence) >= 3
    for cells in evidence:
        sha256, path = cells[3].text_content(), Path(cells[4].text_content())
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()  # pages are kept compressed
        assert hashlib.sha256(data).hexdigest() == sha256


def test_one_year_only_and_unknown_agencies(crawled: tuple[Config, dict], capsys: pytest.CaptureFixture[str]) -> None:
    config, _ = crawled
    with open_store(config) as store:
        one = agency_report(store, next(iter(config.agencies)), 2023)
    assert one.years == (2023,) and {e["year"] for e in one.evidence} == {2023}
    assert {f["year"] for f in one.open_findings} <= {2023}
    assert main(["report", "-c", str(config.path), "--agency", "某某局"]) == 2
    assert "某某局" in capsys.readouterr().err
