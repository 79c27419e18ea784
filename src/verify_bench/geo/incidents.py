"""Incidents: an event in the world (a strike) with a title, a time and a place, and the items showing it."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from ..case import Case
from ..chrono.zones import parse_time, zone_at
from .errors import GeoError
from .geodesy import check_lat_lon
from .projections import INCIDENT_LINKED, INCIDENT_RECORDED, INCIDENT_UNLINKED


@dataclass(frozen=True)
class Incident:
    incident_id: str
    title: str
    time: str | None       # ISO 8601 with the offset at the place
    time_utc: str | None
    zone: str | None       # IANA zone of the place
    lat: float | None
    lon: float | None
    precision_m: float | None
    note: str | None
    item_ids: tuple[str, ...]


def record_incident(
    case: Case, title: str, *, time: str | None = None, lat: float | None = None, lon: float | None = None,
    precision_m: float | None = None, note: str | None = None, incident_ref: str | None = None,
) -> Incident:
    """Create an incident, or (with ``incident_ref``) restate every field of an existing one.

    A ``time`` without an offset is read in the zone of the place (``lat``/``lon``).
    """
    if not title.strip():
        raise GeoError("an incident needs a title")
    if (lat is None) != (lon is None):
        raise GeoError("give both latitude and longitude of the incident, or neither")
    zone = None
    if lat is not None and lon is not None:
        try:
            check_lat_lon(lat, lon)
        except ValueError as exc:
            raise GeoError(str(exc)) from exc
        zone = zone_at(lat, lon)
    if precision_m is not None and not (math.isfinite(precision_m) and precision_m > 0):
        raise GeoError(f"precision radius {precision_m:g} m must be a positive number of metres")
    zoned = parse_time(time, zone=zone) if time else None
    incident_id = find_incident(case, incident_ref).incident_id if incident_ref else str(uuid.uuid4())
    payload: dict[str, Any] = {
        "incident_id": incident_id, "title": title.strip(), "time": zoned.local if zoned else None,
        "time_utc": zoned.utc if zoned else None, "zone": zone, "lat": lat, "lon": lon,
        "precision_m": precision_m, "note": note,
    }
    with case.write():
        case.append(INCIDENT_RECORDED, payload)
    return find_incident(case, incident_id)


def link_items(case: Case, incident_ref: str, item_refs: list[str], *, unlink: bool = False) -> Incident:
    """Say that items show (or, with ``unlink``, do not show) an incident."""
    incident = find_incident(case, incident_ref)
    item_ids = sorted({case.find_item(ref)["id"] for ref in item_refs})
    if not item_ids:
        raise GeoError("name at least one item")
    with case.write():
        case.append(INCIDENT_UNLINKED if unlink else INCIDENT_LINKED,
                    {"incident_id": incident.incident_id, "item_ids": item_ids})
    return find_incident(case, incident.incident_id)


def find_incident(case: Case, ref: str) -> Incident:
    """An incident by id, unique id prefix (4+ characters) or exact title."""
    ref = ref.strip()
    rows = case.conn.execute(
        "SELECT incident_id FROM incidents WHERE incident_id = ? OR title = ?"
        " OR (length(?) >= 4 AND incident_id LIKE ? || '%') LIMIT 2",
        (ref.lower(), ref, ref, ref.lower().replace("%", "").replace("_", ""))).fetchall()
    if not rows:
        raise GeoError(f"no incident matches '{ref}'")
    if len(rows) > 1:
        raise GeoError(f"'{ref}' matches more than one incident; type more characters")
    return _incident(case, rows[0][0])


def list_incidents(case: Case) -> list[Incident]:
    """Every incident, by time (unknown times last), then title."""
    ids = [r[0] for r in case.conn.execute(
        "SELECT incident_id FROM incidents ORDER BY time_utc IS NULL, time_utc, title")]
    return [_incident(case, i) for i in ids]


def _incident(case: Case, incident_id: str) -> Incident:
    row = case.conn.execute(
        "SELECT incident_id, title, time, time_utc, zone, lat, lon, precision_m, note FROM incidents"
        " WHERE incident_id = ?", (incident_id,)).fetchone()
    items = tuple(r[0] for r in case.conn.execute(
        "SELECT item_id FROM incident_items WHERE incident_id = ? ORDER BY event_seq, item_id", (incident_id,)))
    return Incident(*row, item_ids=items)
