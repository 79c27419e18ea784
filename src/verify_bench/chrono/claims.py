"""Manual time claims: who says an item was recorded when, how precisely, and how they know (events)."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..case import Case
from ..geo.errors import GeoError
from ..geo.projections import TIME_CLAIMED, TIME_WITHDRAWN
from .zones import parse_time, zone_at

TimeMethod = Literal["shadow_sun", "witness", "upload_context", "content", "file_metadata", "other"]
TIME_METHODS: tuple[str, ...] = get_args(TimeMethod)


@dataclass(frozen=True)
class TimeClaim:
    claim_id: str
    item_id: str
    time: str          # ISO 8601 with the offset at the place
    time_utc: str
    zone: str | None
    precision_s: float
    method: str
    note: str | None
    actor: str
    at: str
    event_seq: int
    withdrawn: bool


def claim_time(
    case: Case, item_ref: str, text: str, *, precision_s: float, method: TimeMethod, note: str | None = None,
    zone: str | None = None,
) -> TimeClaim:
    """Record that an item was recorded at ``text`` (ISO 8601) ± ``precision_s`` seconds.

    A time without an offset is read in ``zone``, else in the zone of the item's accepted location.
    """
    item_id = case.find_item(item_ref)["id"]
    if method not in TIME_METHODS:
        raise GeoError(f"method '{method}' is not one of {', '.join(TIME_METHODS)}")
    if not (math.isfinite(precision_s) and precision_s >= 0):
        raise GeoError(f"precision {precision_s:g} s must be zero or a positive number of seconds")
    if zone is None:
        place = case.conn.execute(
            "SELECT c.lat, c.lon FROM accepted_locations a JOIN location_claims c USING (claim_id)"
            " WHERE a.item_id = ?", (item_id,)).fetchone()
        zone = zone_at(*place) if place else None
    zoned = parse_time(text, zone=zone)
    claim_id = str(uuid.uuid4())
    payload: dict[str, Any] = {"claim_id": claim_id, "time": zoned.local, "time_utc": zoned.utc, "zone": zoned.zone,
                               "precision_s": precision_s, "method": method, "note": note}
    with case.write():
        case.append(TIME_CLAIMED, payload, item_id=item_id)
    return _claim(case, claim_id)


def withdraw_time(case: Case, claim_ref: str, *, note: str | None = None) -> TimeClaim:
    claim = find_time_claim(case, claim_ref)
    if claim.withdrawn:
        raise GeoError(f"time claim {claim.claim_id[:8]} is already withdrawn")
    with case.write():
        case.append(TIME_WITHDRAWN, {"claim_id": claim.claim_id, "note": note}, item_id=claim.item_id)
    return _claim(case, claim.claim_id)


def find_time_claim(case: Case, ref: str) -> TimeClaim:
    ref = ref.strip().lower()
    rows = case.conn.execute(
        "SELECT claim_id FROM time_claims WHERE claim_id = ? OR (length(?) >= 4 AND claim_id LIKE ? || '%') LIMIT 2",
        (ref, ref, ref.replace("%", "").replace("_", ""))).fetchall()
    if len(rows) != 1:
        raise GeoError(f"no time claim matches '{ref}'" if not rows else f"'{ref}' matches more than one time claim")
    return _claim(case, rows[0][0])


def time_claims(case: Case, *, item_id: str | None = None) -> list[TimeClaim]:
    sql = _SELECT + (" WHERE item_id = ?" if item_id else "") + " ORDER BY event_seq"
    return [_from_row(r) for r in case.conn.execute(sql, (item_id,) if item_id else ())]


_SELECT = ("SELECT claim_id, item_id, time, time_utc, zone, precision_s, method, note, actor, at, event_seq,"
           " withdrawn_seq IS NOT NULL FROM time_claims")


def _from_row(row: tuple[Any, ...]) -> TimeClaim:
    return TimeClaim(*row[:11], withdrawn=bool(row[11]))


def _claim(case: Case, claim_id: str) -> TimeClaim:
    return _from_row(case.conn.execute(_SELECT + " WHERE claim_id = ?", (claim_id,)).fetchone())
