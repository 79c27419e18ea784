"""Structured incident facts, as human-rights reports tabulate strikes, and the case's incident table.

An incident itself (title, time, place, items) is recorded by :mod:`verify_bench.geo.incidents`;
this module adds the facts — time window, description, object struck, people killed and injured
(children counted separately, each figure with its confidence and sources), warning, munition —
as ``incident.facts_recorded`` events, every field restated each time.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..case import Case
from ..geo.errors import GeoError
from ..geo.incidents import find_incident, record_incident
from .errors import IncidentFactsError
from .vocabulary import CONFIDENCES, INCIDENT_FACTS, OBJECTS_STRUCK, WARNINGS, Confidence, ObjectStruck, WarningGiven


@dataclass(frozen=True)
class Source:
    """What a figure rests on: a media item of the case, or a note (e.g. an interview)."""

    item_id: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Figure:
    total: int | None = None
    children: int | None = None          # of the total
    confidence: Confidence | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class IncidentFacts:
    window_start: str | None = None      # ISO 8601 with offset: it happened between start and end (stored in UTC)
    window_end: str | None = None
    description: str | None = None
    object_struck: ObjectStruck | None = None
    object_note: str | None = None       # e.g. what "other" was, or the building's name
    killed: Figure = field(default_factory=Figure)
    injured: Figure = field(default_factory=Figure)
    warning: WarningGiven | None = None
    warning_note: str | None = None
    munition: str | None = None
    munition_fragments: tuple[str, ...] = ()   # fragment tag ids (fragments feature)


def record_facts(case: Case, incident_ref: str, facts: IncidentFacts) -> IncidentFacts:
    """Record (restate) the facts of an incident; returns them as stored, item refs resolved."""
    try:
        incident_id = find_incident(case, incident_ref).incident_id
    except GeoError as exc:
        raise IncidentFactsError(str(exc)) from exc
    payload = {"incident_id": incident_id, **_checked(case, facts)}
    with case.write():
        case.append(INCIDENT_FACTS, payload)
    found = incident_facts(case, incident_id)
    assert found is not None
    return found


def create_incident(case: Case, title: str, *, time: str | None = None, lat: float | None = None,
                    lon: float | None = None, precision_m: float | None = None,
                    facts: IncidentFacts | None = None) -> str:
    """Create an incident with its facts in one transaction; returns its id."""
    facts = facts or IncidentFacts()
    with case.write():
        try:
            incident = record_incident(case, title, time=time, lat=lat, lon=lon, precision_m=precision_m,
                                       note=facts.description)
        except GeoError as exc:
            raise IncidentFactsError(str(exc)) from exc
        record_facts(case, incident.incident_id, facts)
    return incident.incident_id


def incident_facts(case: Case, incident_ref: str) -> IncidentFacts | None:
    """The facts recorded for an incident, or None if none were."""
    incident_id = find_incident(case, incident_ref).incident_id
    row = case.db.execute("SELECT * FROM incident_facts WHERE incident_id = ?", [incident_id]).fetchone()
    if row is None:
        return None
    columns = [d[0] for d in case.db.execute("SELECT * FROM incident_facts LIMIT 0").description]
    return facts_from_row(dict(zip(columns, row, strict=True)))


def facts_from_row(r: dict[str, Any]) -> IncidentFacts:
    def figure(prefix: str) -> Figure:
        sources = tuple(Source(**s) for s in json.loads(r[f"{prefix}_sources"]))
        return Figure(r[prefix], r[f"{prefix}_children"], r[f"{prefix}_confidence"], sources)

    return IncidentFacts(r["window_start"], r["window_end"], r["description"], r["object_struck"], r["object_note"],
                         figure("killed"), figure("injured"), r["warning"], r["warning_note"], r["munition"],
                         tuple(json.loads(r["munition_fragments"])))


def _checked(case: Case, f: IncidentFacts) -> dict[str, Any]:
    """Validate the facts and return the payload fields (items resolved to ids, texts trimmed)."""
    if f.object_struck is not None and f.object_struck not in OBJECTS_STRUCK:
        raise IncidentFactsError(f"unknown object struck '{f.object_struck}': choose {', '.join(OBJECTS_STRUCK)}")
    if f.warning is not None and f.warning not in WARNINGS:
        raise IncidentFactsError(f"unknown warning '{f.warning}': choose {', '.join(WARNINGS)}")
    start, end = _instant(f.window_start, "start"), _instant(f.window_end, "end")
    if start and end and start > end:
        raise IncidentFactsError(f"the time window ends ({f.window_end}) before it starts ({f.window_start})")
    return {
        "window_start": _utc(start), "window_end": _utc(end), "description": _text(f.description),
        "object_struck": f.object_struck, "object_note": _text(f.object_note),
        "killed": _figure(case, f.killed, "killed"), "injured": _figure(case, f.injured, "injured"),
        "warning": f.warning, "warning_note": _text(f.warning_note), "munition": _text(f.munition),
        "munition_fragments": _fragments(case, f.munition_fragments),
    }


def _figure(case: Case, fig: Figure, name: str) -> dict[str, Any]:
    for label, value in ((name, fig.total), (f"children {name}", fig.children)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise IncidentFactsError(f"people {label} must be a whole number ≥ 0, not {value!r}")
    if fig.total is not None and fig.children is not None and fig.children > fig.total:
        raise IncidentFactsError(f"{fig.children} children {name} cannot exceed the {fig.total} people {name}")
    if fig.confidence is not None and fig.confidence not in CONFIDENCES:
        raise IncidentFactsError(f"unknown confidence '{fig.confidence}': choose {', '.join(CONFIDENCES)}")
    sources = []
    for s in fig.sources:
        if (s.item_id is None) == (_text(s.note) is None):
            raise IncidentFactsError(f"each source of the {name} figure is either a media item or a note")
        sources.append({"item_id": case.find_item(s.item_id)["id"]} if s.item_id else {"note": _text(s.note)})
    return {"total": fig.total, "children": fig.children, "confidence": fig.confidence, "sources": sources}


def _fragments(case: Case, ids: tuple[str, ...]) -> list[str]:
    if not ids:
        return []
    try:
        known = {r[0] for r in case.conn.execute(
            f"SELECT id FROM fragments WHERE id IN ({', '.join('?' * len(ids))})", ids)}
    except sqlite3.OperationalError as exc:
        raise IncidentFactsError("this case has no fragment tags to link a munition to") from exc
    missing = [i for i in ids if i not in known]
    if missing:
        raise IncidentFactsError(f"no fragment tag {missing[0]!r} in this case")
    return sorted(set(ids))


def _instant(text: str | None, which: str) -> datetime | None:
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise IncidentFactsError(f"the window {which} '{text}' is not an ISO 8601 date-time") from exc
    if when.tzinfo is None:
        raise IncidentFactsError(f"the window {which} '{text}' needs an offset (e.g. +03:00 or Z)")
    return when


def _utc(when: datetime | None) -> str | None:
    """Window bounds are stored in UTC, like the log's instants, so that they sort and compare."""
    return None if when is None else when.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None

