"""The map's raster layers: which are configured (settings), their open tile sources, and decoded tiles.

Tiles are read and decoded off the GUI thread (a tile server may take seconds); :class:`TileLayers`
keeps the decoded images of each layer in a small LRU and tells the map when one arrives. A layer
whose file cannot be opened stays in the list with its error, so the user sees why it shows nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from ... import geo
from ...geo.tiles import TileInfo, TileSource
from ...geo.xyz import TileCache, TileServer, TileServerSource
from .. import settings
from ..settings import TileLayerSetting
from ..workers import TaskRunner

MAX_IMAGES = 192          # decoded tiles kept per layer (256 kB each)
MAX_PENDING = 12          # tile reads in flight per layer; the view asks again on its next paint
TileKey = tuple[int, int, int]


class TileLayer:
    """One configured layer and, once opened, its source and decoded tiles."""

    def __init__(self, setting: TileLayerSetting) -> None:
        self.setting = setting
        self.source: TileSource | None = None
        self.error: str | None = None
        self.images: OrderedDict[TileKey, QImage | None] = OrderedDict()   # None: the source has no such tile
        self.pending: set[TileKey] = set()
        self.generation = 0   # bumped when the source changes: late answers for the old one are dropped

    @property
    def info(self) -> TileInfo | None:
        return self.source.info if self.source is not None else None

    @property
    def title(self) -> str:
        if self.setting.kind == "basemap":
            return "Natural Earth basemap (offline)"
        name = self.setting.name or (self.info.name if self.info else Path(self.setting.source).name)
        kind = {"xyz": "tile server", "file": self.info.kind.upper() if self.info else "tile file"}[self.setting.kind]
        return f"{name} ({kind})"

    @property
    def status(self) -> str:
        """A short note for the layer list: an error, offline, or the zoom levels it holds."""
        if self.error:
            return self.error
        if isinstance(self.source, TileServerSource) and self.source.offline:
            return "offline: showing cached tiles only"
        if self.info is not None:
            return f"zoom {self.info.min_zoom}–{self.info.max_zoom}"
        return ""

    def image(self, key: TileKey) -> QImage | None | bool:
        """The decoded tile; None when the source has none; False when not loaded yet."""
        if key not in self.images:
            return False
        self.images.move_to_end(key)
        return self.images[key]

    def store(self, key: TileKey, image: QImage | None) -> None:
        self.images[key] = image
        self.images.move_to_end(key)
        while len(self.images) > MAX_IMAGES:
            self.images.popitem(last=False)


def open_source(setting: TileLayerSetting, cache: TileCache | None = None) -> TileSource:
    """The tile source a setting names (raises :class:`geo.TileError` saying why it cannot be used)."""
    if setting.kind == "file":
        return geo.open_tile_file(setting.source)
    if setting.kind == "xyz":
        server = TileServer(setting.source, attribution=setting.attribution, name=setting.name,
                            max_zoom=setting.max_zoom)
        return TileServerSource(server, cache)
    raise geo.TileError(f"unknown tile layer kind {setting.kind!r}")


class TileLayers(QObject):
    """The configured raster layers, bottom first (``layers[0]`` is the bundled basemap)."""

    layers_changed = Signal()        # added, removed, reordered, shown/hidden, opacity
    tile_ready = Signal()            # a tile arrived: repaint

    def __init__(self, runner: TaskRunner, cache: TileCache | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.cache = cache
        self.layers = [TileLayer(s) for s in settings.tile_layers()]
        for layer in self.layers[1:]:
            self._open(layer)

    def _open(self, layer: TileLayer) -> None:
        try:
            layer.source = open_source(layer.setting, self.cache)
            layer.error = None
        except geo.TileError as exc:
            layer.source, layer.error = None, str(exc)

    # ---- editing the list -------------------------------------------------------------------
    def add(self, setting: TileLayerSetting) -> TileLayer:
        """Open and add a layer on top; raises :class:`geo.TileError` when it cannot be used (not added)."""
        if any(layer.setting.kind == setting.kind and layer.setting.source == setting.source for layer in self.layers):
            raise geo.TileError("this layer is already on the map")
        layer = TileLayer(setting)
        self._open(layer)
        if layer.error:
            raise geo.TileError(layer.error)
        self.layers.append(layer)
        self._changed()
        return layer

    def remove(self, index: int) -> None:
        if index > 0:
            self.layers.pop(index).generation += 1  # reads in flight may still use its source: left to close itself
            self._changed()

    def move(self, index: int, step: int) -> int:
        """Move a layer up (+1, drawn later) or down; the basemap stays at the bottom. Returns its new index."""
        target = index + step
        if index <= 0 or not (1 <= target < len(self.layers)):
            return index
        self.layers[index], self.layers[target] = self.layers[target], self.layers[index]
        self._changed()
        return target

    def update(self, index: int, *, visible: bool | None = None, opacity: float | None = None) -> None:
        layer = self.layers[index]
        changes = {k: v for k, v in (("visible", visible), ("opacity", opacity)) if v is not None}
        layer.setting = replace(layer.setting, **changes)
        self._changed()

    def _changed(self) -> None:
        settings.set_tile_layers([layer.setting for layer in self.layers])
        self.layers_changed.emit()

    def attribution(self) -> str:
        """Credits of what is drawn: the basemap and every visible layer that names its source."""
        parts = [geo.ATTRIBUTION] if self.layers[0].setting.visible else []
        for layer in self.layers[1:]:
            if layer.setting.visible and layer.info is not None and layer.info.attribution:
                parts.append(layer.info.attribution)
        return " · ".join(dict.fromkeys(parts))

    # ---- tiles ------------------------------------------------------------------------------
    def request(self, layer: TileLayer, key: TileKey) -> None:
        """Read and decode a tile off the GUI thread unless it is loaded, loading, or too much is in flight."""
        source = layer.source
        if source is None or key in layer.pending or key in layer.images or len(layer.pending) >= MAX_PENDING:
            return
        layer.pending.add(key)
        generation = layer.generation

        def load(_ctx: object) -> QImage | None:
            data = source.tile(*key)
            if data is None:
                return None
            image = QImage.fromData(data)
            return None if image.isNull() else image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)

        def done(image: QImage | None) -> None:
            layer.pending.discard(key)
            if generation == layer.generation:
                layer.store(key, image)
                self.tile_ready.emit()

        def failed(message: str, _exc: Exception) -> None:
            layer.pending.discard(key)
            layer.error = message
            layer.store(key, None)
            self.layers_changed.emit()

        self.runner.run(load, name=f"Reading map tile {key[0]}/{key[1]}/{key[2]}", on_result=done, on_error=failed)

    def close(self) -> None:
        for layer in self.layers:
            layer.generation += 1
            if layer.source is not None:
                layer.source.close()
                layer.source = None
