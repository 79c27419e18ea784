"""Render the map with tile layers and the timeline on the demo case to docs/screenshots/geo-*.png (offscreen).

    QT_QPA_PLATFORM=offscreen python scripts/geo_screenshots.py [--out docs/screenshots]

Builds the demo case in a temporary folder, records a few claims and incidents in it, writes a small
MBTiles file and starts a tile server on 127.0.0.1 (both with tiles drawn here from the bundled Natural
Earth data, a tile grid and each tile's address, so they are easy to tell from the basemap), then grabs
the map dock with each layer and the timeline dock. Nothing is fetched from the internet.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VERIFY_BENCH_ACTOR", "investigator")  # else the app asks who is working

from PIL import Image, ImageDraw  # noqa: E402
from PySide6.QtCore import QSettings, Qt  # noqa: E402

from screenshots import settle, wait  # noqa: E402  (scripts/screenshots.py)
from verify_bench import geo  # noqa: E402
from verify_bench.case import Case  # noqa: E402
from verify_bench.demo import build_demo_case  # noqa: E402
from verify_bench.geo.mercator import project, unproject  # noqa: E402
from verify_bench.gui.app import make_app  # noqa: E402
from verify_bench.gui.main_window import MainWindow  # noqa: E402
from verify_bench.gui.settings import TileLayerSetting  # noqa: E402
from verify_bench.gui.views.timeline_canvas import NAME_W  # noqa: E402

SIZE = (1500, 940)
COUNTRIES = geo.load_basemap("countries")["features"]


def render_tile(z: int, x: int, y: int, style: str) -> bytes:
    """A 256 px tile of Natural Earth land, a 1° (or finer) graticule and the tile's address."""
    sea, land, line = ((24, 52, 78), (62, 92, 60), (200, 210, 220)) if style == "night" else \
        ((170, 205, 225), (226, 219, 190), (120, 120, 120))
    img = Image.new("RGB", (256, 256), sea)
    draw = ImageDraw.Draw(img)
    scale = 2**z

    def px(lon: float, lat: float) -> tuple[float, float]:
        wx, wy = project(lat, lon)
        return wx * scale - x * 256, wy * scale - y * 256

    for feature in COUNTRIES:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            ring = [px(lon, lat) for lon, lat, *_ in polygon[0]]
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            if max(xs) < 0 or min(xs) > 256 or max(ys) < 0 or min(ys) > 256:
                continue
            draw.polygon(ring, fill=land, outline=tuple(c - 30 for c in land))
    step = 10.0 if z < 6 else 1.0 if z < 10 else 0.1 if z < 13 else 0.01
    north, west = unproject(y * 256 / scale, x * 256 / scale)
    south, east = unproject((y + 1) * 256 / scale, (x + 1) * 256 / scale)
    for k in range(math.floor(west / step), math.ceil(east / step) + 1):
        draw.line([px(k * step, north), px(k * step, south)], fill=line, width=1)
    for k in range(math.floor(south / step), math.ceil(north / step) + 1):
        draw.line([px(west, k * step), px(east, k * step)], fill=line, width=1)
    draw.rectangle([0, 0, 255, 255], outline=(250, 250, 250) if style == "night" else (90, 90, 90))
    draw.text((5, 4), f"{style} {z}/{x}/{y}", fill=(250, 250, 250) if style == "night" else (40, 40, 40))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def tiles_around(lat: float, lon: float, zooms: range, span_deg: Callable[[int], float]) -> list[tuple[int, int, int]]:
    found = []
    for z in zooms:
        d = span_deg(z)
        x0, y0 = project(lat + d, lon - d)
        x1, y1 = project(lat - d, lon + d)
        n = 2**z
        for tx in range(int(x0 / 256 * n), int(x1 / 256 * n) + 1):
            for ty in range(int(y0 / 256 * n), int(y1 / 256 * n) + 1):
                found.append((z, tx, ty))
    return found


def write_mbtiles(path: Path, lat: float, lon: float) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        conn.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", [
            ("name", "Arezzo survey"), ("format", "png"), ("minzoom", "0"), ("maxzoom", "15"),
            ("attribution", "Demo tiles drawn from Natural Earth")])
        for z, tx, ty in tiles_around(lat, lon, range(0, 16), lambda z: max(60.0 / 2**z, 0.03) if z > 3 else 180):
            conn.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                         (z, tx, (1 << z) - 1 - ty, render_tile(z, tx, ty, "survey")))
    conn.close()
    return path


def start_tile_server() -> tuple[ThreadingHTTPServer, threading.Thread]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            try:
                z, x, y = (int(p) for p in self.path.strip("/").removesuffix(".png").split("/"))
                data = render_tile(z, x, y, "night")
            except ValueError:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Cache-Control", "max-age=86400")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd, thread


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vb-geo-screens-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    httpd, thread = start_tile_server()
    try:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
        make_app()
        demo = work / "Demo.vbcase"
        build_demo_case(demo)
        photo, lat, lon = prepare(demo, work)
        mbtiles = write_mbtiles(work / "arezzo-survey.mbtiles", lat, lon)
        window = MainWindow(sample_path=work / "sample.vbcase")
        window.resize(*SIZE)
        window.show()
        window.open_case(demo)
        shoot(window, photo, mbtiles, f"http://127.0.0.1:{httpd.server_address[1]}/{{z}}/{{x}}/{{y}}.png", args.out)
        window.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
        shutil.rmtree(work, ignore_errors=True)
    return 0


def prepare(demo: Path, work: Path) -> tuple[str, float, float]:
    """The demo case already holds claims and an incident; add a reference layer around them."""
    with Case.open(demo, actor="demo") as case:
        item_id, lat, lon = case.conn.execute(
            "SELECT id, gps_lat, gps_lon FROM items WHERE display_name = 'DSCN0010.jpg'").fetchone()
        d = 0.006
        zone = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "Evacuation order zone", "date": "2024-05-06"},
             "geometry": {"type": "Polygon", "coordinates": [[
                 [lon - d, lat - d], [lon + 1.6 * d, lat - d], [lon + 1.6 * d, lat + 0.8 * d], [lon - d, lat + d],
                 [lon - d, lat - d]]]}},
            {"type": "Feature", "properties": {"name": "Declared safe route"},
             "geometry": {"type": "LineString", "coordinates": [[lon - 2 * d, lat - 1.5 * d], [lon, lat - 0.3 * d],
                                                                 [lon + 2.5 * d, lat + 0.4 * d]]}},
        ]}
        path = work / "evacuation-order.geojson"
        path.write_text(json.dumps(zone), encoding="utf-8")
        geo.import_layer(case, path, name="Evacuation order 6 May")
    return item_id, lat, lon


def shoot(window: MainWindow, photo: str, mbtiles: Path, template: str, out: Path) -> None:
    ws = window.workspace
    assert ws is not None
    fragment = ws.session.case.conn.execute(
        "SELECT id FROM items WHERE display_name = 'fragment_tail_fin.jpg'").fetchone()[0]
    wait(lambda: ws.model.loaded_once and ws.model.rowCount() > 0, timeout=30)
    assert ws.browser.select_item(photo)
    ws.map_dock.show()
    ws.map_dock.setFloating(True)  # the library's filter bar keeps a docked map narrow: float it, large
    ws.map_dock.resize(1280, 820)
    ws.map.layers_button.setChecked(True)
    settle(0.6)
    ws.map.splitter.setSizes([980, 290])
    assert ws.map.layers.add(TileLayerSetting("file", str(mbtiles)))
    assert ws.map.layers.add(TileLayerSetting("xyz", template, name="Night tiles (local server)",
                                              attribution="Night tiles © demo server on 127.0.0.1"))
    wait(lambda: ws.map.model.locations is not None and len(ws.map.model.locations.claims) >= 2, timeout=30)
    settle(0.6)
    ws.map.layers.tile_list.item(0).setCheckState(Qt.CheckState.Unchecked)  # the server's layer off first
    ws.map.zoom_to_item()
    loaded(ws)
    path = out / "geo-map-mbtiles.png"
    ws.map_dock.grab().save(str(path))
    print(f"wrote {path}")
    ws.map.layers.tile_list.item(0).setCheckState(Qt.CheckState.Checked)
    ws.map.layers.tile_list.setCurrentRow(0)
    ws.map.layers.opacity.setValue(80)
    ws.map.canvas.centre_on(43.6, 11.5, zoom=7)
    loaded(ws)
    path = out / "geo-map-xyz.png"
    ws.map_dock.grab().save(str(path))
    print(f"wrote {path}")
    ws.map_dock.setFloating(False)
    ws.map_dock.hide()
    window.resize(*SIZE)
    ws.timeline_action.trigger()
    settle(0.6)
    ws.resizeDocks([ws.timeline_dock], [380], Qt.Orientation.Vertical)
    timeline = ws.timeline
    wait(lambda: timeline.model.loaded and bool(timeline.model.data.rows), timeout=30)
    timeline.canvas.fit()
    ws.browser.select_item(photo)
    settle(1.0)
    path = out / "geo-timeline-overview.png"
    ws.timeline_dock.grab().save(str(path))
    print(f"wrote {path}")
    timeline.incident.setCurrentIndex(1)
    wait(lambda: timeline.model.incident_ref is not None and timeline.model.loaded
         and len(timeline.model.data.incidents) == 1, timeout=30)
    settle(0.5)
    span = timeline.model.data.incidents[0]
    timeline.canvas.scale.fit(span.earliest - timedelta(hours=10), span.latest + timedelta(hours=10),
                              timeline.canvas.viewport().width() - NAME_W)
    ws.browser.select_item(fragment)
    settle(1.0)
    path = out / "geo-timeline.png"
    window.grab().save(str(path))
    print(f"wrote {path}")


def loaded(ws) -> None:  # type: ignore[no-untyped-def]
    """Let the tile reads finish (no request in flight for a while)."""
    for _ in range(30):
        settle(0.3)
        ws.map.canvas.viewport().repaint()
        if not any(layer.pending for layer in ws.map.tiles.layers):
            settle(0.3)
            if not any(layer.pending for layer in ws.map.tiles.layers):
                return


if __name__ == "__main__":
    raise SystemExit(main())
