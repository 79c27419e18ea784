"""Import through the core API on small generated files."""

from __future__ import annotations

import json
import os
import stat
import sys
import zipfile
from pathlib import Path

import pytest

from tests.factory import make_jpeg, make_png
from verify_bench.case import Case
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.verify import verify_case

FAST = ImportOptions(workers=1, time_limit=60)


def _items(case: Case) -> dict[str, dict]:
    return {r["display_name"]: dict(r) for r in case.db.query("SELECT * FROM items")}


def test_every_file_gets_exactly_one_outcome_and_bad_files_are_kept(case: Case, tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    good = make_jpeg(seed=1)
    (src / "good.jpg").write_bytes(good)
    (src / "picture.png").write_bytes(make_png())
    (src / "truncated.jpg").write_bytes(good[: len(good) // 2])
    (src / "empty.jpg").write_bytes(b"")
    (src / "random.jpg").write_bytes(os.urandom(5000))
    (src / "really-a-png.jpg").write_bytes(make_png(seed=7))
    (src / "notes.txt").write_text("hello")
    outcomes = []
    summary = run_import(case, [src], options=FAST, on_file=outcomes.append)

    assert summary.state == "completed"
    assert sorted(Path(o.path).name for o in outcomes) == sorted(p.name for p in src.iterdir())
    assert summary.imported == 7 and summary.rejected == 0
    items = _items(case)
    assert items["good.jpg"]["analysis"] == "ok" and items["good.jpg"]["media_type"] == "image"
    assert items["picture.png"]["analysis"] == "ok"
    assert items["really-a-png.jpg"]["mime"] == "image/png"  # sniffed, not trusted from the name
    assert items["notes.txt"]["media_type"] == "other"
    assert items["truncated.jpg"]["analysis"] in ("problems", "failed")
    problems = {r["item_id"]: r["kind"] for r in case.db.query("SELECT * FROM problems")}
    assert problems[items["truncated.jpg"]["id"]] in ("truncated", "corrupt")
    # every original is stored read-only and byte-exact
    for name, item in items.items():
        stored = case.root / item["stored_path"]
        assert stored.read_bytes() == (src / name).read_bytes()
        assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert verify_case(case.root).ok


def test_hashes_thumbnail_and_provenance_are_recorded(case: Case, tmp_path: Path):
    f = tmp_path / "photo.jpg"
    f.write_bytes(make_jpeg(seed=3))
    run_import(case, [f], options=ImportOptions(workers=1, source_url="https://example.org/p/1", note="from a tip"))
    item = _items(case)["photo.jpg"]
    algos = sorted(r["algo"] for r in case.db.query("SELECT algo FROM hashes WHERE item_id = ?", [item["id"]]))
    assert {"dhash", "phash"} <= set(algos)  # plus the similarity module's matching variants
    assert (case.root / "derived" / "thumbs" / item["sha256"][:2] / f"{item['sha256']}.jpg").is_file()
    [s] = list(case.db.query("SELECT * FROM sightings"))
    assert s["source_url"] == "https://example.org/p/1" and s["note"] == "from a tip"
    assert s["original_path"] == str(f) and s["acquired_by"] == "tester" and s["size"] == f.stat().st_size


def test_same_bytes_again_add_a_sighting_not_a_copy_and_rerun_is_idempotent(case: Case, tmp_path: Path):
    data = make_jpeg(seed=4)
    (tmp_path / "a.jpg").write_bytes(data)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "copy.jpeg").write_bytes(data)
    first = run_import(case, [tmp_path / "a.jpg"], options=FAST)
    second = run_import(case, [tmp_path / "b" / "copy.jpeg"], options=FAST)
    third = run_import(case, [tmp_path / "a.jpg", tmp_path / "b"], options=FAST)
    assert (first.imported, second.sighted, third.known) == (1, 1, 2)
    assert case.db.execute("SELECT count(*) FROM items").fetchone()[0] == 1
    assert case.db.execute("SELECT count(*) FROM sightings").fetchone()[0] == 2
    assert len(list((case.root / "originals").rglob("*.jpg"))) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
def test_non_utf8_names_are_kept_exactly(case: Case, tmp_path: Path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9-\xff.jpg"
    with open(raw, "wb") as f:
        f.write(make_jpeg(seed=5))
    run_import(case, [raw], options=FAST)
    [s] = list(case.db.query("SELECT original_path, original_path_b64 FROM sightings"))
    import base64

    assert base64.b64decode(s["original_path_b64"]) == raw
    assert s["original_path"].endswith("caf\\xe9-\\xff.jpg")
    assert verify_case(case.root).ok


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_links_and_fifos_in_folders_are_never_opened(case: Case, tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(make_jpeg(seed=6))
    (src / "link.jpg").symlink_to(outside)
    os.mkfifo(src / "pipe.jpg")
    summary = run_import(case, [src], options=FAST)
    reasons = {r["original_path"].rsplit("/", 1)[-1]: r["reason"] for r in case.db.query("SELECT * FROM rejections")}
    assert reasons == {"link.jpg": "symlink", "pipe.jpg": "special_file"}
    assert summary.rejected == 2 and summary.imported == 0


def test_unreadable_input_is_rejected_with_a_reason(case: Case, tmp_path: Path):
    summary = run_import(case, [tmp_path / "does-not-exist.jpg"], options=FAST)
    assert summary.rejected == 1
    assert "No such file" in summary.failures[0]["message"]


def test_sidecar_becomes_the_source_record(case: Case, tmp_path: Path):
    (tmp_path / "clip.jpg").write_bytes(make_jpeg(seed=8))
    (tmp_path / "clip.info.json").write_text(json.dumps({
        "id": "abc", "webpage_url": "https://example.org/v/abc", "uploader": "Someone", "upload_date": "20240131",
        "title": "Strike aftermath", "extractor": "generic"}))
    run_import(case, [tmp_path], options=FAST)
    item = _items(case)["clip.jpg"]
    [s] = list(case.db.query("SELECT sidecar FROM sightings WHERE item_id = ?", [item["id"]]))
    sidecar = json.loads(s["sidecar"])
    assert sidecar["webpage_url"] == "https://example.org/v/abc"
    assert sidecar["upload_date"] == "2024-01-31" and sidecar["uploader"] == "Someone"


def test_archives_are_preserved_and_their_members_imported(case: Case, tmp_path: Path):
    archive = tmp_path / "received.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("folder/one.jpg", make_jpeg(seed=9))
        z.writestr("../escape.jpg", make_jpeg(seed=10))
    summary = run_import(case, [archive], options=FAST)
    paths = sorted(r["original_path"] for r in case.db.query("SELECT original_path FROM sightings"))
    assert paths == [str(archive), f"{archive}!/folder/one.jpg"]
    assert summary.rejected == 1  # the traversal member, with its reason
    assert not (tmp_path / "escape.jpg").exists()
    assert [p.name for p in (case.root / "originals" / ".tmp").iterdir()] == [".importing.lock"]


def test_cancel_stops_the_import_and_the_case_stays_consistent(case: Case, tmp_path: Path):
    for i in range(12):
        (tmp_path / f"{i:02}.jpg").write_bytes(make_jpeg(seed=20 + i))
    seen = []

    def cancel() -> bool:
        return len(seen) >= 3

    summary = run_import(case, [tmp_path], options=FAST, on_file=seen.append, cancel=cancel)
    assert summary.state == "cancelled"
    assert 3 <= summary.imported < 12
    assert verify_case(case.root).ok
    rest = run_import(case, [tmp_path], options=FAST)
    assert rest.imported == 12 - summary.imported and rest.known == summary.imported
    assert case.db.execute("SELECT count(*) FROM items").fetchone()[0] == 12


def test_a_corrupt_archive_is_kept_and_its_refusal_explained(case: Case, tmp_path: Path):
    archive = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.jpg", make_jpeg(seed=11))
    archive.write_bytes(archive.read_bytes()[:-30])  # cut into the central directory
    summary = run_import(case, [archive], options=FAST)
    assert summary.imported == 1  # the archive itself is preserved as evidence
    [rejection] = list(case.db.query("SELECT reason, message FROM rejections"))
    assert rejection["reason"] == "archive_refused" and "members not extracted" in rejection["message"]


def test_a_file_that_changes_during_the_copy_is_flagged(case: Case, tmp_path: Path):
    import threading

    growing = tmp_path / "growing.bin"
    growing.write_bytes(os.urandom(16 * 2**20))
    stop = threading.Event()

    def append() -> None:
        with open(growing, "ab") as f:
            while not stop.is_set():
                f.write(b"x" * 4096)
                f.flush()

    writer = threading.Thread(target=append)
    writer.start()
    try:
        summary = run_import(case, [growing], options=FAST)
    finally:
        stop.set()
        writer.join()
    assert summary.imported == 1
    assert summary.failures[0]["kind"] == "changed_during_copy"
    [s] = list(case.db.query("SELECT item_id FROM sightings"))
    item = case.find_item(s["item_id"])
    assert (case.root / item["stored_path"]).stat().st_size == item["size"]
    assert verify_case(case.root).ok


def test_an_import_that_cannot_fit_is_refused_before_anything_is_written(case: Case, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch):
    import shutil as real_shutil

    from verify_bench.errors import IngestError
    from verify_bench.ingest import pipeline

    (tmp_path / "a.jpg").write_bytes(make_jpeg(seed=12))
    usage = real_shutil.disk_usage(tmp_path)
    monkeypatch.setattr(pipeline.shutil, "disk_usage", lambda p: usage._replace(free=10 * 2**20))
    head = case.head()
    with pytest.raises(IngestError, match="not enough free space"):
        run_import(case, [tmp_path / "a.jpg"], options=FAST)
    assert case.head() == head


def test_resuming_after_a_full_disk_needs_room_only_for_what_is_not_in_the_case_yet(
        case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The user is told to free space and run the same import again: files already in count for nothing."""
    import shutil as real_shutil

    from verify_bench.ingest import pipeline

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.jpg").write_bytes(make_jpeg(seed=40 + i) + b"x" * 2**20)  # 1 MB each
    run_import(case, [src], options=FAST)
    (src / "new.jpg").write_bytes(make_jpeg(seed=50))
    usage = real_shutil.disk_usage(tmp_path)  # room for the new file and the margin, not for all four
    monkeypatch.setattr(pipeline.shutil, "disk_usage",
                        lambda p: usage._replace(free=pipeline.SPACE_MARGIN_BYTES + 2**20))
    summary = run_import(case, [src], options=FAST)
    assert summary.imported == 1 and summary.state == "completed"


def test_the_import_keeps_a_small_page_cache_and_gives_the_case_its_own_back(case: Case, tmp_path: Path):
    from verify_bench.ingest.pipeline import IMPORT_CACHE_KIB

    (tmp_path / "a.jpg").write_bytes(make_jpeg(seed=21))
    browsing = case.conn.execute("PRAGMA cache_size").fetchone()[0]
    assert -browsing > IMPORT_CACHE_KIB  # a case connection's cache (KiB), larger than the import's
    seen = []
    run_import(case, [tmp_path], options=FAST,
               progress=lambda p: seen.append(case.conn.execute("PRAGMA cache_size").fetchone()[0]))
    assert seen and set(seen) == {-IMPORT_CACHE_KIB}
    assert case.conn.execute("PRAGMA cache_size").fetchone()[0] == browsing
