"""`disclosure-monitor digest` against a real SMTP server on loopback: sent once, never twice."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path

import lxml.html
import pytest

from disclosure_monitor.cli import main
from disclosure_monitor.digest import send
from disclosure_monitor.store import Store

from .conftest import PERIOD, TODAY, SmtpSink


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(send, "RETRY_DELAYS", (0.01, 0.01))


def digest(config_path: Path, *more: str) -> int:
    return main(["digest", "-c", str(config_path), "--today", TODAY.isoformat(), *more])


def test_the_digest_arrives_as_one_multipart_message_naming_the_period(
    smtp: SmtpSink, store: Store, config_path: Path
) -> None:
    assert digest(config_path) == 0
    (msg,) = smtp.messages
    assert PERIOD in msg["Subject"] and msg["Subject"].startswith("[政务公开年报监测]")
    assert msg.get_content_type() == "multipart/alternative"
    assert sorted(smtp.envelopes[0].rcpt_tos) == ["editor@example.org", "oversight@example.org"]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "淮安市人民政府" in text and "应为: 351 · 实为: 352" in text
    assert lxml.html.fromstring(html).find_class("actual")[0].text == "352"
    (row,) = store.db.query("SELECT * FROM digests")
    assert row["period"] == PERIOD and row["sent_at"] is not None
    assert len(json.loads(row["finding_ids"])) == 8


def test_the_same_week_is_never_sent_twice(smtp: SmtpSink, store: Store, config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert digest(config_path) == 0
    assert digest(config_path) == 0
    assert main(["digest", "-c", str(config_path), "--today", "2026-11-27"]) == 0  # still 2026-W48
    assert len(smtp.messages) == 1
    assert "was already sent" in capsys.readouterr().out
    assert main(["digest", "-c", str(config_path), "--today", "2026-11-30"]) == 0  # 2026-W49
    assert len(smtp.messages) == 2


def test_a_failed_send_stays_pending_and_goes_out_once_with_the_next_attempt(
    smtp_port: int, store: Store, config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert digest(config_path) == 1  # nothing listens on the port yet
    assert "stays pending" in capsys.readouterr().err
    (row,) = store.db.query("SELECT * FROM digests")
    assert row["sent_at"] is None
    assert main(["status", "-c", str(config_path)]) == 0
    assert PERIOD in capsys.readouterr().out

    sink = SmtpSink(smtp_port)
    sink.start()
    try:
        assert digest(config_path) == 0
        assert digest(config_path) == 0
    finally:
        sink.stop()
    assert len(sink.messages) == 1
    (row,) = store.db.query("SELECT * FROM digests")
    assert row["sent_at"] is not None


def test_next_weeks_digest_carries_a_missed_one(smtp_port: int, store: Store, config_path: Path) -> None:
    assert digest(config_path) == 1
    sink = SmtpSink(smtp_port)
    sink.start()
    try:
        assert main(["digest", "-c", str(config_path), "--today", "2026-12-01"]) == 0
        assert digest(config_path) == 0  # W48 went out inside W49's message
    finally:
        sink.stop()
    (msg,) = sink.messages
    assert "2026-W49" in msg["Subject"] and PERIOD in msg["Subject"]
    assert [r["sent_at"] is not None for r in store.db.query("SELECT * FROM digests ORDER BY period")] == [True, True]


def test_dry_run_writes_html_or_eml_and_marks_nothing(smtp: SmtpSink, store: Store, config_path: Path, tmp_path: Path) -> None:
    assert digest(config_path, "--dry-run", "--out", str(tmp_path / "d.html")) == 0
    assert digest(config_path, "--dry-run", "--out", str(tmp_path / "d.eml"), "--lang", "en") == 0
    assert smtp.messages == []
    assert list(store.db.query("SELECT * FROM digests")) == []
    assert "未按期公开" in (tmp_path / "d.html").read_text(encoding="utf-8")
    eml = message_from_bytes((tmp_path / "d.eml").read_bytes(), policy=policy.default)
    assert PERIOD in eml["Subject"]
    assert "Figures that do not add up" in eml.get_body(("html",)).get_content()


@pytest.mark.parametrize("password, status, delivered", [("s3cret-Pa55", 0, 1), ("wrong-Pa55", 1, 0)])
def test_login_uses_the_password_from_the_environment_and_never_logs_it(
    smtp_port: int,
    store: Store,
    config_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    password: str,
    status: int,
    delivered: int,
) -> None:
    config_path.write_text(
        config_path.read_text(encoding="utf-8").replace('sender = "', 'username = "monitor"\nsender = "'), encoding="utf-8"
    )
    monkeypatch.setenv("DISCLOSURE_MONITOR_SMTP_PASSWORD", password)
    sink = SmtpSink(smtp_port, login=("monitor", "s3cret-Pa55"))
    sink.start()
    try:
        assert digest(config_path) == status
    finally:
        sink.stop()
    assert len(sink.messages) == delivered
    err = capsys.readouterr().err
    assert ("smtp_accepted" if delivered else "smtp_failed") in err
    assert password not in err
