"""Graphics items of the map: the bundled basemap, pins and clusters, and the selected item's claims.

Everything is placed in Web-Mercator world units (:mod:`verify_bench.geo.mercator`); outlines use
cosmetic pens and markers ignore the view's scale, so they keep their on-screen size at every zoom.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from ... import geo
from ...geo.mercator import WORLD, project, unproject
from ..models.map_model import Cluster

OCEAN = QColor("#cfe3ee")
LAND = QColor("#f3efe4")
BORDER = QColor("#a9a18f")
ITEM = QColor("#2f6fb3")
INCIDENT = QColor("#c0392b")
SELECTED = QColor("#f39c12")
ACCEPTED = QColor("#1e8449")
CLAIM = QColor("#d35400")
WITHDRAWN = QColor("#8c8c8c")
FILE_GPS = QColor("#6c3483")
FLAGGED = QColor("#d0312d")
MIN_ZOOM = 0               # QGraphicsItem.data key: the web-map zoom from which an item is shown
CLAIM_KEY = 1              # QGraphicsItem.data key: the claim id of a draggable claim centre
PLACES_ZOOM = 4.0          # the bundled populated places
DETAIL_ZOOM = 11.0         # the selected item's markers and labels (below it they would sit on one pixel)


def point(lat: float, lon: float) -> QPointF:
    return QPointF(*project(lat, lon))


def polygon(vertices: Iterable[tuple[float, float]]) -> QPolygonF:
    """A polygon of ``(lat, lon)`` vertices, as :func:`geo.circle` and :func:`geo.view_wedge` return them."""
    return QPolygonF([point(lat, lon) for lat, lon in vertices])


def _pen(color: QColor, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(color, width, style)
    pen.setCosmetic(True)
    return pen


class Marker(QGraphicsItem):
    """A dot, ring or pin of a fixed size in pixels with an optional label beside it, or only a label."""

    def __init__(self, at: QPointF, color: QColor, *, radius: float = 5.0, label: str = "", style: str = "dot",
                 text: str = "", outline: QColor | None = None) -> None:
        super().__init__()
        self.setPos(at)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.color, self.radius, self.label, self.style, self.text = color, radius, label, style, text
        self.outline = outline or QColor("white")
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        metrics = QFontMetricsF(self._font)
        self._label_width = metrics.horizontalAdvance(label) + 6 if label else 0.0
        self._text_height = metrics.height()

    def boundingRect(self) -> QRectF:
        r = self.radius + 3
        top = -2 * r - 4 if self.style == "pin" else -r
        return QRectF(-r, top, 2 * r + self._label_width + 4, max(2 * r, self._text_height) - top + r)

    def _centre(self) -> QPointF:
        """Where the shape is drawn: a pin stands on its point, a dot sits on it."""
        return QPointF(0, -self.radius - 6) if self.style == "pin" else QPointF(0, 0)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        c, r = self._centre(), self.radius
        if self.style == "pin":
            painter.setPen(QPen(self.outline, 1.5))
            painter.setBrush(self.color)
            painter.drawPolygon(QPolygonF([QPointF(-r * 0.6, c.y() + r * 0.6), QPointF(0, 0),
                                           QPointF(r * 0.6, c.y() + r * 0.6)]))
        if self.style == "ring":
            painter.setPen(QPen(self.color, 2.5))
            painter.setBrush(QColor(255, 255, 255, 160))
        else:
            painter.setPen(QPen(self.outline, 1.5))
            painter.setBrush(self.color)
        if self.style != "label":
            painter.drawEllipse(c, r, r)
        painter.setFont(self._font)
        if self.text:
            painter.setPen(QColor("white"))
            painter.drawText(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r), Qt.AlignmentFlag.AlignCenter, self.text)
        if self.label:
            at = QPointF(r + 4, c.y() + self._text_height / 2 - 3)
            path = QPainterPath()
            path.addText(at, self._font, self.label)
            painter.setPen(QPen(QColor(255, 255, 255, 220), 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)  # a halo keeps the label readable over any colour
            painter.setPen(QColor("#202020"))
            painter.drawText(at, self.label)


class PinMarker(Marker):
    """Pins of one cluster: one item or incident, or a numbered group of them."""

    def __init__(self, group: Cluster, *, selected: bool) -> None:
        first = group.pins[0]
        many = len(group.pins) > 1
        color = INCIDENT if first.kind == "incident" else SELECTED if selected else ITEM
        super().__init__(QPointF(group.x, group.y), color, radius=10 if many else 7, style="dot" if many else "pin",
                         text=str(len(group.pins)) if many else "", label="" if many else first.label)
        self.group = group
        self.setZValue(30 if selected else 20)
        kinds = "incidents" if first.kind == "incident" else "items"
        self.setToolTip(f"{len(group.pins)} {kinds} — click to zoom in" if many else
                        f"{first.label}\n{'Incident' if first.kind == 'incident' else first.basis}: "
                        f"{first.lat:.5f}, {first.lon:.5f}")


def basemap_items() -> list[QGraphicsItem]:
    """Ocean, land with borders, and (from zoom 4, see :data:`PLACES_FROM_SCALE`) the populated places."""
    ocean = QGraphicsRectItem(QRectF(0, 0, WORLD, WORLD))
    ocean.setBrush(OCEAN)
    ocean.setPen(Qt.PenStyle.NoPen)
    items: list[QGraphicsItem] = [ocean]
    for feature in geo.load_basemap("countries")["features"]:
        path = QPainterPath()
        for ring in _rings(feature["geometry"]):
            path.addPolygon(QPolygonF([point(lat, lon) for lon, lat, *_ in ring]))
            path.closeSubpath()
        land = QGraphicsPathItem(path)
        land.setBrush(LAND)
        land.setPen(_pen(BORDER, 0.8))
        land.setToolTip(feature["properties"].get("name", ""))
        items.append(land)
    for feature in geo.load_basemap("places")["features"]:
        lon, lat = feature["geometry"]["coordinates"][:2]
        place = Marker(point(lat, lon), QColor("#5d5d5d"), radius=2.5, label=feature["properties"].get("name", ""))
        place.setData(MIN_ZOOM, PLACES_ZOOM)
        place.setZValue(5)
        items.append(place)
    return items


def _rings(geometry: dict[str, Any]) -> list[Sequence[Sequence[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    return []


def wedge_reach(precision_m: float) -> float:
    """How far the viewing-direction wedge reaches: beyond the precision circle, at least 300 m."""
    return max(3 * precision_m, 300.0)


def overlay_items(locations: geo.ItemLocations) -> list[QGraphicsItem]:
    """The selected item's claims (precision circle, viewing wedge, centre), its file GPS, and distances."""
    items: list[QGraphicsItem] = []
    for claim in locations.claims:
        color = WITHDRAWN if claim.withdrawn else ACCEPTED if claim.accepted else CLAIM
        fill = QColor(color)
        fill.setAlpha(25 if claim.withdrawn else 50)
        area = QGraphicsPathItem(_closed(polygon(geo.circle(claim.lat, claim.lon, claim.precision_m))))
        area.setPen(_pen(color, 1.5, Qt.PenStyle.DotLine if claim.withdrawn else Qt.PenStyle.SolidLine))
        area.setBrush(QBrush(fill))
        area.setZValue(10)
        items.append(area)
        if claim.direction_deg is not None and not claim.withdrawn:
            wedge = QGraphicsPathItem(_closed(polygon(geo.view_wedge(
                claim.lat, claim.lon, claim.direction_deg, reach_m=wedge_reach(claim.precision_m)))))
            wedge.setPen(_pen(color, 1.2, Qt.PenStyle.DashLine))
            wedge.setBrush(QColor(color.red(), color.green(), color.blue(), 35))
            wedge.setZValue(11)
            items.append(wedge)
        state = " (withdrawn)" if claim.withdrawn else " (accepted)" if claim.accepted else ""
        centre = Marker(point(claim.lat, claim.lon), color, radius=4,
                        label=f"{claim.method.replace('_', ' ')} ±{claim.precision_m:,.0f} m{state}")
        centre.setZValue(40)
        centre.setData(MIN_ZOOM, DETAIL_ZOOM)
        if not claim.withdrawn:
            centre.setData(CLAIM_KEY, claim.claim_id)
            centre.setCursor(Qt.CursorShape.SizeAllCursor)
            centre.setToolTip("Drag to move this claim (recorded as a new claim; the old one is withdrawn)")
        items.append(centre)
    claims = {c.claim_id: c for c in locations.claims}
    for comparison in locations.comparisons:
        claim = claims[comparison.claim_id]
        stated = next(m for m in locations.metadata if m.source == comparison.source)
        color = FLAGGED if comparison.flagged else QColor("#404040")
        line = QGraphicsPathItem(_line(point(stated.lat, stated.lon), point(claim.lat, claim.lon)))
        line.setPen(_pen(color, 1.5, Qt.PenStyle.DashLine))
        line.setZValue(35)
        items.append(line)
        middle = (point(stated.lat, stated.lon) + point(claim.lat, claim.lon)) / 2
        label = Marker(middle, color, radius=2, style="label",
                       label=f"{_distance(comparison.distance_m)}{' ⚠ disagrees' if comparison.flagged else ''}")
        label.setZValue(45)
        label.setData(MIN_ZOOM, DETAIL_ZOOM)
        items.append(label)
    for stated in locations.metadata:
        gps = Marker(point(stated.lat, stated.lon), FILE_GPS, radius=5, style="ring", label=f"file GPS ({stated.source})")
        gps.setZValue(41)
        gps.setData(MIN_ZOOM, DETAIL_ZOOM)
        items.append(gps)
    return items


def _closed(poly: QPolygonF) -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(poly)
    path.closeSubpath()
    return path


def _line(a: QPointF, b: QPointF) -> QPainterPath:
    path = QPainterPath(a)
    path.lineTo(b)
    return path


def _distance(metres: float) -> str:
    return f"{metres / 1000:,.1f} km" if metres >= 10_000 else f"{metres:,.0f} m"


REFERENCE_COLORS = ("#7d3c98", "#117a65", "#b9770e", "#1f618d", "#a93226", "#5d6d7e")
REFERENCE_Z = 8.0          # above tiles (2) and places (5), below the selected item's claims (10+)
LABELS_ZOOM = 9.0          # reference areas' names and dates


def reference_items(features: list[dict[str, Any]], color: QColor, layer_name: str) -> list[QGraphicsItem]:
    """A reference layer's areas (translucent), lines and points, with each feature's name and date."""
    items: list[QGraphicsItem] = []
    fill = QColor(color)
    fill.setAlpha(40)
    for feature in features:
        geometry = feature["geometry"]
        kind, coords = geometry["type"], geometry["coordinates"]
        title = " · ".join(str(v) for v in (feature.get("name"), feature.get("date")) if v)
        tip = f"{layer_name}: {title}" if title else layer_name
        if kind in ("Polygon", "MultiPolygon"):
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.OddEvenFill)  # holes stay holes
            for ring in _rings(geometry):
                path.addPolygon(QPolygonF([point(lat, lon) for lon, lat, *_ in ring]))
                path.closeSubpath()
            shape = QGraphicsPathItem(path)
            shape.setBrush(fill)
            shape.setPen(_pen(color, 1.6))
        elif kind in ("LineString", "MultiLineString"):
            path = QPainterPath()
            for line in [coords] if kind == "LineString" else coords:
                path.moveTo(point(line[0][1], line[0][0]))
                for lon, lat, *_ in line[1:]:
                    path.lineTo(point(lat, lon))
            shape = QGraphicsPathItem(path)
            shape.setPen(_pen(color, 2.4))
        else:
            for lon, lat, *_ in [coords] if kind == "Point" else coords:
                dot = Marker(point(lat, lon), color, radius=4, label=title)
                dot.setZValue(REFERENCE_Z + 0.5)
                dot.setToolTip(tip)
                items.append(dot)
            continue
        shape.setToolTip(tip)
        shape.setZValue(REFERENCE_Z)
        items.append(shape)
        if title:
            south, west, north, east = feature.get("bbox") or _bbox(shape)
            label = Marker(point((south + north) / 2, (west + east) / 2), color, radius=0, style="label", label=title)
            label.setZValue(REFERENCE_Z + 0.5)
            label.setData(MIN_ZOOM, LABELS_ZOOM)
            items.append(label)
    return items


def _bbox(shape: QGraphicsPathItem) -> tuple[float, float, float, float]:
    """``(south, west, north, east)`` of a drawn shape (features from the projection carry no bbox)."""
    r = shape.path().boundingRect()
    north, west = unproject(r.left(), r.top())
    south, east = unproject(r.right(), r.bottom())
    return south, west, north, east
