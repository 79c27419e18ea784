"""Reference layers: KML, KMZ and GeoJSON files of points, lines and areas (evacuation zones, a river)
read into plain features and recorded as one event each, so the map and ``verify`` need only the log."""

from __future__ import annotations

import hashlib
import json
import math
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ..case import Case
from .errors import LayerError
from .projections import LAYER_IMPORTED, LAYER_REMOVED

MAX_LAYER_BYTES = 50_000_000
MAX_FEATURES = 50_000
_GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
_NAME_KEYS = ("name", "Name", "NAME", "title", "Title")
_DATE_KEYS = ("date", "Date", "DATE", "time", "timestamp", "when", "begin")


@dataclass(frozen=True)
class ReferenceLayer:
    layer_id: str
    name: str
    source_name: str
    format: str
    feature_count: int


def read_layer(path: Path) -> tuple[str, list[dict[str, Any]]]:
    """``(format, features)`` of a ``.geojson``/``.json``, ``.kml`` or ``.kmz`` file.

    Each feature: ``{"name", "date", "geometry" (GeoJSON), "properties", "bbox": [min_lat, min_lon,
    max_lat, max_lon]}``. Raises :class:`LayerError` saying what is wrong.
    """
    try:
        size = path.stat().st_size
        if size > MAX_LAYER_BYTES:
            raise LayerError(f"{path.name} is larger than {MAX_LAYER_BYTES // 1_000_000} MB: not read")
        data = path.read_bytes()
    except OSError as exc:
        raise LayerError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    suffix = path.suffix.lower()
    if suffix == ".kmz" or data[:4] == b"PK\x03\x04":
        return "kmz", _kml_features(_kml_from_kmz(path), path.name)
    if suffix == ".kml" or data.lstrip()[:1] == b"<":
        return "kml", _kml_features(data, path.name)
    return "geojson", _geojson_features(data, path.name)


def import_layer(case: Case, path: Path | str, *, name: str | None = None) -> ReferenceLayer:
    """Read a reference layer and record it (features included) as a ``layer.imported`` event."""
    path = Path(path)
    fmt, features = read_layer(path)
    if not features:
        raise LayerError(f"{path.name} holds no points, lines or areas")
    layer_id = str(uuid.uuid4())
    payload = {"layer_id": layer_id, "name": name or path.stem, "source_name": path.name,
               "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "format": fmt, "features": features}
    with case.write():
        case.append(LAYER_IMPORTED, payload)
    return ReferenceLayer(layer_id, payload["name"], path.name, fmt, len(features))


def remove_layer(case: Case, layer_ref: str) -> None:
    layer = find_layer(case, layer_ref)
    with case.write():
        case.append(LAYER_REMOVED, {"layer_id": layer.layer_id})


def list_layers(case: Case) -> list[ReferenceLayer]:
    return [ReferenceLayer(*r) for r in case.conn.execute(
        "SELECT layer_id, name, source_name, format, feature_count FROM reference_layers ORDER BY event_seq")]


def layer_features(case: Case, layer_id: str) -> list[dict[str, Any]]:
    """The features of a layer as the map draws them: name, date, GeoJSON geometry, properties."""
    return [{"index": i, "name": n, "date": d, "geometry": json.loads(g), "properties": json.loads(p)}
            for i, n, d, g, p in case.conn.execute(
                "SELECT feature_index, name, date, geometry, properties FROM reference_features WHERE layer_id = ?"
                " ORDER BY feature_index", (layer_id,))]


def find_layer(case: Case, ref: str) -> ReferenceLayer:
    ref = ref.strip()
    rows = case.conn.execute(
        "SELECT layer_id, name, source_name, format, feature_count FROM reference_layers WHERE layer_id = ?"
        " OR name = ? OR (length(?) >= 4 AND layer_id LIKE ? || '%') LIMIT 2",
        (ref.lower(), ref, ref, ref.lower().replace("%", "").replace("_", ""))).fetchall()
    if len(rows) != 1:
        raise LayerError(f"no reference layer matches '{ref}'" if not rows else f"'{ref}' matches more than one layer")
    return ReferenceLayer(*rows[0])


# ---- GeoJSON ---------------------------------------------------------------------------------
def _geojson_features(data: bytes, name: str) -> list[dict[str, Any]]:
    try:
        obj = json.loads(data, parse_constant=lambda c: math.nan)
    except (ValueError, RecursionError) as exc:
        raise LayerError(f"{name} is neither KML nor valid GeoJSON: {exc}") from None
    if not isinstance(obj, dict) or "type" not in obj:
        raise LayerError(f"{name} is JSON but not GeoJSON (no 'type')")
    if obj["type"] == "FeatureCollection":
        raw = obj.get("features")
        if not isinstance(raw, list):
            raise LayerError(f"{name}: a FeatureCollection needs a 'features' list")
    elif obj["type"] == "Feature":
        raw = [obj]
    else:
        raw = [{"type": "Feature", "properties": {}, "geometry": obj}]
    features: list[dict[str, Any]] = []
    for n, f in enumerate(raw):
        if not isinstance(f, dict) or f.get("type") != "Feature":
            raise LayerError(f"{name}: feature {n} is not a GeoJSON Feature")
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        for geometry in _flatten(f.get("geometry"), f"{name}: feature {n}"):
            features.append(_feature(geometry, props, f"{name}: feature {n}"))
    return _bounded(features, name)


def _flatten(geometry: Any, where: str) -> list[dict[str, Any]]:
    if geometry is None:
        return []
    if not isinstance(geometry, dict):
        raise LayerError(f"{where} has a geometry that is not an object")
    if geometry.get("type") == "GeometryCollection":
        return [g for part in geometry.get("geometries") or [] for g in _flatten(part, where)]
    if geometry.get("type") not in _GEOMETRY_TYPES:
        raise LayerError(f"{where} has an unsupported geometry type {geometry.get('type')!r}")
    return [{"type": geometry["type"], "coordinates": geometry.get("coordinates")}]


def _feature(geometry: dict[str, Any], props: dict[str, Any], where: str) -> dict[str, Any]:
    positions = _positions(geometry, where)
    lats = [p[1] for p in positions]
    lons = [p[0] for p in positions]
    scalars = {str(k): v for k, v in props.items() if isinstance(v, (str, int, float, bool)) or v is None}
    return {
        "name": next((str(props[k]) for k in _NAME_KEYS if props.get(k) not in (None, "")), None),
        "date": next((str(props[k]) for k in _DATE_KEYS if props.get(k) not in (None, "")), None),
        "geometry": geometry, "properties": scalars, "bbox": [min(lats), min(lons), max(lats), max(lons)],
    }


def _positions(geometry: dict[str, Any], where: str) -> list[list[float]]:
    """Every position of a geometry, checked: numbers, in range, rings closed and long enough."""
    kind, coords = geometry["type"], geometry["coordinates"]
    depth = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}[kind]

    def walk(value: Any, level: int) -> list[list[float]]:
        if not isinstance(value, list) or (level and not value):
            raise LayerError(f"{where}: {kind} coordinates are not nested as GeoJSON requires")
        if level == 0:
            return [_position(value, where)]
        found = [p for v in value for p in walk(v, level - 1)]
        if level == 1 and kind in ("Polygon", "MultiPolygon") and (len(value) < 4 or value[0][:2] != value[-1][:2]):
            raise LayerError(f"{where}: a polygon ring needs at least 4 positions, the last equal to the first")
        if level == 1 and kind in ("LineString", "MultiLineString") and len(value) < 2:
            raise LayerError(f"{where}: a line needs at least 2 positions")
        return found

    return walk(coords, depth)


def _position(value: Any, where: str) -> list[float]:
    if not (isinstance(value, list) and len(value) >= 2 and all(isinstance(c, (int, float)) for c in value[:3])):
        raise LayerError(f"{where}: position {value!r} is not [longitude, latitude]")
    lon, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise LayerError(f"{where}: position [{value[0]}, {value[1]}] is out of range (longitude first in GeoJSON)")
    return [lon, lat]


def _bounded(features: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    if len(features) > MAX_FEATURES:
        raise LayerError(f"{name} holds more than {MAX_FEATURES} features: split it")
    return features


# ---- KML / KMZ -------------------------------------------------------------------------------
def _kml_from_kmz(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as z:
            kmls = [i for i in z.infolist() if i.filename.lower().endswith(".kml") and not i.is_dir()]
            if not kmls:
                raise LayerError(f"{path.name} is a zip without a .kml document inside")
            main = next((i for i in kmls if i.filename.lower() == "doc.kml"), kmls[0])
            if main.file_size > MAX_LAYER_BYTES:
                raise LayerError(f"{path.name}: {main.filename} unpacks to more than {MAX_LAYER_BYTES // 1_000_000} MB")
            with z.open(main) as f:
                data = f.read(MAX_LAYER_BYTES + 1)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LayerError(f"{path.name} is not a readable KMZ: {exc}") from exc
    if len(data) > MAX_LAYER_BYTES:
        raise LayerError(f"{path.name}: the KML inside is larger than it says")
    return data


def _kml_features(data: bytes, name: str) -> list[dict[str, Any]]:
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise LayerError(f"{name}: KML with a DOCTYPE or entities is refused (KML never needs them)")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise LayerError(f"{name} is not well-formed XML: {exc}") from None
    features: list[dict[str, Any]] = []
    for n, placemark in enumerate(e for e in root.iter() if _local(e.tag) == "Placemark"):
        props: dict[str, Any] = {}
        for child in placemark:
            tag = _local(child.tag)
            if tag in ("name", "description") and child.text:
                props[tag] = child.text.strip()
            elif tag in ("TimeStamp", "TimeSpan"):
                for part in child:
                    if part.text:
                        props[_local(part.tag)] = part.text.strip()
            elif tag == "ExtendedData":
                for data_el in child.iter():
                    if _local(data_el.tag) == "Data" and data_el.get("name"):
                        value = next((v.text for v in data_el if _local(v.tag) == "value"), None)
                        props[data_el.get("name", "")] = (value or "").strip()
                    elif _local(data_el.tag) == "SimpleData" and data_el.get("name"):
                        props[data_el.get("name", "")] = (data_el.text or "").strip()
        where = f"{name}: placemark {n} ({props.get('name', 'no name')})"
        for geometry in _kml_geometries(placemark, where):
            features.append(_feature(geometry, props, where))
    return _bounded(features, name)


def _kml_geometries(element: ElementTree.Element, where: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for child in element:
        tag = _local(child.tag)
        if tag == "Point":
            found.append({"type": "Point", "coordinates": _kml_coords(child, where)[0]})
        elif tag == "LineString":
            found.append({"type": "LineString", "coordinates": _kml_coords(child, where)})
        elif tag == "Polygon":
            rings = []
            for boundary in child:
                if _local(boundary.tag) in ("outerBoundaryIs", "innerBoundaryIs"):
                    ring = _kml_coords(boundary, where)
                    if ring[0] != ring[-1]:
                        ring.append(ring[0])
                    if _local(boundary.tag) == "outerBoundaryIs":
                        rings.insert(0, ring)
                    else:
                        rings.append(ring)
            found.append({"type": "Polygon", "coordinates": rings})
        elif tag == "MultiGeometry":
            found.extend(_kml_geometries(child, where))
    return found


def _kml_coords(element: ElementTree.Element, where: str) -> list[list[float]]:
    text = next((e.text for e in element.iter() if _local(e.tag) == "coordinates" and e.text), None)
    if not text:
        raise LayerError(f"{where}: a geometry without <coordinates>")
    positions = []
    for tuple_text in text.split():
        try:
            positions.append([float(v) for v in tuple_text.split(",")[:2]])
        except ValueError:
            raise LayerError(f"{where}: '{tuple_text}' is not 'longitude,latitude[,altitude]'") from None
    return positions


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
