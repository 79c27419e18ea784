"""The whole shared corpus through the real import: one outcome per file, nothing lost, right values."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify_bench.case import Case
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.verify import verify_case


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, list, Path]:
    corpus = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not present")
    case = Case.create(tmp_path_factory.mktemp("corpus") / "c.vbcase", actor="tester")
    outcomes: list = []
    run_import(case, [corpus], options=ImportOptions(workers=2), on_file=outcomes.append)
    yield case, outcomes, corpus
    case.close()


def _by_name(case: Case, name: str) -> dict:
    rows = list(case.db.query("SELECT i.* FROM items i JOIN sightings s ON s.item_id = i.id "
                              "WHERE s.original_path LIKE ?", [f"%/{name}"]))
    assert rows, name
    return rows[0]


def test_every_corpus_file_has_exactly_one_outcome_and_is_preserved(imported):
    case, outcomes, corpus = imported
    files = sorted(str(p) for p in corpus.rglob("*") if p.is_file())
    assert sorted(o.path for o in outcomes) == files
    assert not [o for o in outcomes if o.status == "rejected"]
    stored = case.db.execute("SELECT count(*) FROM sightings").fetchone()[0]
    assert stored == len(files)
    report = verify_case(case.root)
    assert report.ok, report.errors


def test_broken_files_become_items_with_named_problems(imported):
    case, outcomes, corpus = imported
    item = _by_name(case, "30-type_error.jpg")
    [problem] = list(case.db.query("SELECT kind, message FROM problems WHERE item_id = ?", [item["id"]]))
    assert problem["kind"] == "metadata" and "corrupted IFD" in problem["message"]
    assert item["analysis"] == "problems" and item["width"]  # the picture itself is still read
    for o in outcomes:
        for kind, message in o.problems:
            assert kind in {"truncated", "corrupt", "metadata", "decompression_bomb", "unsupported", "timeout",
                            "out_of_memory", "crashed"} and message


def test_gps_photo_and_phone_video_locations(imported):
    case, _, _ = imported
    photo = _by_name(case, "DSCN0010.jpg")
    assert photo["gps_lat"] == pytest.approx(43.467448, abs=1e-5)
    assert photo["gps_lon"] == pytest.approx(11.885127, abs=1e-5)
    assert (photo["camera_make"], photo["camera_model"]) == ("NIKON", "COOLPIX P6000")
    video = _by_name(case, "android-with-gps.mp4")
    assert video["media_type"] == "video" and video["gps_source"] == "container"
    assert video["gps_lat"] == pytest.approx(51.4169, abs=1e-4)
    assert video["gps_lon"] == pytest.approx(-0.0806, abs=1e-4)
    assert video["creation_time"].startswith("2017-02-22")
    frames = case.db.execute("SELECT count(DISTINCT frame_ts) FROM hashes WHERE item_id = ?", [video["id"]]).fetchone()[0]
    assert frames >= 1


def test_orientations_give_upright_items_with_close_hashes(imported):
    case, _, _ = imported
    from verify_bench.projections import int64_to_hex
    from verify_bench.media.hashing import hamming

    for shape in ("landscape", "portrait"):
        reference = _by_name(case, f"{shape}_1.jpg")
        ref_hash = case.db.execute("SELECT bits FROM hashes WHERE item_id = ? AND algo = 'phash'",
                                   [reference["id"]]).fetchone()[0]
        for n in range(2, 9):
            item = _by_name(case, f"{shape}_{n}.jpg")
            assert (item["width"] > item["height"]) == (shape == "landscape"), item["display_name"]
            bits = case.db.execute("SELECT bits FROM hashes WHERE item_id = ? AND algo = 'phash'",
                                   [item["id"]]).fetchone()[0]
            assert hamming(int64_to_hex(bits), int64_to_hex(ref_hash)) <= 4, item["display_name"]
