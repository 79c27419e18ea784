"""One preferred value per normalised field, and the fields whose sources materially disagree.

Preference follows :data:`SOURCE_PRIORITY`; sources not listed come last. "Materially" means:

- ``taken_at``: more than :data:`TIME_TOLERANCE_S` apart, comparing UTC instants when both
  sources state an offset (``taken_at_offset``) and wall-clock times otherwise; ``gps_time``
  and ``creation_time`` the same way with the zone written in the value;
- position: ``gps_lat``/``gps_lon`` are compared as one pair, reported as field ``"gps"`` with
  ``(lat, lon)`` values, when more than :data:`GPS_TOLERANCE_M` metres apart (haversine);
- numbers: beyond :data:`NUMBER_TOLERANCE` for that field, else a relative 1e-6;
- anything else as text, ignoring case and runs of whitespace.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from itertools import combinations
from typing import Any

from ..media.analysis import FieldValue

SOURCE_PRIORITY = ("exif", "xmp", "container", "sidecar", "filename", "decoder")
TIME_TOLERANCE_S = 2.0
GPS_TOLERANCE_M = 50.0
NUMBER_TOLERANCE = {"gps_alt": 1.0, "gps_direction": 1.0, "frame_rate": 0.01, "rotation": 0.5}
_EARTH_RADIUS_M = 6_371_008.8
_ZONED_TIMES = ("gps_time", "creation_time")

Stated = tuple[Any, str]  # (value, source)


@dataclass(frozen=True)
class Disagreement:
    """A field (or ``"gps"`` for the lat/lon pair) and every distinct value the sources state for it."""

    field: str
    values: list[Stated]


def choose(fields: list[FieldValue]) -> dict[str, Stated]:
    """Per field, the value from the highest-priority source (the first one stated within a source).

    ``taken_at_offset`` only comes from the source chosen for ``taken_at`` and ``gps_lon`` from the
    one chosen for ``gps_lat``, so a time or a position is never assembled from two sources.
    """
    best: dict[str, Stated] = {}
    for f in sorted(fields, key=lambda f: _rank(f.source)):
        best.setdefault(f.field, (f.value, f.source))
    for part, whole in (("taken_at_offset", "taken_at"), ("gps_lon", "gps_lat")):
        best.pop(part, None)
        if whole in best:
            source = best[whole][1]
            value = next((f.value for f in fields if f.field == part and f.source == source), None)
            if value is not None:
                best[part] = (value, source)
    return best


def disagreements(fields: list[FieldValue]) -> list[Disagreement]:
    """Fields whose sources state materially different values, in order of first appearance."""
    stated: dict[str, list[Stated]] = {}
    for f in fields:
        values = stated.setdefault(f.field, [])
        if (f.value, f.source) not in values:
            values.append((f.value, f.source))
    offsets: dict[str, str] = {}
    for value, source in stated.get("taken_at_offset", []):
        offsets.setdefault(source, value)
    found = []
    for name, values in stated.items():
        if name == "gps_lon":
            continue
        if name == "gps_lat":
            name, values, differ = "gps", _positions(fields), _far_apart
        elif name == "taken_at":
            differ = _taken_at_differ(offsets)
        elif name in _ZONED_TIMES:
            differ = _times_differ
        else:
            differ = _values_differ(name)
        if any(differ(a, b) for a, b in combinations(values, 2)):
            found.append(Disagreement(name, values))
    return found


def _rank(source: str) -> int:
    return SOURCE_PRIORITY.index(source) if source in SOURCE_PRIORITY else len(SOURCE_PRIORITY)


def _positions(fields: list[FieldValue]) -> list[Stated]:
    """(lat, lon) pairs, pairing each source's n-th latitude with its n-th longitude."""
    lats: dict[str, list[Any]] = {}
    lons: dict[str, list[Any]] = {}
    for f in fields:
        if f.field in ("gps_lat", "gps_lon"):
            (lats if f.field == "gps_lat" else lons).setdefault(f.source, []).append(f.value)
    pairs: list[Stated] = []
    for source, source_lats in lats.items():
        for pair in zip(source_lats, lons.get(source, [])):
            if (pair, source) not in pairs:
                pairs.append((pair, source))
    return pairs


def _far_apart(a: Stated, b: Stated) -> bool:
    try:
        lat1, lon1, lat2, lon2 = (math.radians(float(c)) for c in (*a[0], *b[0]))
    except (TypeError, ValueError):
        return a[0] != b[0]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h))) > GPS_TOLERANCE_M


def _taken_at_differ(offsets: dict[str, str]) -> Callable[[Stated, Stated], bool]:
    def differ(a: Stated, b: Stated) -> bool:
        return _times_differ((_zoned(a[0], offsets.get(a[1])), a[1]), (_zoned(b[0], offsets.get(b[1])), b[1]))
    return differ


def _zoned(value: Any, offset: str | None) -> Any:
    """A local time with its source's offset appended, when it has one."""
    return f"{value}{offset}" if isinstance(value, str) and offset else value


def _times_differ(a: Stated, b: Stated) -> bool:
    """More than TIME_TOLERANCE_S apart: as instants if both are zoned, else as wall-clock times."""
    try:
        t1, t2 = datetime.fromisoformat(a[0]), datetime.fromisoformat(b[0])
    except (TypeError, ValueError):
        return _text(a[0]) != _text(b[0])
    if t1.tzinfo is None or t2.tzinfo is None:
        t1, t2 = t1.replace(tzinfo=None), t2.replace(tzinfo=None)
    else:
        t1, t2 = t1.astimezone(timezone.utc), t2.astimezone(timezone.utc)
    return abs(t1 - t2) > timedelta(seconds=TIME_TOLERANCE_S)


def _values_differ(field: str) -> Callable[[Stated, Stated], bool]:
    def differ(a: Stated, b: Stated) -> bool:
        x, y = a[0], b[0]
        if _is_number(x) and _is_number(y):
            tolerance = NUMBER_TOLERANCE.get(field, 1e-6 * max(1.0, abs(x), abs(y)))
            return abs(x - y) > tolerance
        return _text(x) != _text(y)
    return differ


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _text(value: Any) -> str:
    return " ".join(str(value).split()).casefold()
