"""`serve` fires its jobs and stops cleanly; the store lock keeps a second writer out; `status` reports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from disclosure_monitor.cli import main
from disclosure_monitor.config import load_config
from disclosure_monitor.lock import StoreBusy, store_lock
from disclosure_monitor.service import TEST_INTERVAL_ENV
from disclosure_monitor.store import Store
from tests.digest.conftest import SmtpSink, free_port, write_config


def test_a_second_writer_is_refused_with_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(write_config(tmp_path, 2525))
    with store_lock(config.store.path, "run"):
        with pytest.raises(StoreBusy), store_lock(config.store.path, "digest"):
            pass
        assert main(["digest", "-c", str(config.path), "--today", "2026-11-23"]) == 2
    err = capsys.readouterr().err
    assert f"pid {os.getpid()} (run)" in err and "in use" in err
    with store_lock(config.store.path, "digest"):  # released: the next one gets it
        pass


def test_status_shows_the_last_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(write_config(tmp_path, 2525))
    assert main(["status", "-c", str(config.path)]) == 0
    assert "no store yet" in capsys.readouterr().out
    with Store.open(config.store.path, config.store.evidence) as store:
        store.finish_run(store.start_run(), {"agencies": 7, "reports_new": 2})
        run = store.start_run()
        store.finish_run(run, {"agencies": 7, "reports_new": 0, "findings_new": 3})
    assert main(["status", "-c", str(config.path)]) == 0
    out = capsys.readouterr().out
    assert f"run {run}:" in out and "findings_new: 3" in out and "reports_new: 2" not in out


class Lines:
    """A subprocess's stderr lines, collected by a thread, waited for by content."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def count(self, *parts: str) -> int:
        return sum(all(p in line for p in parts) for line in self.lines)

    def wait_for(self, *parts: str, times: int = 1, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.count(*parts) < times:
                left = deadline - time.monotonic()
                assert left > 0, f"no {parts} x{times} in:\n{''.join(self.lines)}"
                self._changed.wait(left)


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink(free_port())
    sink.start()
    yield sink
    sink.stop()


def test_serve_fires_run_and_digest_and_stops_on_sigterm(tmp_path: Path, smtp: SmtpSink) -> None:
    config_path = write_config(tmp_path, smtp.port, agencies="", schedule='crawl = "* * * * *"\ndigest = "* * * * *"')
    env = {**os.environ, TEST_INTERVAL_ENV: "0.3"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "disclosure_monitor.cli", "serve", "-c", str(config_path)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        lines = Lines(proc)
        lines.wait_for("event=job_finished", "job=run")
        lines.wait_for("event=job_finished", "job=digest", times=3)
        assert len(smtp.messages) == 1, "the week's digest goes out once, however often the job fires"
        assert "digest_already_sent" in "".join(lines.lines)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        lines.wait_for("event=stopped")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert lines.count("level=error") == 0, "".join(lines.lines)
