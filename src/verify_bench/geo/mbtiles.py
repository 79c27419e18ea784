"""Read raster MBTiles files (an SQLite database of tiles): read-only, never written.

MBTiles rows are in the TMS scheme (row 0 at the south); :meth:`MBTiles.tile` takes XYZ (row 0 at the
north), as every other source does, and flips. One connection, shared by the map's loader threads
under a lock: a tile read is a single indexed lookup.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from .errors import TileError
from .tiles import MAX_TILE_BYTES, RASTER_FORMATS, TileInfo, check_tile, plain_text

_FORMATS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "webp": "webp"}


class MBTiles:
    """An open MBTiles file (raster tiles: PNG, JPEG or WebP)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
            self._conn.execute("PRAGMA query_only = 1")
            meta = dict(self._conn.execute("SELECT name, value FROM metadata").fetchall())
            self._conn.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 0")
        except sqlite3.Error as exc:
            self._close_quietly()
            raise TileError(f"{self.path.name} is not a readable MBTiles file: {exc}") from None
        self._lock = threading.Lock()
        self.info = self._read_info({str(k): str(v) for k, v in meta.items() if v is not None})

    def _read_info(self, meta: dict[str, str]) -> TileInfo:
        stated = meta.get("format", "").strip().lower()
        if stated in ("pbf", "mvt"):
            self._close_quietly()
            raise TileError(f"{self.path.name} holds vector tiles ({stated}); only raster tiles (PNG, JPEG, WebP) "
                            "can be shown")
        fmt = _FORMATS.get(stated, "")
        try:
            lo, hi = self._conn.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        except sqlite3.Error as exc:
            raise TileError(f"{self.path.name}: cannot list its tiles: {exc}") from None
        if lo is None:
            self._close_quietly()
            raise TileError(f"{self.path.name} holds no tiles")
        min_zoom, max_zoom = _int(meta.get("minzoom"), lo), _int(meta.get("maxzoom"), hi)
        return TileInfo(name=meta.get("name") or self.path.stem, kind="mbtiles", format=fmt if fmt in RASTER_FORMATS
                        else "", min_zoom=max(0, min(min_zoom, 30)), max_zoom=max(0, min(max_zoom, 30)),
                        bounds=_bounds(meta.get("bounds")), attribution=plain_text(meta.get("attribution", "")))

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The encoded tile at XYZ ``z/x/y``, or None where the file has none."""
        check_tile(z, x, y)
        with self._lock:
            row = self._conn.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (z, x, (1 << z) - 1 - y)).fetchone()
        if row is None or row[0] is None:
            return None
        data = bytes(row[0])
        if len(data) > MAX_TILE_BYTES:
            raise TileError(f"{self.path.name}: tile {z}/{x}/{y} is larger than {MAX_TILE_BYTES // 1_000_000} MB")
        return data

    def close(self) -> None:
        self._conn.close()

    def _close_quietly(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()


def _int(text: str | None, default: int) -> int:
    try:
        return int(float(text)) if text is not None else default
    except ValueError:
        return default


def _bounds(text: str | None) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(v) for v in (text or "").split(","))
    except ValueError:
        return None
    if -180 <= west < east <= 180 and -90 <= south < north <= 90:
        return west, south, east, north
    return None
