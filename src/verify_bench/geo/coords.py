"""Read typed or pasted coordinates in any supported form, and write them in each form.

:func:`parse_point` recognises, in this order: ``geo:`` URIs, Google Maps and OpenStreetMap
URLs, plus codes, MGRS, ISO 6709 strings (``+31.5017+034.4668/``), and decimal degrees or
degrees-minutes-seconds with or without hemisphere letters (``31.5017, 34.4668``,
``31°30'06.1"N 34°28'00.5"E``, ``N 31 30.1 E 34 28.0``). Anything it cannot read raises
:class:`CoordinateError` with a message saying what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .errors import CoordinateError
from .geodesy import check_lat_lon

CoordFormat = Literal["decimal", "dms", "mgrs", "pluscode", "iso6709", "google_maps", "openstreetmap", "geo_uri"]


@dataclass(frozen=True)
class ParsedPoint:
    """A point read from text; ``precision_m`` when the form itself states one (grid square, ``u=``)."""

    lat: float
    lon: float
    format: CoordFormat
    precision_m: float | None = None
    note: str | None = None


_SYMBOLS = {"′": "'", "’": "'", "″": '"', "”": '"', "''": '"', "º": "°", "˚": "°", "−": "-", "–": "-"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PART_BODY = re.compile(r"[\d.\s°'\":]+")


def parse_point(text: str, *, near: tuple[float, float] | None = None) -> ParsedPoint:
    """Read one point from ``text``; ``near`` (lat, lon) lets short plus codes such as ``Q7RX+2V`` resolve."""
    from . import gridrefs, urls  # the forms that need libraries or URL parsing live beside this module

    s = " ".join(text.split())
    if not s:
        raise CoordinateError("no coordinates given")
    lowered = s.lower()
    if lowered.startswith("geo:"):
        return urls.parse_geo_uri(s)
    if urls.looks_like_url(s):
        return urls.parse_map_url(s)
    if gridrefs.looks_like_plus_code(s):
        return gridrefs.parse_plus_code(s, near=near)
    if gridrefs.looks_like_mgrs(s):
        return gridrefs.parse_mgrs(s)
    if re.fullmatch(r"[+-]\d+(?:\.\d*)?[+-]\d+(?:\.\d*)?(?:[+-]\d+(?:\.\d*)?)?(?:CRS[^/]*)?/?", s):
        return _parse_iso6709(s)
    return parse_degrees(s)


def parse_degrees(text: str) -> ParsedPoint:
    """Decimal degrees or degrees-minutes(-seconds), latitude first unless hemisphere letters say otherwise."""
    s = text.strip()
    if not any(c.isdigit() for c in s):
        raise CoordinateError(
            f"'{s}' is not coordinates: expected e.g. '31.5017, 34.4668', '31°30'06\"N 34°28'00\"E', an MGRS"
            " reference, a plus code, a map URL or a geo: URI")
    for old, new in _SYMBOLS.items():
        s = s.replace(old, new)
    first, second = _split_pair(s)
    a, b = _parse_part(first), _parse_part(second)
    axes = (a[1], b[1])
    if axes in (("lon", "lat"), ("lon", None), (None, "lat")):
        a, b = b, a
    elif axes[0] is not None and axes[0] == axes[1]:
        raise CoordinateError(f"'{text.strip()}' gives two {'latitudes' if axes[0] == 'lat' else 'longitudes'}")
    lat, lon = a[0], b[0]
    if abs(lat) > 90:
        hint = ": is the longitude first? write latitude, longitude" if abs(lon) <= 90 else ""
        raise CoordinateError(f"latitude {lat:g} is out of range (−90 to 90){hint}")
    if abs(lon) > 180:
        raise CoordinateError(f"longitude {lon:g} is out of range (−180 to 180)")
    kind = "dms" if a[2] or b[2] else "decimal"
    return ParsedPoint(lat, lon, kind)


def _split_pair(s: str) -> tuple[str, str]:
    """Two coordinate parts: split at ';', at the one comma, at hemisphere letters, or between the numbers."""
    if ";" in s:
        parts = s.split(";")
    elif "," in s:
        parts = s.split(",")
        if len(parts) > 2:
            raise CoordinateError(
                f"found {len(parts) - 1} commas in '{s}': write 'latitude, longitude' with a point (.) as the"
                " decimal separator")
    else:
        letters = [m.start() for m in re.finditer(r"[NSEWnsew]", s)]
        if letters:
            if len(letters) != 2:
                raise CoordinateError(f"expected two hemisphere letters (N/S and E/W) in '{s}', found {len(letters)}")
            cut = letters[1] if letters[0] == 0 else letters[0] + 1
            parts = [s[:cut], s[cut:]]
        else:
            numbers = list(re.finditer(r"[+-]?\s*\d+(?:\.\d+)?", s))
            if len(numbers) not in (2, 4, 6):
                raise CoordinateError(
                    f"cannot tell latitude from longitude in '{s}': separate them with a comma")
            cut = numbers[len(numbers) // 2].start()
            parts = [s[:cut], s[cut:]]
    parts = [p.strip() for p in parts]
    if len(parts) != 2 or not all(parts):
        raise CoordinateError(f"expected a latitude and a longitude in '{s}'")
    return parts[0], parts[1]


def _parse_part(part: str) -> tuple[float, Literal["lat", "lon"] | None, bool]:
    """``(signed degrees, axis named by a hemisphere letter, written as degrees-minutes-seconds)``."""
    s = part.strip()
    hemisphere = None
    if s[:1].upper() in "NSEW" and s[:1].isalpha():
        hemisphere, s = s[0].upper(), s[1:].strip()
    if s[-1:].upper() in "NSEW" and s[-1:].isalpha():
        if hemisphere:
            raise CoordinateError(f"'{part}' has two hemisphere letters")
        hemisphere, s = s[-1].upper(), s[:-1].strip()
    sign = 1.0
    if s[:1] in "+-" and s:
        sign, s = (-1.0 if s[0] == "-" else 1.0), s[1:].strip()
        if hemisphere and sign < 0:
            raise CoordinateError(f"'{part}' has both a minus sign and a hemisphere letter")
    if not s or not _PART_BODY.fullmatch(s):
        bad = next((c for c in s if not _PART_BODY.fullmatch(c)), None)
        what = f"unexpected character '{bad}'" if bad else "no number"
        raise CoordinateError(f"{what} in '{part}'")
    numbers = _NUMBER.findall(s)
    if not 1 <= len(numbers) <= 3:
        raise CoordinateError(f"'{part}' has {len(numbers)} numbers: expected degrees[, minutes[, seconds]]")
    if any("." in n for n in numbers[:-1]):
        raise CoordinateError(f"in '{part}' only the last of degrees, minutes and seconds may have a fraction")
    values = [float(n) for n in numbers]
    for value, name in zip(values[1:], ("minutes", "seconds")):
        if value >= 60:
            raise CoordinateError(f"{name} {value:g} in '{part}' must be below 60")
    degrees = sum(v / 60**i for i, v in enumerate(values))
    if hemisphere in ("S", "W"):
        sign = -1.0
    axis: Literal["lat", "lon"] | None = None if hemisphere is None else ("lat" if hemisphere in "NS" else "lon")
    return sign * degrees, axis, len(values) > 1


def _parse_iso6709(s: str) -> ParsedPoint:
    from ..media.video import parse_iso6709

    try:
        lat, lon, _ = parse_iso6709(s)
    except ValueError as exc:
        raise CoordinateError(str(exc)) from exc
    return ParsedPoint(lat, lon, "iso6709")


def format_decimal(lat: float, lon: float, *, digits: int = 6) -> str:
    """``31.501700, 34.466800`` (6 digits ≈ 0.1 m)."""
    check_lat_lon(lat, lon)
    return f"{lat:.{digits}f}, {lon:.{digits}f}"


def format_dms(lat: float, lon: float, *, second_digits: int = 1) -> str:
    """``31°30'06.1"N 34°28'00.5"E``."""
    check_lat_lon(lat, lon)
    return f"{_dms(lat, 'NS', second_digits)} {_dms(lon, 'EW', second_digits)}"


def _dms(value: float, hemispheres: str, digits: int) -> str:
    scale = 10**digits
    total = round(abs(value) * 3600 * scale)  # whole units of 1/scale second: no 60.0" from rounding
    degrees, rest = divmod(total, 3600 * scale)
    minutes, seconds = divmod(rest, 60 * scale)
    width = 3 + digits if digits else 2
    sec = f"{seconds / scale:0{width}.{digits}f}"
    return f"{degrees}°{minutes:02d}'{sec}\"{hemispheres[0] if value >= 0 else hemispheres[1]}"


def all_formats(lat: float, lon: float) -> dict[str, str]:
    """One point in every form the app shows: decimal, DMS, MGRS, plus code, geo URI and map URLs."""
    from . import gridrefs, urls

    return {
        "decimal": format_decimal(lat, lon),
        "dms": format_dms(lat, lon),
        "mgrs": gridrefs.to_mgrs(lat, lon, spaced=True),
        "pluscode": gridrefs.to_plus_code(lat, lon),
        "geo_uri": urls.geo_uri(lat, lon),
        "openstreetmap": urls.osm_url(lat, lon),
        "google_maps": urls.google_maps_url(lat, lon),
    }
