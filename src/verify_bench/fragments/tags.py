"""Tagging, editing and deleting fragments: each is one event; nothing changes silently.

Regions are passed with the grid they were drawn on (``grid="upright"`` for what a person sees,
``"stored"`` for the stored original's pixels, see :mod:`.geometry`) and always recorded on the
stored grid. Codes are checked and the notices returned, but what was typed is saved as typed
(markings verbatim, not even stripped). Categories and components that the case taxonomy knows
are recorded by their id. The crop is written after the event commits; if it cannot be made the
tag stands and :attr:`TagResult.crop_error` says why (``rebuild_crops`` can retry).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..case import Case
from ..errors import ItemNotFound
from ..events import Event, event_from_row
from .codes import Notice, check_codes
from .crops import crop_path, remove_crop, write_crop
from .errors import FragmentError
from .model import CONFIDENCES, get_fragment
from .picture import item_geometry
from .projections import FIELD_NAMES, FRAGMENT_DELETED, FRAGMENT_EDITED, FRAGMENT_TAGGED
from .regions import Region, number
from .suggestions import resembling
from .taxonomy import Taxonomy, case_taxonomy

Grid = Literal["upright", "stored"]


@dataclass(frozen=True)
class TagResult:
    fragment_id: str
    event_seq: int
    region: Region                      # as recorded: stored grid
    notices: tuple[Notice, ...]
    crop: Path | None
    crop_error: str | None = None


def tag_fragment(
    case: Case, item_ref: str, region: Region, *, grid: Grid, frame_ts: float | None = None,
    fields: Mapping[str, Any] | None = None, crop: bool = True,
) -> TagResult:
    """Record a new tag on an item (a still, or the frame of a video at ``frame_ts`` seconds)."""
    item = case.find_item(item_ref)
    geometry = item_geometry(case, item)
    stored = geometry.to_stored(region) if grid == "upright" else _grid_checked(region, grid)
    frame = None if frame_ts is None else number(frame_ts)
    geometry.check(stored, frame)
    tax = case_taxonomy(case)
    values, notices = _clean_fields(case, dict(fields or {}), tax)
    fragment_id = uuid.uuid4().hex
    with case.write():
        event = case.append(FRAGMENT_TAGGED, {
            "fragment_id": fragment_id, "frame_ts": frame, "region": stored.to_json(),
            "fields": {k: v for k, v in values.items() if v not in (None, "", [])},
            "taxonomy_version": tax.version,
        }, item_id=item["id"])
    return _result(case, fragment_id, event, stored, notices, crop)


def edit_fragment(
    case: Case, fragment_ref: str, changes: Mapping[str, Any], *, grid: Grid = "stored", crop: bool = True,
) -> TagResult | None:
    """Change fields (a value of None or "" clears one), ``region`` or ``frame_ts`` of a tag.

    Only values that differ are recorded; returns None (and records nothing) when nothing differs.
    """
    current = get_fragment(case, fragment_ref)
    unknown = set(changes) - set(FIELD_NAMES) - {"region", "frame_ts"}
    if unknown:
        raise FragmentError(f"unknown fragment fields: {', '.join(sorted(unknown))}")
    tax = case_taxonomy(case)
    field_changes = {k: v for k, v in changes.items() if k in FIELD_NAMES}
    values, notices = _clean_fields(case, field_changes, tax)
    diff: dict[str, Any] = {k: (v if v not in ("", []) else None) for k, v in values.items()
                            if _current(current, k) != (v if v not in ("", []) else None)}
    region = current.region
    frame = current.frame_ts
    if "region" in changes:
        region = item_geometry(case, current.item_id).to_stored(changes["region"]) if grid == "upright" \
            else _grid_checked(changes["region"], grid)
    if "frame_ts" in changes:
        frame = None if changes["frame_ts"] is None else number(changes["frame_ts"])
    if region != current.region or frame != current.frame_ts:
        item_geometry(case, current.item_id).check(region, frame)
        if region != current.region:
            diff["region"] = region.to_json()
        if frame != current.frame_ts:
            diff["frame_ts"] = frame
    if not diff:
        return None
    payload: dict[str, Any] = {"fragment_id": current.id, "changes": diff}
    if {"category", "component"} & set(diff):
        payload["taxonomy_version"] = tax.version
    with case.write():
        event = case.append(FRAGMENT_EDITED, payload, item_id=current.item_id)
    redo_crop = crop and ("region" in diff or "frame_ts" in diff or not current.crop.is_file())
    return _result(case, current.id, event, region, notices, redo_crop)


def delete_fragment(case: Case, fragment_ref: str, *, reason: str | None = None) -> int:
    """Delete a tag (the event keeps what it was); its crop is removed. Returns the event's seq."""
    current = get_fragment(case, fragment_ref)
    with case.write():
        event = case.append(FRAGMENT_DELETED, {"fragment_id": current.id, "reason": reason}, item_id=current.item_id)
    remove_crop(case.root, current.id)
    return event.seq


def fragment_history(case: Case, fragment_id: str) -> list[Event]:
    """Every event about one fragment (tagged, edited, deleted, measured on), oldest first."""
    rows = case.db.query(
        "SELECT * FROM events WHERE kind LIKE 'fragment.%' AND json_extract(payload, '$.fragment_id') = ?"
        " ORDER BY seq", [fragment_id])
    return [event_from_row(r) for r in rows]


def _grid_checked(region: Region, grid: str) -> Region:
    if grid != "stored":
        raise FragmentError(f"grid must be 'upright' or 'stored', not {grid!r}")
    return region


def _current(fragment: Any, name: str) -> Any:
    value = getattr(fragment, name)
    return (list(value) or None) if name == "refs" else value


def _clean_fields(case: Case, fields: dict[str, Any], tax: Taxonomy) -> tuple[dict[str, Any], tuple[Notice, ...]]:
    """Validate vocabularies and references; resolve taxonomy terms to ids; collect format notices."""
    unknown = set(fields) - set(FIELD_NAMES)
    if unknown:
        raise FragmentError(f"unknown fragment fields: {', '.join(sorted(unknown))}")
    values = dict(fields)
    notices = list(check_codes(values))
    for name, value in values.items():
        if value is not None and name != "refs" and not isinstance(value, str):
            raise FragmentError(f"{name} must be text, not {type(value).__name__}")
    confidence = values.get("confidence")
    if confidence and confidence not in CONFIDENCES:
        raise FragmentError(f"confidence must be one of {', '.join(CONFIDENCES)}, not {confidence!r}")
    for kind in ("category", "component"):
        typed = values.get(kind)
        if typed:
            found = tax.resolve(kind, typed)  # type: ignore[arg-type]
            if found is None:
                notices.append(Notice(kind, f"{kind}_unknown", f"{kind} {typed!r} is not in the taxonomy; it is saved "
                                      "as typed (add it to the case's taxonomy to offer it to others)"))
            values[kind] = found or typed
    for name in ("designation", "manufacturer"):
        variant = resembling(case, name, values[name]) if values.get(name) else None  # type: ignore[arg-type]
        if variant:
            notices.append(variant)
    if values.get("refs"):
        values["refs"] = _resolve_refs(case, values["refs"])
    return values, tuple(notices)


def _resolve_refs(case: Case, refs: Any) -> list[str]:
    if isinstance(refs, str) or not all(isinstance(r, str) for r in refs):
        raise FragmentError("reference images are given as a list of item ids")
    try:
        ids = [case.find_item(r)["id"] for r in refs]
    except ItemNotFound as exc:
        raise FragmentError(f"reference image: {exc}; import it into the case first") from exc
    return list(dict.fromkeys(ids))


def _result(case: Case, fragment_id: str, event: Event, region: Region, notices: tuple[Notice, ...],
            write: bool) -> TagResult:
    """The outcome of a recorded change; ``write``: (re)make the crop, else report the one on disk."""
    if not write:
        existing = crop_path(case.root, fragment_id)
        return TagResult(fragment_id, event.seq, region, notices, existing if existing.is_file() else None)
    try:
        return TagResult(fragment_id, event.seq, region, notices, write_crop(case, fragment_id))
    except FragmentError as exc:
        return TagResult(fragment_id, event.seq, region, notices, None, str(exc))
