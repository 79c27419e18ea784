"""Choosing one value per field and finding material disagreements between sources."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from verify_bench.media.analysis import FieldValue as F
from verify_bench.metadata.normalize import SOURCE_PRIORITY, Disagreement, choose, disagreements


def test_priority_order_is_the_documented_one() -> None:
    assert SOURCE_PRIORITY == ("exif", "xmp", "container", "sidecar", "filename", "decoder")


def test_choose_takes_the_highest_priority_source() -> None:
    fields = [F("make", "FromFilename", "filename"), F("make", "Canon", "exif"), F("make", "Nikon", "xmp"),
              F("title", "t", "sidecar"), F("title", "u", "somewhere-new"), F("codec", "h264", "decoder")]
    assert choose(fields) == {"make": ("Canon", "exif"), "title": ("t", "sidecar"), "codec": ("h264", "decoder")}
    assert choose([F("title", "u", "somewhere-new")]) == {"title": ("u", "somewhere-new")}
    assert choose([F("model", "first", "exif"), F("model", "second", "exif")]) == {"model": ("first", "exif")}
    assert choose([]) == {}


def test_offset_and_longitude_come_from_the_same_source_as_time_and_latitude() -> None:
    fields = [F("taken_at", "2020-01-01T10:00:00", "exif"),
              F("taken_at", "2020-01-01T08:00:00", "xmp"), F("taken_at_offset", "+00:00", "xmp"),
              F("gps_lat", 1.0, "xmp"), F("gps_lon", 2.0, "xmp"), F("gps_lon", 9.0, "exif")]
    chosen = choose(fields)
    assert chosen["taken_at"] == ("2020-01-01T10:00:00", "exif")
    assert "taken_at_offset" not in chosen  # exif states no zone: xmp's would be wrong for exif's time
    assert (chosen["gps_lat"], chosen["gps_lon"]) == ((1.0, "xmp"), (2.0, "xmp"))
    assert choose([F("taken_at_offset", "+01:00", "exif")]) == {}


@pytest.mark.parametrize(("a", "b", "differ"), [
    ("2020-01-01T10:00:00", "2020-01-01T10:00:02", False),
    ("2020-01-01T10:00:00", "2020-01-01T10:00:02.500", True),
    ("2020-01-01T10:00:00.900", "2020-01-01T10:00:01", False),
    ("2020-01-01T10:00:00", "2020-01-02T10:00:00", True),
    ("2020-01-01T10:00:00", "not a date", True),
])
def test_taken_at_tolerance(a: str, b: str, differ: bool) -> None:
    found = disagreements([F("taken_at", a, "exif"), F("taken_at", b, "filename")])
    assert found == ([Disagreement("taken_at", [(a, "exif"), (b, "filename")])] if differ else [])


def test_taken_at_compares_instants_only_when_both_state_a_zone() -> None:
    same_instant = [F("taken_at", "2020-01-01T10:00:00", "exif"), F("taken_at_offset", "+02:00", "exif"),
                    F("taken_at", "2020-01-01T08:00:01", "xmp"), F("taken_at_offset", "+00:00", "xmp")]
    assert [d.field for d in disagreements(same_instant)] == ["taken_at_offset"]
    one_zone = [F("taken_at", "2020-01-01T10:00:00", "exif"), F("taken_at_offset", "+02:00", "exif"),
                F("taken_at", "2020-01-01T10:00:00", "filename")]
    assert disagreements(one_zone) == []
    shifted = [F("taken_at", "2020-01-01T10:00:00", "exif"), F("taken_at_offset", "+02:00", "exif"),
               F("taken_at", "2020-01-01T10:00:00", "xmp"), F("taken_at_offset", "+00:00", "xmp")]
    assert [d.field for d in disagreements(shifted)] == ["taken_at", "taken_at_offset"]


def test_zoned_times_in_the_value() -> None:
    assert disagreements([F("creation_time", "2020-01-01T10:00:00Z", "container"),
                          F("creation_time", "2020-01-01T12:00:01+02:00", "sidecar")]) == []
    assert len(disagreements([F("gps_time", "2020-01-01T10:00:00Z", "exif"),
                              F("gps_time", "2020-01-01T10:00:05Z", "xmp")])) == 1


def test_gps_is_compared_as_a_pair_in_metres() -> None:
    near = [F("gps_lat", 51.5, "exif"), F("gps_lon", -0.12, "exif"),
            F("gps_lat", 51.5003, "xmp"), F("gps_lon", -0.12, "xmp")]          # ~33 m north
    far = [F("gps_lat", 51.5, "exif"), F("gps_lon", -0.12, "exif"),
           F("gps_lat", 51.5, "xmp"), F("gps_lon", -0.1215, "xmp")]            # ~104 m west
    assert disagreements(near) == []
    assert disagreements(far) == [Disagreement("gps", [((51.5, -0.12), "exif"), ((51.5, -0.1215), "xmp")])]
    assert disagreements([F("gps_lat", 51.5, "exif"), F("gps_lat", 10.0, "xmp")]) == []  # no pairs to compare


def test_strings_ignore_case_and_whitespace_numbers_use_a_tolerance() -> None:
    assert disagreements([F("make", "NIKON  Corporation", "exif"), F("make", "nikon corporation ", "xmp")]) == []
    assert [d.field for d in disagreements([F("model", "D70", "exif"), F("model", "D70s", "xmp")])] == ["model"]
    assert disagreements([F("gps_alt", 100.0, "exif"), F("gps_alt", 100.6, "xmp")]) == []
    assert len(disagreements([F("gps_alt", 100.0, "exif"), F("gps_alt", 102.0, "xmp")])) == 1
    assert disagreements([F("orientation", 1, "exif"), F("orientation", 1.0, "xmp")]) == []
    assert len(disagreements([F("orientation", 1, "exif"), F("orientation", 6, "xmp")])) == 1


def test_repeated_statements_are_listed_once_and_results_are_json() -> None:
    fields = [F("title", "A", "filename"), F("title", "A", "filename"), F("title", "B", "sidecar"),
              F("gps_lat", 1.0, "exif"), F("gps_lon", 2.0, "exif"), F("gps_lat", 3.0, "xmp"), F("gps_lon", 4.0, "xmp")]
    found = disagreements(fields)
    assert found[0] == Disagreement("title", [("A", "filename"), ("B", "sidecar")])
    json.dumps([asdict(d) for d in found], allow_nan=False)
    assert disagreements([]) == [] and disagreements([F("make", "x", "exif")]) == []
