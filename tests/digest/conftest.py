"""A real SMTP server on loopback, a configuration pointing at it, and a store whose
findings come from the real checks run over dev-corpus reports.

The roster, as a reader of the digest would see it (today = 2026-11-23, week 2026-W48):
- 淮安市人民政府 2024: its 行政复议 总计 misprinted as 352 (components sum to 351) → A04
- 赣州市赣县区融媒体中心 2023: signed 2023-01-11, before its period ended → D01
- 平潭综合实验区管委会办公室 2021: published 2022-02-08, after the 31 January deadline → D02
- 沭阳县发展和改革局 2023: blank organisation columns → P04 (to be checked); later edited → D07
- 赣州市赣县区发展和改革委员会 2024: its column was crawled, no report → M01
- 石城县人民政府 2024: the portal's anti-bot wall → M02
- 平潭综合实验区管理委员会 2023: published on time, consistent → nothing at all
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from disclosure_monitor.checks.engine import check_changed, check_publication, check_report
from disclosure_monitor.checks.subject import AgencyFacts
from disclosure_monitor.config import Config, load_config
from disclosure_monitor.model import Figure, Finding
from disclosure_monitor.store import Scope, Store
from tests.conftest import CORPUS, load_corpus_report

TODAY = date(2026, 11, 23)
PERIOD = "2026-W48"
LAST_WEEK = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # inside the digest's seven-day window
LONG_AGO = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

COMPLIANT = "平潭综合实验区管理委员会"


@dataclass
class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that keeps every message it accepts."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    received: threading.Event = field(default_factory=threading.Event)
    controller: Controller | None = None
    # (user, password) the server accepts with AUTH PLAIN/LOGIN over plain TCP; None offers no AUTH.
    login: tuple[str, str] | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        self.received.set()
        return "250 Message accepted for delivery"

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        return AuthResult(success=(data.login.decode(), data.password.decode()) == self.login, handled=False)

    def start(self) -> None:
        auth = {"authenticator": self._authenticate, "auth_require_tls": False, "auth_exclude_mechanism": ["LOGIN"]} if self.login else {}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **auth)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp(smtp_port: int) -> Iterator[SmtpSink]:
    sink = SmtpSink(smtp_port)
    sink.start()
    yield sink
    sink.stop()


AGENCIES = """
[[agency]]
name = "淮安市人民政府"
kind = "gov"
region = "江苏省淮安市"
section = "http://127.0.0.1:8765/huaian/zfxxgknb/"

[[agency]]
name = "赣州市赣县区融媒体中心"
kind = "dept"
region = "江西省赣州市赣县区"
section = "http://127.0.0.1:8765/ganxian/zwgk/zfxxgknb/index.html"

[[agency]]
name = "赣州市赣县区发展和改革委员会"
kind = "dept"
region = "江西省赣州市赣县区"
section = "http://127.0.0.1:8765/ganxian/zwgk/zfxxgknb/index.html"

[[agency]]
name = "平潭综合实验区管委会办公室"
kind = "gov_office"
region = "福建省平潭综合实验区"
section = "http://127.0.0.1:8765/pingtan/zwgk/ndbg/index.html"

[[agency]]
name = "平潭综合实验区管理委员会"
kind = "gov"
region = "福建省平潭综合实验区"
section = "http://127.0.0.1:8765/pingtan/zwgk/ndbg/index.html"

[[agency]]
name = "沭阳县发展和改革局"
kind = "dept"
region = "江苏省宿迁市沭阳县"
section = "http://127.0.0.1:8765/shuyang/fgj/xxgk/"

[[agency]]
name = "石城县人民政府"
kind = "gov"
region = "江西省赣州市石城县"
section = "http://127.0.0.1:8765/shicheng/zfxxgk/ndbg/"
"""


def write_config(folder: Path, smtp_port: int, agencies: str = AGENCIES, schedule: str = "") -> Path:
    path = folder / "monitor.toml"
    path.write_text(
        f"""
[store]
path = "data/monitor.db"

[schedule]
timezone = "Asia/Shanghai"
{schedule}

[email]
smtp_host = "127.0.0.1"
smtp_port = {smtp_port}
sender = "monitor@example.org"
recipients = ["oversight@example.org", "editor@example.org"]
subject_prefix = "[政务公开年报监测]"
{agencies}""",
        encoding="utf-8",
    )
    return path


def _store_corpus_report(store: Store, ids: dict[str, int], name: str, corpus_id: str, report_changes: dict[str, Any], when: datetime) -> int:
    source = next((CORPUS / corpus_id).glob("source.*"))
    report = load_corpus_report(corpus_id)
    report = replace(report, **report_changes)
    url = f"http://127.0.0.1:8765/reports/{corpus_id}/{source.name}"
    document_id, _ = store.add_document(url, source.read_bytes(), now=when)
    assert report.year is not None
    return store.save_report(ids[name], report.year, report, document_id, url, title=f"{name}{report.year}年政府信息公开工作年度报告", now=when)


def _report_findings(store: Store, config: Config, name: str, year: int, when: datetime) -> None:
    """The checks that read the tables and the dates; the rebuilt corpus reports carry no
    section text, so the completeness checks (C…) would only describe that gap."""
    agency = next(a for a in config.agencies if a.name == name)
    facts = AgencyFacts(name=agency.name, kind=agency.kind, region=agency.region)
    ids = store.upsert_agencies([agency])
    report = store.current_report(ids[name], year)
    assert report is not None
    findings = [f for f in check_report(report, facts) if not f.check_id.startswith("C")]
    store.sync_findings(Scope(agency_id=ids[name], year=year), findings, now=when)


def _sync(store: Store, ids: dict[str, int], name: str, year: int, findings: list[Finding], when: datetime, checks: tuple[str, ...]) -> None:
    store.sync_findings(Scope(agency_id=ids[name], year=year, checks=checks), findings, now=when)


def populate(store: Store, config: Config) -> None:
    """The roster of this module's docstring, each finding from the real checks."""
    ids = store.upsert_agencies(config.agencies)
    # 淮安 2024 as printed, except that 行政复议 总计 reads 352 where the components sum to 351.
    huaian = load_corpus_report("001")
    misprinted = {**huaian.figures, "review.total": Figure("review.total", 352, "352")}
    _store_corpus_report(store, ids, "淮安市人民政府", "001", {"figures": misprinted}, LAST_WEEK)
    _store_corpus_report(store, ids, "赣州市赣县区融媒体中心", "000", {}, LONG_AGO)
    _store_corpus_report(store, ids, "平潭综合实验区管委会办公室", "004", {}, LONG_AGO)
    _store_corpus_report(store, ids, COMPLIANT, "006", {}, LONG_AGO)
    _store_corpus_report(store, ids, "沭阳县发展和改革局", "013", {}, LONG_AGO)
    for name, year, when in (
        ("淮安市人民政府", 2024, LAST_WEEK),
        ("赣州市赣县区融媒体中心", 2023, LONG_AGO),
        ("平潭综合实验区管委会办公室", 2021, LONG_AGO),
        (COMPLIANT, 2023, LONG_AGO),
        ("沭阳县发展和改革局", 2023, LONG_AGO),
    ):
        _report_findings(store, config, name, year, when)

    # 沭阳 2023 re-published on 2024-03-05 with an edited page: D07 against the first captured version.
    first = store.report_history(ids["沭阳县发展和改革局"], 2023)[0]
    edited = (CORPUS / "013" / "source.html").read_bytes().replace(b"</body>", b"<p>2024-03-05</p></body>")
    document_id, _ = store.add_document(first["url"], edited, now=LAST_WEEK)
    republished = replace(load_corpus_report("013"), published_on=date(2024, 3, 5))
    store.save_report(ids["沭阳县发展和改革局"], 2023, republished, document_id, first["url"], now=LAST_WEEK)
    current = store.report_history(ids["沭阳县发展和改革局"], 2023)[-1]
    assert current["version"] == 2
    shuyang = AgencyFacts(name="沭阳县发展和改革局", kind="dept")
    changed = check_changed(
        date(2026, 3, 2), first["sha256"], current["sha256"], date.fromisoformat(first["published_on"]),
        date.fromisoformat(current["published_on"]), agency=shuyang, year=2023,
    )
    _sync(store, ids, "沭阳县发展和改革局", 2023, changed, LAST_WEEK, ("D07",))

    # Crawl outcomes with no report behind them: M01 and M02.
    for name, kind, state, url in (
        ("赣州市赣县区发展和改革委员会", "dept", "not_published", "http://127.0.0.1:8765/ganxian/zwgk/zfxxgknb/index.html"),
        ("石城县人民政府", "gov", "blocked_antibot", "http://127.0.0.1:8765/shicheng/zfxxgk/ndbg/"),
    ):
        store.record_outcome(ids[name], 2024, state, url=url, reason="HTTP 412" if state == "blocked_antibot" else None, now=LONG_AGO)
        raised = check_publication(AgencyFacts(name=name, kind=kind), 2024, state, TODAY, url=url)
        _sync(store, ids, name, 2024, raised, LONG_AGO, ("M",))
    store.record_outcome(ids[COMPLIANT], 2023, "found", url="http://127.0.0.1:8765/reports/006/source.txt", now=LONG_AGO)


@pytest.fixture
def config_path(tmp_path: Path, smtp_port: int) -> Path:
    return write_config(tmp_path, smtp_port)


@pytest.fixture
def config(config_path: Path) -> Config:
    return load_config(config_path)


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    with Store.open(config.store.path, config.store.evidence) as s:
        populate(s, config)
        yield s
