"""The simulated portals answer on loopback in their real shapes, faults and validators included."""

from __future__ import annotations

import re
import threading
from dataclasses import replace

import httpx
import pytest

from disclosure_monitor.simulator import Simulator, default_scenario, scaled_scenario
from disclosure_monitor.simulator.server import WORKERS


@pytest.fixture(scope="module")
def sim():
    scenario = default_scenario(seed=1, n_agencies=30)
    scenario = replace(scenario, sites=tuple(replace(s, latency=0.5) if s.name == "trs-1" else s for s in scenario.sites))
    with Simulator(scenario) as simulator:
        yield simulator


def _config(sim, site: str) -> list[dict]:
    base = sim.sites[site]
    return [a for a in sim.agencies_config() if a["section"].startswith(base + "/")]


def test_every_site_listens_on_its_own_loopback_port(sim):
    ports = {url.rsplit(":", 1)[1] for url in sim.sites.values()}
    assert len(ports) == len(sim.sites)
    assert all(url.startswith("http://127.0.0.1:") for url in sim.sites.values())
    assert httpx.get(sim.sites["trs-1"] + "/").status_code == 200


def test_trs_listing_pages_and_links_resolve(sim):
    agency = _config(sim, "trs-1")[0]
    first = httpx.get(agency["section"]).text
    count = int(re.search(r"var countPage = (\d+)", first).group(1))
    assert f'createPageHTML({count}, 0, "index", "html")' in first
    pages = [first] + [httpx.get(agency["section"].replace("index.html", f"index_{n}.html")).text for n in range(1, count)]
    hrefs = [h for page in pages for h in re.findall(r"href='(\./[^']+)' title='([^']+)'", page)]
    found = [e for e in sim.expected().values() if e.agency == agency["name"] and e.state == "found"]
    assert found and {e.title for e in found} <= {title for _, title in hrefs}
    for href, _ in hrefs:
        assert httpx.get(httpx.URL(agency["section"]).join(href)).status_code == 200
    assert httpx.get(agency["section"].replace("index.html", f"index_{count}.html")).status_code == 404


def test_attachment_sits_in_the_article_folder_and_oldsrc_is_dead(sim):
    pdf = next(e for e in sim.expected().values() if e.format == "pdf" and e.url and "/zwgk/bm" in e.url)
    article = httpx.get(pdf.url).text
    href = re.search(r'href="(\./P0[^"]+\.pdf)"', article).group(1)
    assert str(httpx.URL(pdf.url).join(href)) == pdf.document_url
    assert httpx.get(pdf.document_url).content.startswith(b"%PDF")
    oldsrc = re.search(r'OLDSRC="([^"]+)"', article).group(1)
    assert httpx.get(str(httpx.URL(pdf.url).join(oldsrc))).status_code == 404


def test_hanweb_datastore_then_dataproxy_needs_referer(sim):
    agency = _config(sim, "hanweb-1")[0]
    page = httpx.get(agency["section"]).text
    total = int(re.search(r"totalRecord:(\d+)", page).group(1))
    colid = re.search(r"columnid:(\d+)", page).group(1)
    proxy = sim.sites["hanweb-1"] + "/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15"
    form = {"col": "1", "appid": "1", "webid": "1", "path": "/", "columnid": colid, "unitid": "1", "permissiontype": "0"}
    assert httpx.post(proxy, data=form).status_code == 400
    xml = httpx.post(proxy, data=form, headers={"Referer": agency["section"]}).text
    assert f"<totalrecord>{total}</totalrecord>" in xml
    links = re.findall(r"href='(/art/[^']+)'", xml)
    assert len(links) == total
    assert all(httpx.get(sim.sites["hanweb-1"] + link).status_code == 200 for link in links)


def test_gkmlpt_and_epoint_json_apis(sim):
    agency = _config(sim, "gkmlpt-1")[0]
    shell = httpx.get(agency["section"].split("#")[0]).text
    sid = re.search(r"SID:\s*'(\d+)'", shell).group(1)
    api = agency["section"].replace("/index#", "/api/all/")
    articles = httpx.get(api, params={"page": 1, "sid": sid}).json()["articles"]
    assert articles and httpx.get(sim.sites["gkmlpt-1"] + articles[0]["url"]).status_code == 200
    assert httpx.get(api, params={"page": 99, "sid": sid}).json()["articles"] == []
    epoint = _config(sim, "epoint-1")[0]
    body = {"deptcode": epoint["section"].rsplit("=", 1)[1], "categorynum": "003011", "pageIndex": 1, "pageSize": 50}
    data = httpx.post(sim.sites["epoint-1"] + "/EWB-FRONT/rest/lightfrontaction/getgovinfolist", json=body).json()
    assert data["custom"]["total"] == len(data["custom"]["data"]) > 0
    assert all("政府信息公开" in row["realtitle"] or row["realtitle"] for row in data["custom"]["data"])


def test_gbk_site_serves_gb18030_without_header_charset(sim):
    agency = next(a for a in _config(sim, "gbk-1") if "镕" in a["name"])
    response = httpx.get(agency["section"])
    assert response.headers["content-type"] == "text/html"
    assert b'charset="gb2312"' in response.content
    assert "镕" in response.content.decode("gb18030")


def test_conditional_get_answers_304(sim):
    url = _config(sim, "trs-1")[0]["section"]
    first = httpx.get(url)
    assert httpx.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": first.headers["last-modified"]}).status_code == 304


def test_request_log_counts_requests_in_flight_per_host(sim):
    url = sim.sites["trs-1"] + "/"
    sim.log.clear()
    clients = [httpx.Client() for _ in range(3)]
    threads = [threading.Thread(target=client.get, args=(url,)) for client in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    httpx.get(sim.sites["hanweb-1"] + "/")
    log = httpx.get(sim.sites["hanweb-1"] + "/__sim/log").json()
    assert [e["in_flight"] for e in log if e["host"].endswith(sim.sites["trs-1"].rsplit(":", 1)[1])][-1] == 3
    assert [e["in_flight"] for e in log if e["host"].endswith(sim.sites["hanweb-1"].rsplit(":", 1)[1])] == [1]
    assert all(e["end"] >= e["start"] for e in sim.requests)


def test_hostile_hosts_answer_with_their_fault(sim):
    def column(fault: str) -> str:
        return _config(sim, f"hostile-{fault}")[0]["section"]

    blocked = httpx.get(column("ts412"))
    assert blocked.status_code == 412 and "$_ts" in blocked.text
    assert httpx.get(column("jsl521")).status_code == 521
    assert "Disallow: /" in httpx.get(sim.sites["hostile-robots"] + "/robots.txt").text
    moved = httpx.get(column("moved"))
    assert moved.status_code == 301 and moved.headers["location"] == "/"
    assert "页面不存在" in httpx.get(column("soft404")).text
    assert [httpx.get(column("flaky503")).status_code for _ in range(3)] == [503, 503, 200]
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(column("short_body"))
    states = {e.state for e in sim.expected().values() if e.agency == _config(sim, "hostile-ts412")[0]["name"]}
    assert states == {"blocked_antibot"}


def test_edit_changes_bytes_under_the_same_url(sim):
    before = sim.expected()
    edited = [(a.name, y) for a in sim.scenario.agencies for y in sorted(a.edited)]
    old_bytes = httpx.get(before[edited[0]].document_url).content
    assert sim.edit() == edited
    after = sim.expected()[edited[0]]
    assert after.url == before[edited[0]].url and after.edited
    assert after.figures != before[edited[0]].figures
    assert httpx.get(after.document_url).content != old_bytes


def test_validators_outlive_the_bodies_kept_and_an_edit_changes_them():
    """With no body kept at all, a conditional GET is still a 304, a plain one the same bytes;
    an edit under the same URL is a 200 with the new bytes."""
    with Simulator(default_scenario(seed=2, n_agencies=20), cache_bytes=0) as sim:
        agency, year = next((a.name, y) for a in sim.scenario.agencies for y in sorted(a.edited))
        url = sim.expected()[(agency, year)].document_url
        first = httpx.get(url)
        assert httpx.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        assert httpx.get(url, headers={"If-Modified-Since": first.headers["last-modified"]}).status_code == 304
        assert httpx.get(url).content == first.content
        sim.edit(agency, year)
        changed = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert changed.status_code == 200 and changed.content != first.content
        assert changed.headers["etag"] != first.headers["etag"]


def test_hundreds_of_hosts_are_served_by_one_thread():
    scenario = scaled_scenario(2_000, 500)  # 500 sockets: well within a default limit of 1,024 files
    before = threading.active_count()
    with Simulator(scenario) as sim:
        assert len(set(sim.sites.values())) == 500
        assert threading.active_count() - before == 1  # the event loop; answers are made by a few workers
        config = sim.agencies_config()
        for agency in config[:: len(config) // 20]:
            assert httpx.get(agency["section"].split("#")[0]).status_code == 200
        assert threading.active_count() - before <= 1 + WORKERS
