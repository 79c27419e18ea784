"""Projectors of ``fragment.*`` events; the case merges :data:`PROJECTORS` into its own.

Everything written here comes from the event (payload, seq, time, actor) and nothing else, so
``verify`` rebuilds the same rows from the log. Crop files are not projections (see :mod:`.crops`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from ..events import Event, canonical_json
from .regions import from_json

FRAGMENT_TAGGED = "fragment.tagged"
FRAGMENT_EDITED = "fragment.edited"
FRAGMENT_DELETED = "fragment.deleted"
TAXONOMY_EXTENDED = "fragment.taxonomy_extended"
SCALE_SET = "fragment.scale_set"
SCALE_DELETED = "fragment.scale_deleted"
MEASURED = "fragment.measured"
MEASUREMENT_DELETED = "fragment.measurement_deleted"

#: Descriptive fields of a tag, in display order (``refs``: item ids of reference images).
FIELD_NAMES: tuple[str, ...] = (
    "category", "component", "designation", "manufacturer", "markings", "cage", "nsn", "lot",
    "manufactured", "serial", "confidence", "note", "refs",
)


def _region_columns(region: dict[str, Any]) -> dict[str, Any]:
    r = from_json(region)
    x, y, w, h = r.bbox()
    return {"shape": r.shape, "region": canonical_json(r.to_json()), "bbox_x": x, "bbox_y": y, "bbox_w": w,
            "bbox_h": h}


def _field_columns(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: canonical_json(value) if name == "refs" else value
            for name, value in fields.items() if name in FIELD_NAMES}


def _tagged(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    row = {"id": p["fragment_id"], "item_id": e.item_id, "frame_ts": p.get("frame_ts"),
           **_region_columns(p["region"]), **_field_columns(p["fields"]),
           "taxonomy_version": p.get("taxonomy_version"),
           "created_seq": e.seq, "created_at": e.at, "created_by": e.actor,
           "updated_seq": e.seq, "updated_at": e.at, "updated_by": e.actor}
    conn.execute(f"INSERT INTO fragments ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                 tuple(row.values()))


def _edited(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    changes: dict[str, Any] = p["changes"]
    columns = _field_columns(changes)
    if "refs" in changes and changes["refs"] is None:
        columns["refs"] = "[]"
    if "region" in changes:
        columns.update(_region_columns(changes["region"]))
    if "frame_ts" in changes:
        columns["frame_ts"] = changes["frame_ts"]
    if "taxonomy_version" in p:
        columns["taxonomy_version"] = p["taxonomy_version"]
    columns.update(updated_seq=e.seq, updated_at=e.at, updated_by=e.actor)
    assignments = ", ".join(f"{name} = ?" for name in columns)
    cur = conn.execute(f"UPDATE fragments SET {assignments} WHERE id = ?", (*columns.values(), p["fragment_id"]))
    if cur.rowcount != 1:
        raise KeyError(f"fragment {p['fragment_id']} does not exist")


def _deleted(conn: sqlite3.Connection, e: Event) -> None:
    cur = conn.execute("DELETE FROM fragments WHERE id = ?", (e.payload["fragment_id"],))
    if cur.rowcount != 1:
        raise KeyError(f"fragment {e.payload['fragment_id']} does not exist")


def _taxonomy_extended(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO fragment_taxonomy (kind, name, label, category, note, event_seq, actor, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (p["kind"], p["name"], p["label"], p.get("category") or "", p.get("note"), e.seq, e.actor, e.at),
    )


def _scale_set(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO fragment_scales (id, item_id, frame_ts, points, pixels, length, unit, label, event_seq,"
        " actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (p["scale_id"], e.item_id, p.get("frame_ts"), canonical_json(p["points"]), p["pixels"], p["length"],
         p["unit"], p["label"], e.seq, e.actor, e.at),
    )


def _scale_deleted(conn: sqlite3.Connection, e: Event) -> None:
    conn.execute("DELETE FROM fragment_scales WHERE id = ?", (e.payload["scale_id"],))


def _measured(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO fragment_measurements (id, item_id, frame_ts, scale_id, fragment_id, points, pixels, length,"
        " unit, reference, label, event_seq, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (p["measurement_id"], e.item_id, p.get("frame_ts"), p["scale_id"], p.get("fragment_id"),
         canonical_json(p["points"]), p["pixels"], p["length"], p["unit"], canonical_json(p["reference"]),
         p.get("label"), e.seq, e.actor, e.at),
    )


def _measurement_deleted(conn: sqlite3.Connection, e: Event) -> None:
    conn.execute("DELETE FROM fragment_measurements WHERE id = ?", (e.payload["measurement_id"],))


PROJECTORS: dict[str, Callable[[sqlite3.Connection, Event], None]] = {
    FRAGMENT_TAGGED: _tagged,
    FRAGMENT_EDITED: _edited,
    FRAGMENT_DELETED: _deleted,
    TAXONOMY_EXTENDED: _taxonomy_extended,
    SCALE_SET: _scale_set,
    SCALE_DELETED: _scale_deleted,
    MEASURED: _measured,
    MEASUREMENT_DELETED: _measurement_deleted,
}
PROJECTION_TABLES: tuple[str, ...] = ("fragments", "fragment_taxonomy", "fragment_scales", "fragment_measurements")
