"""Where the sun stands, what shadows it casts, and (in reverse) where a measured shadow can occur.

Positions come from ``astral`` (the NOAA Solar Calculator's algorithm, after Meeus); elevations are
apparent (corrected for atmospheric refraction), as shadows are cast by the sun one sees.
Shadow "ratio" is shadow length divided by the height of the vertical object casting it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from astral import Observer
from astral.julian import julianday, julianday_to_juliancentury
from astral.sun import eq_of_time, sun_declination, zenith_and_azimuth

from ..geo.errors import GeoError
from ..geo.geodesy import bearing_deg, check_lat_lon, destination_angular, normalize_lon


@dataclass(frozen=True)
class SunPosition:
    lat: float
    lon: float
    when_utc: str
    azimuth_deg: float            # clockwise from true north
    elevation_deg: float          # apparent, above the horizon
    shadow_azimuth_deg: float | None   # where shadows of vertical objects point; None at night
    shadow_ratio: float | None         # shadow length / object height; None at or below the horizon

    @property
    def above_horizon(self) -> bool:
        return self.elevation_deg > 0


def sun_position(lat: float, lon: float, when: datetime) -> SunPosition:
    """The sun's azimuth and apparent elevation at a place and an aware instant."""
    try:
        check_lat_lon(lat, lon)
    except ValueError as exc:
        raise GeoError(str(exc)) from exc
    if when.tzinfo is None:
        raise GeoError("the time needs a zone or offset to name an instant")
    utc = when.astimezone(UTC)
    zenith, azimuth = zenith_and_azimuth(Observer(lat, lon), utc, with_refraction=True)
    elevation = 90.0 - zenith
    up = elevation > 0
    return SunPosition(
        lat=lat, lon=lon, when_utc=utc.replace(tzinfo=None).isoformat() + "Z",
        azimuth_deg=azimuth % 360.0, elevation_deg=elevation,
        shadow_azimuth_deg=(azimuth + 180.0) % 360.0 if up else None,
        shadow_ratio=1.0 / math.tan(math.radians(elevation)) if up else None,
    )


def subsolar_point(when: datetime) -> tuple[float, float]:
    """``(lat, lon)`` where the sun is straight overhead at an aware instant (declination, Greenwich hour angle)."""
    if when.tzinfo is None:
        raise GeoError("the time needs a zone or offset to name an instant")
    utc = when.astimezone(UTC)
    t = julianday_to_juliancentury(julianday(utc))
    minutes = utc.hour * 60 + utc.minute + (utc.second + utc.microsecond / 1e6) / 60
    lon = -(minutes + eq_of_time(t) - 720.0) / 4.0
    return sun_declination(t), normalize_lon(lon)


def elevation_for_ratio(ratio: float) -> float:
    """Apparent sun elevation (degrees) that makes a vertical object's shadow ``ratio`` times its height."""
    if not (math.isfinite(ratio) and ratio > 0):
        raise GeoError(f"shadow ratio {ratio:g} must be a positive number (shadow length / object height)")
    return math.degrees(math.atan(1.0 / ratio))


def geometric_elevation(apparent_deg: float) -> float:
    """Remove atmospheric refraction (Bennett 1982, standard conditions) from an apparent elevation."""
    h = apparent_deg
    refraction_arcmin = 1.0 / math.tan(math.radians(h + 7.31 / (h + 4.4)))
    return h - refraction_arcmin / 60.0


@dataclass(frozen=True)
class ShadowBand:
    """Where on Earth, at one instant, the sun casts shadows of the measured ratio.

    ``outer``/``inner`` are closed rings ``[(lat, lon), …]`` around the subsolar point (the band lies
    between them; ``inner`` is None when the band includes the subsolar point). ``sector`` narrows the
    band with a measured shadow direction: the closed ring of the band's part where shadows point that
    way (None when no direction was given or no place fits).
    """

    subsolar: tuple[float, float]
    elevation_range: tuple[float, float]   # apparent elevations, degrees
    outer: list[tuple[float, float]]
    inner: list[tuple[float, float]] | None
    sector: list[tuple[float, float]] | None


def shadow_band(
    ratio: float, when: datetime, *, ratio_tolerance: float = 0.1, shadow_azimuth: float | None = None,
    azimuth_tolerance: float = 10.0, segments: int = 360,
) -> ShadowBand:
    """The reverse of :func:`sun_position`: places where a shadow ``ratio`` (± relative tolerance) occurs.

    Every place at the same angular distance from the subsolar point sees the sun at the same
    elevation, so the band is a ring around that point; a measured shadow direction picks the part
    of the ring where the sun stands opposite it.
    """
    if not 0 <= ratio_tolerance < 1:
        raise GeoError(f"ratio tolerance {ratio_tolerance:g} must be at least 0 and below 1 (a fraction)")
    high = elevation_for_ratio(ratio * (1 - ratio_tolerance)) if ratio_tolerance else elevation_for_ratio(ratio)
    low = elevation_for_ratio(ratio * (1 + ratio_tolerance))
    sub_lat, sub_lon = subsolar_point(when)
    near = math.radians(90.0 - geometric_elevation(high))
    far = math.radians(90.0 - geometric_elevation(low))

    def ring(angle: float) -> list[tuple[float, float]]:
        points = [destination_angular(sub_lat, sub_lon, 360.0 * i / segments, angle) for i in range(segments)]
        return [*points, points[0]]

    sector = None
    if shadow_azimuth is not None:
        sector = _sector(sub_lat, sub_lon, near, far, (shadow_azimuth + 180.0) % 360.0, azimuth_tolerance, segments)
    return ShadowBand(
        subsolar=(sub_lat, sub_lon), elevation_range=(low, high), outer=ring(far),
        inner=ring(near) if near > 1e-9 else None, sector=sector,
    )


def _sector(
    sub_lat: float, sub_lon: float, near: float, far: float, sun_azimuth: float, tolerance: float, segments: int,
) -> list[tuple[float, float]] | None:
    """The part of the band from which the sun's azimuth is within ``tolerance`` of ``sun_azimuth``.

    Bearings are tested at the band's middle radius, so the sector's corners may stray about a degree
    further than ``tolerance``.
    """
    middle = (near + far) / 2
    fits = []
    for i in range(segments):
        theta = 360.0 * i / segments
        lat, lon = destination_angular(sub_lat, sub_lon, theta, middle)
        off = (bearing_deg(lat, lon, sub_lat, sub_lon) - sun_azimuth + 180.0) % 360.0 - 180.0
        fits.append(abs(off) <= tolerance)
    if not any(fits):
        return None
    start = next(i for i in range(segments) if fits[i] and not fits[i - 1]) if not all(fits) else 0
    run = []
    i = start
    while fits[i % segments] and len(run) < segments:
        run.append(360.0 * (i % segments) / segments)
        i += 1
    outer = [destination_angular(sub_lat, sub_lon, t, far) for t in run]
    inner = [destination_angular(sub_lat, sub_lon, t, near) for t in reversed(run)]
    polygon = outer + inner
    return [*polygon, polygon[0]]
