"""Real GPS-tagged photos and video: the file's own position shown beside a manual claim, with the distance."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify_bench.case import Case
from verify_bench.geo import claim_location, destination, item_locations, parse_point
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.verify import verify_case

pytestmark = pytest.mark.corpus
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


def _corpus_file(relative: str) -> Path:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"../shared/corpus/{relative} is not present")
    return path


@pytest.mark.parametrize("relative", ["exif-samples/jpg/gps/DSCN0010.jpg", "video/android-with-gps.mp4"])
def test_file_gps_is_shown_beside_a_claim_with_the_distance(case: Case, relative: str) -> None:
    run_import(case, [str(_corpus_file(relative))], options=ImportOptions(workers=1))
    item = case.conn.execute("SELECT id, gps_lat, gps_lon, gps_source FROM items").fetchone()
    item_id, lat, lon, source = item
    assert lat is not None, "the corpus file should carry GPS"
    near_lat, near_lon = destination(lat, lon, 90.0, 120.0)        # 120 m east of the file's position
    far_lat, far_lon = destination(lat, lon, 0.0, 3000.0)          # 3 km north
    claim_location(case, item_id, parse_point(f"{near_lat:.7f}, {near_lon:.7f}"), precision_m=50,
                   method="landmark_match")
    claim_location(case, item_id, parse_point(f"{far_lat:.7f}, {far_lon:.7f}"), precision_m=100, method="witness")
    view = item_locations(case, item_id)
    assert [(m.source, round(m.lat, 6), round(m.lon, 6)) for m in view.metadata][:1] == [
        (source, round(lat, 6), round(lon, 6))]
    near, far = [c for c in view.comparisons if c.source == source]
    assert near.distance_m == pytest.approx(120.0, abs=0.5) and not near.flagged
    assert far.distance_m == pytest.approx(3000.0, abs=1.0) and far.flagged
    assert view.flagged
    assert verify_case(case.root).ok


def test_all_gps_sample_photos_place_where_their_exif_says(case: Case) -> None:
    folder = _corpus_file("exif-samples/jpg/gps/DSCN0010.jpg").parent
    run_import(case, [str(folder)], options=ImportOptions(workers=1))
    rows = case.conn.execute("SELECT id, gps_lat, gps_lon FROM items WHERE gps_lat IS NOT NULL").fetchall()
    assert len(rows) >= 5
    for item_id, lat, lon in rows:
        claim_location(case, item_id, parse_point(f"geo:{lat:.7f},{lon:.7f};u=10"), method="file_metadata")
        view = item_locations(case, item_id)
        assert view.comparisons and all(c.distance_m < 0.1 and not c.flagged for c in view.comparisons)
