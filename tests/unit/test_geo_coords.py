"""Reading and writing coordinates: reference values, round trips, and messages that say what is wrong."""

from __future__ import annotations

import random

import pytest

from verify_bench.geo import CoordinateError, all_formats, distance_m, parse_point, to_mgrs, to_plus_code
from verify_bench.geo.coords import format_decimal, format_dms
from verify_bench.geo.urls import geo_uri, google_maps_url, osm_url

GAZA_PORT = (31.5017, 34.4668)


def _points(n: int = 200) -> list[tuple[float, float]]:
    rng = random.Random(7)
    return [(rng.uniform(-79.5, 83.5), rng.uniform(-179.9, 179.9)) for _ in range(n)]  # MGRS (UTM) latitudes


@pytest.mark.parametrize("text, lat, lon, fmt", [
    ("31.5017, 34.4668", 31.5017, 34.4668, "decimal"),
    ("31.5017 34.4668", 31.5017, 34.4668, "decimal"),
    ("-33.8568; 151.2153", -33.8568, 151.2153, "decimal"),
    ("31.5017N 34.4668E", 31.5017, 34.4668, "decimal"),
    ("34.4668°E, 31.5017°N", 31.5017, 34.4668, "decimal"),
    ("33.8568 S 151.2153 E", -33.8568, 151.2153, "decimal"),
    ("31°30'06.1\"N 34°28'00.5\"E", 31.50169444, 34.46680556, "dms"),
    ("31° 30′ 06.1″ N, 34° 28′ 00.5″ E", 31.50169444, 34.46680556, "dms"),
    ("N 31 30.1 E 34 28.0", 31.50166667, 34.46666667, "dms"),
    ("40 26 46 N 79 58 56 W", 40.44611111, -79.98222222, "dms"),
    ("+31.5017+034.4668/", 31.5017, 34.4668, "iso6709"),
])
def test_decimal_and_dms_forms_read_to_the_same_point(text: str, lat: float, lon: float, fmt: str) -> None:
    point = parse_point(text)
    assert (point.lat, point.lon, point.format) == (pytest.approx(lat, abs=1e-7), pytest.approx(lon, abs=1e-7), fmt)


def test_dms_and_decimal_round_trip_within_their_resolution() -> None:
    for lat, lon in _points():
        back = parse_point(format_dms(lat, lon))
        assert distance_m(lat, lon, back.lat, back.lon) < 2.2  # ±0.05" per axis: at most ~1.55 m × √2
        back = parse_point(format_decimal(lat, lon))
        assert distance_m(lat, lon, back.lat, back.lon) < 0.2


def test_dms_formatting_never_writes_sixty_seconds() -> None:
    assert format_dms(10.999999, -20.999999) == "11°00'00.0\"N 21°00'00.0\"W"


def test_mgrs_matches_the_published_washington_monument_reference() -> None:
    # USNG/MGRS example: the Washington Monument is 18S UJ 23487 06483 (38°53'22"N 77°02'07"W).
    point = parse_point("18S UJ 23487 06483")
    assert point.format == "mgrs"
    assert distance_m(point.lat, point.lon, 38.88944, -77.03528) < 25
    assert to_mgrs(point.lat, point.lon) == "18SUJ2348706483"
    assert to_mgrs(point.lat, point.lon, spaced=True) == "18S UJ 23487 06483"


def test_mgrs_round_trips_and_coarser_references_name_the_centre_of_their_square() -> None:
    for lat, lon in _points():
        back = parse_point(to_mgrs(lat, lon))
        assert distance_m(lat, lon, back.lat, back.lon) < 1.5
    coarse = parse_point("18SUJ2306")  # a 1 km square: its centre, ±707 m
    fine = parse_point("18SUJ2350006500")
    assert coarse.precision_m == pytest.approx(707.1, abs=0.1)
    assert distance_m(coarse.lat, coarse.lon, fine.lat, fine.lon) < 2


@pytest.mark.parametrize("code, lat_lo, lng_lo, lat_hi, lng_hi", [
    # google/open-location-code test_data/decoding.csv
    ("7FG49QCJ+2V", 20.37, 2.782125, 20.370125, 2.78225),
    ("7FG49QCJ+2VX", 20.3701, 2.78221875, 20.370125, 2.78225),
    ("8FVC2222+22", 47.0, 8.0, 47.000125, 8.000125),
    ("4VCPPQGP+Q9", -41.273125, 174.785875, -41.273, 174.786),
    ("22222222+22", -90.0, -180.0, -89.999875, -179.999875),
])
def test_plus_codes_decode_to_the_centre_of_the_published_area(code: str, lat_lo: float, lng_lo: float,
                                                               lat_hi: float, lng_hi: float) -> None:
    point = parse_point(code)
    assert point.format == "pluscode"
    assert point.lat == pytest.approx((lat_lo + lat_hi) / 2, abs=1e-9)
    assert point.lon == pytest.approx((lng_lo + lng_hi) / 2, abs=1e-9)
    assert to_plus_code(point.lat, point.lon, length=len(code) - 1) == code


@pytest.mark.parametrize("full, lat, lng, short", [
    # google/open-location-code test_data/shortCodeTests.csv (recovery)
    ("9C3W9QCJ+2VX", 51.3852125, -1.217765625, "9QCJ+2VX"),
    ("9C3W9QCJ+2VX", 51.3708675, -1.217765625, "CJ+2VX"),
    ("8FRCXGRF+PM", 47.00, 8.55, "XGRF+PM"),
])
def test_short_plus_codes_recover_with_a_reference_point(full: str, lat: float, lng: float, short: str) -> None:
    got, want = parse_point(short, near=(lat, lng)), parse_point(full)
    assert (got.lat, got.lon) == (pytest.approx(want.lat), pytest.approx(want.lon))


def test_plus_codes_round_trip() -> None:
    for lat, lon in _points():
        back = parse_point(to_plus_code(lat, lon))
        assert distance_m(lat, lon, back.lat, back.lon) <= back.precision_m + 1e-6 < 3


@pytest.mark.parametrize("text, note", [
    (("https://www.google.com/maps/place/Gaza+Port/@31.50,34.46,17z/data=!3m1!4b1!4m6!3m5!1s0x0:0x0!8m2"
      "!3d31.5017!4d34.4668!16s"), "place pin"),
    ("https://www.google.com/maps/@31.5017,34.4668,15z", "map centre"),
    ("https://maps.google.com/?q=31.5017,34.4668", None),
    ("https://www.google.com/maps/search/?api=1&query=31.5017%2C34.4668", None),
    ("https://www.google.com/maps/place/31%C2%B030'06.1%22N+34%C2%B028'00.5%22E/@31.5,34.4,17z", None),
    ("https://www.openstreetmap.org/?mlat=31.5017&mlon=34.4668#map=17/31.4/34.3", "marker"),
    ("https://www.openstreetmap.org/#map=15/31.5017/34.4668", "map centre"),
    ("geo:31.5017,34.4668", None),
    ("geo:0,0?q=31.5017,34.4668(Gaza port)", None),
])
def test_map_urls_and_geo_uris_give_their_point(text: str, note: str | None) -> None:
    point = parse_point(text)
    assert distance_m(point.lat, point.lon, *GAZA_PORT) < 5
    assert (note or "") in (point.note or "")


def test_geo_uri_uncertainty_becomes_the_precision() -> None:
    assert parse_point("geo:31.5017,34.4668;u=35").precision_m == 35


def test_urls_written_for_a_point_read_back_to_it() -> None:
    for make in (geo_uri, osm_url, google_maps_url):
        point = parse_point(make(*GAZA_PORT))
        assert (point.lat, point.lon) == (pytest.approx(GAZA_PORT[0]), pytest.approx(GAZA_PORT[1]))
    forms = all_formats(*GAZA_PORT)
    for name, text in forms.items():
        point = parse_point(text)
        assert distance_m(point.lat, point.lon, *GAZA_PORT) < 3, name


@pytest.mark.parametrize("text, message", [
    ("", "no coordinates given"),
    ("hello world", "is not coordinates"),
    ("95, 30", "latitude 95 is out of range (−90 to 90): is the longitude first?"),
    ("30, 190", "longitude 190 is out of range"),
    ("31.5N 34.4N", "gives two latitudes"),
    ("31 75 0 N 34 0 0 E", "minutes 75 in '31 75 0 N' must be below 60"),
    ("31 30 61 N 34 0 0 E", "seconds 61"),
    ("31.5 30 N 34 0 E", "only the last of degrees, minutes and seconds may have a fraction"),
    ("1,2,3", "found 2 commas"),
    ("-31.5S, 34E", "both a minus sign and a hemisphere letter"),
    ("31.5x, 34.4", "unexpected character 'x'"),
    ("36RXV123", "has 3 digits: easting and northing need the same count"),
    ("61RXV12", "MGRS zone 61"),
    ("36IXV12", "latitude band 'I'"),
    ("36RXI12", "I and O are never used"),
    ("8G3QFFJ8+Q", "single character after '+'"),
    ("8G3QFFJ8QQ+Q9", "at most 8"),
    ("FFJ8+Q9 Gaza", "short plus code ('Gaza' cannot be looked up offline)"),
    ("https://maps.app.goo.gl/abc", "short links cannot be opened offline"),
    ("https://www.google.com/maps/place/Gaza+Port", "holds no coordinates"),
    ("https://www.openstreetmap.org/node/123", "object link holds no coordinates"),
    ("https://example.org/map", "not understood"),
    ("geo:31.5;34.4", "holds 'latitude,longitude'"),
    ("geo:31.5,34.4;crs=utm", "only wgs84"),
])
def test_invalid_input_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(CoordinateError) as info:
        parse_point(text)
    assert message in str(info.value)
