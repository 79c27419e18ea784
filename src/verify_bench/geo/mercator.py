"""Web-Mercator (EPSG:3857) arithmetic for the map: degrees to a flat world square and back.

The world is a square ``WORLD`` units wide (256, the size of the zoom-0 tile of every XYZ tile
server), x growing east from 180° W and y growing south from 85.0511° N, so a map at zoom ``z``
shows the world ``2**z`` times larger. Latitudes beyond :data:`MAX_LAT` are clamped, as every web
map does. No Qt here: the GUI scales these units on screen.
"""

from __future__ import annotations

import math

WORLD = 256.0
#: The latitude where the Mercator square ends (the projection goes to infinity at the poles).
MAX_LAT = math.degrees(math.atan(math.sinh(math.pi)))  # 85.0511287798…
EARTH_RADIUS_M = 6_378_137.0  # WGS 84 semi-major axis, as EPSG:3857 uses
EARTH_CIRCUMFERENCE_M = 2 * math.pi * EARTH_RADIUS_M


def project(lat: float, lon: float) -> tuple[float, float]:
    """``(x, y)`` in world units of a point; latitudes beyond ±:data:`MAX_LAT` are clamped."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    x = (lon + 180.0) / 360.0 * WORLD
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * WORLD
    return x, y


def unproject(x: float, y: float) -> tuple[float, float]:
    """``(lat, lon)`` of world units (the inverse of :func:`project`); outside the square is clamped."""
    x = max(0.0, min(WORLD, x))
    y = max(0.0, min(WORLD, y))
    lon = x / WORLD * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / WORLD))))
    return lat, lon


def metres_per_unit(lat: float) -> float:
    """Ground metres covered by one world unit at latitude ``lat`` (Mercator stretches towards the poles)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / WORLD


def zoom_for_scale(scale: float) -> float:
    """The web-map zoom level of a view that draws one world unit as ``scale`` pixels."""
    return math.log2(scale) if scale > 0 else float("-inf")


def scale_for_zoom(zoom: float) -> float:
    """Pixels per world unit at web-map zoom ``zoom`` (the inverse of :func:`zoom_for_scale`)."""
    return 2.0**zoom


def nice_distance(metres: float) -> float:
    """The largest of 1, 2 or 5 × 10ⁿ metres not above ``metres``: a round length for a scale bar."""
    if metres <= 0 or not math.isfinite(metres):
        raise ValueError("a scale bar needs a positive length")
    power = 10.0 ** math.floor(math.log10(metres))
    return max(step * power for step in (1.0, 2.0, 5.0) if step * power <= metres)
