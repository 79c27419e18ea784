"""Thumbnails loaded and scaled off the GUI thread, cached as pixmaps on it.

Requests go on a stack (newest first: what is on screen now), capped so that a fast
scroll through 100,000 items does not queue work for cells long gone.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSize, QThreadPool, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap

from ...ingest.derived import thumb_path
from ..imaging import blurred, load_scaled

MAX_PENDING = 256
MAX_CACHED = 1500


class _Signals(QObject):
    loaded = Signal(object)  # (sha256, blurred, QImage, found); one object: PySide 6.12 mis-counts queued bools


class _Loader(QRunnable):
    def __init__(self, cache: ThumbnailCache) -> None:
        super().__init__()
        self.cache = cache

    def run(self) -> None:
        while (key := self.cache._next_request()) is not None:
            sha, blur = key
            path = thumb_path(self.cache.root, sha)
            image = load_scaled(path, self.cache.box) if path.is_file() else QImage()
            found = not image.isNull()
            if found and blur:
                image = blurred(image)
            self.cache._signals.loaded.emit((sha, blur, image, found))


class ThumbnailCache(QObject):
    """``pixmap(sha, blurred)`` returns a pixmap (null when the item has no thumbnail), or ``None`` while loading."""

    ready = Signal(str)  # sha256 whose thumbnail just arrived

    def __init__(self, root: Path, box: QSize, device_pixel_ratio: float = 1.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self.dpr = device_pixel_ratio
        self.box = QSize(round(box.width() * self.dpr), round(box.height() * self.dpr))
        self._cache: OrderedDict[tuple[str, bool], QPixmap] = OrderedDict()
        self._stack: OrderedDict[tuple[str, bool], None] = OrderedDict()
        self._lock = threading.Lock()
        self._loaders = 0
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._kick = QTimer(self, singleShot=True, interval=0)
        self._kick.timeout.connect(self._start_loaders)
        self._signals = _Signals()
        self._signals.loaded.connect(self._on_loaded)

    def pixmap(self, sha256: str, blur: bool, *, retry_missing: bool = False) -> QPixmap | None:
        """``retry_missing``: ask again for a thumbnail that was not there (one may be on its way)."""
        key = (sha256, blur)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            if not (found.isNull() and retry_missing):
                return found
        with self._lock:
            self._stack[key] = None
            self._stack.move_to_end(key)
            while len(self._stack) > MAX_PENDING:
                self._stack.popitem(last=False)
        if not self._kick.isActive():
            self._kick.start()  # start loaders once the current paint is over, not once per cell
        return found

    def _start_loaders(self) -> None:
        with self._lock:
            wanted = min(len(self._stack), self._pool.maxThreadCount() - self._loaders)
            self._loaders += max(0, wanted)
        for _ in range(wanted):
            self._pool.start(_Loader(self))

    def _next_request(self) -> tuple[str, bool] | None:
        """The newest request, or None, after which the calling loader must exit."""
        with self._lock:
            if self._stack:
                return self._stack.popitem(last=True)[0]
            self._loaders -= 1
            return None

    def _on_loaded(self, loaded: tuple[str, bool, QImage, bool]) -> None:
        sha, blur, image, found = loaded
        pixmap = QPixmap.fromImage(image) if found else QPixmap()
        pixmap.setDevicePixelRatio(self.dpr)
        self._cache[(sha, blur)] = pixmap
        while len(self._cache) > MAX_CACHED:
            self._cache.popitem(last=False)
        self.ready.emit(sha)

    def shutdown(self) -> None:
        self._kick.stop()
        with self._lock:
            self._stack.clear()
        self._pool.waitForDone()
