"""Duplicates through real imports: exact, near-duplicate, decisions that survive recomputation, verify."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from tests.factory import make_jpeg
from verify_bench.case import Case
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.similarity import LiveMatcher, cluster_of, current_decisions, decide, duplicates, matches
from verify_bench.similarity.service import load_rows
from verify_bench.verify import verify_case

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
FAST = ImportOptions(workers=1, time_limit=60)


@pytest.fixture
def dupes_case(tmp_path: Path):
    c = Case.create(tmp_path / "dupes.vbcase")
    yield c
    c.close()


def _jpeg(img: Image.Image, quality: int = 85) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def reupload_folder(root: Path) -> Path:
    """Two photos, each with a resized and a recompressed re-upload; one byte-identical copy; one unrelated."""
    folder = root / "in"
    (folder / "copies").mkdir(parents=True)
    for name in ("DSCN0010.jpg", "DSCN0025.jpg"):
        data = (SAMPLES / name).read_bytes()
        (folder / name).write_bytes(data)
        img = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
        small = img.resize((img.width // 3, img.height // 3))
        (folder / "copies" / f"small_{name}").write_bytes(_jpeg(small, 80))
        (folder / "copies" / f"lowq_{name}").write_bytes(_jpeg(img, 20))
    (folder / "copies" / "same_bytes.jpg").write_bytes((SAMPLES / "DSCN0010.jpg").read_bytes())
    (folder / "unrelated.jpg").write_bytes(make_jpeg((640, 480), seed=5))
    return folder


def _ids(case: Case) -> dict[str, str]:
    return {r[1]: r[0] for r in case.conn.execute("SELECT id, display_name FROM items")}


def test_reuploads_are_matched_clustered_and_the_original_is_suggested(dupes_case: Case, tmp_path: Path):
    run_import(dupes_case, [reupload_folder(tmp_path)], options=FAST)
    ids = _ids(dupes_case)
    report = duplicates(dupes_case)

    assert [e["item_id"] for e in report.exact] == [ids["DSCN0010.jpg"]]  # same bytes: one item, two sightings
    assert report.exact[0]["sightings"] == 2
    groups = {frozenset(c.items): c for c in report.clusters}
    for name in ("DSCN0010.jpg", "DSCN0025.jpg"):
        members = frozenset(ids[n] for n in (name, f"small_{name}", f"lowq_{name}"))
        assert members in groups, f"{name} and its re-uploads are not one cluster"
        assert groups[members].best == ids[name]  # largest, most metadata
    assert all(ids["unrelated.jpg"] not in c.items for c in report.clusters)
    for m in report.matches:
        assert m["kind"] == "image" and 0 <= m["distance"] <= 8 and m["evidence"]["hashes"][0].startswith("phash")


def test_a_rejected_match_stays_rejected_after_recomputation_and_verify_rebuilds_it(dupes_case: Case, tmp_path: Path):
    run_import(dupes_case, [reupload_folder(tmp_path)], options=FAST)
    ids = _ids(dupes_case)
    original, small = ids["DSCN0025.jpg"], ids["small_DSCN0025.jpg"]
    decide(dupes_case, [(original, small)], "rejected", note="different crop of the scene")
    with dupes_case.write():  # throw the cache away: everything is computed again
        dupes_case.conn.execute("DELETE FROM similar_pairs")
        dupes_case.conn.execute("DELETE FROM similar_state")

    pair = [m for m in matches(dupes_case) if {m["a"], m["b"]} == {original, small}]
    assert pair and pair[0]["decision"] == "rejected" and pair[0]["note"] == "different crop of the scene"
    cluster = cluster_of(dupes_case, small)
    assert cluster is not None and original in cluster.items  # still linked through the recompressed copy
    assert [d.decision for d in current_decisions(dupes_case, item_id=small)] == ["rejected"]
    report = verify_case(dupes_case.root)
    assert report.ok, report.findings


def test_a_confirmed_pair_links_items_the_hashes_do_not(dupes_case: Case, tmp_path: Path):
    run_import(dupes_case, [reupload_folder(tmp_path)], options=FAST)
    ids = _ids(dupes_case)
    decide(dupes_case, [(ids["unrelated.jpg"], ids["DSCN0010.jpg"])], "confirmed")
    cluster = cluster_of(dupes_case, ids["unrelated.jpg"])
    assert cluster is not None and ids["DSCN0010.jpg"] in cluster.items


def test_matching_is_incremental_across_imports(dupes_case: Case, tmp_path: Path):
    folder = reupload_folder(tmp_path)
    run_import(dupes_case, [folder / "DSCN0010.jpg", folder / "unrelated.jpg"], options=FAST)
    live = LiveMatcher(dupes_case)
    live.refresh()  # matches the two items, unless the import did already
    assert dupes_case.conn.execute("SELECT COUNT(*) FROM similar_pairs").fetchone()[0] == 0
    indexed = len(live)
    run_import(dupes_case, [folder / "copies"], options=FAST)
    assert live.refresh() in (0, 4)  # the four new items (none if the import matched them itself)
    assert live.refresh() == 0
    if indexed:  # the index was kept in memory and grew: no recomputation from scratch
        assert len(live) == indexed + 4
    ids = _ids(dupes_case)
    pairs = {(r[0], r[1]) for r in dupes_case.conn.execute("SELECT a, b FROM similar_pairs")}
    original = ids["DSCN0010.jpg"]
    for copy in ("small_DSCN0010.jpg", "lowq_DSCN0010.jpg"):
        assert tuple(sorted((original, ids[copy]))) in pairs


def test_loading_new_items_hashes_reads_only_their_rows(dupes_case: Case, tmp_path: Path):
    """A refresh during an import loads the new items' hashes by item: its cost does not grow with the case."""
    folder = reupload_folder(tmp_path)
    run_import(dupes_case, [folder / "DSCN0010.jpg"], options=FAST)
    [one] = dupes_case.conn.execute("SELECT id FROM items").fetchone()
    # As many ids as a refresh during a long import brings (all but one unknown): enough for SQLite to
    # prefer a scan by algorithm when it may.
    ids = [one, *(f"no-such-item-{n}" for n in range(300))]

    def steps_to_load() -> tuple[int, int]:
        steps = 0

        def count() -> int:
            nonlocal steps
            steps += 1
            return 0

        dupes_case.conn.set_progress_handler(count, 1)
        try:
            rows, _ = load_rows(dupes_case, ids)
        finally:
            dupes_case.conn.set_progress_handler(None, 1)
        assert set(rows.item_ids) == {one}
        return steps, len(rows.item_ids)

    alone, hashes = steps_to_load()
    run_import(dupes_case, [folder], options=FAST)
    assert dupes_case.conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] >= 6
    among_more, same_hashes = steps_to_load()
    assert same_hashes == hashes
    assert among_more < alone * 1.2
