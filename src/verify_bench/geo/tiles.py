"""Raster map tiles the user adds for detail: what every tile source offers, and which tiles a view needs.

A source answers ``tile(z, x, y)`` with the encoded image (PNG, JPEG or WebP) in the XYZ scheme the
map uses (y grows south from the top of the Web-Mercator square), or ``None`` where it has none.
:func:`open_tile_file` opens a local MBTiles or PMTiles file by its content; :mod:`.xyz` is the
opt-in tile server. No Qt here: the map front end decodes and draws the bytes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import TileError
from .mercator import WORLD

#: A larger tile is refused: raster tiles are tens of kilobytes, and a hostile file may say anything.
MAX_TILE_BYTES = 8_000_000
RASTER_FORMATS = ("png", "jpeg", "webp")


@dataclass(frozen=True)
class TileInfo:
    """What a tile source says about itself (from its metadata, else from its tiles)."""

    name: str
    kind: str                 # "mbtiles", "pmtiles" or "xyz"
    format: str               # png, jpeg or webp ("" when the source does not say)
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None   # west, south, east, north in degrees
    attribution: str          # plain text (HTML tags in a file's metadata are removed)


class TileSource(Protocol):
    info: TileInfo

    def tile(self, z: int, x: int, y: int) -> bytes | None: ...

    def close(self) -> None: ...


def open_tile_file(path: Path | str) -> TileSource:
    """An MBTiles or PMTiles file, recognised by its first bytes (not its name)."""
    from .mbtiles import MBTiles
    from .pmtiles import PMTiles

    path = Path(path)
    try:
        with path.open("rb") as f:
            magic = f.read(16)
    except OSError as exc:
        raise TileError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    if magic.startswith(b"SQLite format 3\x00"):
        return MBTiles(path)
    if magic.startswith(b"PMTiles"):
        return PMTiles(path)
    raise TileError(f"{path.name} is neither an MBTiles (SQLite) nor a PMTiles file")


def sniff_format(data: bytes) -> str | None:
    """``png``, ``jpeg`` or ``webp`` by magic bytes; None for anything else (vector tiles, gzip, junk)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def plain_text(html: str) -> str:
    """Attribution text without its HTML (MBTiles metadata often holds ``<a href>`` links)."""
    text = re.sub(r"<[^>]*>", "", html)
    for entity, char in (("&copy;", "©"), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", " ")):
        text = text.replace(entity, char)
    return " ".join(text.split())


def check_tile(z: int, x: int, y: int) -> None:
    if not (0 <= z <= 30 and 0 <= x < 1 << z and 0 <= y < 1 << z):
        raise TileError(f"tile {z}/{x}/{y} does not exist (x and y go from 0 to 2^z - 1)")


def tile_zoom(view_zoom: float, min_zoom: int, max_zoom: int) -> int:
    """The tile level to draw a view at web-map zoom ``view_zoom``: the nearest, within the source's levels.

    Past ``max_zoom`` the deepest tiles are enlarged; below ``min_zoom`` the shallowest are shrunk.
    """
    return max(min_zoom, min(max_zoom, math.floor(view_zoom + 0.5)))


def tiles_covering(left: float, top: float, right: float, bottom: float, z: int) -> list[tuple[int, int, int]]:
    """Tiles ``(z, x, y)`` at level ``z`` that cover a rectangle in world units, nearest the centre first."""
    n = 1 << z
    size = WORLD / n

    def index(v: float) -> int:
        return max(0, min(n - 1, math.floor(v / size)))

    x0, x1, y0, y1 = index(left), index(right), index(top), index(bottom)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    found = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return sorted(found, key=lambda t: (t[1] - cx) ** 2 + (t[2] - cy) ** 2)


def tile_rect(z: int, x: int, y: int) -> tuple[float, float, float]:
    """``(left, top, size)`` of a tile in world units."""
    size = WORLD / (1 << z)
    return x * size, y * size, size
