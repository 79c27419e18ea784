"""Which reference areas contain a point, and on which side of reference lines it lies.

Geometry is planar in longitude/latitude (as GeoJSON and KML draw it), which is exact enough for
areas and lines of city or regional size away from the poles and the antimeridian.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Literal

from ..case import Case
from .claims import metadata_positions
from .geodesy import distance_m
from .incidents import find_incident


@dataclass(frozen=True)
class LayerRelation:
    """How a point relates to one reference feature."""

    layer_id: str
    layer_name: str
    feature_index: int
    feature_name: str | None
    feature_date: str | None
    geometry_type: str
    relation: Literal["inside", "left_of", "right_of"]   # left/right: seen walking along the line's direction
    distance_m: float | None = None                      # to the nearest point of a line


@dataclass(frozen=True)
class PlaceRelations:
    lat: float
    lon: float
    basis: str                       # what position was used: "accepted claim …", "exif", "incident"
    relations: list[LayerRelation]


def relations_at(case: Case, lat: float, lon: float, *, basis: str = "point") -> PlaceRelations:
    """Every area containing the point, and the side of every line (lines within ~1° only)."""
    found: list[LayerRelation] = []
    for layer_id, layer_name, index, name, date, kind, geometry in case.conn.execute(
        "SELECT l.layer_id, l.name, f.feature_index, f.name, f.date, f.geometry_type, f.geometry"
        " FROM reference_features f JOIN reference_layers l USING (layer_id)"
        " WHERE f.min_lat - 1 <= ? AND ? <= f.max_lat + 1 AND f.min_lon - 1 <= ? AND ? <= f.max_lon + 1"
        " ORDER BY l.event_seq, f.feature_index", (lat, lat, lon, lon)):
        g = json.loads(geometry)
        if kind in ("Polygon", "MultiPolygon"):
            polygons = [g["coordinates"]] if kind == "Polygon" else g["coordinates"]
            if any(in_polygon(lon, lat, p) for p in polygons):
                found.append(LayerRelation(layer_id, layer_name, index, name, date, kind, "inside"))
        elif kind in ("LineString", "MultiLineString"):
            lines = [g["coordinates"]] if kind == "LineString" else g["coordinates"]
            side, metres = side_of_lines(lon, lat, lines)
            found.append(LayerRelation(layer_id, layer_name, index, name, date, kind, side, metres))
    return PlaceRelations(lat, lon, basis, found)


def item_relations(case: Case, item_ref: str) -> PlaceRelations | None:
    """Relations of an item's accepted location, else of the position its file states; None if neither."""
    item_id = case.find_item(item_ref)["id"]
    row = case.conn.execute(
        "SELECT c.lat, c.lon, c.claim_id FROM accepted_locations a JOIN location_claims c USING (claim_id)"
        " WHERE a.item_id = ?", (item_id,)).fetchone()
    if row:
        return relations_at(case, row[0], row[1], basis=f"accepted claim {row[2][:8]}")
    stated = metadata_positions(case, item_id)
    if stated:
        return relations_at(case, stated[0].lat, stated[0].lon, basis=stated[0].source)
    return None


def incident_relations(case: Case, incident_ref: str) -> PlaceRelations | None:
    incident = find_incident(case, incident_ref)
    if incident.lat is None or incident.lon is None:
        return None
    return relations_at(case, incident.lat, incident.lon, basis="incident")


def in_polygon(x: float, y: float, rings: list[list[list[float]]]) -> bool:
    """Inside the outer ring and outside every hole (even-odd rule; points on an edge count as inside)."""
    return bool(rings) and _in_ring(x, y, rings[0]) and not any(_in_ring(x, y, hole) for hole in rings[1:])


def _in_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip((p[:2] for p in ring), (p[:2] for p in ring[1:])):
        if _on_segment(x, y, x1, y1, x2, y2):
            return True
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _on_segment(x: float, y: float, x1: float, y1: float, x2: float, y2: float) -> bool:
    cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
    return abs(cross) < 1e-12 and min(x1, x2) <= x <= max(x1, x2) and min(y1, y2) <= y <= max(y1, y2)


def side_of_lines(x: float, y: float, lines: list[list[list[float]]]) -> tuple[Literal["left_of", "right_of"], float]:
    """The side of the nearest segment (in a local equal-scale projection) and the distance to it in metres."""
    scale = math.cos(math.radians(y))
    best: tuple[float, float, tuple[float, float]] | None = None  # (distance², cross, nearest point)
    for line in lines:
        for (x1, y1), (x2, y2) in zip((p[:2] for p in line), (p[:2] for p in line[1:])):
            ax, ay, bx, by, px, py = x1 * scale, y1, x2 * scale, y2, x * scale, y
            dx, dy = bx - ax, by - ay
            t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
            nx, ny = ax + t * dx, ay + t * dy
            d2 = (px - nx) ** 2 + (py - ny) ** 2
            cross = dx * (py - ay) - dy * (px - ax)
            if best is None or d2 < best[0]:
                best = (d2, cross, (ny, nx / scale))
    assert best is not None  # validated layers have lines of two or more positions
    side: Literal["left_of", "right_of"] = "left_of" if best[1] > 0 else "right_of"
    return side, distance_m(y, x, best[2][0], best[2][1])
