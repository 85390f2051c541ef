"""The commands a person types: ingest a report by hand, re-check, list and dismiss findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from disclosure_monitor.cli import main

from .conftest import CORPUS

CONFIG = """
[store]
path = "monitor.db"

[[agency]]
name = "赣州市赣县区融媒体中心"
kind = "dept"
region = "江西省赣州市赣县区"
section = "http://127.0.0.1:9/zwgk/zfxxgknb/index.html"
aliases = ["赣县区融媒体中心"]
first_year = 2021
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def findings(config: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> list[dict]:
    capsys.readouterr()
    assert main(["findings", "-c", str(config), "--json", *flags]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_report_downloaded_by_hand_is_stored_and_checked(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = CORPUS / "000" / "source.txt"
    status = main(["ingest", "-c", str(config), str(source), "--agency", "赣县区融媒体中心", "--year", "2023",
                   "--url", "https://www.ganxian.gov.cn/zwgk/zfxxgknb/2024/t1.html", "--today", "2024-06-01"])
    assert status == 0
    assert "赣州市赣县区融媒体中心 2023" in capsys.readouterr().out
    found = findings(config, capsys, "--open")
    assert [f["check_id"] for f in found if f["severity"] == "error"] == ["D01"]  # signed before its period ended
    assert found[0]["agency"] == "赣州市赣县区融媒体中心" and found[0]["year"] == 2023


def test_an_unknown_agency_or_unreadable_file_is_refused(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = CORPUS / "000" / "source.txt"
    assert main(["ingest", "-c", str(config), str(source), "--agency", "某某局", "--year", "2023"]) == 2
    assert "某某局" in capsys.readouterr().err
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF")
    assert main(["ingest", "-c", str(config), str(tmp_path / "scan.pdf"), "--agency", "赣县区融媒体中心", "--year", "2023"]) == 2
    assert "scan.pdf" in capsys.readouterr().err


def test_dismissed_findings_stay_dismissed_when_checked_again(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = CORPUS / "000" / "source.txt"
    main(["ingest", "-c", str(config), str(source), "--agency", "赣县区融媒体中心", "--year", "2023", "--today", "2024-06-01"])
    d01 = next(f for f in findings(config, capsys) if f["check_id"] == "D01")
    assert main(["dismiss", "-c", str(config), str(d01["id"]), "--reason", "落款年份笔误，已电话核实"]) == 0
    for full in ([], ["--full"]):  # kept as last evaluated, and evaluated again
        assert main(["check", "-c", str(config), "--today", "2024-06-02", *full]) == 0
        after = {f["id"]: f for f in findings(config, capsys)}
        assert after[d01["id"]]["dismissed_reason"] == "落款年份笔误，已电话核实"
        assert d01["id"] not in {f["id"] for f in findings(config, capsys, "--open")}


def test_a_bad_configuration_is_exit_status_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(CONFIG.replace('kind = "dept"', 'kind = "ministry"'), encoding="utf-8")
    assert main(["check", "-c", str(path)]) == 2
    assert "agency[0].kind" in capsys.readouterr().err
