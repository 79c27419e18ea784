"""Web-Mercator arithmetic: known points, round trips, clamping at the poles, scale helpers."""

from __future__ import annotations

import math

import pytest

from verify_bench.geo.mercator import (
    MAX_LAT, WORLD, metres_per_unit, nice_distance, project, scale_for_zoom, unproject, zoom_for_scale,
)


def test_the_origin_and_the_corners_of_the_world_square():
    assert project(0, 0) == pytest.approx((WORLD / 2, WORLD / 2))
    assert project(MAX_LAT, -180) == pytest.approx((0, 0), abs=1e-9)
    assert project(-MAX_LAT, 180) == pytest.approx((WORLD, WORLD), abs=1e-9)
    assert MAX_LAT == pytest.approx(85.0511287798, abs=1e-9)


def test_a_known_point_matches_the_xyz_tile_scheme():
    # The OSM wiki's slippy-map formula, written independently: ytile = (1 - ln(tan φ + sec φ) / π) / 2 · 2**z.
    lat, lon, zoom = 31.2968, 34.2435, 10
    phi = math.radians(lat)
    tile_y = (1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * 2**zoom
    x, y = project(lat, lon)
    assert y * 2**zoom / WORLD == pytest.approx(tile_y)
    assert (int(x * 2**zoom / WORLD), int(tile_y)) == (609, 418)


@pytest.mark.parametrize("lat, lon", [(31.5017, 34.4668), (-33.8568, 151.2153), (51.4169, -0.0806), (0, -179.9)])
def test_project_and_unproject_round_trip(lat, lon):
    back = unproject(*project(lat, lon))
    assert back == pytest.approx((lat, lon), abs=1e-9)


def test_latitudes_beyond_the_square_are_clamped():
    assert project(90, 0) == project(MAX_LAT, 0)
    assert project(-89, 10)[1] == pytest.approx(WORLD)
    assert unproject(-10, WORLD + 5) == pytest.approx((-MAX_LAT, -180))


def test_metres_per_unit_shrink_towards_the_poles():
    equator = metres_per_unit(0)
    assert equator == pytest.approx(40_075_016.686 / WORLD)
    assert metres_per_unit(60) == pytest.approx(equator / 2)
    assert metres_per_unit(-60) == pytest.approx(equator / 2)


def test_zoom_and_scale_are_inverse():
    assert zoom_for_scale(scale_for_zoom(13.5)) == pytest.approx(13.5)
    assert zoom_for_scale(1) == 0
    assert zoom_for_scale(0) == -math.inf


@pytest.mark.parametrize("metres, nice", [(1, 1), (1.9, 1), (2.5, 2), (740, 500), (5000, 5000), (99_999, 50_000)])
def test_nice_distance_rounds_down_to_1_2_or_5(metres, nice):
    assert nice_distance(metres) == nice


def test_nice_distance_refuses_nothing():
    with pytest.raises(ValueError):
        nice_distance(0)
