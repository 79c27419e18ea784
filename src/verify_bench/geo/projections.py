"""Projectors of geolocation and chronolocation events; the case merges :data:`PROJECTORS` into its own.

Payloads carry everything a projector needs (the core computes UTC instants and bounding boxes
before appending), so replaying the log alone rebuilds every table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ..events import Event, canonical_json

LOCATION_CLAIMED = "location.claimed"
LOCATION_ACCEPTED = "location.accepted"     # payload claim_id null = no accepted location any more
LOCATION_WITHDRAWN = "location.withdrawn"
TIME_CLAIMED = "time.claimed"
TIME_WITHDRAWN = "time.withdrawn"
INCIDENT_RECORDED = "incident.recorded"     # create or update (every field restated)
INCIDENT_LINKED = "incident.linked"
INCIDENT_UNLINKED = "incident.unlinked"
LAYER_IMPORTED = "layer.imported"
LAYER_REMOVED = "layer.removed"


def _location_claimed(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO location_claims (claim_id, item_id, lat, lon, precision_m, method, position, direction_deg,"
        " note, input_text, input_format, actor, at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (p["claim_id"], e.item_id, p["lat"], p["lon"], p["precision_m"], p["method"], p["position"],
         p.get("direction_deg"), p.get("note"), p.get("input_text"), p.get("input_format"), e.actor, e.at, e.seq),
    )


def _location_accepted(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.execute("DELETE FROM accepted_locations WHERE item_id = ?", (e.item_id,))
    if p["claim_id"] is not None:
        conn.execute(
            "INSERT INTO accepted_locations (item_id, claim_id, actor, at, note, event_seq) VALUES (?, ?, ?, ?, ?, ?)",
            (e.item_id, p["claim_id"], e.actor, e.at, p.get("note"), e.seq),
        )


def _withdrawn(table: str) -> Callable[[sqlite3.Connection, Event], None]:
    def project(conn: sqlite3.Connection, e: Event) -> None:
        p = e.payload
        conn.execute(
            f"UPDATE {table} SET withdrawn_seq = ?, withdrawn_by = ?, withdrawn_note = ? WHERE claim_id = ?",
            (e.seq, e.actor, p.get("note"), p["claim_id"]),
        )
        if table == "location_claims":
            conn.execute("DELETE FROM accepted_locations WHERE claim_id = ?", (p["claim_id"],))
    return project


def _time_claimed(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO time_claims (claim_id, item_id, time, time_utc, zone, precision_s, method, note, actor, at,"
        " event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (p["claim_id"], e.item_id, p["time"], p["time_utc"], p.get("zone"), p["precision_s"], p["method"],
         p.get("note"), e.actor, e.at, e.seq),
    )


def _incident_recorded(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO incidents (incident_id, title, time, time_utc, zone, lat, lon, precision_m, note, actor, at,"
        " created_seq, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (incident_id) DO UPDATE SET title = excluded.title, time = excluded.time,"
        " time_utc = excluded.time_utc, zone = excluded.zone, lat = excluded.lat, lon = excluded.lon,"
        " precision_m = excluded.precision_m, note = excluded.note, actor = excluded.actor, at = excluded.at,"
        " event_seq = excluded.event_seq",
        (p["incident_id"], p["title"], p.get("time"), p.get("time_utc"), p.get("zone"), p.get("lat"), p.get("lon"),
         p.get("precision_m"), p.get("note"), e.actor, e.at, e.seq, e.seq),
    )


def _incident_linked(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.executemany(
        "INSERT OR IGNORE INTO incident_items (incident_id, item_id, actor, at, event_seq) VALUES (?, ?, ?, ?, ?)",
        [(p["incident_id"], item_id, e.actor, e.at, e.seq) for item_id in p["item_ids"]],
    )


def _incident_unlinked(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.executemany(
        "DELETE FROM incident_items WHERE incident_id = ? AND item_id = ?",
        [(p["incident_id"], item_id) for item_id in p["item_ids"]],
    )


def _layer_imported(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO reference_layers (layer_id, name, source_name, source_sha256, format, feature_count, actor, at,"
        " event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (p["layer_id"], p["name"], p["source_name"], p["source_sha256"], p["format"], len(p["features"]), e.actor,
         e.at, e.seq),
    )
    conn.executemany(
        "INSERT INTO reference_features (layer_id, feature_index, name, date, geometry_type, geometry, properties,"
        " min_lat, min_lon, max_lat, max_lon) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(p["layer_id"], i, f.get("name"), f.get("date"), f["geometry"]["type"], canonical_json(f["geometry"]),
          canonical_json(f.get("properties") or {}), *f["bbox"]) for i, f in enumerate(p["features"])],
    )


def _layer_removed(conn: sqlite3.Connection, e: Event) -> None:
    layer_id = e.payload["layer_id"]
    conn.execute("DELETE FROM reference_features WHERE layer_id = ?", (layer_id,))
    conn.execute("DELETE FROM reference_layers WHERE layer_id = ?", (layer_id,))


PROJECTORS: dict[str, Callable[[sqlite3.Connection, Event], None]] = {
    LOCATION_CLAIMED: _location_claimed,
    LOCATION_ACCEPTED: _location_accepted,
    LOCATION_WITHDRAWN: _withdrawn("location_claims"),
    TIME_CLAIMED: _time_claimed,
    TIME_WITHDRAWN: _withdrawn("time_claims"),
    INCIDENT_RECORDED: _incident_recorded,
    INCIDENT_LINKED: _incident_linked,
    INCIDENT_UNLINKED: _incident_unlinked,
    LAYER_IMPORTED: _layer_imported,
    LAYER_REMOVED: _layer_removed,
}
PROJECTION_TABLES: tuple[str, ...] = (
    "location_claims", "accepted_locations", "time_claims", "incidents", "incident_items", "reference_layers",
    "reference_features",
)
