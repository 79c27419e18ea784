"""Graphics items that draw raster tile layers (MBTiles, PMTiles, a tile server) on the map.

Each layer is one item covering the Web-Mercator world; on every paint it works out which tiles the
exposed area needs at the view's zoom, draws those it has, and asks for the rest. While a tile is
on its way the nearest loaded ancestor is drawn enlarged, so zooming never shows holes.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ...geo.mercator import WORLD, project
from ...geo.tiles import tile_rect, tile_zoom, tiles_covering
from ..models.tile_model import TileLayer, TileLayers

MAX_TILES_PER_PAINT = 80     # a huge window at a fractional zoom needs ~40
ANCESTOR_LEVELS = 5          # how far up to look for a stand-in while a tile loads
TILE_Z = 2.0                 # above the basemap's land (0–1), below places (5), reference layers and pins


class TileLayerItem(QGraphicsItem):
    def __init__(self, layers: TileLayers, layer: TileLayer, order: int) -> None:
        super().__init__()
        self.layers, self.layer = layers, layer
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setZValue(TILE_Z + order / 100)
        self.setOpacity(layer.setting.opacity)
        self.setVisible(layer.setting.visible)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, WORLD, WORLD)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        info = self.layer.info
        if info is None:
            return
        scale = painter.worldTransform().m11() * (widget.devicePixelRatioF() if widget is not None else 1.0)
        if scale <= 0:
            return
        z = tile_zoom(math.log2(scale), info.min_zoom, info.max_zoom)  # device pixels: sharp on HiDPI screens
        exposed = option.exposedRect.intersected(self.boundingRect())
        if exposed.isEmpty():
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # no seams between tiles
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        if info.bounds is not None:  # no requests for tiles the source cannot have
            west, south, east, north = info.bounds
            exposed = exposed.intersected(QRectF(QPointF(*project(north, west)), QPointF(*project(south, east))))
            if exposed.isEmpty():
                return
        needed = tiles_covering(exposed.left(), exposed.top(), exposed.right(), exposed.bottom(), z)
        for key in needed[:MAX_TILES_PER_PAINT]:
            left, top, size = tile_rect(*key)
            target = QRectF(left, top, size, size)
            found = self.layer.image(key)
            if isinstance(found, QImage):
                painter.drawImage(target, found, QRectF(found.rect()))
                continue
            if found is False:
                self.layers.request(self.layer, key)
            self._draw_ancestor(painter, key, target)

    def _draw_ancestor(self, painter: QPainter, key: tuple[int, int, int], target: QRectF) -> None:
        z, x, y = key
        for up in range(1, min(ANCESTOR_LEVELS, z) + 1):
            parent = self.layer.image((z - up, x >> up, y >> up))
            if isinstance(parent, QImage):
                part = parent.width() / (1 << up)
                source = QRectF((x % (1 << up)) * part, (y % (1 << up)) * part, part, part)
                painter.drawImage(target, parent, source)
                return
