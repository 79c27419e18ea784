"""Sun position and shadows against almanac values, and the reverse shadow band against the forward calculation."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import pytest

from verify_bench.chrono import elevation_for_ratio, shadow_band, subsolar_point, sun_position
from verify_bench.geo import GeoError
from verify_bench.geo.geodesy import distance_m


def test_equinox_noon_sun_is_overhead_at_the_equator() -> None:
    # March equinox 2024-03-20 03:06 UTC; solar noon at 0°E comes at ~12:07 UTC (equation of time −7.5 min).
    p = sun_position(0.0, 0.0, datetime(2024, 3, 20, 12, 7, tzinfo=UTC))
    assert p.elevation_deg > 89.5
    assert p.shadow_ratio is not None and p.shadow_ratio < 0.01


def test_solstice_noon_sun_is_overhead_on_the_tropic_of_cancer() -> None:
    # June solstice 2024-06-20 20:51 UTC; solar noon at 0°E on 06-20 is ~12:01:40 UTC.
    assert sun_position(23.44, 0.0, datetime(2024, 6, 20, 12, 2, tzinfo=UTC)).elevation_deg > 89.5


def test_solstice_noon_at_greenwich_is_ninety_minus_latitude_plus_obliquity() -> None:
    p = sun_position(51.4769, -0.0005, datetime(2024, 6, 20, 12, 1, 40, tzinfo=UTC))
    assert p.elevation_deg == pytest.approx(90 - 51.4769 + 23.44, abs=0.1)   # 61.96° (NOAA: 61.97° apparent)
    assert p.azimuth_deg == pytest.approx(180, abs=1.0)
    assert p.shadow_azimuth_deg == pytest.approx(0, abs=1.0) or p.shadow_azimuth_deg == pytest.approx(360, abs=1.0)


def test_at_the_north_pole_in_june_the_sun_circles_at_the_obliquity() -> None:
    for hour in (0, 6, 12, 18):
        p = sun_position(90.0, 0.0, datetime(2024, 6, 20, hour, tzinfo=UTC))
        assert p.elevation_deg == pytest.approx(23.44, abs=0.25)  # astral evaluates the poles at 89.8°


def test_sun_rises_due_east_at_the_equator_on_the_equinox_and_there_are_no_shadows_at_night() -> None:
    dawn = sun_position(0.0, 0.0, datetime(2024, 3, 20, 6, 7, tzinfo=UTC))
    assert dawn.azimuth_deg == pytest.approx(90, abs=0.5)
    assert abs(dawn.elevation_deg) < 1.0
    night = sun_position(0.0, 0.0, datetime(2024, 3, 20, 0, 7, tzinfo=UTC))
    assert not night.above_horizon and night.shadow_ratio is None and night.shadow_azimuth_deg is None


def test_subsolar_point_matches_meeus_examples() -> None:
    # Meeus, Astronomical Algorithms, ex. 25.a: 1992 Oct 13.0 TD, apparent declination −7°47'06" (−7.785°);
    # ex. 28.a: equation of time +13m42.7s, so the sun is overhead at 180° − 13.71/4 ≈ 176.57°E at 0h UT
    # (TD − UT was 59 s in 1992: 0.25° of longitude).
    lat, lon = subsolar_point(datetime(1992, 10, 13, 0, 0, tzinfo=UTC))
    assert lat == pytest.approx(-7.785, abs=0.02)
    assert lon == pytest.approx(176.57, abs=0.3)


def test_local_times_and_utc_give_the_same_sun() -> None:
    plus3 = timezone(timedelta(hours=3))
    a = sun_position(31.5, 34.47, datetime(2024, 5, 6, 14, 30, tzinfo=plus3))
    b = sun_position(31.5, 34.47, datetime(2024, 5, 6, 11, 30, tzinfo=UTC))
    assert (a.azimuth_deg, a.elevation_deg) == (b.azimuth_deg, b.elevation_deg)


def test_a_time_without_zone_or_an_invalid_place_is_refused() -> None:
    with pytest.raises(GeoError, match="zone or offset"):
        sun_position(0, 0, datetime(2024, 1, 1, 12))
    with pytest.raises(GeoError, match="latitude 91"):
        sun_position(91, 0, datetime(2024, 1, 1, 12, tzinfo=UTC))


def test_a_45_degree_sun_casts_shadows_as_long_as_the_object() -> None:
    assert elevation_for_ratio(1.0) == pytest.approx(45.0)
    with pytest.raises(GeoError, match="positive"):
        elevation_for_ratio(0)


def test_every_place_on_the_shadow_band_sees_the_measured_ratio() -> None:
    when = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
    band = shadow_band(1.0, when, ratio_tolerance=0.1, segments=72)
    assert band.inner is not None
    for lat, lon in band.outer[:-1:6]:
        assert sun_position(lat, lon, when).shadow_ratio == pytest.approx(1.1, rel=0.005)
    for lat, lon in band.inner[:-1:6]:
        assert sun_position(lat, lon, when).shadow_ratio == pytest.approx(0.9, rel=0.005)
    assert band.elevation_range == (pytest.approx(math.degrees(math.atan(1 / 1.1))),
                                    pytest.approx(math.degrees(math.atan(1 / 0.9))))


def test_a_shadow_direction_narrows_the_band_to_where_the_sun_stands_opposite() -> None:
    when = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
    band = shadow_band(1.0, when, ratio_tolerance=0.05, shadow_azimuth=300.0, azimuth_tolerance=5.0)
    assert band.sector is not None
    for lat, lon in band.sector[:-1]:
        p = sun_position(lat, lon, when)
        # the sector's edges are chosen at the band's middle radius: its corners may stray ~1° further
        assert abs((p.shadow_azimuth_deg - 300.0 + 180) % 360 - 180) <= 5.0 + 1.5
        assert 0.94 <= p.shadow_ratio <= 1.06
    # A place known to see these shadows then lies in the sector: Paris at 09:00 UTC on 6 May 2024.
    paris = sun_position(48.8566, 2.3522, when)
    near = shadow_band(paris.shadow_ratio, when, ratio_tolerance=0.02, shadow_azimuth=paris.shadow_azimuth_deg)
    assert near.sector is not None
    assert min(distance_m(48.8566, 2.3522, lat, lon) for lat, lon in near.sector) < 150_000
