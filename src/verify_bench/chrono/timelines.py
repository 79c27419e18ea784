"""Timelines of items by best time, and when in the local day incidents happened."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from ..case import Case
from ..geo.incidents import Incident, find_incident, list_incidents
from .candidates import TimeCandidate, item_times


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
