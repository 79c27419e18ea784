"""Every time an item's sources suggest, as UTC intervals, the contradictions between them, and a best time.

Each candidate is an interval ``[earliest, latest]`` in UTC so that vague statements compare fairly:

- ``taken_at`` (EXIF/XMP/container/file name) with an offset: that instant (±1 s);
  without one ("zone unknown"): read in the zone of the item's accepted location when it has
  one (``zone`` says which), else every zone on Earth (UTC−12 … UTC+14);
- ``creation_time`` (video container, UTC) and ``gps_time`` (GPS clock, UTC): that instant;
- ``file_modified`` (each sighting's file-system time) and ``upload`` (sidecar timestamp, or its
  upload date as a whole UTC day): bounds — the recording happened no later;
- ``claim`` (a manual time claim): its instant ± its precision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from ..case import Case
from .claims import time_claims
from .zones import localize, parse_instant, zone_at

CandidateKind = Literal["taken_at", "creation_time", "gps_time", "file_modified", "upload", "claim"]
CAPTURE_KINDS = ("claim", "taken_at", "creation_time", "gps_time")   # say when it was recorded, best first
BOUND_KINDS = ("upload", "file_modified")                             # say when it existed by
_ZONE_WEST, _ZONE_EAST = timedelta(hours=12), timedelta(hours=14)
_SLACK = timedelta(seconds=1)

#: A capture time further than this from the incident's time is flagged.
INCIDENT_TOLERANCE = timedelta(hours=6)
#: Capture candidates further apart than this (beyond their own precision) are flagged.
CAPTURE_TOLERANCE = timedelta(minutes=2)


@dataclass(frozen=True)
class TimeCandidate:
    kind: CandidateKind
    source: str                   # exif, xmp, container, filename, sidecar, sighting, or "claim <id>"
    stated: str                   # the value as the source states it
    earliest: datetime
    latest: datetime
    zone_known: bool              # False for a wall-clock time read in every possible zone
    zone: str | None = None       # the IANA zone assumed for a wall-clock time

    @property
    def middle(self) -> datetime:
        return self.earliest + (self.latest - self.earliest) / 2


@dataclass(frozen=True)
class Contradiction:
    code: Literal["taken_after_upload", "taken_after_file_modified", "far_from_incident", "capture_times_disagree"]
    message: str
    candidates: tuple[TimeCandidate, ...]


@dataclass(frozen=True)
class ItemTimes:
    item_id: str
    candidates: list[TimeCandidate]
    contradictions: list[Contradiction]
    best: TimeCandidate | None = None
    incident_times: dict[str, str] = field(default_factory=dict)  # incident id -> its UTC time


def item_times(case: Case, item_ref: str, *, incident_tolerance: timedelta = INCIDENT_TOLERANCE) -> ItemTimes:
    """Candidate times of one item with their sources, contradictions and the best capture time."""
    item_id = case.find_item(item_ref)["id"]
    place = case.conn.execute(
        "SELECT c.lat, c.lon FROM accepted_locations a JOIN location_claims c USING (claim_id) WHERE a.item_id = ?",
        (item_id,)).fetchone()
    zone = zone_at(*place) if place else None
    found = _field_candidates(case, item_id, zone) + _sighting_candidates(case, item_id) + [
        _instant("claim", f"claim {c.claim_id[:8]}", c.time, c.time_utc, timedelta(seconds=c.precision_s))
        for c in time_claims(case, item_id=item_id) if not c.withdrawn]
    found = [c for c in found if c is not None]
    incidents = {r[0]: r[1] for r in case.conn.execute(
        "SELECT i.incident_id, i.time_utc FROM incident_items x JOIN incidents i USING (incident_id)"
        " WHERE x.item_id = ? AND i.time_utc IS NOT NULL", (item_id,))}
    return ItemTimes(item_id, found, contradictions(found, incidents, incident_tolerance=incident_tolerance),
                     best_time(found), incidents)


def best_time(candidates: list[TimeCandidate]) -> TimeCandidate | None:
    """The capture candidate to sort by (see :func:`_rank`); None when no source says when it was recorded."""
    ranked = sorted((c for c in candidates if c.kind in CAPTURE_KINDS), key=_rank)
    return ranked[0] if ranked else None


def _rank(c: TimeCandidate) -> int:
    """Claims, then the camera's zoned clock and the container's UTC time, then the camera's clock read in
    the place's zone, then GPS time (often the last fix, not the shot), then a clock in an unknown zone."""
    if c.kind == "claim":
        return 0
    if c.kind == "taken_at":
        return 1 if c.zone_known else (3 if c.zone else 5)
    return 2 if c.kind == "creation_time" else 4


def contradictions(
    candidates: list[TimeCandidate], incident_times: dict[str, str], *,
    incident_tolerance: timedelta = INCIDENT_TOLERANCE,
) -> list[Contradiction]:
    """Times that cannot all be true: recorded after it was uploaded or saved, far from its incident, …"""
    found: list[Contradiction] = []
    captures = [c for c in candidates if c.kind in CAPTURE_KINDS]
    for capture in captures:
        for bound in (c for c in candidates if c.kind in BOUND_KINDS):
            if capture.earliest > bound.latest:
                code = "taken_after_upload" if bound.kind == "upload" else "taken_after_file_modified"
                found.append(Contradiction(code, (
                    f"{capture.kind} ({capture.source}) {capture.stated} is after the "
                    f"{'upload' if bound.kind == 'upload' else 'file modification'} time {bound.stated}"),
                    (capture, bound)))
        for incident_id, text in incident_times.items():
            when = parse_instant(text)
            if when is not None and _gap(capture, when, when) > incident_tolerance:
                found.append(Contradiction("far_from_incident", (
                    f"{capture.kind} ({capture.source}) {capture.stated} is more than "
                    f"{incident_tolerance.total_seconds() / 3600:g} h from incident {incident_id[:8]} at {text}"),
                    (capture,)))
    for i, a in enumerate(captures):
        for b in captures[i + 1:]:
            if _gap(a, b.earliest, b.latest) > CAPTURE_TOLERANCE:
                found.append(Contradiction("capture_times_disagree", (
                    f"{a.kind} ({a.source}) {a.stated} and {b.kind} ({b.source}) {b.stated} cannot both be right"),
                    (a, b)))
    return found


def _gap(c: TimeCandidate, earliest: datetime, latest: datetime) -> timedelta:
    """How far apart two intervals are (zero when they overlap)."""
    return max(earliest - c.latest, c.earliest - latest, timedelta(0))


def _field_candidates(case: Case, item_id: str, zone: str | None) -> list[TimeCandidate | None]:
    rows = case.conn.execute(
        "SELECT field, value, source FROM fields WHERE item_id = ? AND field IN"
        " ('taken_at', 'taken_at_offset', 'creation_time', 'gps_time') ORDER BY rowid", (item_id,)).fetchall()
    offsets: dict[str, str] = {}
    for name, value, source in rows:
        if name == "taken_at_offset":
            offsets.setdefault(source, json.loads(value))
    found: list[TimeCandidate | None] = []
    for name, value, source in rows:
        text = json.loads(value)
        if name == "taken_at_offset" or not isinstance(text, str):
            continue
        if name == "taken_at":
            found.append(_wall_clock(source, text, offsets.get(source), zone))
        else:
            found.append(_instant(name, source, text, text, _SLACK))  # type: ignore[arg-type]
    return found


def _wall_clock(source: str, text: str, offset: str | None, zone: str | None) -> TimeCandidate | None:
    try:
        wall = datetime.fromisoformat(text)
    except ValueError:
        return None
    if wall.tzinfo is not None or offset:
        aware = wall if wall.tzinfo is not None else datetime.fromisoformat(text + offset)
        shown = f"{text}{offset or ''}"
        return TimeCandidate("taken_at", source, shown, aware - _SLACK, aware + _SLACK, True)
    if zone is not None:
        aware = localize(wall, zone)
        return TimeCandidate("taken_at", source, f"{text} (zone unknown; read in {zone})",
                             aware - _SLACK, aware + _SLACK, False, zone)
    utc_wall = wall.replace(tzinfo=UTC)
    return TimeCandidate("taken_at", source, f"{text} (zone unknown)", utc_wall - _ZONE_EAST, utc_wall + _ZONE_WEST,
                         False)


def _instant(kind: CandidateKind, source: str, stated: str, text: str, spread: timedelta) -> TimeCandidate | None:
    when = parse_instant(text)
    if when is None:
        return None
    return TimeCandidate(kind, source, stated, when - spread, when + spread, True)


def _sighting_candidates(case: Case, item_id: str) -> list[TimeCandidate | None]:
    found: list[TimeCandidate | None] = []
    for mtime, sidecar in case.conn.execute(
            "SELECT mtime, sidecar FROM sightings WHERE item_id = ? ORDER BY event_seq", (item_id,)):
        if mtime:
            found.append(_instant("file_modified", "sighting", mtime, mtime, _SLACK))
        record = json.loads(sidecar) if sidecar else {}
        if record.get("timestamp"):
            found.append(_instant("upload", "sidecar", record["timestamp"], record["timestamp"], _SLACK))
        elif record.get("upload_date"):
            try:
                day = datetime.fromisoformat(record["upload_date"]).replace(tzinfo=UTC)
            except ValueError:
                continue
            found.append(TimeCandidate("upload", "sidecar", f"{record['upload_date']} (date only)", day,
                                       day + timedelta(days=1), True))
    return found
