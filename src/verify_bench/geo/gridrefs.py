"""MGRS grid references (``mgrs`` library, NGA GEOTRANS) and plus codes (``pluscodes``, Open Location Code).

Both name a square or rectangle rather than a point: reading one gives its centre and, as
``precision_m``, the distance from the centre to a corner.
"""

from __future__ import annotations

import math
import re

import mgrs as _mgrs
import pluscodes

from .coords import ParsedPoint
from .errors import CoordinateError
from .geodesy import check_lat_lon, distance_m

_MGRS = re.compile(r"(\d{1,2})\s*([A-Za-z])\s*([A-Za-z]{2})\s*(\d*)\s*(\d*)")
_UPS = re.compile(r"([ABYZabyz])\s*([A-Za-z]{2})\s*(\d+)\s*(\d*)")  # polar (UPS): digits required
_BANDS = "CDEFGHJKLMNPQRSTUVWX"
_SQUARE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O
_PLUS_ALPHABET = "23456789CFGHJMPQRVWX"
_PLUS = re.compile(rf"([{_PLUS_ALPHABET}0]*)\+([{_PLUS_ALPHABET}]*)(?:\s+(.*))?", re.IGNORECASE)


def looks_like_mgrs(text: str) -> bool:
    s = text.strip()
    return bool(_MGRS.fullmatch(s) or _UPS.fullmatch(s))


def parse_mgrs(text: str) -> ParsedPoint:
    """The centre of the MGRS square ``text`` names (e.g. ``36R XV 39298 86130``), with its half-diagonal."""
    s = text.strip()
    m = _MGRS.fullmatch(s)
    if m:
        zone, band, square, east, north = m.groups()
        if not 1 <= int(zone) <= 60:
            raise CoordinateError(f"MGRS zone {zone} in '{s}' must be 1 to 60")
        if band.upper() not in _BANDS:
            raise CoordinateError(f"MGRS latitude band '{band}' in '{s}' must be one of {_BANDS} (no I or O)")
        prefix = f"{int(zone):02d}{band}{square}".upper()
    else:
        m = _UPS.fullmatch(s)
        if m is None:
            raise CoordinateError(f"'{s}' is not an MGRS reference such as '36R XV 39298 86130'")
        band, square, east, north = m.groups()
        prefix = f"{band}{square}".upper()
    bad = [c for c in square.upper() if c not in _SQUARE_LETTERS]
    if bad:
        raise CoordinateError(f"MGRS 100 km square '{square}' in '{s}' uses '{bad[0]}': I and O are never used")
    digits = east + north
    if len(digits) % 2 or len(digits) > 10:
        raise CoordinateError(
            f"MGRS '{s}' has {len(digits)} digits: easting and northing need the same count, up to 5 each")
    half = len(digits) // 2
    east, north = digits[:half], digits[half:]
    size_m = 10.0 ** (5 - half)
    # A reference names the square's south-west corner; the square's centre is a finer reference ending in 5.
    centre = f"{prefix}{east}5{'0' * (4 - half)}{north}5{'0' * (4 - half)}" if half < 5 else f"{prefix}{digits}"
    try:
        lat, lon = _mgrs.MGRS().toLatLon(centre)
    except Exception as exc:
        raise CoordinateError(
            f"MGRS '{s}' does not name a square that exists (zone, band and square letters do not fit together)"
        ) from exc
    return ParsedPoint(lat, lon, "mgrs", precision_m=size_m / math.sqrt(2))


def to_mgrs(lat: float, lon: float, *, digits: int = 5, spaced: bool = False) -> str:
    """MGRS with ``digits`` per axis (5 = 1 m squares); ``spaced`` gives ``36R XV 39298 86130``."""
    check_lat_lon(lat, lon)
    ref = _mgrs.MGRS().toMGRS(lat, lon, MGRSPrecision=digits)
    if isinstance(ref, bytes):
        ref = ref.decode("ascii")
    if not spaced:
        return ref
    body = ref[len(ref) - 2 * digits:] if digits else ""
    head = ref[: len(ref) - 2 * digits]
    gzd, square = head[:-2], head[-2:]
    return " ".join(x for x in (gzd, square, body[:digits], body[digits:]) if x)


def looks_like_plus_code(text: str) -> bool:
    m = _PLUS.fullmatch(text.strip())
    return bool(m and m.group(1))


def parse_plus_code(text: str, *, near: tuple[float, float] | None = None) -> ParsedPoint:
    """A full plus code (``8G3QFFJ8+Q9``), or a short one (``FFJ8+Q9``) with ``near`` as reference (lat, lon)."""
    s = text.strip()
    m = _PLUS.fullmatch(s)
    if m is None:
        raise CoordinateError(f"'{s}' is not a plus code such as '8G3QFFJ8+Q9'")
    code = f"{m.group(1)}+{m.group(2)}".upper()
    locality = m.group(3)
    validator = pluscodes.Validator()
    if not validator.is_valid(code):
        raise CoordinateError(_why_invalid_plus_code(code))
    if validator.is_short(code):
        if near is None:
            where = f" ('{locality}' cannot be looked up offline)" if locality else ""
            raise CoordinateError(
                f"'{code}' is a short plus code{where}: give the full code (8 characters before '+') or a nearby"
                " reference point")
        # pluscodes re-encodes the recovered code at 10 characters, dropping any beyond; the recovered
        # prefix is right, and the characters the user typed never change, so join the two.
        recovered = pluscodes.Transformer().lenghten(code, near)
        code = recovered[: 8 - code.index("+")] + code
    elif locality:
        raise CoordinateError(f"'{s}': a full plus code needs no place name after it")
    area = pluscodes.decode(code)
    centre = area.center()
    half_diagonal = distance_m(area.sw.lat, area.sw.lon, area.ne.lat, area.ne.lon) / 2
    return ParsedPoint(centre.lat, centre.lon, "pluscode", precision_m=half_diagonal)


def _why_invalid_plus_code(code: str) -> str:
    head, _, tail = code.partition("+")
    if len(head) > 8:
        return f"plus code '{code}' has {len(head)} characters before '+': at most 8"
    if len(head) % 2:
        return f"plus code '{code}' has an odd number of characters ({len(head)}) before '+'"
    if "0" in head and (tail or set(head[head.index('0'):]) != {"0"}):
        return f"plus code '{code}': padding zeros must come last and need nothing after '+'"
    if len(tail) == 1:
        return f"plus code '{code}' has a single character after '+': use two or more"
    if head[:1] and _PLUS_ALPHABET.index(head[0]) > 8:
        return f"plus code '{code}' starts with '{head[0]}': the first character is at most 'C' (latitude ≤ 90°)"
    if len(head) > 1 and _PLUS_ALPHABET.index(head[1]) > 17:
        return f"plus code '{code}': the second character is at most 'V' (longitude ≤ 180°)"
    return f"'{code}' is not a valid plus code"


def to_plus_code(lat: float, lon: float, *, length: int = 11) -> str:
    """Full plus code; 10 characters ≈ 14 m, 11 ≈ 3 m squares."""
    check_lat_lon(lat, lon)
    return pluscodes.encode(lat, lon, length)
