"""Core queries behind the map and the timeline: pins, moving a claim, timeline data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.factory import make_jpeg
from verify_bench.case import Case
from verify_bench.chrono import claim_time, timeline_data
from verify_bench.geo import (
    GeoError,
    claim_location,
    item_locations,
    link_items,
    map_pins,
    move_location,
    parse_point,
    record_incident,
    withdraw_location,
)
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.verify import verify_case


@pytest.fixture
def three(case: Case, tmp_path: Path) -> tuple[Case, list[str]]:
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in range(3):
        (folder / f"{'abc'[seed]}.jpg").write_bytes(make_jpeg(seed=seed))
    run_import(case, [str(folder)], options=ImportOptions(workers=1))
    return case, [r[0] for r in case.conn.execute("SELECT id FROM items ORDER BY display_name")]


def test_pins_are_accepted_claims_and_incidents(three: tuple[Case, list[str]]) -> None:
    case, (a, b, _c) = three
    claim_location(case, a, parse_point("31.29, 34.24"), precision_m=20, method="landmark_match", accept=True)
    claim_location(case, b, parse_point("31.30, 34.25"), precision_m=20, method="witness")  # not accepted: no pin
    record_incident(case, "Strike", lat=31.3, lon=34.26)
    record_incident(case, "Somewhere unknown")
    pins = map_pins(case)
    assert [(p.kind, p.label, p.basis) for p in pins] == [("item", "a.jpg", "accepted claim"),
                                                          ("incident", "Strike", "incident")]
    assert (pins[0].lat, pins[0].lon) == (31.29, 34.24)


def test_moving_a_claim_records_a_new_claim_and_withdraws_the_old(three: tuple[Case, list[str]]) -> None:
    case, (a, _b, _c) = three
    old = claim_location(case, a, parse_point("31.29, 34.24"), precision_m=25, method="satellite_comparison",
                         direction_deg=90.0, note="roof shapes", accept=True)
    moved = move_location(case, old.claim_id, parse_point("31.2905, 34.2405"), how="dragged on the map")
    found = item_locations(case, a)
    assert found.accepted == moved
    assert (moved.precision_m, moved.method, moved.direction_deg, moved.note) == (25, "satellite_comparison", 90.0,
                                                                                  "roof shapes")
    assert moved.input_text == f"dragged on the map from claim {old.claim_id[:8]}"
    before = next(c for c in found.claims if c.claim_id == old.claim_id)
    assert before.withdrawn and not before.accepted
    note = case.conn.execute("SELECT withdrawn_note FROM location_claims WHERE claim_id = ?",
                             (old.claim_id,)).fetchone()[0]
    assert note == f"dragged on the map 73 m: replaced by claim {moved.claim_id[:8]}"
    with pytest.raises(GeoError, match="withdrawn: it cannot be moved"):
        move_location(case, old.claim_id, parse_point("31, 34"))
    other = claim_location(case, a, parse_point("31.3, 34.3"), precision_m=10, method="witness")
    again = move_location(case, other.claim_id, parse_point("31.31, 34.3"))
    assert not again.accepted and item_locations(case, a).accepted == moved  # acceptance stays where it was
    withdraw_location(case, again.claim_id)
    assert verify_case(case.root).ok


def test_timeline_data_places_items_and_incident_windows(three: tuple[Case, list[str]]) -> None:
    case, (a, b, _c) = three
    claim_time(case, a, "2024-05-06T21:40:00+03:00", precision_s=600, method="shadow_sun")
    claim_time(case, b, "2024-05-06T18:00:00Z", precision_s=60, method="witness")
    incident = record_incident(case, "Night strike", time="2024-05-06T22:00:00", lat=31.29, lon=34.24)
    link_items(case, incident.incident_id, [a, b])
    data = timeline_data(case)
    assert [r.display_name for r in data.rows] == ["b.jpg", "a.jpg", "c.jpg"]  # by best time; c has none
    first = data.rows[1]
    assert first.best is not None and first.best.kind == "claim"
    assert first.best.latest - first.best.earliest == timedelta(minutes=20)
    assert first.incident_ids == (incident.incident_id,)
    assert {cand.kind for cand in first.candidates} >= {"claim", "file_modified"}
    span = data.incidents[0]
    assert span.time == datetime(2024, 5, 6, 19, 0, tzinfo=UTC)  # 22:00 in Gaza (UTC+3 in May)
    assert (span.earliest, span.latest) == (span.time - timedelta(hours=6), span.time + timedelta(hours=6))
    assert data.start == span.earliest and data.end == span.latest
    assert data.rows[0].contradictions == ()  # 18:00Z is an hour before the incident: within the window
    assert data.rows[2].best is None
    only = timeline_data(case, incident_ref="Night strike")
    assert [r.display_name for r in only.rows] == ["b.jpg", "a.jpg"] and len(only.incidents) == 1
