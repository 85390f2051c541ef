"""A PDF reads the same on every machine, whatever fonts it has.

The simulator's PDFs, like many real ones, name a CJK font without embedding it. pdfium
used to borrow the machine's CJK font to measure its glyphs; without one (the slim
container) a line of a single CJK character vanished: the "告" a wrapped title leaves
on its own line, and with it the title and the agency.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import disclosure_monitor
from disclosure_monitor import parse_document
from disclosure_monitor.simulator.documents import ReportSpec, render

# 16 characters: the 33-character title wraps at 32, leaving "告" alone on the second line.
LONG_AGENCY = "某某省某某市某某县人民政府办公室"
# The directories pdfium's Linux font lookup scans.
FONT_DIRS = ("/usr/share/fonts", "/usr/share/X11/fonts/Type1", "/usr/share/X11/fonts/TTF", "/usr/local/share/fonts")

READ = """
import dataclasses, json, sys
import pypdfium2
from disclosure_monitor import parse_document
data = open(sys.argv[1], "rb").read()
# pdfium left to itself (the machine's fonts), read before the parser installs its own font
alone = "\\n".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(data))
report = dataclasses.asdict(parse_document(data, filename="report.pdf"))
print(json.dumps({"pdfium_alone": alone, "report": report}, default=str, ensure_ascii=False))
"""


def test_a_line_of_one_character_is_read() -> None:
    spec = ReportSpec(agency=LONG_AGENCY, year=2020, source="001")
    report = parse_document(render(spec, "pdf"), filename="report.pdf")
    assert (report.title, report.agency, report.year) == (spec.title, LONG_AGENCY, 2020)


@pytest.fixture
def fontless(tmp_path: Path) -> list[str]:
    """A command prefix: what follows runs in a mount namespace (unshare, no privileges
    needed) where every font directory pdfium scans is empty, as in the slim container."""
    (tmp_path / "empty").mkdir()
    hide = "; ".join(f'if [ -d {d} ]; then mount --bind "$0" {d} || exit 1; fi' for d in FONT_DIRS)
    prefix = ["unshare", "--map-root-user", "--mount", "sh", "-c", f'{hide}; exec "$@"', str(tmp_path / "empty")]
    try:
        probe = subprocess.run([*prefix, "true"], check=False, capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("needs unshare(1) to hide the machine's fonts")
    if probe.returncode != 0:
        pytest.skip(f"cannot hide the machine's fonts here: {probe.stderr.strip()[:200]}")
    return prefix


def _read_in_subprocess(pdf: Path, prefix: list[str]) -> dict:
    """pdfium's own text and our report of `pdf`, read by a fresh interpreter."""
    env_path = str(Path(disclosure_monitor.__file__).parents[1])
    done = subprocess.run(
        [*prefix, sys.executable, "-c", READ, str(pdf)],
        check=False, capture_output=True, text=True, env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_same_report_without_the_machines_fonts(tmp_path: Path, fontless: list[str]) -> None:
    reports = []
    for n, spec in enumerate([
        ReportSpec(agency=LONG_AGENCY, year=2020, source="001"),
        # its section 5 wraps a "。" onto a line of its own
        ReportSpec(agency="国家税务总局某某市某某区税务局第51分局", year=2022, source="002", vary=True),
    ]):
        pdf = tmp_path / f"{n}.pdf"
        pdf.write_bytes(render(spec, "pdf"))
        here = _read_in_subprocess(pdf, [])
        without = _read_in_subprocess(pdf, fontless)
        assert without["report"] == here["report"]
        reports.append(without)
    # The fontless run is a real test: pdfium left to itself loses those one-character lines there.
    assert "\r\n告\r\n" not in reports[0]["pdfium_alone"]
    assert reports[0]["report"]["title"] == f"{LONG_AGENCY}2020年政府信息公开工作年度报告"
    assert "\n。\n" in reports[1]["report"]["sections"]["s5"]
    assert "\r\n。\r\n" not in reports[1]["pdfium_alone"]
