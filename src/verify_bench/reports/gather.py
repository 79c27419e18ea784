"""Everything a chain-of-custody report says, gathered from the case's own queries into plain JSON data.

:func:`gather` returns the report's data (the content of ``report.json``); every writer (HTML, PDF,
CSV) renders only this data, so the formats cannot tell different stories. The shape is documented
by ``resources/reports/report.schema.json`` and ``docs/reports.md``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import __version__
from .. import events as ev
from ..case import Case
from ..chrono.candidates import item_times
from ..fragments.listing import FragmentFilter, fragment_record, list_fragments
from ..fragments.taxonomy import case_taxonomy
from ..geo.claims import item_locations
from ..ingest.derived import thumb_path
from ..workflow.checks import item_checks
from ..workflow.comments import item_comments
from ..workflow.history import describe
from ..workflow.people import list_people
from ..workflow.status import item_status
from ..workflow.vocabulary import FINAL_STATES, STATE_LABELS, STATUS_CHANGED
from .errors import ReportCancelled
from .scope import ResolvedScope

SCHEMA_ID = "https://verify-bench.org/schemas/report-1.json"
SCHEMA_VERSION = 1

#: Normalised metadata columns of ``items`` shown as the item's metadata summary.
SUMMARY_FIELDS = (
    "taken_at", "taken_at_offset", "taken_at_source", "camera_make", "camera_model", "software", "lens",
    "orientation", "gps_lat", "gps_lon", "gps_alt", "gps_direction", "gps_time", "gps_source", "creation_time",
    "codec", "frame_rate", "rotation",
)

Progress = Callable[[str, int, int], None]


def gather(case: Case, scope: ResolvedScope, *, export_id: str, generated_at: str, formats: list[str],
           progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> dict[str, Any]:
    """The report's data for the items of ``scope``, as of the log's current head."""
    head_row = case.conn.execute(
        "SELECT seq, id, at, actor, kind, hash, key_id, signature FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    created = case.conn.execute(
        "SELECT id, at, actor, payload FROM events WHERE kind = ? ORDER BY seq LIMIT 1", (ev.CASE_CREATED,)).fetchone()
    total_events = case.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    unsigned = case.conn.execute("SELECT count(*) FROM events WHERE signature IS NULL").fetchone()[0]
    tax = case_taxonomy(case)
    items: list[dict[str, Any]] = []
    for n, item_id in enumerate(scope.item_ids):
        if cancel is not None and cancel():
            raise ReportCancelled("the export was cancelled")
        if progress is not None:
            progress("gathering", n, len(scope.item_ids))
        items.append(_item(case, item_id, tax))
    incident_ids = sorted({i for item in items for i in item["incidents"]})
    return {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "report": {
            "export_id": export_id,
            "generated_at": generated_at,
            "generated_by": case.actor,
            "app": "Verify Bench",
            "app_version": __version__,
            "scope": scope.record,
            "formats": formats,
            "item_count": len(items),
        },
        "case": {
            "title": case.title,
            "case_id": created[0] if created else None,
            "created_at": created[1] if created else None,
            "created_by": created[2] if created else None,
        },
        "log": {
            "head_seq": head_row[0] if head_row else 0,
            "head_hash": head_row[5] if head_row else ev.GENESIS_HASH,
            "head_event_id": head_row[1] if head_row else None,
            "head_at": head_row[2] if head_row else None,
            "head_actor": head_row[3] if head_row else None,
            "head_kind": head_row[4] if head_row else None,
            "head_key_id": head_row[6] if head_row else None,
            "head_signature": head_row[7] if head_row else None,
            "events_total": total_events,
            "events_unsigned": unsigned,
            "hash_rule": "SHA-256 over canonical JSON of {seq, id, at, actor, kind, item_id, payload, prev_hash}",
        },
        "people": [
            {"name": p.name, "role": p.role, "keys": [k.key_id for k in p.keys]} for p in list_people(case)
        ],
        "incidents": [_incident(case, i) for i in incident_ids],
        "items": items,
    }


def _item(case: Case, item_id: str, tax: Any) -> dict[str, Any]:
    row = case.find_item(item_id)
    events = list(case.events(item_id=item_id))
    hash_of = {e.seq: e.hash for e in events}
    imported = next((e for e in events if e.kind == ev.ITEM_IMPORTED), None)
    return {
        "id": item_id,
        "display_name": row["display_name"],
        "sha256": row["sha256"],
        "md5": row["md5"],
        "size": row["size"],
        "media_type": row["media_type"],
        "mime": row["mime"],
        "format": row["format"],
        "width": row["width"],
        "height": row["height"],
        "duration": row["duration"],
        "analysis": row["analysis"],
        "stored_path": row["stored_path"],
        "thumbnail": _thumbnail(case.root, row["sha256"]),
        "import": _import(case, imported),
        "sightings": _sightings(case, item_id, hash_of),
        "metadata": _metadata(case, row),
        "location": _location(case, item_id),
        "times": _times(case, item_id),
        "fragments": _fragments(case, item_id, tax),
        "workflow": _workflow(case, item_id, events),
        "incidents": [r[0] for r in case.conn.execute(
            "SELECT incident_id FROM incident_items WHERE item_id = ? ORDER BY event_seq", (item_id,))],
        "history": [_history_entry(e) for e in events],
    }


def _thumbnail(root: Path, sha256: str) -> dict[str, Any] | None:
    path = thumb_path(root, sha256)
    if not path.is_file():
        return None
    return {"derived_path": path.relative_to(root).as_posix(), "mime": "image/jpeg"}


def _import(case: Case, imported: ev.Event | None) -> dict[str, Any] | None:
    if imported is None:
        return None
    p = imported.payload
    batch = None
    if p.get("batch_id"):
        row = next(iter(case.db.query(
            "SELECT batch_id, started_seq, started_at, actor, inputs, source_url, note, finished_at, state"
            " FROM imports WHERE batch_id = ?", [p["batch_id"]])), None)
        if row is not None:
            batch = {**row, "inputs": json.loads(row["inputs"]) if row["inputs"] else []}
    return {"event_seq": imported.seq, "event_id": imported.id, "event_hash": imported.hash, "at": imported.at,
            "actor": imported.actor, "signed": imported.signature is not None, "batch": batch}


def _sightings(case: Case, item_id: str, hash_of: dict[int, str]) -> list[dict[str, Any]]:
    found = []
    for r in case.db.query(
            "SELECT event_seq, batch_id, original_path, original_path_b64, archive_member, size, mtime, source_url,"
            " note, acquired_by, acquired_at, sidecar FROM sightings WHERE item_id = ? ORDER BY event_seq", [item_id]):
        sidecar = json.loads(r["sidecar"]) if r["sidecar"] else None
        if isinstance(sidecar, dict):
            sidecar = {k: v for k, v in sidecar.items() if k != "raw"}
        found.append({**r, "event_hash": hash_of.get(r["event_seq"]), "sidecar": sidecar})
    return found


def _metadata(case: Case, row: dict[str, Any]) -> dict[str, Any]:
    fields = [
        {"field": r["field"], "value": json.loads(r["value"]), "source": r["source"]}
        for r in case.db.query("SELECT field, value, source FROM fields WHERE item_id = ? ORDER BY rowid", [row["id"]])
    ]
    problems = [dict(r) for r in case.db.query(
        "SELECT kind, stage, message FROM problems WHERE item_id = ? ORDER BY rowid", [row["id"]])]
    return {
        "summary": {k: row.get(k) for k in SUMMARY_FIELDS},
        "disagreements": json.loads(row["disagreements"]) if row.get("disagreements") else [],
        "fields": fields,
        "problems": problems,
    }


def _location(case: Case, item_id: str) -> dict[str, Any]:
    loc = item_locations(case, item_id)
    return {
        "accepted": _plain(loc.accepted),
        "claims": [_plain(c) for c in loc.claims],
        "metadata_positions": [_plain(m) for m in loc.metadata],
        "comparisons": [_plain(c) for c in loc.comparisons],
        "flagged": loc.flagged,
    }


def _times(case: Case, item_id: str) -> dict[str, Any]:
    times = item_times(case, item_id)
    return {
        "best": _plain(times.best),
        "candidates": [_plain(c) for c in times.candidates],
        "contradictions": [
            {"code": c.code, "message": c.message, "sources": [f"{x.kind}:{x.source}" for x in c.candidates]}
            for c in times.contradictions],
        "incident_times": times.incident_times,
    }


def _fragments(case: Case, item_id: str, tax: Any) -> list[dict[str, Any]]:
    return [fragment_record(f, tax, root=case.root) for f in list_fragments(case, FragmentFilter(item=item_id))]


def _workflow(case: Case, item_id: str, events: list[ev.Event]) -> dict[str, Any]:
    status = item_status(case, item_id)
    decision = None
    if status.state in FINAL_STATES or status.state == "returned":
        last = next((e for e in reversed(events)
                     if e.kind == STATUS_CHANGED and e.payload.get("to") == status.state), None)
        if last is not None:
            decision = {"state": status.state, "label": STATE_LABELS[status.state], "by": last.actor, "at": last.at,
                        "comment": last.payload.get("comment"), "event_seq": last.seq, "event_hash": last.hash}
    return {
        **dataclasses.asdict(status),
        "state_label": STATE_LABELS.get(status.state, status.state),
        "sealed": status.sealed,
        "decision": decision,
        "checks": [dataclasses.asdict(c) for c in item_checks(case, item_id)],
        "comments": [dataclasses.asdict(c) for c in item_comments(case, item_id)],
    }


def _incident(case: Case, incident_id: str) -> dict[str, Any]:
    from ..geo.incidents import find_incident

    return dataclasses.asdict(find_incident(case, incident_id))


def _history_entry(e: ev.Event) -> dict[str, Any]:
    return {"seq": e.seq, "event_id": e.id, "at": e.at, "actor": e.actor, "kind": e.kind, "summary": _summary(e),
            "hash": e.hash, "prev_hash": e.prev_hash, "key_id": e.key_id, "signed": e.signature is not None}


def _summary(e: ev.Event) -> str:
    """What the event changed, in words; a preserved item's hash in full (a report never shortens a hash)."""
    if e.kind == ev.ITEM_IMPORTED:
        p = e.payload
        return f"preserved {p.get('display_name')} ({p.get('size', 0):,} bytes, SHA-256 {p.get('sha256')})"
    text = describe(e)
    if text.startswith(f"{e.kind}: ") and isinstance(e.payload, dict):
        # describe()'s generic form shortens values; a report lists every scalar field in full.
        scalars = [f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in sorted(e.payload.items())
                   if v is not None and not isinstance(v, (dict, list))]
        return ", ".join(scalars) or "(details in events.jsonl)"
    return text


def _plain(value: Any) -> Any:
    """A dataclass (or None) as JSON-ready data: datetimes become ISO 8601 text."""
    if value is None:
        return None
    data = dataclasses.asdict(value)
    return {k: v.isoformat().replace("+00:00", "Z") if isinstance(v, datetime) else v for k, v in data.items()}
