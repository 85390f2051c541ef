"""Each office gets its own findings: `[[email.route]]` digests over a real SMTP server on
loopback, exactly once per route and week even when another route's delivery fails.

The roster is conftest's; the routes split it:
- 赣州 (region 江西省赣州市): 赣县融媒体中心 D01, 赣县发改委 M01, 石城县人民政府 M02
- 江苏 errors (region 江苏省, errors only): 淮安 A04
- 平潭 offices (region 福建省, kind gov_office): 平潭管委会办公室 D02
- default (email.recipients): what no route takes — 沭阳 D07 and P04, 淮安 D05 (warnings)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from disclosure_monitor import service
from disclosure_monitor.checks import AgencyFacts, check_report
from disclosure_monitor.cli import main
from disclosure_monitor.config import Config, load_config
from disclosure_monitor.digest import build, build_digest, send
from disclosure_monitor.lock import store_lock
from disclosure_monitor.model import Finding
from disclosure_monitor.store import Scope, Store

from .conftest import AGENCIES, LAST_WEEK, PERIOD, TODAY, SmtpSink, populate, write_config
from .test_build import headings

ROUTES = """
lang = "zh"

[[email.route]]
name = "赣州"
recipients = ["ganzhou@example.org"]
region_prefix = "江西省赣州市"

[[email.route]]
name = "江苏 errors"
recipients = ["jiangsu@example.org"]
region_prefix = "江苏省"
min_severity = "error"

[[email.route]]
name = "平潭 offices"
recipients = ["pingtan@example.org"]
region_prefix = "福建省"
kinds = ["gov_office"]
"""

EXPECTED = {
    "赣州": {("赣州市赣县区融媒体中心", "D01"), ("赣州市赣县区发展和改革委员会", "M01"), ("石城县人民政府", "M02")},
    "江苏 errors": {("淮安市人民政府", "A04")},
    "平潭 offices": {("平潭综合实验区管委会办公室", "D02")},
    "default": {("沭阳县发展和改革局", "D07"), ("沭阳县发展和改革局", "P04"), ("淮安市人民政府", "D05")},
}
RECIPIENTS = {
    "赣州": ["ganzhou@example.org"],
    "江苏 errors": ["jiangsu@example.org"],
    "平潭 offices": ["pingtan@example.org"],
    "default": ["editor@example.org", "oversight@example.org"],
}


@dataclass
class RefusingSink(SmtpSink):
    """Refuses RCPT TO for the addresses in `refused` (550), accepts everyone else."""

    refused: set[str] | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in (self.refused or set()):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(send, "RETRY_DELAYS", (0.01, 0.01))


@pytest.fixture
def routed(tmp_path: Path, smtp_port: int) -> Iterator[tuple[Path, Config, Store]]:
    path = write_config(tmp_path, smtp_port, agencies=ROUTES + AGENCIES)
    config = load_config(path)
    with Store.open(config.store.path, config.store.evidence) as store:
        populate(store, config)
        yield path, config, store


@pytest.fixture
def sink(smtp_port: int) -> Iterator[RefusingSink]:
    server = RefusingSink(smtp_port, refused={"pingtan@example.org"})
    server.start()
    yield server
    server.stop()


def digest(path: Path) -> int:
    return main(["digest", "-c", str(path), "--today", TODAY.isoformat()])


def carried(store: Store) -> dict[str, set[tuple[str, str]]]:
    """route → (agency, check) of the findings its digest row carried."""
    by_id = {f["id"]: (f["agency"], f["check_id"]) for f in store.findings()}
    return {row["route"]: {by_id[i] for i in json.loads(row["finding_ids"])} for row in store.db.query("SELECT * FROM digests")}


def by_route(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    return {m["X-Disclosure-Monitor-Route"]: m for m in messages}


def test_each_route_receives_exactly_its_findings(routed: tuple[Path, Config, Store], sink: RefusingSink) -> None:
    path, _, store = routed
    sink.refused = set()
    assert digest(path) == 0
    assert carried(store) == EXPECTED
    messages = by_route(sink.messages)
    assert set(messages) == set(EXPECTED)
    assert {m["X-Disclosure-Monitor-Route"]: sorted(e.rcpt_tos) for m, e in zip(sink.messages, sink.envelopes)} == RECIPIENTS
    everyone = {agency for findings in EXPECTED.values() for agency, _ in findings}
    for route, msg in messages.items():
        text = msg.get_body(("plain",)).get_content()
        mine = {agency for agency, _ in EXPECTED[route]}
        assert all(a in text for a in mine), route
        assert not [a for a in everyone - mine if a in text], route
    assert "〔赣州〕" in messages["赣州"]["Subject"] and "〔" not in messages["default"]["Subject"]


def test_a_refused_route_stays_pending_and_the_others_are_not_sent_twice(
    routed: tuple[Path, Config, Store], sink: RefusingSink, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _, store = routed
    assert digest(path) == 1
    assert "平潭 offices" in capsys.readouterr().err
    assert sorted(by_route(sink.messages)) == ["default", "江苏 errors", "赣州"]
    pending = [row["route"] for row in store.pending_digests()]
    assert pending == ["平潭 offices"]

    sink.refused = set()
    assert digest(path) == 0
    assert digest(path) == 0
    routes = [m["X-Disclosure-Monitor-Route"] for m in sink.messages]
    assert sorted(routes) == sorted(EXPECTED) and len(routes) == 4, "every route exactly once"
    assert store.pending_digests() == []
    assert "was already sent" in capsys.readouterr().out


def move_huaian_to_ganzhou(path: Path) -> list[str]:
    """Edit 淮安's region in the configuration file; returns the command that previews 赣州's digest."""
    path.write_text(path.read_text(encoding="utf-8").replace('region = "江苏省淮安市"', 'region = "江西省赣州市清江浦区"'), encoding="utf-8")
    return ["digest", "-c", str(path), "--today", TODAY.isoformat(), "--dry-run", "--route", "赣州"]


def test_a_region_edited_in_the_configuration_routes_the_next_digest(
    routed: tuple[Path, Config, Store], sink: RefusingSink, capsys: pytest.CaptureFixture[str]
) -> None:
    """淮安 moved under 赣州 in the file, and `digest` run before any `run` or `check`."""
    path, _, store = routed
    preview = move_huaian_to_ganzhou(path)
    moved = {("淮安市人民政府", "A04"), ("淮安市人民政府", "D05")}

    assert main(preview) == 0
    assert "淮安市人民政府" in capsys.readouterr().out

    sink.refused = set()
    assert digest(path) == 0
    routes = carried(store)
    assert routes["赣州"] == EXPECTED["赣州"] | moved
    assert routes["江苏 errors"] == set(), "淮安 is no longer in 江苏"
    assert routes["default"] == EXPECTED["default"] - moved


def test_a_preview_while_a_run_holds_the_store_routes_as_that_run_read(
    routed: tuple[Path, Config, Store], capsys: pytest.CaptureFixture[str]
) -> None:
    path, config, _ = routed
    preview = move_huaian_to_ganzhou(path)
    with store_lock(config.store.path, "run"):
        assert main(preview) == 0
    shown = capsys.readouterr()
    assert "淮安市人民政府" not in shown.out
    assert "in use by" in shown.err and "as that run read them" in shown.err


def test_the_run_cycle_retries_only_the_pending_route(routed: tuple[Path, Config, Store], sink: RefusingSink) -> None:
    path, config, store = routed
    assert digest(path) == 1
    sink.refused = set()
    results = service._retry_pending(store, config, TODAY)
    assert [(r.route, r.status) for r in results] == [("平潭 offices", "sent")]
    assert len(sink.messages) == 4


def test_serve_sends_in_the_configured_language(routed: tuple[Path, Config, Store], sink: RefusingSink) -> None:
    _, config, _ = routed
    sink.refused = set()
    english = replace(config, email=replace(config.email, lang="en"))
    results = service.digest_cycle(english, TODAY)
    assert {r.status for r in results} == {"sent"}
    assert all(m["Subject"].startswith("[政务公开年报监测] week " + PERIOD) for m in sink.messages)


@pytest.mark.parametrize(
    "route, message",
    [
        ('region_prefix = "北京市"', "email.route[0] ('x'): can never match"),
        ('kinds = ["township"]', "email.route[0] ('x'): can never match"),
        ('names = ["赣州市不存在局"]', "email.route[0].names: '赣州市不存在局' is not the name or alias"),
        ('region_prefix = "江西省"\nmin_severity = "fatal"', "email.route[0].min_severity: expected one of info | warning | error"),
    ],
)
def test_validate_config_refuses_a_route_that_can_never_match(
    tmp_path: Path, smtp_port: int, capsys: pytest.CaptureFixture[str], route: str, message: str
) -> None:
    block = f'\n[[email.route]]\nname = "x"\nrecipients = ["x@example.org"]\n{route}\n'
    path = write_config(tmp_path, smtp_port, agencies=block + AGENCIES)
    assert main(["validate-config", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_a_finding_that_flips_every_run_is_shown_once_as_unstable(store: Store, config: Config) -> None:
    """淮安's A04 resolved and back on alternate runs: not new, not resolved, but unstable."""
    (huaian,) = [f for f in store.findings() if f["check_id"] == "A04"]
    scope = Scope(agency_id=huaian["agency_id"], year=2024, checks=("A04",))
    a04 = next(f for f in _raised(store, huaian) if f.check_id == "A04")
    new_before = build_digest(store, config, TODAY).counts["new"]
    for day in range(4):  # resolved, back, resolved, back
        store.sync_findings(scope, [a04] if day % 2 else [], now=LAST_WEEK + timedelta(hours=day))
    row = next(store.db.query("SELECT reopen_count, resolved_at FROM findings WHERE id = ?", [huaian["id"]]))
    assert row["reopen_count"] == 2 and row["resolved_at"] is None
    digest = build_digest(store, config, TODAY)
    sections = headings(digest.html)
    assert "淮安市人民政府" in sections["不稳定"] and "A04" in sections["不稳定"]
    assert "A04" not in sections["数据不一致"]
    assert digest.counts["new"] == new_before - 1, "first seen last week, yet not news"
    assert digest.counts["resolved"] == 0
    assert list(sections)[-1] == "不稳定"
    assert build.section_query(build.SECTIONS[-1]).endswith("WHERE reopen_count > 0 ORDER BY agency, year;")


def _raised(store: Store, finding: dict[str, Any]) -> list[Finding]:
    report = store.current_report(finding["agency_id"], finding["year"])
    assert report is not None
    return check_report(report, AgencyFacts(name=finding["agency"], kind=finding["kind"]))
