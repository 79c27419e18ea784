"""Timelines of items by best time (a list, and the data the timeline view draws), and when in the local day
incidents happened."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..case import Case
from ..geo.incidents import Incident, find_incident, list_incidents
from .candidates import INCIDENT_TOLERANCE, TimeCandidate, item_times
from .zones import parse_instant


@dataclass(frozen=True)
class TimelineEntry:
    item_id: str
    display_name: str
    best: TimeCandidate | None      # None: no source says when it was recorded
    local_time: str | None          # best time's middle in the incident's zone (else UTC), ISO 8601
    contradictions: int


def timeline(case: Case, *, incident_ref: str | None = None, item_ids: Iterable[str] | None = None) -> list[TimelineEntry]:
    """Items (of an incident, the given ones, or all) ordered by best time; items with none come last."""
    zone = None
    if incident_ref is not None:
        incident = find_incident(case, incident_ref)
        ids = list(incident.item_ids)
        zone = incident.zone
    elif item_ids is not None:
        ids = [case.find_item(i)["id"] for i in item_ids]
    else:
        ids = [r[0] for r in case.conn.execute("SELECT id FROM items ORDER BY imported_seq")]
    names = dict(case.conn.execute("SELECT id, display_name FROM items"))
    entries = []
    for item_id in ids:
        times = item_times(case, item_id)
        best = times.best
        local = None
        if best is not None:
            middle = best.middle
            local = (middle.astimezone(ZoneInfo(zone)) if zone else middle).isoformat()
        entries.append(TimelineEntry(item_id, names.get(item_id, ""), best, local, len(times.contradictions)))
    return sorted(entries, key=lambda e: (e.best is None, e.best.middle if e.best else datetime.min, e.item_id))


@dataclass(frozen=True)
class TimeOfDay:
    """Incidents by hour of their local day (0–23); ``unknown``: incidents with no time."""

    hours: list[int]
    unknown: list[str]
    local_times: dict[str, str]     # incident id -> local ISO time used

    def between(self, start: time, end: time) -> int:
        """How many incidents fall in ``[start, end)`` local time; wraps past midnight (23:00–04:00)."""
        count = 0
        for text in self.local_times.values():
            t = datetime.fromisoformat(text).time().replace(tzinfo=None)
            inside = start <= t < end if start <= end else (t >= start or t < end)
            count += inside
        return count


def time_of_day(case: Case, incidents: Iterable[Incident] | None = None) -> TimeOfDay:
    """Incidents by local hour, each in its own place's zone (else at the offset its time was given with)."""
    hours = [0] * 24
    unknown: list[str] = []
    local_times: dict[str, str] = {}
    for incident in incidents if incidents is not None else list_incidents(case):
        if not incident.time or not incident.time_utc:
            unknown.append(incident.incident_id)
            continue
        local = datetime.fromisoformat(incident.time)  # the offset stated with the time, when there is no place
        if incident.zone:
            local = datetime.fromisoformat(incident.time_utc).astimezone(ZoneInfo(incident.zone))
        hours[local.hour] += 1
        local_times[incident.incident_id] = local.isoformat()
    return TimeOfDay(hours, unknown, local_times)


@dataclass(frozen=True)
class TimelineRow:
    """One item on the time axis: every candidate time (an interval: its uncertainty) and the best one."""

    item_id: str
    display_name: str
    best: TimeCandidate | None
    candidates: tuple[TimeCandidate, ...]
    contradictions: tuple[str, ...]        # the contradictions' messages
    incident_ids: tuple[str, ...]


@dataclass(frozen=True)
class IncidentSpan:
    """An incident's time with the window an item's capture time may lie in (± the incident tolerance)."""

    incident_id: str
    title: str
    time: datetime                          # UTC
    earliest: datetime
    latest: datetime
    zone: str | None
    item_ids: tuple[str, ...]


@dataclass(frozen=True)
class TimelineData:
    rows: list[TimelineRow]                 # by best time; items with none last
    incidents: list[IncidentSpan]           # incidents with a time, by time
    start: datetime | None                  # what to show first: the best times and incident windows
    end: datetime | None


def timeline_data(case: Case, *, incident_ref: str | None = None, item_ids: Iterable[str] | None = None,
                  tolerance: timedelta = INCIDENT_TOLERANCE) -> TimelineData:
    """Items (of an incident, the given ones, or all) and incidents, placed in time for the timeline view."""
    incidents = list_incidents(case)
    if incident_ref is not None:
        chosen = find_incident(case, incident_ref)
        ids, incidents = list(chosen.item_ids), [chosen]
    elif item_ids is not None:
        ids = [case.find_item(i)["id"] for i in item_ids]
    else:
        ids = [r[0] for r in case.conn.execute("SELECT id FROM items ORDER BY imported_seq")]
    names = dict(case.conn.execute("SELECT id, display_name FROM items"))
    linked: dict[str, list[str]] = {}
    for incident in incidents:
        for item_id in incident.item_ids:
            linked.setdefault(item_id, []).append(incident.incident_id)
    rows = []
    for item_id in ids:
        times = item_times(case, item_id, incident_tolerance=tolerance)
        rows.append(TimelineRow(item_id, names.get(item_id, ""), times.best, tuple(times.candidates),
                                tuple(c.message for c in times.contradictions), tuple(linked.get(item_id, ()))))
    rows.sort(key=lambda r: (r.best is None, r.best.middle if r.best else datetime.min, r.display_name, r.item_id))
    spans = []
    for incident in incidents:
        when = parse_instant(incident.time_utc) if incident.time_utc else None
        if when is not None:
            spans.append(IncidentSpan(incident.incident_id, incident.title, when, when - tolerance, when + tolerance,
                                      incident.zone, incident.item_ids))
    spans.sort(key=lambda s: s.time)
    focus = [t for r in rows if r.best for t in (r.best.earliest, r.best.latest)] + [
        t for s in spans for t in (s.earliest, s.latest)]
    if not focus:
        focus = [t for r in rows for c in r.candidates for t in (c.earliest, c.latest)]
    return TimelineData(rows, spans, min(focus) if focus else None, max(focus) if focus else None)
