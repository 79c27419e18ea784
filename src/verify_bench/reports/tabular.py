"""The machine-readable formats: ``report.json`` (the complete data) and ``items.csv`` (one row per item)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

#: CSV columns, in order (documented in docs/reports.md).
CSV_COLUMNS: tuple[str, ...] = (
    "item_id", "display_name", "sha256", "md5", "size", "media_type", "mime", "imported_at", "imported_by",
    "import_event_seq", "import_event_hash", "sightings", "original_paths", "source_urls", "uploaders",
    "upload_dates", "acquired_by", "taken_at", "taken_at_offset", "taken_at_source", "camera",
    "disagreements", "problems", "best_time", "best_time_source", "time_contradictions", "accepted_lat",
    "accepted_lon", "accepted_precision_m", "accepted_method", "location_claims", "location_flagged",
    "fragments", "state", "reviewed_by", "reviewed_at", "decision_comment", "checks", "comments", "incidents",
    "history_events", "last_event_seq", "last_event_hash",
)
_FORMULA_START = ("=", "+", "@", "\t", "\r")
_SEP = " | "


def report_json(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def items_csv(data: dict[str, Any]) -> bytes:
    """UTF-8 with a byte-order mark (spreadsheets then read non-Latin names right), CRLF rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in data["items"]:
        row = csv_row(item)
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_row(item: dict[str, Any]) -> dict[str, Any]:
    sightings = item["sightings"]
    sidecars = [s["sidecar"] or {} for s in sightings]
    summary = item["metadata"]["summary"]
    accepted = item["location"]["accepted"] or {}
    best = item["times"]["best"] or {}
    wf = item["workflow"]
    imported = item["import"] or {}
    history = item["history"]
    return {
        "item_id": item["id"], "display_name": item["display_name"], "sha256": item["sha256"], "md5": item["md5"],
        "size": item["size"], "media_type": item["media_type"], "mime": item["mime"],
        "imported_at": imported.get("at"), "imported_by": imported.get("actor"),
        "import_event_seq": imported.get("event_seq"), "import_event_hash": imported.get("event_hash"),
        "sightings": len(sightings),
        "original_paths": _join(s["original_path"] + (f" [{s['archive_member']}]" if s["archive_member"] else "")
                                for s in sightings),
        "source_urls": _join(s["source_url"] or sc.get("webpage_url") or ""
                             for s, sc in zip(sightings, sidecars, strict=True)),
        "uploaders": _join(sc.get("uploader") or "" for sc in sidecars),
        "upload_dates": _join(sc.get("timestamp") or sc.get("upload_date") or "" for sc in sidecars),
        "acquired_by": _join(f"{s['acquired_by']} {s['acquired_at']}" for s in sightings),
        "taken_at": summary.get("taken_at"), "taken_at_offset": summary.get("taken_at_offset"),
        "taken_at_source": summary.get("taken_at_source"),
        "camera": " ".join(x for x in (summary.get("camera_make"), summary.get("camera_model")) if x),
        "disagreements": _join(d.get("field", "") for d in item["metadata"]["disagreements"]),
        "problems": _join(f"{p['kind']}: {p['message']}" for p in item["metadata"]["problems"]),
        "best_time": best.get("earliest") if best.get("earliest") == best.get("latest") else
        (f"{best['earliest']} – {best['latest']}" if best else None),
        "best_time_source": f"{best['kind']} ({best['source']})" if best else None,
        "time_contradictions": _join(c["message"] for c in item["times"]["contradictions"]),
        "accepted_lat": accepted.get("lat"), "accepted_lon": accepted.get("lon"),
        "accepted_precision_m": accepted.get("precision_m"), "accepted_method": accepted.get("method"),
        "location_claims": len(item["location"]["claims"]), "location_flagged": item["location"]["flagged"],
        "fragments": len(item["fragments"]),
        "state": wf["state"], "reviewed_by": wf["reviewed_by"], "reviewed_at": wf["reviewed_at"],
        "decision_comment": (wf["decision"] or {}).get("comment"),
        "checks": "; ".join(f"{c['check']}={c['result'] or 'not recorded'}" for c in wf["checks"]),
        "comments": len(wf["comments"]), "incidents": _join(item["incidents"]),
        "history_events": len(history), "last_event_seq": history[-1]["seq"] if history else None,
        "last_event_hash": history[-1]["hash"] if history else None,
    }


def _join(values: Any) -> str:
    return _SEP.join(str(v) for v in values if v not in (None, ""))


def _cell(value: Any) -> str:
    """Text for a spreadsheet cell; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text.startswith(_FORMULA_START) or (text.startswith("-") and not _numeric(text)):
        return "'" + text
    return text


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
