"""Items, location claims and incidents as GeoJSON, KML (Google Earth, QGIS) and CSV.

An item is placed at its accepted location, else at the position its file states (``basis``
says which); items with neither are left out of GeoJSON/KML and listed in CSV without a place.
Each carries hashes, times, status (when the workflow has one) and the reference areas it lies in.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree

from ..case import Case
from ..chrono.candidates import item_times
from ..chrono.zones import to_utc_text
from .claims import location_claims, metadata_positions
from .containment import relations_at
from .incidents import list_incidents

ExportFormat = Literal["geojson", "kml", "csv"]
KML_NS = "http://www.opengis.net/kml/2.2"


def geo_records(case: Case) -> dict[str, list[dict[str, Any]]]:
    """The rows every format is written from: ``items``, ``claims`` and ``incidents``, each with lat/lon."""
    claims = location_claims(case)
    accepted = {c.item_id: c for c in claims if c.accepted}
    status = _statuses(case)
    items = []
    for row in case.db.query(
        "SELECT id, sha256, md5, display_name, media_type, taken_at, taken_at_offset, creation_time FROM items"
        " ORDER BY imported_seq"):
        item = dict(row)
        lat = lon = None
        basis = None
        if item["id"] in accepted:
            c = accepted[item["id"]]
            lat, lon, basis = c.lat, c.lon, f"accepted claim {c.claim_id}"
            item["precision_m"] = c.precision_m
        else:
            stated = metadata_positions(case, item["id"])
            if stated:
                lat, lon, basis = stated[0].lat, stated[0].lon, f"file metadata ({stated[0].source})"
        best = item_times(case, item["id"]).best
        item.update(lat=lat, lon=lon, basis=basis, status=status.get(item["id"]),
                    best_time_utc=to_utc_text(best.middle) if best else None,
                    best_time_source=f"{best.kind} ({best.source})" if best else None)
        item["areas"] = _areas(case, lat, lon)
        items.append(item)
    claim_rows = [{
        "claim_id": c.claim_id, "item_id": c.item_id, "lat": c.lat, "lon": c.lon, "precision_m": c.precision_m,
        "method": c.method, "position": c.position, "direction_deg": c.direction_deg, "note": c.note,
        "actor": c.actor, "at": c.at, "accepted": c.accepted, "withdrawn": c.withdrawn,
    } for c in claims]
    incidents = [{
        "incident_id": i.incident_id, "title": i.title, "time": i.time, "time_utc": i.time_utc, "zone": i.zone,
        "lat": i.lat, "lon": i.lon, "precision_m": i.precision_m, "note": i.note, "item_ids": list(i.item_ids),
        "areas": _areas(case, i.lat, i.lon),
    } for i in list_incidents(case)]
    return {"items": items, "claims": claim_rows, "incidents": incidents}


def to_geojson(case: Case) -> str:
    """A GeoJSON FeatureCollection (RFC 7946): Points with a ``layer`` property (item, claim, incident)."""
    features = []
    for layer, rows in geo_records(case).items():
        for row in rows:
            if row["lat"] is None:
                continue
            props = {k: v for k, v in row.items() if k not in ("lat", "lon")}
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                             "properties": {"layer": layer[:-1], **props}})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)


def to_kml(case: Case) -> str:
    """KML 2.2 with one Folder each for items, claims and incidents; properties as ExtendedData."""
    ElementTree.register_namespace("", KML_NS)

    def sub(parent: ElementTree.Element, tag: str, text: str | None = None) -> ElementTree.Element:
        el = ElementTree.SubElement(parent, f"{{{KML_NS}}}{tag}")
        if text is not None:
            el.text = text
        return el

    root = ElementTree.Element(f"{{{KML_NS}}}kml")
    document = sub(root, "Document")
    sub(document, "name", case.title)
    titles = {"items": "display_name", "claims": "claim_id", "incidents": "title"}
    for layer, rows in geo_records(case).items():
        folder = sub(document, "Folder")
        sub(folder, "name", layer)
        for row in rows:
            if row["lat"] is None:
                continue
            placemark = sub(folder, "Placemark")
            sub(placemark, "name", str(row[titles[layer]]))
            when = row.get("time_utc") or row.get("best_time_utc")
            if when:
                sub(sub(placemark, "TimeStamp"), "when", when)
            extended = sub(placemark, "ExtendedData")
            for key, value in row.items():
                if key in ("lat", "lon") or value is None:
                    continue
                data = sub(extended, "Data")
                data.set("name", key)
                sub(data, "value", value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
            sub(sub(placemark, "Point"), "coordinates", f"{row['lon']:.7f},{row['lat']:.7f}")
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"


def to_csv(case: Case) -> str:
    """One row per item, claim and incident: ``layer, id, name, lat, lon, …`` (lists as JSON)."""
    out = io.StringIO()
    columns = ["layer", "id", "name", "lat", "lon", "precision_m", "basis", "time_utc", "status", "sha256", "md5",
               "method", "position", "direction_deg", "accepted", "withdrawn", "areas", "item_ids", "note", "actor"]
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for layer, rows in geo_records(case).items():
        for row in rows:
            record = {**row, "layer": layer[:-1],
                      "id": row.get("id") or row.get("claim_id") or row.get("incident_id"),
                      "name": row.get("display_name") or row.get("title") or row.get("item_id"),
                      "time_utc": row.get("best_time_utc") or row.get("time_utc")}
            for key in ("areas", "item_ids"):
                if key in record:
                    record[key] = json.dumps(record[key], ensure_ascii=False)
            writer.writerow(record)
    return out.getvalue()


def export_geo(case: Case, fmt: ExportFormat, path: Path | str | None = None) -> Path:
    """Write the export atomically (default: ``exports/geo.<ext>`` in the case) and return its path."""
    text = {"geojson": to_geojson, "kml": to_kml, "csv": to_csv}[fmt](case)
    target = Path(path) if path else case.root / "exports" / f"geo.{fmt}"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".geo-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def _areas(case: Case, lat: float | None, lon: float | None) -> list[dict[str, Any]]:
    if lat is None or lon is None:
        return []
    return [{"layer": r.layer_name, "feature": r.feature_name, "date": r.feature_date, "relation": r.relation}
            for r in relations_at(case, lat, lon).relations]


def _statuses(case: Case) -> dict[str, str]:
    """Workflow state per item, if the case has the workflow's ``status`` table."""
    try:
        return dict(case.conn.execute("SELECT item_id, state FROM status"))
    except sqlite3.OperationalError:
        return {}
