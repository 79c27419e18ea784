"""Points in Google Maps / OpenStreetMap URLs and ``geo:`` URIs (RFC 5870), and URLs for a point.

Only coordinates written in the URL are read: short links (``maps.app.goo.gl``, ``osm.org/go``)
and place names would need the network, so they get a message saying what to paste instead.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qs, unquote_plus, urlsplit

from .coords import ParsedPoint, parse_degrees
from .errors import CoordinateError
from .geodesy import check_lat_lon

_GOOGLE_PIN = re.compile(r"!3d(-?\d+(?:\.\d+)?)!4d(-?\d+(?:\.\d+)?)")
_GOOGLE_VIEW = re.compile(r"/@(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:,|$|/)")
_GOOGLE_QUERY_KEYS = ("q", "query", "ll", "center", "destination", "daddr", "sll")


def looks_like_url(text: str) -> bool:
    s = text.strip().lower()
    return bool(re.match(r"[a-z][a-z0-9+.-]*://", s) or s.startswith(("www.", "maps.", "goo.gl/", "osm.org/")))


def parse_map_url(text: str) -> ParsedPoint:
    """The pin (or, failing that, the map centre) of a Google Maps or OpenStreetMap URL."""
    url = text.strip()
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError as exc:  # e.g. an unclosed '[' of an IPv6 host
        raise CoordinateError(f"'{text.strip()}' is not a valid URL: {exc}") from None
    if host in ("goo.gl", "maps.app.goo.gl", "g.co") or (host == "osm.org" and parts.path.startswith("/go/")):
        raise CoordinateError(
            f"'{host}' short links cannot be opened offline: open the link in a browser and paste the long URL"
            " (or the coordinates) it leads to")
    if "google." in host:
        return _google(url, parts.path, parse_qs(parts.query))
    if host.endswith("openstreetmap.org") or host == "osm.org":
        return _osm(parts.path, parse_qs(parts.query), parts.fragment)
    raise CoordinateError(
        f"URLs of '{host or url}' are not understood: paste a Google Maps or OpenStreetMap URL, a geo: URI"
        " or the coordinates")


def _google(url: str, path: str, query: dict[str, list[str]]) -> ParsedPoint:
    pin = _GOOGLE_PIN.search(url)
    if pin:
        return _checked(float(pin.group(1)), float(pin.group(2)), "google_maps", note="place pin")
    for key in _GOOGLE_QUERY_KEYS:
        if key in query:
            return _from_text(query[key][0], "google_maps", f"'{key}=' parameter")
    for prefix in ("/maps/place/", "/maps/search/", "/maps/dir/"):
        if path.startswith(prefix):
            segment = path[len(prefix):].split("/")[0]
            try:
                return _from_text(unquote_plus(segment), "google_maps", "place in the path")
            except CoordinateError:
                break  # a place name: the map centre below may still tell where the map was
    view = _GOOGLE_VIEW.search(path)
    if view:
        return _checked(float(view.group(1)), float(view.group(2)), "google_maps",
                        note="map centre (the URL has no pin): check it is the place you meant")
    raise CoordinateError("this Google Maps URL holds no coordinates (only a place name or search):"
                          " drop a pin and copy its coordinates or URL")


def _osm(path: str, query: dict[str, list[str]], fragment: str) -> ParsedPoint:
    if "mlat" in query and "mlon" in query:
        return _checked(_number(query["mlat"][0], "mlat"), _number(query["mlon"][0], "mlon"), "openstreetmap",
                        note="marker")
    view = re.search(r"map=\d+(?:\.\d+)?/(-?\d+(?:\.\d+)?)/(-?\d+(?:\.\d+)?)", fragment)
    if view:
        return _checked(float(view.group(1)), float(view.group(2)), "openstreetmap",
                        note="map centre (the URL has no marker): check it is the place you meant")
    if "lat" in query and "lon" in query:
        return _checked(_number(query["lat"][0], "lat"), _number(query["lon"][0], "lon"), "openstreetmap")
    if re.match(r"/(node|way|relation)/\d+", path):
        raise CoordinateError("an OpenStreetMap object link holds no coordinates: use 'Share' → 'Include marker'")
    raise CoordinateError("this OpenStreetMap URL holds no coordinates (no mlat/mlon and no #map=zoom/lat/lon)")


def parse_geo_uri(text: str) -> ParsedPoint:
    """``geo:lat,lon[,alt][;crs=wgs84][;u=metres]`` and Android's ``geo:0,0?q=lat,lon(label)``."""
    body = text.strip()[4:]
    body, _, query = body.partition("?")
    coords, *params = body.split(";")
    values = coords.split(",")
    if len(values) not in (2, 3):
        raise CoordinateError(f"'{text.strip()}': a geo: URI holds 'latitude,longitude' after 'geo:'")
    options: dict[str, str] = {}
    for p in params:
        key, _, value = p.partition("=")
        options[key.strip().lower()] = value.strip()
    crs = options.get("crs", "wgs84").lower()
    if crs != "wgs84":
        raise CoordinateError(f"'{text.strip()}' uses the coordinate system '{crs}': only wgs84 is supported")
    lat, lon = _number(values[0], "latitude"), _number(values[1], "longitude")
    if query and lat == 0 and lon == 0:
        q = parse_qs(query).get("q")
        if q:
            return _from_text(re.sub(r"\(.*\)\s*$", "", q[0]), "geo_uri", "'q=' parameter")
        raise CoordinateError(f"'{text.strip()}' is 0,0 with no 'q=' coordinates: a search, not a place")
    precision = _number(options["u"], "uncertainty u") if "u" in options else None
    if precision is not None and precision < 0:
        raise CoordinateError(f"uncertainty u={options['u']} cannot be negative")
    return _checked(lat, lon, "geo_uri", precision_m=precision)


def _from_text(value: str, fmt: str, where: str) -> ParsedPoint:
    s = unquote_plus(value).strip()
    s = re.sub(r"^loc:", "", s, flags=re.IGNORECASE).replace("+", " ")
    try:
        found = parse_degrees(s)
    except CoordinateError as exc:
        raise CoordinateError(f"the {where} is not coordinates ({exc}): paste a link to a dropped pin") from exc
    return ParsedPoint(found.lat, found.lon, fmt)  # type: ignore[arg-type]


def _number(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise CoordinateError(f"{name} '{value}' is not a number") from None
    if not math.isfinite(number):  # float() reads 'nan' and 'inf'
        raise CoordinateError(f"{name} '{value}' is not a finite number")
    return number


def _checked(lat: float, lon: float, fmt: str, *, precision_m: float | None = None,
             note: str | None = None) -> ParsedPoint:
    try:
        check_lat_lon(lat, lon)
    except ValueError as exc:
        raise CoordinateError(str(exc)) from exc
    return ParsedPoint(lat, lon, fmt, precision_m=precision_m, note=note)  # type: ignore[arg-type]


def geo_uri(lat: float, lon: float, *, precision_m: float | None = None) -> str:
    check_lat_lon(lat, lon)
    return f"geo:{lat:.6f},{lon:.6f}" + (f";u={precision_m:g}" if precision_m is not None else "")


def osm_url(lat: float, lon: float, *, zoom: int = 17) -> str:
    check_lat_lon(lat, lon)
    return f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map={zoom}/{lat:.6f}/{lon:.6f}"


def google_maps_url(lat: float, lon: float) -> str:
    check_lat_lon(lat, lon)
    return f"https://www.google.com/maps/search/?api=1&query={lat:.6f},{lon:.6f}"
