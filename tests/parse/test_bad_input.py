"""Bad input gets a clear error and exit status 2 from `parse`, never a traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from disclosure_monitor.cli import main

from .conftest import corpus_source


def run_parse(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["parse", str(path), "--json"])
    return status, capsys.readouterr().err


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    status, err = run_parse(tmp_path / "empty.html", capsys)
    assert status == 2 and "empty.html" in err and "empty" in err


def test_binary_junk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 64)
    status, err = run_parse(tmp_path / "junk.txt", capsys)
    assert status == 2 and "binary" in err


def test_truncated_html_before_its_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = corpus_source("013").read_bytes()
    cut = page[: page.index("二、主动公开".encode())]
    (tmp_path / "cut.html").write_bytes(cut)
    status, err = run_parse(tmp_path / "cut.html", capsys)
    assert status == 2 and "no report tables" in err


def test_file_over_the_size_limit_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "huge.pdf"
    with open(big, "wb") as f:  # sparse: 200 MB that costs no disk
        f.truncate(200 * 1024 * 1024)
    status, err = run_parse(big, capsys)
    assert status == 2 and "exceeds" in err


def test_corrupt_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = corpus_source("001").read_bytes()
    (tmp_path / "broken.pdf").write_bytes(data[:2000])
    status, err = run_parse(tmp_path / "broken.pdf", capsys)
    assert status == 2 and "PDF" in err


def test_password_protected_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(corpus_source("001")).pages[:2]:
        writer.add_page(page)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    (tmp_path / "locked.pdf").write_bytes(out.getvalue())
    status, err = run_parse(tmp_path / "locked.pdf", capsys)
    assert status == 2 and "password" in err


def test_docx_zip_bomb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(210):
                member.write(block)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    status, err = run_parse(bomb, capsys)
    assert status == 2 and "zip bomb" in err


@pytest.mark.parametrize(
    ("name", "head", "reason"),
    [
        ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, ".doc"),
        ("report.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "WPS"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "OCR"),
    ],
)
def test_legacy_and_image_formats_are_named_not_guessed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, head: bytes, reason: str
) -> None:
    (tmp_path / name).write_bytes(head)
    status, err = run_parse(tmp_path / name, capsys)
    assert status == 2 and reason in err and name in err


def test_ofd_is_recognised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with zipfile.ZipFile(tmp_path / "report.ofd", "w") as z:
        z.writestr("OFD.xml", "<ofd:OFD/>")
    status, err = run_parse(tmp_path / "report.ofd", capsys)
    assert status == 2 and "OFD" in err


def test_image_only_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    (tmp_path / "scan.pdf").write_bytes(out.getvalue())
    status, err = run_parse(tmp_path / "scan.pdf", capsys)
    assert status == 2 and "image-only" in err
