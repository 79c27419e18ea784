"""Small raster tile files and a local tile server for the map tests (never the internet)."""

from __future__ import annotations

import io
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Tiles = dict[tuple[int, int, int], bytes]


def tile_png(color: tuple[int, int, int], size: int = 256) -> bytes:
    """A one-colour PNG tile."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buf, "PNG")
    return buf.getvalue()


def colour_of(z: int, x: int, y: int) -> tuple[int, int, int]:
    """A colour that differs between neighbouring tiles and levels."""
    return (40 + 50 * z) % 256, (60 + 97 * x) % 256, (80 + 57 * y) % 256


def pyramid(max_zoom: int, *, min_zoom: int = 0) -> Tiles:
    """Every tile from ``min_zoom`` to ``max_zoom``, each in :func:`colour_of` its address."""
    return {(z, x, y): tile_png(colour_of(z, x, y), 64)
            for z in range(min_zoom, max_zoom + 1) for x in range(1 << z) for y in range(1 << z)}


def make_mbtiles(path: Path, tiles: Tiles, **metadata: str) -> Path:
    """An MBTiles file (TMS rows, as the spec says) holding ``tiles`` given in XYZ."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        conn.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        conn.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
        meta = {"name": path.stem, "format": "png", **metadata}
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
        conn.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                         [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in tiles.items()])
    conn.close()
    return path


def make_pmtiles(path: Path, tiles: Tiles, *, metadata: dict[str, str] | None = None, leaf_size: int | None = None,
                 tile_type: int = 2) -> Path:
    """A PMTiles v3 file written by the reference writer (the ``pmtiles`` package).

    ``leaf_size`` forces leaf directories (the writer only makes them for large archives).
    """
    from pmtiles import writer as pmwriter
    from pmtiles.tile import Compression, TileType, zxy_to_tileid

    if leaf_size is not None:
        original = pmwriter.optimize_directories
        pmwriter.optimize_directories = lambda entries, _target: pmwriter.build_roots_leaves(entries, leaf_size)
    try:
        with path.open("wb") as f:
            w = pmwriter.Writer(f)
            for tile_id, data in sorted((zxy_to_tileid(*k), v) for k, v in tiles.items()):
                w.write_tile(tile_id, data)
            w.finalize({"tile_type": TileType(tile_type), "tile_compression": Compression.NONE,
                        "min_lon_e7": -1800000000, "min_lat_e7": -850000000, "max_lon_e7": 1800000000,
                        "max_lat_e7": 850000000, "center_zoom": 0, "center_lon_e7": 0, "center_lat_e7": 0},
                       metadata or {"name": path.stem})
    finally:
        if leaf_size is not None:
            pmwriter.optimize_directories = original
    return path


class TileServer:
    """An HTTP tile server on 127.0.0.1 in a thread, serving ``/{z}/{x}/{y}.png`` from a dict."""

    def __init__(self, tiles: Tiles, headers: dict[str, str] | None = None) -> None:
        self.tiles = tiles
        self.headers = headers if headers is not None else {"Cache-Control": "max-age=3600"}
        self.requests: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append(self.path)
                try:
                    z, x, y = (int(p) for p in self.path.strip("/").removesuffix(".png").split("/"))
                    data = owner.tiles[(z, x, y)]
                except (ValueError, KeyError):
                    self.send_error(404)
                    return
                etag = f'"{hash(data) & 0xFFFFFFFF:x}"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("ETag", etag)
                for k, v in owner.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def template(self) -> str:
        return f"http://127.0.0.1:{self.port}/{{z}}/{{x}}/{{y}}.png"

    def start(self) -> TileServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@contextmanager
def tile_server(tiles: Tiles, headers: dict[str, str] | None = None) -> Iterator[TileServer]:
    server = TileServer(tiles, headers).start()
    try:
        yield server
    finally:
        if server.thread.is_alive():
            server.stop()
