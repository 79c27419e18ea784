"""What the map places: each item at its accepted location (else the position its file states) and each
incident at its place. Shared by the map front end and anything else that wants the same points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..case import Case
from .claims import location_claims
from .incidents import list_incidents

PinKind = Literal["item", "incident"]


@dataclass(frozen=True)
class Pin:
    """One place on the map: an item (at its accepted location, else its file GPS) or an incident."""

    kind: PinKind
    ref: str           # item id or incident id
    lat: float
    lon: float
    label: str
    basis: str         # "accepted claim", "file GPS" or "incident"


def item_pins(case: Case) -> list[Pin]:
    """Items with an accepted location (preferred) or a position stated by the file itself."""
    names = dict(case.conn.execute("SELECT id, display_name FROM items"))
    pins = {c.item_id: Pin("item", c.item_id, c.lat, c.lon, names.get(c.item_id, c.item_id[:8]), "accepted claim")
            for c in location_claims(case) if c.accepted}
    for item_id, name, lat, lon in case.conn.execute(
            "SELECT id, display_name, gps_lat, gps_lon FROM items WHERE gps_lat IS NOT NULL AND gps_lon IS NOT NULL"
            " ORDER BY imported_seq"):
        if item_id not in pins and -90 <= lat <= 90 and -180 <= lon <= 180:
            pins[item_id] = Pin("item", item_id, lat, lon, name, "file GPS")
    return list(pins.values())


def incident_pins(case: Case) -> list[Pin]:
    return [Pin("incident", i.incident_id, i.lat, i.lon, i.title, "incident")
            for i in list_incidents(case) if i.lat is not None and i.lon is not None]


def map_pins(case: Case) -> list[Pin]:
    """Every pin of the case: items first, then incidents."""
    return item_pins(case) + incident_pins(case)
