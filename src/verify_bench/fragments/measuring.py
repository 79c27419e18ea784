"""Measuring from a known length: a scale marked in the picture, then lengths on the same plane.

A **scale** is a segment the user marks on something of known size (a ruler, a brick, a hand)
with its real length; a **measurement** is another segment on the same item and frame, whose
length is ``pixels / scale pixels x scale length``. That holds only for segments on the same plane
as the scale and roughly square to the camera: the app cannot check this, so every measurement
records (and shows) the scale it used. Pixel lengths are taken on the stored grid, where every
orientation preserves them; a video's non-square pixels (sample aspect ratio) are not corrected.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass
from typing import Any

from ..case import Case
from .errors import FragmentError, FragmentNotFound
from .geometry import upright_to_stored
from .model import get_fragment
from .picture import item_geometry
from .projections import MEASURED, MEASUREMENT_DELETED, SCALE_DELETED, SCALE_SET
from .regions import Point, Region, number
from .tags import Grid


@dataclass(frozen=True)
class Scale:
    id: str
    item_id: str
    frame_ts: float | None
    points: tuple[Point, Point]         # stored grid
    pixels: float
    length: float
    unit: str
    label: str

    def measure(self, a: Point, b: Point) -> float:
        """The real length of the stored-grid segment ``a``-``b`` by this scale (not recorded)."""
        return scaled_length(segment_pixels(a, b), self.pixels, self.length)

    def describe(self) -> str:
        return f"{self.label}: {self.length:g} {self.unit} over {self.pixels:g} px"


@dataclass(frozen=True)
class Measurement:
    id: str
    item_id: str
    frame_ts: float | None
    scale_id: str
    fragment_id: str | None
    points: tuple[Point, Point]
    pixels: float
    length: float
    unit: str
    reference: dict[str, Any]           # the scale used, as it was
    label: str | None


def segment_pixels(a: Point, b: Point) -> float:
    return number(math.dist(a, b))


def scaled_length(pixels: float, scale_pixels: float, scale_length: float) -> float:
    return number(pixels / scale_pixels * scale_length)


def set_scale(
    case: Case, item_ref: str, a: Point, b: Point, *, length: float, unit: str, label: str, grid: Grid,
    frame_ts: float | None = None,
) -> Scale:
    """Record a known length between ``a`` and ``b`` on an item (and frame)."""
    item = case.find_item(item_ref)
    points = _stored_segment(case, item["id"], a, b, grid, frame_ts)
    if not (length > 0 and math.isfinite(length)):
        raise FragmentError(f"the known length must be a positive number, not {length}")
    if not unit.strip() or not label.strip():
        raise FragmentError("a scale needs a unit (mm, cm, m, in) and what it was measured against (e.g. 'brick')")
    scale = Scale(uuid.uuid4().hex, item["id"], None if frame_ts is None else number(frame_ts), points,
                  segment_pixels(*points), number(length), unit.strip(), label.strip())
    with case.write():
        case.append(SCALE_SET, {"scale_id": scale.id, "frame_ts": scale.frame_ts,
                                "points": [list(p) for p in points], "pixels": scale.pixels,
                                "length": scale.length, "unit": scale.unit, "label": scale.label}, item_id=item["id"])
    return scale


def measure(
    case: Case, scale_ref: str, a: Point, b: Point, *, grid: Grid, fragment_ref: str | None = None,
    label: str | None = None,
) -> Measurement:
    """Record the length of ``a``-``b`` by a scale on the same item and frame."""
    scale = get_scale(case, scale_ref)
    points = _stored_segment(case, scale.item_id, a, b, grid, scale.frame_ts)
    fragment_id = None
    if fragment_ref:
        fragment = get_fragment(case, fragment_ref)
        if (fragment.item_id, fragment.frame_ts) != (scale.item_id, scale.frame_ts):
            raise FragmentError("the fragment is on another item or frame than the scale: measure on the same picture")
        fragment_id = fragment.id
    pixels = segment_pixels(*points)
    reference = {"label": scale.label, "length": scale.length, "unit": scale.unit, "pixels": scale.pixels,
                 "points": [list(p) for p in scale.points]}
    m = Measurement(uuid.uuid4().hex, scale.item_id, scale.frame_ts, scale.id, fragment_id, points, pixels,
                    scaled_length(pixels, scale.pixels, scale.length), scale.unit, reference, label)
    with case.write():
        case.append(MEASURED, {"measurement_id": m.id, "scale_id": scale.id, "fragment_id": fragment_id,
                               "frame_ts": m.frame_ts, "points": [list(p) for p in points], "pixels": pixels,
                               "length": m.length, "unit": m.unit, "reference": reference, "label": label},
                    item_id=scale.item_id)
    return m


def get_scale(case: Case, ref: str) -> Scale:
    """A scale by id or unique id prefix (4+ characters)."""
    rows = list(case.db.query("SELECT * FROM fragment_scales WHERE id = ?", [ref]))
    if not rows and len(ref) >= 4:
        like = ref.replace("%", "").replace("_", "") + "%"
        rows = list(case.db.query("SELECT * FROM fragment_scales WHERE id LIKE ? LIMIT 2", [like]))
    if len(rows) != 1:
        raise FragmentNotFound(f"no scale matches '{ref}'" if not rows else f"'{ref}' matches more than one scale")
    return _scale(rows[0])


def scales(case: Case, item_id: str) -> list[Scale]:
    return [_scale(r) for r in case.db.query("SELECT * FROM fragment_scales WHERE item_id = ? ORDER BY event_seq",
                                             [item_id])]


def measurements(case: Case, item_id: str) -> list[Measurement]:
    return [Measurement(r["id"], r["item_id"], r["frame_ts"], r["scale_id"], r["fragment_id"],
                        _points(r["points"]), r["pixels"], r["length"], r["unit"], json.loads(r["reference"]),
                        r["label"])
            for r in case.db.query("SELECT * FROM fragment_measurements WHERE item_id = ? ORDER BY event_seq",
                                   [item_id])]


def delete_scale(case: Case, scale_ref: str) -> int:
    """Delete a scale (measurements made with it keep their recorded reference)."""
    scale = get_scale(case, scale_ref)
    with case.write():
        return case.append(SCALE_DELETED, {"scale_id": scale.id}, item_id=scale.item_id).seq


def delete_measurement(case: Case, measurement_id: str) -> int:
    row = case.conn.execute("SELECT item_id FROM fragment_measurements WHERE id = ?", (measurement_id,)).fetchone()
    if row is None:
        raise FragmentNotFound(f"no measurement {measurement_id}")
    with case.write():
        return case.append(MEASUREMENT_DELETED, {"measurement_id": measurement_id}, item_id=row[0]).seq


def _stored_segment(case: Case, item_id: str, a: Point, b: Point, grid: Grid,
                    frame_ts: float | None) -> tuple[Point, Point]:
    geometry = item_geometry(case, item_id)
    pts = [(number(p[0]), number(p[1])) for p in (a, b)]
    if grid == "upright":
        pts = [upright_to_stored(p, geometry.stored_width, geometry.stored_height, geometry.orientation) for p in pts]
        pts = [(number(x), number(y)) for x, y in pts]
    elif grid != "stored":
        raise FragmentError(f"grid must be 'upright' or 'stored', not {grid!r}")
    for p in pts:
        Region("point", (p,)).check_within(geometry.stored_width, geometry.stored_height)
    geometry.check(Region("point", (pts[0],)), None if frame_ts is None else number(frame_ts))
    if pts[0] == pts[1]:
        raise FragmentError("the two ends of a segment must differ")
    return pts[0], pts[1]


def _scale(r: dict[str, Any]) -> Scale:
    return Scale(r["id"], r["item_id"], r["frame_ts"], _points(r["points"]), r["pixels"], r["length"], r["unit"],
                 r["label"])


def _points(text: str) -> tuple[Point, Point]:
    a, b = json.loads(text)
    return (a[0], a[1]), (b[0], b[1])
