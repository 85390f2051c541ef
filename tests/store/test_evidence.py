"""Evidence: the bytes of every fetched document, written once under their sha256 (text gzip-compressed)."""

from __future__ import annotations

import gzip
import hashlib
import stat
from datetime import UTC, datetime

import pytest

from disclosure_monitor.errors import StoreError
from disclosure_monitor.store import Store

URL = "http://127.0.0.1:8765/ganxian/zfxxgknb/2024/report.html"


def test_bytes_are_kept_under_their_sha256(store: Store) -> None:
    data = "<html>赣县区融媒体中心2023年政府信息公开工作年度报告</html>".encode("gbk") * 20
    document_id, is_new = store.add_document(URL, data, http_status=200, content_type="text/html", encoding="gbk")
    sha = hashlib.sha256(data).hexdigest()
    path = store.evidence_dir / sha[:2] / sha[2:4] / f"{sha}.gz"  # a page: compressed, `zcat` reads it
    assert is_new and gzip.decompress(path.read_bytes()) == data and path.stat().st_size < len(data) / 5
    assert store.evidence_path(sha) == path and store.read_evidence(sha) == data
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    row = store.db["documents"].get(document_id)
    assert (row["sha256"], row["size"], row["encoding"]) == (sha, len(data), "gbk")


@pytest.mark.parametrize("data", [b"%PDF-1.7\n" + bytes(range(256)) * 40, b"PK\x03\x04" + b"\0" * 9000, b"ab"])
def test_compressed_formats_and_what_gzip_cannot_shrink_stay_as_fetched(store: Store, data: bytes) -> None:
    store.add_document(URL, data)
    sha = hashlib.sha256(data).hexdigest()
    path = store.evidence_dir / sha[:2] / sha[2:4] / sha
    assert store.evidence_path(sha) == path and path.read_bytes() == data == store.read_evidence(sha)
    assert not path.with_name(f"{sha}.gz").exists()


def test_evidence_kept_uncompressed_by_earlier_versions_is_read_and_not_written_again(store: Store) -> None:
    data = b"<html>" + "年度报告".encode() * 500 + b"</html>"
    sha = hashlib.sha256(data).hexdigest()
    path = store.evidence_dir / sha[:2] / sha[2:4] / sha
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    store.add_document(URL, data)
    assert store.evidence_path(sha) == path and store.read_evidence(sha) == data
    assert [p.name for p in path.parent.iterdir()] == [sha]


def test_the_same_bytes_are_not_new(store: Store) -> None:
    first, _ = store.add_document(URL, b"report", etag='"v1"')
    again, is_new = store.add_document(URL, b"report", etag='"v2"')
    mirror, mirror_is_new = store.add_document(URL.replace("2024", "mirror"), b"report")
    assert again == first and not is_new
    assert mirror != first and not mirror_is_new
    assert store.latest_document(URL)["etag"] == '"v2"'
    assert store.db["documents"].count == 2


def test_reconfirming_records_the_new_answer_as_adding_the_same_bytes_again_would(store: Store) -> None:
    then, later = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC)
    first, _ = store.add_document(URL, b"report", etag='"v1"', content_type="text/html", now=then)
    store.reconfirm(first, etag='"v2"', last_modified="Sat, 01 Feb 2025 00:00:00 GMT", content_type="text/html", now=later)
    latest = store.latest_document(URL)
    assert (latest["id"], latest["etag"], latest["last_modified"]) == (first, '"v2"', "Sat, 01 Feb 2025 00:00:00 GMT")
    assert (latest["fetched_at"], latest["http_status"], latest["size"]) == (later.isoformat(), 200, 6)
    assert store.db["documents"].count == 1
    with pytest.raises(StoreError):
        store.reconfirm(first + 1)


def test_a_columns_reconfirmations_are_stored_together_or_not_at_all(store: Store) -> None:
    then, later = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC)
    page, _ = store.add_document(URL, b"listing", etag='"a1"', now=then)
    report, _ = store.add_document(URL + "?2", b"report", etag='"b1"', now=then)
    with pytest.raises(StoreError, match=f"no document {report + 1}"):
        store.reconfirm_many([(page, later, {"etag": '"a2"'}), (report + 1, later, {})])
    assert store.latest_document(URL)["etag"] == '"a1"'  # the batch's first answer is not kept without the rest
    store.reconfirm_many([(page, later, {"etag": '"a2"'}), (report, later, {"etag": '"b2"'})])
    assert [(d["etag"], d["fetched_at"]) for d in (store.latest_document(URL), store.latest_document(URL + "?2"))] == [
        ('"a2"', later.isoformat()),
        ('"b2"', later.isoformat()),
    ]


def test_evidence_removed_by_hand_is_no_longer_held(store: Store) -> None:
    page, pdf = b"<html>" + "年度报告".encode() * 200 + b"</html>", b"%PDF-1.7\n" + bytes(range(256))
    shas = [store.keep_evidence(data) for data in (page, pdf)]
    assert all(store.holds_evidence(sha) for sha in shas)
    for sha in shas:
        store.evidence_path(sha).unlink()  # the page kept as .gz, the PDF as fetched
    assert not any(store.holds_evidence(sha) for sha in shas)
    with pytest.raises(StoreError, match="cannot read evidence"):
        store.read_evidence(shas[0])


def test_an_evidence_file_is_never_overwritten(store: Store) -> None:
    data = b"the report as first fetched"
    path = store.evidence_path(hashlib.sha256(data).hexdigest())
    path.parent.mkdir(parents=True)
    path.write_bytes(b"already here")
    before = path.stat()
    store.add_document(URL, data)
    assert path.read_bytes() == b"already here"
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind


def test_a_batch_keeps_each_blob_once_and_answers_in_order(store: Store) -> None:
    page, pdf = "<html>年度报告</html>".encode() * 50, b"%PDF-1.7\n" + bytes(range(256)) * 8
    kept_before = store.keep_evidence(b"kept by an earlier run")
    shas = store.keep_evidence_batch([page, pdf, page, b"kept by an earlier run"])
    assert shas == [hashlib.sha256(d).hexdigest() for d in (page, pdf, page)] + [kept_before]
    assert [store.read_evidence(sha) for sha in shas] == [page, pdf, page, b"kept by an earlier run"]
    files = sorted(p.name for p in store.evidence_dir.rglob("*") if p.is_file())
    assert files == sorted([f"{shas[0]}.gz", shas[1], shas[3]])  # no temp file left behind


def test_evidence_that_cannot_be_written_is_an_error_naming_the_folder_and_leaves_nothing(store: Store) -> None:
    data = b"a report the disk refuses"
    sha = hashlib.sha256(data).hexdigest()
    store.evidence_dir.mkdir(exist_ok=True)
    (store.evidence_dir / sha[:2]).write_bytes(b"")  # a file where its folder should be
    with pytest.raises(StoreError, match=str(store.evidence_dir)):
        store.keep_evidence_batch([b"another report", data])
    assert [p.name for p in store.evidence_dir.rglob("*") if p.is_file()] == [sha[:2]]
    assert store.db["documents"].count == 0
