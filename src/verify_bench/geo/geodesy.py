"""Distances, bearings and shapes on a spherical Earth (accurate to ~0.5 %, ample for claims).

Shapes are lists of ``(lat, lon)`` vertices that the map draws as they are: precision circles
and viewing-direction wedges.
"""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius, as metadata.normalize uses


def check_lat_lon(lat: float, lon: float) -> None:
    """Raise ``ValueError`` for a latitude outside ±90, a longitude outside ±180 or a non-number."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError("coordinates must be finite numbers")
    if not -90 <= lat <= 90:
        raise ValueError(f"latitude {lat:g} is out of range (−90 to 90)")
    if not -180 <= lon <= 180:
        raise ValueError(f"longitude {lon:g} is out of range (−180 to 180)")


def normalize_lon(lon: float) -> float:
    """A longitude folded into [-180, 180)."""
    return (lon + 180.0) % 360.0 - 180.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing from point 1 to point 2, degrees clockwise from true north in [0, 360)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x)) % 360.0


def destination(lat: float, lon: float, bearing: float, distance: float) -> tuple[float, float]:
    """The point ``distance`` metres from ``(lat, lon)`` along ``bearing`` degrees."""
    return destination_angular(lat, lon, bearing, distance / EARTH_RADIUS_M)


def destination_angular(lat: float, lon: float, bearing: float, angle_rad: float) -> tuple[float, float]:
    """The point ``angle_rad`` radians of arc from ``(lat, lon)`` along ``bearing`` degrees."""
    p1, l1, b = math.radians(lat), math.radians(lon), math.radians(bearing)
    sin_p2 = math.sin(p1) * math.cos(angle_rad) + math.cos(p1) * math.sin(angle_rad) * math.cos(b)
    p2 = math.asin(max(-1.0, min(1.0, sin_p2)))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(angle_rad) * math.cos(p1), math.cos(angle_rad) - math.sin(p1) * sin_p2)
    return math.degrees(p2), normalize_lon(math.degrees(l2))


def circle(lat: float, lon: float, radius_m: float, *, segments: int = 72) -> list[tuple[float, float]]:
    """A closed ring approximating the circle of ``radius_m`` around a point (first vertex repeated last)."""
    ring = [destination(lat, lon, 360.0 * i / segments, radius_m) for i in range(segments)]
    return [*ring, ring[0]]


def view_wedge(
    lat: float, lon: float, direction: float, *, spread: float = 30.0, reach_m: float = 500.0, segments: int = 12
) -> list[tuple[float, float]]:
    """A closed wedge from the camera towards ``direction`` (± ``spread``/2 degrees), ``reach_m`` long."""
    arc = [destination(lat, lon, direction - spread / 2 + spread * i / segments, reach_m) for i in range(segments + 1)]
    return [(lat, lon), *arc, (lat, lon)]
