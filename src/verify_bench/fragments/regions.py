"""Regions drawn on a picture: rectangles, polygons and points, in pixel-edge coordinates.

Coordinates are continuous: pixel ``(i, j)`` covers ``[i, i+1) x [j, j+1)``, so a rectangle
``x, y, w, h`` with whole numbers covers exactly ``w x h`` pixels and a point at a pixel's
centre is ``(i + 0.5, j + 0.5)``. Numbers are kept to 3 decimals (integral values as ints) so
that the JSON form recorded in events is deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from .errors import FragmentError

Shape = Literal["rect", "polygon", "point"]
Point = tuple[float, float]
SHAPES: tuple[str, ...] = get_args(Shape)


@dataclass(frozen=True)
class Region:
    """A shape on one pixel grid. ``rect`` has two points (top-left, bottom-right), ``point`` one."""

    shape: Shape
    points: tuple[Point, ...]

    def to_json(self) -> dict[str, Any]:
        return {"shape": self.shape, "points": [[x, y] for x, y in self.points]}

    def bbox(self) -> tuple[float, float, float, float]:
        """``(x, y, w, h)``: zero width and height for a point."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return min(xs), min(ys), number(max(xs) - min(xs)), number(max(ys) - min(ys))

    def check_within(self, width: int, height: int) -> None:
        """Raise :class:`FragmentError` if any point lies outside a ``width x height`` picture."""
        for x, y in self.points:
            if not (0 <= x <= width and 0 <= y <= height):
                raise FragmentError(
                    f"the {self.shape} reaches ({x}, {y}), outside the {width} x {height} picture")


def number(value: Any) -> float:
    """A finite coordinate rounded to 3 decimals; integral values become ints."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise FragmentError(f"{value!r} is not a number") from exc
    if not math.isfinite(v):
        raise FragmentError(f"{value!r} is not a finite number")
    v = round(v, 3)
    return int(v) if v.is_integer() else v


def rect(x: float, y: float, w: float, h: float) -> Region:
    if number(w) <= 0 or number(h) <= 0:
        raise FragmentError(f"a rectangle needs a positive width and height, not {w} x {h}")
    return Region("rect", ((number(x), number(y)), (number(x + w), number(y + h))))


def polygon(points: list[Point] | tuple[Point, ...]) -> Region:
    pts = tuple((number(x), number(y)) for x, y in points)
    if len(set(pts)) < 3:
        raise FragmentError(f"a polygon needs at least 3 distinct points, not {len(set(pts))}")
    if _area(pts) == 0:
        raise FragmentError("the polygon's points lie on one line: it encloses nothing")
    return Region("polygon", pts)


def point(x: float, y: float) -> Region:
    return Region("point", ((number(x), number(y)),))


def from_points(shape: str, points: list[Point] | tuple[Point, ...]) -> Region:
    """A region of ``shape`` through ``points`` (a rectangle through any two opposite corners)."""
    if shape == "rect":
        if len(points) != 2:
            raise FragmentError(f"a rectangle is given by 2 corners, not {len(points)} points")
        (ax, ay), (bx, by) = points
        return rect(min(ax, bx), min(ay, by), abs(bx - ax), abs(by - ay))
    if shape == "polygon":
        return polygon(points)
    if shape == "point":
        if len(points) != 1:
            raise FragmentError(f"a point region has 1 point, not {len(points)}")
        return point(*points[0])
    raise FragmentError(f"unknown region shape {shape!r}; use one of {', '.join(SHAPES)}")


def from_json(value: dict[str, Any]) -> Region:
    try:
        shape = cast(str, value["shape"])
        points = [(p[0], p[1]) for p in value["points"]]
    except (KeyError, TypeError, IndexError) as exc:
        raise FragmentError(f"not a region: {value!r}") from exc
    return from_points(shape, points)


def parse_numbers(text: str, count: int | None = None) -> list[float]:
    """``"10,20,30,40"`` -> numbers; ``count`` demands exactly that many."""
    try:
        values = [float(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError as exc:
        raise FragmentError(f"{text!r}: expected numbers separated by commas") from exc
    if count is not None and len(values) != count:
        raise FragmentError(f"{text!r}: expected {count} numbers, got {len(values)}")
    return values


def parse_polygon(text: str) -> Region:
    """``"x1,y1;x2,y2;x3,y3"`` (or all numbers separated by commas) -> a polygon."""
    values = parse_numbers(text)
    if len(values) % 2:
        raise FragmentError(f"{text!r}: a polygon needs x,y pairs")
    return polygon([(values[i], values[i + 1]) for i in range(0, len(values), 2)])


def _area(points: tuple[Point, ...]) -> float:
    """Twice the signed area (shoelace); 0 for collinear points."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))
