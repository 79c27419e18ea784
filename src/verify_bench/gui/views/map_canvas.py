"""The map surface: a QGraphicsView over the Web-Mercator world with smooth zoom, drag to pan,
grid-clustered pins, a scale bar, and clicks that place a location (in "set location" mode or with Ctrl).
Raster tile layers and reference layers sit between the basemap and the pins; a claim's centre can be
dragged to a new place (the view asks before anything is recorded).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, QVariantAnimation, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPen, QTransform, QWheelEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QWidget

from ...geo.mercator import WORLD, metres_per_unit, nice_distance, project, scale_for_zoom, unproject, zoom_for_scale
from ..models.map_model import Pin, cluster
from ..models.tile_model import TileLayers
from .map_layers import CLAIM_KEY, DETAIL_ZOOM, Marker, PinMarker, basemap_items
from .map_layers import MIN_ZOOM as MIN_ZOOM_KEY
from .map_tiles import TileLayerItem

MIN_ZOOM, MAX_ZOOM = 1.0, 19.0
CLUSTER_CELL_PX = 60.0
SCALE_BAR_PX = 110
FIT_MARGIN_PX = 70  # room for the labels beside pins
DRAG_THRESHOLD_PX = 5  # a claim moves only when dragged further than this


class MapCanvas(QGraphicsView):
    place_clicked = Signal(float, float)   # lat, lon: where to place a claim
    pin_clicked = Signal(str)              # item id of a single item pin
    pointer_moved = Signal(float, float)   # lat, lon under the mouse
    zoom_changed = Signal(float)
    claim_dragged = Signal(str, float, float)   # claim id, lat, lon where it was dropped

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("map_canvas")
        self.setScene(QGraphicsScene(QRectF(0, 0, WORLD, WORLD), self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)  # the scale bar moves
        self.setBackgroundBrush(QColor("#cfe3ee"))
        self.setMouseTracking(True)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.placing = False
        self.pins: list[Pin] = []
        self.selected: str | None = None
        self.pin_markers: list[PinMarker] = []
        self.overlay: list[QGraphicsItem] = []
        self.search_marker: Marker | None = None
        # The basemap is built when the map is first shown: 11,000 projected points take ~60 ms of the GUI
        # thread, which opening a case need not spend while the map dock is closed.
        self.basemap: list[QGraphicsItem] = []
        self._base_by_zoom: list[QGraphicsItem] = []  # shown only from the zoom in their data (MIN_ZOOM_KEY)
        self._base_visible, self._base_opacity = True, 1.0
        self.tile_items: list[TileLayerItem] = []
        self.reference: list[QGraphicsItem] = []
        self._drag: tuple[Marker, QPoint, QPointF] | None = None  # claim marker, press position, its first place
        self._zoom = 0.0
        self._animation = QVariantAnimation(self, duration=180)
        self._animation.valueChanged.connect(lambda z: self._apply_zoom(float(z), self.viewport().rect().center()))
        self._relayout = QTimer(self, singleShot=True, interval=40)
        self._relayout.timeout.connect(self._layout_pins)
        self._apply_zoom(2.0, self.viewport().rect().center())

    # ---- position and zoom ----------------------------------------------------------------
    @property
    def zoom(self) -> float:
        """The web-map zoom level shown (0: the whole world in 256 pixels)."""
        return self._zoom

    def centre(self) -> tuple[float, float]:
        """``(lat, lon)`` at the middle of the view."""
        c = self.mapToScene(self.viewport().rect().center())
        return unproject(c.x(), c.y())

    def centre_on(self, lat: float, lon: float, zoom: float | None = None) -> None:
        self._animation.stop()
        if zoom is not None:
            self._apply_zoom(zoom, self.viewport().rect().center())
        self.centerOn(QPointF(*project(lat, lon)))
        self.viewport().update()

    def fit(self, rect: QRectF, *, max_zoom: float = 16.0) -> None:
        """Show ``rect`` (world units) whole, no closer than ``max_zoom``."""
        view = self.viewport().rect()
        span = max(rect.width() / max(view.width() - 2 * FIT_MARGIN_PX, 1),
                   rect.height() / max(view.height() - 2 * FIT_MARGIN_PX, 1), 1e-12)
        self._animation.stop()
        self._apply_zoom(min(max_zoom, zoom_for_scale(1 / span)), view.center())
        self.centerOn(rect.center())

    def zoom_by(self, levels: float) -> None:
        """Zoom in (positive) or out by ``levels`` web-map zoom levels, animated."""
        target = max(MIN_ZOOM, min(MAX_ZOOM, (self._animation.endValue() if self._animation.state() ==
                                                 QVariantAnimation.State.Running else self._zoom) + levels))
        self._animation.stop()
        self._animation.setStartValue(self._zoom)
        self._animation.setEndValue(target)
        self._animation.start()

    def _apply_zoom(self, zoom: float, anchor: QPoint) -> None:
        """Scale to ``zoom`` keeping the world point under the viewport pixel ``anchor`` in place."""
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        before = self.mapToScene(anchor)
        centre = self.mapToScene(self.viewport().rect().center())
        self.setTransform(QTransform.fromScale(scale_for_zoom(zoom), scale_for_zoom(zoom)))
        self.centerOn(centre)
        self.centerOn(centre + before - self.mapToScene(anchor))
        changed = not math.isclose(zoom, self._zoom)
        self._zoom = zoom
        if changed:
            places = self._base_by_zoom if self._base_visible else []  # a hidden basemap stays hidden
            self._show_for_zoom(places + self.overlay + self.reference)
            self._relayout.start()
            self.zoom_changed.emit(zoom)

    def _show_for_zoom(self, items: list[QGraphicsItem]) -> None:
        for item in items:
            if item.data(MIN_ZOOM_KEY) is not None:
                item.setVisible(self._zoom >= item.data(MIN_ZOOM_KEY))

    # ---- layers ---------------------------------------------------------------------------
    def set_tile_layers(self, layers: TileLayers) -> None:
        """Draw the configured raster layers in their order; the basemap follows its own row's settings."""
        for item in self.tile_items:
            self.scene().removeItem(item)
        base = layers.layers[0].setting
        self._base_visible, self._base_opacity = base.visible, base.opacity
        self._style_basemap()
        self.setBackgroundBrush(QColor("#cfe3ee") if base.visible else QColor("#e8e8e8"))
        self.tile_items = [TileLayerItem(layers, layer, order) for order, layer in enumerate(layers.layers[1:])]
        for item in self.tile_items:
            self.scene().addItem(item)
        self.viewport().update()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if not self.basemap:
            self.basemap = basemap_items()
            for item in self.basemap:
                self.scene().addItem(item)
                if item.data(MIN_ZOOM_KEY) is not None:
                    self._base_by_zoom.append(item)
            self._style_basemap()

    def _style_basemap(self) -> None:
        for item in self.basemap:
            zoom_ok = item.data(MIN_ZOOM_KEY) is None or self._zoom >= item.data(MIN_ZOOM_KEY)
            item.setVisible(self._base_visible and zoom_ok)
            item.setOpacity(self._base_opacity)

    def set_reference(self, items: list[QGraphicsItem]) -> None:
        """Show reference layers' features (areas, lines, points and their labels)."""
        for item in self.reference:
            self.scene().removeItem(item)
        self.reference = items
        for item in items:
            self.scene().addItem(item)
        self._show_for_zoom(items)

    # ---- pins -----------------------------------------------------------------------------
    def set_pins(self, pins: list[Pin], selected: str | None) -> None:
        self.pins, self.selected = pins, selected
        self._layout_pins()

    def _layout_pins(self) -> None:
        for marker in self.pin_markers:
            self.scene().removeItem(marker)
        detailed = bool(self.overlay) and self._zoom >= DETAIL_ZOOM  # the overlay then shows the selected item
        placed = [(p, *project(p.lat, p.lon)) for p in self.pins if not (detailed and p.ref == self.selected)]
        groups = cluster(placed, CLUSTER_CELL_PX / scale_for_zoom(self._zoom))
        self.pin_markers = [PinMarker(g, selected=any(p.ref == self.selected for p in g.pins)) for g in groups]
        for marker in self.pin_markers:
            self.scene().addItem(marker)

    def set_selection(self, selected: str | None, items: list[QGraphicsItem]) -> None:
        """Highlight the selected item's pin; show its claims, file GPS and distance lines (``items``)."""
        self.selected = selected
        for item in self.overlay:
            self.scene().removeItem(item)
        self.overlay = items
        for item in items:
            self.scene().addItem(item)
        self._show_for_zoom(items)
        self._layout_pins()

    def mark(self, lat: float, lon: float, label: str) -> None:
        """Show a found place (a search result) with a black pin."""
        if self.search_marker is not None:
            self.scene().removeItem(self.search_marker)
        self.search_marker = Marker(QPointF(*project(lat, lon)), QColor("#202020"), radius=6, style="pin", label=label)
        self.search_marker.setZValue(50)
        self.scene().addItem(self.search_marker)

    # ---- input ----------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        """Half a zoom level per wheel notch, continuous for touchpads, about the mouse pointer."""
        steps = event.angleDelta().y() / 120
        if steps:
            self._animation.stop()
            self._apply_zoom(self._zoom + steps / 2, event.position().toPoint())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1)
        elif event.key() == Qt.Key.Key_Minus:
            self.zoom_by(-1)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            if self.placing or event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                at = self.mapToScene(event.position().toPoint())
                self.place_clicked.emit(*unproject(at.x(), at.y()))
                event.accept()
                return
            under = self.items(event.position().toPoint())
            claim = next((m for m in under if isinstance(m, Marker) and m.data(CLAIM_KEY) and m.isVisible()), None)
            if claim is not None:
                self._drag = (claim, event.position().toPoint(), claim.pos())
                self.setDragMode(QGraphicsView.DragMode.NoDrag)
                event.accept()
                return
            marker = next((m for m in under if isinstance(m, PinMarker)), None)
            if marker is not None:
                self._on_marker(marker)
                event.accept()
                return
        super().mousePressEvent(event)

    def _on_marker(self, marker: PinMarker) -> None:
        pins = marker.group.pins
        if len(pins) > 1:
            self.centerOn(QPointF(marker.group.x, marker.group.y))
            self.zoom_by(2)
        elif pins[0].kind == "item":
            self.pin_clicked.emit(pins[0].ref)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        at = self.mapToScene(event.position().toPoint())
        if self._drag is not None:
            self._drag[0].setPos(at)
        if 0 <= at.x() <= WORLD and 0 <= at.y() <= WORLD:
            self.pointer_moved.emit(*unproject(at.x(), at.y()))
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None and event.button() == Qt.MouseButton.LeftButton:
            marker, pressed, origin = self._drag
            self._drag = None
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
            if (event.position().toPoint() - pressed).manhattanLength() > DRAG_THRESHOLD_PX:
                at = self.mapToScene(event.position().toPoint())
                self.claim_dragged.emit(str(marker.data(CLAIM_KEY)), *unproject(at.x(), at.y()))
            else:
                marker.setPos(origin)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def set_placing(self, on: bool) -> None:
        self.placing = on
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.OpenHandCursor)

    # ---- scale bar ------------------------------------------------------------------------
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        lat, _ = self.centre()
        metres_per_px = metres_per_unit(lat) / scale_for_zoom(self._zoom)
        length = nice_distance(SCALE_BAR_PX * metres_per_px)
        width = length / metres_per_px
        text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
        painter.save()
        painter.resetTransform()
        y = self.viewport().height() - 14
        painter.fillRect(QRectF(6, y - 18, width + 12, 26), QColor(255, 255, 255, 190))
        painter.setPen(QPen(QColor("#202020"), 2))
        painter.drawPolyline([QPointF(12, y - 5), QPointF(12, y), QPointF(12 + width, y), QPointF(12 + width, y - 5)])
        painter.drawText(QPointF(16, y - 5), text)
        painter.restore()

