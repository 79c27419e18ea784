"""A zoomable, pannable picture: wheel or +/-/0/1 to zoom, drag to pan; views can follow each other."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPixmap, QShortcut, QTransform, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

MIN_ZOOM, MAX_ZOOM = 0.02, 32.0
STEP = 1.25


class ImageViewer(QGraphicsView):
    """Shows one picture; ``zoom`` is the scale relative to the picture's actual pixels.

    ``view_changed(relative_zoom, cx, cy)`` reports the zoom relative to "fit" and the centre
    in fractions of the picture, so that two viewers of differently sized pictures can follow
    each other (:meth:`follow`).
    """

    view_changed = Signal(float, float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("image_viewer")
        self.setScene(QGraphicsScene(self))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setRenderHints(QPainter.RenderHint.SmoothPixmapTransform | QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._item)
        self._overlay = QGraphicsPixmapItem(self._item)  # a second picture laid over the first (compare)
        self._overlay.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self._fit = True
        self._following = False
        for keys, slot in (("+", self.zoom_in), ("=", self.zoom_in), ("-", self.zoom_out), ("0", self.fit),
                           ("1", self.actual_size)):
            QShortcut(QKeySequence(keys), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.horizontalScrollBar().valueChanged.connect(self._report)
        self.verticalScrollBar().valueChanged.connect(self._report)

    # ---- content --------------------------------------------------------------------------
    def set_image(self, image: QImage | QPixmap | None, *, keep_view: bool = False) -> None:
        """Show ``image`` fitted to the view; ``keep_view`` keeps zoom and position when the size is
        unchanged (the next frame of a playing video)."""
        pixmap = image if isinstance(image, QPixmap) else QPixmap.fromImage(image) if image is not None else QPixmap()
        same_size = pixmap.size() == self._item.pixmap().size()
        self._item.setPixmap(pixmap)
        if keep_view and same_size:
            return
        self.scene().setSceneRect(QRectF(pixmap.rect()))
        self.fit()

    def set_overlay(self, image: QImage | None, opacity: float = 0.5) -> None:
        """Lay ``image`` over the picture, stretched to its size, at ``opacity`` (None removes it)."""
        pixmap = QPixmap.fromImage(image) if image is not None and not image.isNull() else QPixmap()
        self._overlay.setPixmap(pixmap)
        if not pixmap.isNull():
            base = self._item.boundingRect()
            self._overlay.setTransform(QTransform.fromScale(base.width() / pixmap.width(), base.height() / pixmap.height()))
        self._overlay.setOpacity(opacity)

    def set_overlay_opacity(self, opacity: float) -> None:
        self._overlay.setOpacity(opacity)

    @property
    def has_image(self) -> bool:
        return not self._item.pixmap().isNull()

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    # ---- zooming --------------------------------------------------------------------------
    def fit(self) -> None:
        self._fit = True
        if self.has_image:
            self.fitInView(self._item, Qt.AspectRatioMode.KeepAspectRatio)
        self._report()

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / STEP)

    def set_zoom(self, zoom: float) -> None:
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        self._fit = False
        factor = zoom / self.zoom
        self.scale(factor, factor)  # scale() keeps the point under the mouse in place
        self._report()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.angleDelta().y() > 0:
            self.zoom_in()
        elif event.angleDelta().y() < 0:
            self.zoom_out()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self._fit:
            self.fit()

    # ---- following another viewer ---------------------------------------------------------
    def _fit_zoom(self) -> float:
        rect = self._item.boundingRect()
        if rect.isEmpty():
            return 1.0
        view = self.viewport().rect()
        return min(view.width() / rect.width(), view.height() / rect.height())

    def _report(self) -> None:
        if self._following or not self.has_image:
            return
        rect = self._item.boundingRect()
        centre = self.mapToScene(self.viewport().rect().center())
        self.view_changed.emit(self.zoom / self._fit_zoom(), centre.x() / rect.width(), centre.y() / rect.height())

    def follow(self, relative_zoom: float, cx: float, cy: float) -> None:
        """Match another viewer: same zoom relative to fit, same centre in fractions of the picture."""
        if not self.has_image:
            return
        self._following = True
        try:
            zoom = min(MAX_ZOOM, max(MIN_ZOOM, relative_zoom * self._fit_zoom()))
            self._fit = abs(relative_zoom - 1.0) < 1e-6
            self.setTransform(self.transform().fromScale(zoom, zoom))
            rect = self._item.boundingRect()
            self.centerOn(QPointF(cx * rect.width(), cy * rect.height()))
        finally:
            self._following = False
