"""Current-state tables, derived from events alone.

:func:`apply` is the only code that writes projection tables. The case calls it in
the same transaction as the event it projects; ``verify`` calls it on an empty
in-memory database to rebuild everything from the log and compare.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from . import events as ev
from .media.analysis import FieldValue
from .metadata.normalize import choose, disagreements

Projector = Callable[[sqlite3.Connection, ev.Event], None]

#: items column <- normalised field
_SUMMARY_COLUMNS: dict[str, str] = {
    "taken_at": "taken_at",
    "taken_at_offset": "taken_at_offset",
    "make": "camera_make",
    "model": "camera_model",
    "software": "software",
    "lens": "lens",
    "orientation": "orientation",
    "gps_lat": "gps_lat",
    "gps_lon": "gps_lon",
    "gps_alt": "gps_alt",
    "gps_direction": "gps_direction",
    "gps_time": "gps_time",
    "creation_time": "creation_time",
    "codec": "codec",
    "frame_rate": "frame_rate",
    "rotation": "rotation",
}


def apply(conn: sqlite3.Connection, event: ev.Event) -> None:
    """Project one event. Unknown kinds change no projection (they stay in the log)."""
    projector = _PROJECTORS.get(event.kind)
    if projector is not None:
        projector(conn, event)


def _import_started(conn: sqlite3.Connection, e: ev.Event) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO imports (batch_id, started_seq, started_at, actor, inputs, source_url, note, state)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 'running')",
        (p["batch_id"], e.seq, e.at, e.actor, json.dumps(p["inputs"], ensure_ascii=False),
         p.get("source_url"), p.get("note")),
    )


def _import_finished(conn: sqlite3.Connection, e: ev.Event) -> None:
    p = e.payload
    conn.execute(
        "UPDATE imports SET finished_at = ?, state = ?, summary = ? WHERE batch_id = ?",
        (e.at, p["state"], ev.canonical_json(p["summary"]), p["batch_id"]),
    )


def _item_imported(conn: sqlite3.Connection, e: ev.Event) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO items (id, sha256, md5, size, stored_path, display_name, imported_seq, imported_at,"
        " imported_by, media_type, mime, format) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (e.item_id, p["sha256"], p["md5"], p["size"], p["stored_path"], p["display_name"], e.seq, e.at,
         e.actor, p["media_type"], p.get("mime"), p.get("format")),
    )


def _item_sighted(conn: sqlite3.Connection, e: ev.Event) -> None:
    p = e.payload
    sidecar = p.get("sidecar")
    conn.execute(
        "INSERT INTO sightings (event_seq, item_id, batch_id, original_path, original_path_b64, archive_member,"
        " size, mtime, mtime_ns, source_url, note, acquired_by, acquired_at, sidecar)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (e.seq, e.item_id, p.get("batch_id"), p["original_path"], p["original_path_b64"], p.get("archive_member"),
         p["size"], p.get("mtime"), p.get("mtime_ns"), p.get("source_url"), p.get("note"), e.actor, e.at,
         None if sidecar is None else ev.canonical_json(sidecar)),
    )
    _insert_fields(conn, e.item_id, p.get("fields", []))
    _refresh_summary(conn, e.item_id)


def _item_analysed(conn: sqlite3.Connection, e: ev.Event) -> None:
    item_id = e.item_id
    p = e.payload
    a: dict[str, Any] = p["analysis"]
    # A later analysis (e.g. by a newer parser) replaces the earlier one's rows.
    for table in ("metadata", "hashes", "problems"):
        conn.execute(f"DELETE FROM {table} WHERE item_id = ?", (item_id,))
    conn.execute(
        "DELETE FROM fields WHERE item_id = ? AND source NOT IN ('filename', 'sidecar')", (item_id,)
    )
    conn.executemany(
        "INSERT INTO metadata (item_id, source, key, value) VALUES (?, ?, ?, ?)",
        [(item_id, m["source"], m["key"], m["value"]) for m in a["raw"]],
    )
    _insert_fields(conn, item_id, a["fields"])
    conn.executemany(
        "INSERT INTO hashes (item_id, frame_ts, algo, bits, pipeline) VALUES (?, ?, ?, ?, ?)",
        [(item_id, h["frame_ts"], h["algo"], hex_to_int64(h["bits"]), h["pipeline"]) for h in a["hashes"]],
    )
    conn.executemany(
        "INSERT INTO problems (item_id, kind, stage, message) VALUES (?, ?, ?, ?)",
        [(item_id, x["kind"], x["stage"], x["message"]) for x in a["problems"]],
    )
    state = "failed" if p["outcome"] != "ok" else ("problems" if a["problems"] else "ok")
    conn.execute(
        "UPDATE items SET analysis = ?, media_type = ?, mime = coalesce(?, mime), format = coalesce(?, format),"
        " width = ?, height = ?, duration = ?, low_information = ? WHERE id = ?",
        (state, a["media_type"], a.get("mime"), a.get("format"), a.get("width"), a.get("height"),
         a.get("duration"), int(bool(a.get("low_information"))), item_id),
    )
    _refresh_summary(conn, item_id)


def _file_rejected(conn: sqlite3.Connection, e: ev.Event) -> None:
    p = e.payload
    conn.execute(
        "INSERT INTO rejections (event_seq, batch_id, original_path, original_path_b64, reason, message)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (e.seq, p.get("batch_id"), p["original_path"], p["original_path_b64"], p["reason"], p["message"]),
    )


def _insert_fields(conn: sqlite3.Connection, item_id: str | None, fields: list[dict[str, Any]]) -> None:
    conn.executemany(
        "INSERT INTO fields (item_id, field, value, source) VALUES (?, ?, ?, ?)",
        [(item_id, f["field"], ev.canonical_json(f["value"]), f["source"]) for f in fields],
    )


def _refresh_summary(conn: sqlite3.Connection, item_id: str | None) -> None:
    """Recompute the normalised columns of ``items`` from all field values of the item."""
    rows = conn.execute(
        "SELECT field, value, source FROM fields WHERE item_id = ? ORDER BY rowid", (item_id,)
    ).fetchall()
    values = [FieldValue(field, json.loads(value), source) for field, value, source in rows]
    chosen = choose(values)
    assignments = {column: chosen.get(name, (None, None))[0] for name, column in _SUMMARY_COLUMNS.items()}
    assignments["taken_at_source"] = chosen.get("taken_at", (None, None))[1]
    assignments["gps_source"] = chosen.get("gps_lat", (None, None))[1]
    found = [asdict(d) for d in disagreements(values)]
    assignments["disagreements"] = ev.canonical_json(found) if found else None
    columns = ", ".join(f"{column} = ?" for column in assignments)
    conn.execute(f"UPDATE items SET {columns} WHERE id = ?", (*assignments.values(), item_id))


def hex_to_int64(bits: str) -> int:
    """16 hex digits -> signed 64-bit integer (SQLite's INTEGER range)."""
    value = int(bits, 16)
    return value - (1 << 64) if value >= 1 << 63 else value


def int64_to_hex(value: int) -> str:
    return f"{value & 0xFFFFFFFFFFFFFFFF:016x}"


_PROJECTORS: dict[str, Projector] = {
    ev.IMPORT_STARTED: _import_started,
    ev.IMPORT_FINISHED: _import_finished,
    ev.ITEM_IMPORTED: _item_imported,
    ev.ITEM_SIGHTED: _item_sighted,
    ev.ITEM_ANALYSED: _item_analysed,
    ev.FILE_REJECTED: _file_rejected,
}


def _feature_projectors() -> dict[str, Projector]:
    """Projectors of the features registered in :data:`verify_bench.migrations.FEATURES`."""
    import importlib

    from .migrations import FEATURES

    found: dict[str, Projector] = {}
    for feature in FEATURES:
        found.update(importlib.import_module(f"verify_bench.{feature}.projections").PROJECTORS)
    return found


_PROJECTORS.update(_feature_projectors())
