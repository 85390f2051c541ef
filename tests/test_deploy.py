"""The files in deploy/ are what systemd and the scheduler accept."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).parents[1] / "deploy"
UNITS = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))
INSTALLED = "/opt/disclosure-monitor/venv/bin/disclosure-monitor"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed (apt-get install systemd)")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    # verify also checks that ExecStart exists: point it at this checkout's console script.
    script = Path(shutil.which("disclosure-monitor") or Path(__file__).parents[1] / ".venv/bin/disclosure-monitor")
    assert script.exists()
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text(encoding="utf-8").replace(INSTALLED, str(script)), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(tmp_path / u.name) for u in UNITS)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if str(tmp_path) in line]
    assert result.returncode == 0 and complaints == [], result.stdout + result.stderr


def test_every_way_to_schedule_runs_the_same_commands() -> None:
    service = (DEPLOY / "disclosure-monitor.service").read_text(encoding="utf-8")
    assert re.search(r"^ExecStart=\S+ serve -c ", service, re.MULTILINE)
    assert re.search(r"^Restart=on-failure$", service, re.MULTILINE) and re.search(r"^User=disclosure-monitor$", service, re.MULTILINE)
    docker = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r'^CMD \["disclosure-monitor", "serve", "-c", ', docker, re.MULTILINE)
    cron = (DEPLOY / "crontab.example").read_text(encoding="utf-8")
    for command in ("run", "digest"):
        assert f"disclosure-monitor {command} -c" in cron
        unit = (DEPLOY / f"disclosure-monitor-{command}.service").read_text(encoding="utf-8")
        assert re.search(rf"^ExecStart=\S+ {command} -c ", unit, re.MULTILINE)
        assert (DEPLOY / f"disclosure-monitor-{command}.timer").exists()
