"""Read-only views of a case that both front ends show: item lists and item details."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .case import Case
from .projections import int64_to_hex

ITEM_LIST_COLUMNS = (
    "id", "sha256", "md5", "size", "media_type", "mime", "display_name", "imported_at", "analysis",
    "width", "height", "duration", "taken_at", "taken_at_offset", "camera_make", "camera_model",
    "gps_lat", "gps_lon", "creation_time", "low_information",
)


def list_items(case: Case) -> list[dict[str, Any]]:
    columns = ", ".join(ITEM_LIST_COLUMNS)
    return [dict(r) for r in case.db.query(f"SELECT {columns} FROM items ORDER BY imported_seq")]


def item_details(case: Case, ref: str) -> dict[str, Any]:
    """Everything recorded about one item: summary, sightings, metadata by source, hashes, problems, events."""
    item = case.find_item(ref)
    item_id = item["id"]
    item["disagreements"] = json.loads(item["disagreements"]) if item["disagreements"] else []
    sightings = [dict(r) for r in case.db.query(
        "SELECT * FROM sightings WHERE item_id = ? ORDER BY event_seq", [item_id])]
    for s in sightings:
        s["sidecar"] = json.loads(s["sidecar"]) if s["sidecar"] else None
    raw: dict[str, dict[str, str]] = {}
    for r in case.db.query("SELECT source, key, value FROM metadata WHERE item_id = ? ORDER BY rowid", [item_id]):
        raw.setdefault(r["source"], {})[r["key"]] = r["value"]
    fields = [
        {"field": r["field"], "value": json.loads(r["value"]), "source": r["source"]}
        for r in case.db.query("SELECT field, value, source FROM fields WHERE item_id = ? ORDER BY rowid", [item_id])
    ]
    hashes = [
        {"algo": r["algo"], "bits": int64_to_hex(r["bits"]), "frame_ts": r["frame_ts"], "pipeline": r["pipeline"]}
        for r in case.db.query(
            "SELECT algo, bits, frame_ts, pipeline FROM hashes WHERE item_id = ? ORDER BY frame_ts, algo", [item_id])
    ]
    problems = [dict(r) for r in case.db.query(
        "SELECT kind, stage, message FROM problems WHERE item_id = ? ORDER BY rowid", [item_id])]
    events = [
        {k: v for k, v in asdict(e).items() if k != "payload"} for e in case.events(item_id=item_id)
    ]
    return {"item": item, "sightings": sightings, "fields": fields, "metadata": raw, "hashes": hashes,
            "problems": problems, "events": events}
