"""Location claims: who says an item was filmed where, how sure, and how they know; the accepted one.

Each claim, acceptance and withdrawal is an event. Positions the file states about itself
(EXIF, XMP, video container) are not claims; :func:`item_locations` shows them beside the
claims with the distance between, and flags large disagreements.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ..case import Case
from .coords import ParsedPoint
from .errors import GeoError
from .geodesy import check_lat_lon, distance_m
from .projections import LOCATION_ACCEPTED, LOCATION_CLAIMED, LOCATION_WITHDRAWN

LocationMethod = Literal["file_metadata", "landmark_match", "satellite_comparison", "shadow_sun", "witness", "other"]
Position = Literal["camera", "subject"]
LOCATION_METHODS: tuple[str, ...] = get_args(LocationMethod)
POSITIONS: tuple[str, ...] = get_args(Position)

#: A claim and a metadata position disagree "largely" when further apart than the claim's own
#: precision radius plus this slack (consumer GPS error and the camera-to-subject distance).
DISAGREEMENT_SLACK_M = 250.0


@dataclass(frozen=True)
class LocationClaim:
    claim_id: str
    item_id: str
    lat: float
    lon: float
    precision_m: float
    method: str
    position: str
    direction_deg: float | None
    note: str | None
    input_text: str | None
    input_format: str | None
    actor: str
    at: str
    event_seq: int
    withdrawn: bool
    accepted: bool


@dataclass(frozen=True)
class MetadataPosition:
    """A position the file states about itself, by source (exif, xmp, container)."""

    source: str
    lat: float
    lon: float
    alt: float | None
    direction_deg: float | None


@dataclass(frozen=True)
class Comparison:
    """One claim against one metadata position."""

    claim_id: str
    source: str
    distance_m: float
    flagged: bool  # further apart than the claim's precision + DISAGREEMENT_SLACK_M


@dataclass(frozen=True)
class ItemLocations:
    item_id: str
    accepted: LocationClaim | None
    claims: list[LocationClaim]          # oldest first, withdrawn ones included (marked)
    metadata: list[MetadataPosition]
    comparisons: list[Comparison]        # active claims × metadata positions

    @property
    def flagged(self) -> bool:
        return any(c.flagged for c in self.comparisons)


def claim_location(
    case: Case, item_ref: str, point: ParsedPoint, *, precision_m: float | None = None,
    method: LocationMethod, position: Position = "camera", direction_deg: float | None = None,
    note: str | None = None, input_text: str | None = None, accept: bool = False,
) -> LocationClaim:
    """Record a location claim for an item (and, with ``accept``, make it the accepted location).

    ``precision_m`` defaults to the precision the input form states (grid square, ``u=``); one of
    the two is required, since a claim must say how sure it is.
    """
    item_id = case.find_item(item_ref)["id"]
    try:
        check_lat_lon(point.lat, point.lon)
    except ValueError as exc:
        raise GeoError(str(exc)) from exc
    radius = precision_m if precision_m is not None else point.precision_m
    if radius is None:
        raise GeoError("give a precision radius in metres: how far from this point could the place be?")
    if not (math.isfinite(radius) and 0 < radius <= 20_000_000):
        raise GeoError(f"precision radius {radius:g} m must be a positive number of metres")
    if method not in LOCATION_METHODS:
        raise GeoError(f"method '{method}' is not one of {', '.join(LOCATION_METHODS)}")
    if position not in POSITIONS:
        raise GeoError(f"position '{position}' is not one of {', '.join(POSITIONS)}")
    if direction_deg is not None and not (math.isfinite(direction_deg) and 0 <= direction_deg < 360):
        raise GeoError(f"viewing direction {direction_deg:g}° must be from 0 (north) to below 360")
    claim_id = str(uuid.uuid4())
    payload: dict[str, Any] = {
        "claim_id": claim_id, "lat": point.lat, "lon": point.lon, "precision_m": radius, "method": method,
        "position": position, "direction_deg": direction_deg, "note": note,
        "input_text": input_text, "input_format": point.format,
    }
    with case.write():
        case.append(LOCATION_CLAIMED, payload, item_id=item_id)
        if accept:
            case.append(LOCATION_ACCEPTED, {"claim_id": claim_id, "note": None}, item_id=item_id)
    return _claim(case, claim_id)


def accept_location(case: Case, claim_ref: str, *, note: str | None = None) -> LocationClaim:
    """Make a (not withdrawn) claim the accepted location of its item, replacing any earlier choice."""
    claim = find_location_claim(case, claim_ref)
    if claim.withdrawn:
        raise GeoError(f"claim {claim.claim_id[:8]} was withdrawn and cannot be accepted")
    with case.write():
        case.append(LOCATION_ACCEPTED, {"claim_id": claim.claim_id, "note": note}, item_id=claim.item_id)
    return _claim(case, claim.claim_id)


def clear_accepted_location(case: Case, item_ref: str, *, note: str | None = None) -> None:
    """Leave the item with no accepted location (its claims stay)."""
    item_id = case.find_item(item_ref)["id"]
    with case.write():
        case.append(LOCATION_ACCEPTED, {"claim_id": None, "note": note}, item_id=item_id)


def withdraw_location(case: Case, claim_ref: str, *, note: str | None = None) -> LocationClaim:
    """Withdraw a claim (it stays on record, marked); if it was accepted, the item has none accepted."""
    claim = find_location_claim(case, claim_ref)
    if claim.withdrawn:
        raise GeoError(f"claim {claim.claim_id[:8]} is already withdrawn")
    with case.write():
        case.append(LOCATION_WITHDRAWN, {"claim_id": claim.claim_id, "note": note}, item_id=claim.item_id)
    return _claim(case, claim.claim_id)


def move_location(case: Case, claim_ref: str, point: ParsedPoint, *, how: str = "moved") -> LocationClaim:
    """Restate a claim at another point: claims never change, so this records a new claim with the same method,
    precision, position, direction and note (its ``input_text`` names the claim it replaces), withdraws the old
    one (its note names the new one), and makes the new one accepted when the old one was, in one transaction.

    ``how`` says how it was moved, for the record (e.g. "dragged on the map").
    """
    old = find_location_claim(case, claim_ref)
    if old.withdrawn:
        raise GeoError(f"claim {old.claim_id[:8]} was withdrawn: it cannot be moved")
    try:
        check_lat_lon(point.lat, point.lon)
    except ValueError as exc:
        raise GeoError(str(exc)) from exc
    claim_id = str(uuid.uuid4())
    payload: dict[str, Any] = {
        "claim_id": claim_id, "lat": point.lat, "lon": point.lon, "precision_m": old.precision_m,
        "method": old.method, "position": old.position, "direction_deg": old.direction_deg, "note": old.note,
        "input_text": f"{how} from claim {old.claim_id[:8]}", "input_format": point.format,
    }
    moved = distance_m(old.lat, old.lon, point.lat, point.lon)
    with case.write():
        case.append(LOCATION_CLAIMED, payload, item_id=old.item_id)
        case.append(LOCATION_WITHDRAWN, {"claim_id": old.claim_id,
                                         "note": f"{how} {moved:,.0f} m: replaced by claim {claim_id[:8]}"},
                    item_id=old.item_id)
        if old.accepted:
            case.append(LOCATION_ACCEPTED, {"claim_id": claim_id, "note": f"replaces claim {old.claim_id[:8]}"},
                        item_id=old.item_id)
    return _claim(case, claim_id)


def find_location_claim(case: Case, ref: str) -> LocationClaim:
    """A claim by id or unique id prefix (4+ characters)."""
    ref = ref.strip().lower()
    rows = case.conn.execute(
        "SELECT claim_id FROM location_claims WHERE claim_id = ? OR (length(?) >= 4 AND claim_id LIKE ? || '%')"
        " LIMIT 2", (ref, ref, ref.replace("%", "").replace("_", ""))).fetchall()
    if not rows:
        raise GeoError(f"no location claim matches '{ref}'")
    if len(rows) > 1:
        raise GeoError(f"'{ref}' matches more than one location claim; type more characters")
    return _claim(case, rows[0][0])


def item_locations(case: Case, item_ref: str, *, slack_m: float = DISAGREEMENT_SLACK_M) -> ItemLocations:
    """Claims, metadata positions and their distances for one item: what the map panel and ``locations`` show."""
    item_id = case.find_item(item_ref)["id"]
    claims = location_claims(case, item_id=item_id)
    metadata = metadata_positions(case, item_id)
    comparisons = [
        Comparison(c.claim_id, m.source, d, d > c.precision_m + slack_m)
        for c in claims if not c.withdrawn
        for m in metadata
        for d in [distance_m(c.lat, c.lon, m.lat, m.lon)]
    ]
    accepted = next((c for c in claims if c.accepted), None)
    return ItemLocations(item_id, accepted, claims, metadata, comparisons)


def location_claims(case: Case, *, item_id: str | None = None) -> list[LocationClaim]:
    """All claims (of one item, or of the case), oldest first."""
    sql = _CLAIM_SELECT + (" WHERE c.item_id = ?" if item_id else "") + " ORDER BY c.event_seq"
    return [_from_row(r) for r in case.conn.execute(sql, (item_id,) if item_id else ())]


def metadata_positions(case: Case, item_id: str) -> list[MetadataPosition]:
    """Each source's stated position (a source's n-th latitude paired with its n-th longitude)."""
    by_source: dict[str, dict[str, list[Any]]] = {}
    for field, value, source in case.conn.execute(
        "SELECT field, value, source FROM fields WHERE item_id = ? AND field IN"
        " ('gps_lat', 'gps_lon', 'gps_alt', 'gps_direction') ORDER BY rowid", (item_id,)):
        by_source.setdefault(source, {}).setdefault(field, []).append(json.loads(value))
    found = []
    for source, f in by_source.items():
        for i, (lat, lon) in enumerate(zip(f.get("gps_lat", []), f.get("gps_lon", []))):
            try:
                check_lat_lon(float(lat), float(lon))
            except (TypeError, ValueError):
                continue  # a broken tag is shown by 'show', not placed on a map
            alt = f.get("gps_alt", [])[i] if i < len(f.get("gps_alt", [])) else None
            direction = f.get("gps_direction", [])[i] if i < len(f.get("gps_direction", [])) else None
            found.append(MetadataPosition(source, float(lat), float(lon), alt, direction))
    return found


_CLAIM_SELECT = (
    "SELECT c.claim_id, c.item_id, c.lat, c.lon, c.precision_m, c.method, c.position, c.direction_deg, c.note,"
    " c.input_text, c.input_format, c.actor, c.at, c.event_seq, c.withdrawn_seq IS NOT NULL,"
    " a.claim_id IS NOT NULL FROM location_claims c LEFT JOIN accepted_locations a ON a.claim_id = c.claim_id"
)


def _from_row(row: tuple[Any, ...]) -> LocationClaim:
    return LocationClaim(*row[:14], withdrawn=bool(row[14]), accepted=bool(row[15]))


def _claim(case: Case, claim_id: str) -> LocationClaim:
    return _from_row(case.conn.execute(_CLAIM_SELECT + " WHERE c.claim_id = ?", (claim_id,)).fetchone())
