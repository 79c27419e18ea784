"""Contradictions between candidate times, and the choice of a best time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from verify_bench.chrono import TimeInputError, parse_time, zone_at
from verify_bench.chrono.candidates import TimeCandidate, best_time, contradictions

T = datetime(2024, 5, 6, 11, 30, tzinfo=UTC)
S = timedelta(seconds=1)


def cand(kind: str, at: datetime, *, spread: timedelta = S, zone_known: bool = True, zone: str | None = None,
         source: str = "exif") -> TimeCandidate:
    return TimeCandidate(kind, source, at.isoformat(), at - spread, at + spread, zone_known, zone)  # type: ignore[arg-type]


def test_recorded_after_upload_is_flagged_but_before_is_not() -> None:
    upload = cand("upload", T, source="sidecar")
    assert [c.code for c in contradictions([cand("taken_at", T + timedelta(hours=2)), upload], {})] == [
        "taken_after_upload"]
    assert contradictions([cand("taken_at", T - timedelta(hours=2)), upload], {}) == []


def test_a_zone_unknown_time_is_only_flagged_when_no_zone_on_earth_could_explain_it() -> None:
    upload = cand("upload", T, source="sidecar")
    wall = T + timedelta(hours=10)   # 10 h after upload as wall-clock: UTC−12 … UTC+14 might still explain it
    unknown = TimeCandidate("taken_at", "exif", "wall", wall - timedelta(hours=14), wall + timedelta(hours=12), False)
    assert contradictions([unknown, upload], {}) == []
    wall = T + timedelta(hours=15)
    unknown = TimeCandidate("taken_at", "exif", "wall", wall - timedelta(hours=14), wall + timedelta(hours=12), False)
    assert [c.code for c in contradictions([unknown, upload], {})] == ["taken_after_upload"]


def test_far_from_the_incident_and_disagreeing_capture_times_are_flagged() -> None:
    found = contradictions([cand("taken_at", T), cand("gps_time", T + timedelta(days=1))],
                           {"abcd1234": "2024-05-06T11:00:00Z"}, incident_tolerance=timedelta(hours=6))
    assert sorted(c.code for c in found) == ["capture_times_disagree", "far_from_incident"]


def test_best_time_prefers_a_claim_then_the_zoned_camera_clock_then_container_time() -> None:
    exif = cand("taken_at", T)
    container = cand("creation_time", T, source="container")
    placed = cand("taken_at", T, zone_known=False, zone="Asia/Gaza")
    gps = cand("gps_time", T)
    claim = cand("claim", T, source="claim 1234")
    upload = cand("upload", T, source="sidecar")
    assert best_time([upload, gps, placed, container, exif, claim]) is claim
    assert best_time([upload, gps, placed, container, exif]) is exif
    assert best_time([upload, gps, placed, container]) is container
    assert best_time([upload, gps, placed]) is placed
    assert best_time([upload]) is None


def test_zones_come_from_the_place_and_wall_clock_times_need_one() -> None:
    assert zone_at(31.5017, 34.4668) == "Asia/Gaza"
    assert zone_at(51.5074, -0.1278) == "Europe/London"
    summer = parse_time("2024-07-01T12:00", zone="Europe/London")
    assert (summer.local, summer.utc) == ("2024-07-01T12:00:00+01:00", "2024-07-01T11:00:00Z")
    assert parse_time("2024-07-01 12:00+03:00").utc == "2024-07-01T09:00:00Z"
    with pytest.raises(TimeInputError, match="has no time zone"):
        parse_time("2024-07-01T12:00")
    with pytest.raises(TimeInputError, match="is not a time"):
        parse_time("yesterday noon")
    with pytest.raises(TimeInputError, match="unknown time zone"):
        parse_time("2024-07-01T12:00", zone="Mars/Olympus")
