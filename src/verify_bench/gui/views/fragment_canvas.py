"""The drawing surface of the tagging view: the upright picture, tags drawn over it, and the drawing tools.

Scene coordinates are the upright picture's pixel edges (the picture sits at the origin, unscaled), the
grid the core's ``grid="upright"`` expects. Tools: select (click a tag; drag its handles or its body to
change it; drag elsewhere to pan), rectangle (R, drag), polygon (P, click the corners; Enter, a
double-click or a click on the first corner closes it; Backspace drops the last corner), point (O or .),
known length (K) and measure (M) (drag a segment). Esc cancels what is being drawn, then returns to
select. Delete asks to delete the selected tag. The wheel zooms and the middle button (or Space+drag)
pans in every tool, also halfway through a drawing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsView, QWidget

from .image_viewer import ImageViewer

Pt = tuple[float, float]

TOOLS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("select", "Select", ("V",), "Select a tag, drag its handles to change it; drag elsewhere to pan (V)"),
    ("rect", "Rectangle", ("R",), "Draw a rectangle: drag across the fragment (R)"),
    ("polygon", "Polygon", ("P",), "Draw a polygon: click each corner; Enter or double-click closes it (P)"),
    ("point", "Point", ("O", "."), "Mark a point: click on it (O or .)"),
    ("scale", "Known length", ("K",), "Mark a known length: drag from one end to the other (K)"),
    ("measure", "Measure", ("M",), "Measure a length by the known one: drag from end to end (M)"),
)
HANDLE = 4.5          # half the size of a vertex handle, screen pixels
GRAB = 8.0            # how near (screen pixels) counts as on a handle or a point
CLOSE_PIXELS = 10.0   # a polygon closes when clicked this near its first corner

TAG_COLOUR = QColor("#ffb000")
SELECTED_COLOUR = QColor("#00d2ff")
DRAFT_COLOUR = QColor("#ff4fd8")
SCALE_COLOUR = QColor("#4cd964")
MEASURE_COLOUR = QColor("#f5f56a")


@dataclass
class Overlay:
    """Something drawn over the picture: a tag (rect/polygon/point) or a segment (scale/measurement)."""

    key: str
    shape: str                     # rect | polygon | point | segment
    points: list[Pt]
    label: str = ""
    kind: str = "tag"              # tag | pending | scale | measurement


@dataclass
class _Drag:
    key: str
    vertex: int | None             # None: the whole shape moves
    start: Pt
    original: list[Pt] = field(default_factory=list)


class FragmentCanvas(ImageViewer):
    drawn = Signal(str, list)              # shape, upright points: a new region is ready for its tag
    segment_drawn = Signal(str, tuple, tuple)   # 'scale' | 'measure', a, b (upright)
    selection_changed = Signal(object)     # tag key or None
    region_edited = Signal(str, str, list)  # tag key, shape, new upright points
    delete_requested = Signal(str)
    tool_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fragment_canvas")
        self.setMouseTracking(True)
        self.overlays: dict[str, Overlay] = {}
        self.selected: str | None = None
        self.tool = "select"
        self.draft: list[Pt] = []          # the shape being drawn
        self._cursor: Pt | None = None
        self._drag: _Drag | None = None
        self._pan_from: QPointF | None = None
        self._space = False
        #: live text for a segment being drawn with the measure tool (the view asks the core)
        self.preview_text: Callable[[Pt, Pt], str] | None = None
        self.tool_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for name, text, keys, tip in TOOLS:
            action = QAction(f"{text} ({keys[0]})", self, checkable=True, toolTip=tip, objectName=f"tool_{name}")
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _=False, n=name: self.set_tool(n))
            group.addAction(action)
            self.addAction(action)
            self.tool_actions[name] = action
        self.tool_actions["select"].setChecked(True)

    # ---- content --------------------------------------------------------------------------
    @property
    def picture_size(self) -> tuple[float, float]:
        rect = self.sceneRect()
        return rect.width(), rect.height()

    def set_overlays(self, overlays: list[Overlay]) -> None:
        self.overlays = {o.key: o for o in overlays}
        if self.selected not in self.overlays:
            self.selected = None
        self._drag = None
        self.viewport().update()

    def select(self, key: str | None, *, centre: bool = False) -> None:
        if key is not None and key not in self.overlays:
            key = None
        changed = key != self.selected
        self.selected = key
        if key is not None and centre:
            self.centerOn(self._bounds(self.overlays[key].points).center())
        self.viewport().update()
        if changed:
            self.selection_changed.emit(key)

    def set_tool(self, name: str) -> None:
        self.cancel_draft()
        self.tool = name
        self.tool_actions[name].setChecked(True)
        drawing = name != "select"
        self.setDragMode(QGraphicsView.DragMode.NoDrag if drawing else QGraphicsView.DragMode.ScrollHandDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if drawing else Qt.CursorShape.ArrowCursor)
        self.tool_changed.emit(name)

    def cancel_draft(self) -> None:
        self.draft = []
        self.viewport().update()

    # ---- geometry helpers -----------------------------------------------------------------
    def _scene(self, pos: QPointF) -> Pt:
        p = self.mapToScene(pos.toPoint())
        w, h = self.picture_size
        return min(max(p.x(), 0.0), w), min(max(p.y(), 0.0), h)

    def _snapped(self, p: Pt) -> Pt:
        """Regions snap to pixel edges (a point to its pixel's centre), so that they cover whole pixels."""
        w, h = self.picture_size
        if self.tool == "point":
            return min(math.floor(p[0]), w - 1) + 0.5, min(math.floor(p[1]), h - 1) + 0.5
        if self.tool in ("rect", "polygon"):
            return float(round(p[0])), float(round(p[1]))
        return round(p[0], 1), round(p[1], 1)

    def _view(self, p: Pt) -> QPointF:
        return self.viewportTransform().map(QPointF(*p))

    @staticmethod
    def _bounds(points: list[Pt]) -> QRectF:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))

    @staticmethod
    def corners(overlay: Overlay) -> list[Pt]:
        """The handles of a shape: a rectangle's 4 corners, a polygon's vertices, a point."""
        if overlay.shape == "rect":
            (x0, y0), (x1, y1) = overlay.points
            return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        return list(overlay.points)

    def _hit_handle(self, pos: QPointF) -> int | None:
        if self.selected is None:
            return None
        for i, c in enumerate(self.corners(self.overlays[self.selected])):
            v = self._view(c)
            if abs(v.x() - pos.x()) <= GRAB and abs(v.y() - pos.y()) <= GRAB:
                return i
        return None

    def _hit_tag(self, pos: QPointF) -> str | None:
        scene = self.mapToScene(pos.toPoint())
        hits = []
        for o in self.overlays.values():
            if o.kind not in ("tag", "pending"):
                continue
            if o.shape == "point":
                v = self._view(o.points[0])
                if math.dist((v.x(), v.y()), (pos.x(), pos.y())) <= GRAB:
                    return o.key
            elif self._path(o.shape, o.points).contains(scene):
                hits.append(o)
        # the smallest shape under the cursor wins, so that a tag drawn inside another can be picked
        hits.sort(key=lambda o: self._bounds(o.points).width() * self._bounds(o.points).height())
        return hits[0].key if hits else None

    @staticmethod
    def _path(shape: str, points: list[Pt]) -> QPainterPath:
        path = QPainterPath()
        if shape == "rect":
            (x0, y0), (x1, y1) = points
            path.addRect(QRectF(QPointF(x0, y0), QPointF(x1, y1)).normalized())
        else:
            path.addPolygon(QPolygonF([QPointF(*p) for p in points]))
            path.closeSubpath()
        return path

    # ---- mouse ----------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if event.button() == Qt.MouseButton.MiddleButton or (
                event.button() == Qt.MouseButton.LeftButton and self._space and self.tool != "select"):
            self._pan_from = pos
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if event.button() != Qt.MouseButton.LeftButton or not self.has_image:
            super().mousePressEvent(event)
            return
        self.setFocus()
        p = self._scene(pos)
        if self.tool == "select":
            self._press_select(event, pos, p)
        elif self.tool == "point":
            self.drawn.emit("point", [self._snapped(p)])
        elif self.tool == "polygon":
            self._add_vertex(pos, p)
        else:  # rect, scale, measure: drag from one end to the other
            start = self._snapped(p)
            self.draft = [start, start]
            self.viewport().update()

    def _press_select(self, event: QMouseEvent, pos: QPointF, p: Pt) -> None:
        vertex = self._hit_handle(pos)
        key = self.selected if vertex is not None else self._hit_tag(pos)
        if key is None:
            self.select(None)
            super().mousePressEvent(event)  # pan with the hand
            return
        self.select(key)
        self._drag = _Drag(key, vertex, p, list(self.overlays[key].points))

    def _add_vertex(self, pos: QPointF, p: Pt) -> None:
        if len(self.draft) >= 3:
            first = self._view(self.draft[0])
            if math.dist((first.x(), first.y()), (pos.x(), pos.y())) <= CLOSE_PIXELS:
                self.close_polygon()
                return
        vertex = self._snapped(p)
        if not self.draft or self.draft[-1] != vertex:
            self.draft.append(vertex)
        self.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._pan_from is not None:
            delta = pos - self._pan_from
            self._pan_from = pos
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - round(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - round(delta.y()))
            return
        p = self._scene(pos)
        self._cursor = p
        if self._drag is not None:
            self._drag_to(p)
        elif self.tool in ("rect", "scale", "measure") and len(self.draft) == 2:
            self.draft[1] = self._snapped(p)
        if self.tool != "select" or self._drag is not None:
            self.viewport().update()
        else:
            super().mouseMoveEvent(event)

    def _drag_to(self, p: Pt) -> None:
        assert self._drag is not None
        drag, overlay = self._drag, self.overlays[self._drag.key]
        w, h = self.picture_size
        if drag.vertex is None:  # move the whole shape, kept inside the picture
            xs, ys = [q[0] for q in drag.original], [q[1] for q in drag.original]
            dx = min(max(round(p[0] - drag.start[0]), -min(xs)), w - max(xs))
            dy = min(max(round(p[1] - drag.start[1]), -min(ys)), h - max(ys))
            overlay.points = [(x + dx, y + dy) for x, y in drag.original]
            return
        q = (float(round(p[0])), float(round(p[1]))) if overlay.shape != "point" else (
            min(math.floor(p[0]), w - 1) + 0.5, min(math.floor(p[1]), h - 1) + 0.5)
        if overlay.shape == "rect":
            (x0, y0), (x1, y1) = drag.original
            corner = drag.vertex
            nx0, nx1 = (q[0], x1) if corner in (0, 3) else (x0, q[0])
            ny0, ny1 = (q[1], y1) if corner in (0, 1) else (y0, q[1])
            overlay.points = [(nx0, ny0), (nx1, ny1)]
        else:
            points = list(drag.original)
            points[drag.vertex] = q
            overlay.points = points

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.CrossCursor if self.tool != "select" else Qt.CursorShape.ArrowCursor)
            return
        if self._drag is not None:
            drag, self._drag = self._drag, None
            overlay = self.overlays.get(drag.key)
            if overlay is not None and overlay.points != drag.original:
                points = self._normalised(overlay)
                if points is None:
                    overlay.points = drag.original  # a degenerate shape is not recorded
                else:
                    overlay.points = points
                    self.region_edited.emit(drag.key, overlay.shape, points)
            self.viewport().update()
            return
        if self.tool in ("rect", "scale", "measure") and len(self.draft) == 2:
            a, b = self.draft
            self.draft = []
            self.viewport().update()
            va, vb = self._view(a), self._view(b)
            if math.dist((va.x(), va.y()), (vb.x(), vb.y())) < 3:
                return  # a click, not a drag
            if self.tool == "rect":
                if a[0] != b[0] and a[1] != b[1]:
                    self.drawn.emit("rect", [(min(a[0], b[0]), min(a[1], b[1])), (max(a[0], b[0]), max(a[1], b[1]))])
            else:
                self.segment_drawn.emit(self.tool, a, b)
            return
        super().mouseReleaseEvent(event)

    @staticmethod
    def _normalised(overlay: Overlay) -> list[Pt] | None:
        if overlay.shape == "rect":
            (x0, y0), (x1, y1) = overlay.points
            if x0 == x1 or y0 == y1:
                return None
            return [(min(x0, x1), min(y0, y1)), (max(x0, x1), max(y0, y1))]
        if overlay.shape == "polygon" and len(set(overlay.points)) < 3:
            return None
        return list(overlay.points)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.tool == "polygon":
            self.close_polygon()
        else:
            super().mouseDoubleClickEvent(event)

    def close_polygon(self) -> None:
        points = list(dict.fromkeys(self.draft))
        if len(points) >= 3:
            self.draft = []
            self.viewport().update()
            self.drawn.emit("polygon", points)

    # ---- keys -----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
        elif key == Qt.Key.Key_Escape:
            if self.draft:
                self.cancel_draft()
            elif self.tool != "select":
                self.set_tool("select")
            else:
                self.select(None)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.tool == "polygon":
            self.close_polygon()
        elif key == Qt.Key.Key_Backspace and self.draft and self.tool == "polygon":
            self.draft.pop()
            self.viewport().update()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected is not None and not self.draft:
            self.delete_requested.emit(self.selected)
        else:
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
        super().keyReleaseEvent(event)

    # ---- painting -------------------------------------------------------------------------
    def drawForeground(self, painter: QPainter, rect: QRectF | object) -> None:
        if not self.has_image:
            return
        painter.save()
        painter.resetTransform()  # from here on: viewport pixels, so lines and text keep their size
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(painter.font())
        font.setPointSizeF(max(8.0, font.pointSizeF()))
        painter.setFont(font)
        for overlay in self.overlays.values():
            if overlay.key != self.selected:
                self._paint(painter, overlay, self._colour(overlay), overlay.kind == "pending")
        if self.selected in self.overlays:
            selected = self.overlays[self.selected]
            self._paint(painter, selected, SELECTED_COLOUR, False)
            for c in self.corners(selected):
                v = self._view(c)
                painter.setPen(QPen(QColor("black"), 1))
                painter.setBrush(QBrush(SELECTED_COLOUR))
                painter.drawRect(QRectF(v.x() - HANDLE, v.y() - HANDLE, 2 * HANDLE, 2 * HANDLE))
        self._paint_draft(painter)
        painter.restore()

    @staticmethod
    def _colour(overlay: Overlay) -> QColor:
        return {"pending": DRAFT_COLOUR, "scale": SCALE_COLOUR, "measurement": MEASURE_COLOUR}.get(overlay.kind, TAG_COLOUR)

    def _paint(self, painter: QPainter, overlay: Overlay, colour: QColor, dashed: bool) -> None:
        pts = [self._view(p) for p in overlay.points]
        path = QPainterPath()
        if overlay.shape == "rect":
            path.addRect(QRectF(pts[0], pts[1]).normalized())
        elif overlay.shape == "point":
            path.addEllipse(pts[0], 6, 6)
            path.moveTo(pts[0].x() - 10, pts[0].y())
            path.lineTo(pts[0].x() + 10, pts[0].y())
            path.moveTo(pts[0].x(), pts[0].y() - 10)
            path.lineTo(pts[0].x(), pts[0].y() + 10)
        elif overlay.shape == "segment":
            path.moveTo(pts[0])
            path.lineTo(pts[1])
            for end, other in ((pts[0], pts[1]), (pts[1], pts[0])):  # end ticks, square to the segment
                dx, dy = other.x() - end.x(), other.y() - end.y()
                n = math.hypot(dx, dy) or 1.0
                path.moveTo(end.x() - dy / n * 6, end.y() + dx / n * 6)
                path.lineTo(end.x() + dy / n * 6, end.y() - dx / n * 6)
        else:
            path.addPolygon(QPolygonF(pts))
            path.closeSubpath()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(0, 0, 0, 170), 4))
        painter.drawPath(path)
        pen = QPen(colour, 2)
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawPath(path)
        if overlay.label:
            anchor = path.boundingRect().topLeft() if overlay.shape != "segment" else \
                QPointF((pts[0].x() + pts[1].x()) / 2, (pts[0].y() + pts[1].y()) / 2)
            self._label(painter, overlay.label, anchor, colour)

    def _label(self, painter: QPainter, text: str, anchor: QPointF, colour: QColor) -> None:
        metrics = QFontMetricsF(painter.font())
        box = metrics.boundingRect(text).adjusted(-4, -2, 4, 2)
        box.moveBottomLeft(QPointF(anchor.x(), anchor.y() - 3))
        view = QRectF(self.viewport().rect())
        box.moveLeft(min(max(box.left(), view.left() + 2), view.right() - box.width() - 2))
        if box.top() < view.top() + 2:
            box.moveTop(anchor.y() + 3)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 190))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(colour)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_draft(self, painter: QPainter) -> None:
        if not self.draft:
            return
        points = list(self.draft)
        if self.tool == "polygon":
            if self._cursor is not None:
                points.append(self._cursor)
            shape = Overlay("draft", "polygon", points) if len(points) >= 3 else Overlay("draft", "segment", points + points[-1:])
        elif self.tool == "rect":
            shape = Overlay("draft", "rect", points)
        else:
            text = ""
            if self.tool == "measure" and self.preview_text is not None and points[0] != points[1]:
                text = self.preview_text(points[0], points[1])
            shape = Overlay("draft", "segment", points, text)
        self._paint(painter, shape, DRAFT_COLOUR if self.tool in ("rect", "polygon") else
                    (SCALE_COLOUR if self.tool == "scale" else MEASURE_COLOUR), True)
        if self.tool == "polygon":
            for p in self.draft:
                v = self._view(p)
                painter.setPen(QPen(QColor("black"), 1))
                painter.setBrush(DRAFT_COLOUR)
                painter.drawEllipse(v, 3.5, 3.5)
