"""Render the main views of the demo case to docs/screenshots/*.png (offscreen; no display needed).

    QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [--out docs/screenshots]

Builds the demo case (as ``verify-bench demo`` does) in a temporary folder, with temporary
settings, then opens the app on it and grabs each view.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from verify_bench import geo  # noqa: E402
from verify_bench.case import Case  # noqa: E402
from verify_bench.demo import build_demo_case  # noqa: E402
from verify_bench.gui.app import apply_color_scheme, make_app  # noqa: E402
from verify_bench.gui.main_window import MainWindow  # noqa: E402
from verify_bench.gui.workspace import Workspace  # noqa: E402
from verify_bench.ingest.pipeline import ImportOptions  # noqa: E402
from verify_bench.resources import samples_dir  # noqa: E402

SIZE = (1440, 900)


def wait(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def grab(widget: QWidget, out: Path, name: str) -> None:
    settle()
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vb-screens-"))
    try:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
        app = make_app()
        demo = work / "Demo.vbcase"
        build_demo_case(demo)
        window = MainWindow(sample_path=work / "sample.vbcase")
        window.resize(*SIZE)
        window.show()
        shoot(app, window, demo, work, args.out)
        window.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def shoot(app: QApplication, window: MainWindow, demo: Path, work: Path, out: Path) -> None:
    empty = work / "Rafah strikes 2024-05.vbcase"
    Case.create(empty, title="Rafah strikes 2024-05").close()
    window.open_case(empty)
    wait(lambda: window.workspace is not None and window.workspace.model.loaded_once)
    grab(window, out, "01-empty-case")
    window.close_case()
    grab(window, out, "02-start-screen")

    window.open_case(demo)
    ws = window.workspace
    assert ws is not None
    wait(lambda: ws.model.loaded_once and ws.model.rowCount() > 0)
    first = _item(ws, "DSCN0010.jpg")
    ws.browser.select_item(first)
    wait(lambda: ws.detail.preview.viewer.has_image)
    grab(window, out, "03-library-grid")

    ws.browser.show_grid(False)
    ws.browser.select_item(_item(ws, "DSCN0029-truncated.jpg"))
    ws.detail.tabs.setCurrentWidget(ws.detail.provenance)
    grab(window, out, "04-table-and-provenance")

    ws.browser.select_item(first)
    ws.detail.tabs.setCurrentWidget(ws.detail.metadata)
    grab(window, out, "05-metadata")

    ws.browser.show_grid(True)
    ws.browser.select_item(_item(ws, "android-with-gps.mp4"))
    ws.detail.tabs.setCurrentWidget(ws.detail.preview)
    wait(lambda: ws.detail.preview.frames.count() > 0)
    grab(window, out, "06-video-keyframes")

    ws.set_sensitive([_item(ws, "DSCN0025.jpg"), _item(ws, "landscape_6.jpg")], True)
    wait(lambda: len(ws.session.sensitive) == 2)
    ws.browser.select_item(_item(ws, "DSCN0025.jpg"))
    wait(lambda: ws.detail.preview.banner.isVisible())
    grab(window, out, "07-sensitive-blurred")

    ws.duplicates_dock.show()
    compare = ws.compare(first, _item(ws, "reupload_1651239845.jpg"))
    wait(lambda: compare.viewers[1].has_image and compare.viewers[0].has_image)
    wait(lambda: ws.duplicates.tree.topLevelItemCount() > 0 or bool(ws.duplicates.message.text()))
    compare.viewers[0].set_zoom(compare.viewers[0].zoom * 2.5)
    grab(window, out, "08-compare")
    compare.modes.button(1).setChecked(True)
    grab(window, out, "09-compare-overlay")
    ws.duplicates_dock.hide()
    ws.tabs.setCurrentWidget(ws.browser)

    incoming = work / "incoming"
    incoming.mkdir()
    for i, src in enumerate(sorted(samples_dir().glob("*.jp*g")) * 12):
        (incoming / f"{i:02d}_{src.name}").write_bytes(src.read_bytes() + f"copy {i}".encode())
    (incoming / "damaged_upload.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    ws.imports.options = ImportOptions(workers=1)
    ws.import_paths([incoming])
    ws.resizeDocks([ws.import_dock], [300], Qt.Orientation.Vertical)
    wait(lambda: ws.import_panel.bar.value() >= 12 and ws.model.rowCount() > 12, timeout=60)
    window.grab().save(str(out / "10-import-running.png"))  # at once: the import goes on
    print(f"wrote {out / '10-import-running.png'}")
    wait(lambda: not ws.imports.running, timeout=120)
    grab(window, out, "11-import-finished")

    apply_color_scheme(app, "dark")
    ws.import_dock.hide()
    ws.browser.select_item(first)
    ws.detail.tabs.setCurrentWidget(ws.detail.metadata)
    grab(window, out, "12-dark-mode")
    apply_color_scheme(app, "light")
    shoot_map(window, ws, out)


def shoot_map(window: MainWindow, ws: Workspace, out: Path) -> None:
    """The map with pins and an incident, then one photo's claims (one agreeing, one not) and its Location tab."""
    photo = _item(ws, "DSCN0010.jpg")
    gps = ws.session.case.find_item(photo)
    lat, lon = gps["gps_lat"], gps["gps_lon"]
    seq = ws.session.case.conn.execute("SELECT max(seq) FROM events").fetchone()[0]

    def record(case: Case) -> None:
        geo.claim_location(case, photo, geo.parse_point(f"{lat + 0.0009}, {lon + 0.0006}"), precision_m=60,
                           method="landmark_match", direction_deg=40, note="church tower and the road bend",
                           accept=True)
        geo.claim_location(case, photo, geo.parse_point(f"{lat - 0.012}, {lon - 0.011}"), precision_m=150,
                           method="witness", note="as told by the sender")
        geo.record_incident(case, "Strike near the market", time="2024-05-06T23:40", lat=lat - 0.004,
                            lon=lon + 0.01, precision_m=300)

    ws.browser.select_item(photo)
    ws.session.write(record, name="Recording the sample claims")
    wait(lambda: ws.session.case.conn.execute("SELECT max(seq) FROM events").fetchone()[0] >= seq + 3
         and ws.map.model.locations is not None and len(ws.map.model.locations.claims) == 2)
    ws.tabs.setCurrentWidget(ws.browser)
    ws.detail_dock.hide()
    ws.map_dock.show()
    ws.resizeDocks([ws.map_dock], [900], Qt.Orientation.Horizontal)
    settle()
    ws.map.zoom_to_item()
    grab(window, out, "13-map")
    ws.map_dock.hide()
    ws.detail_dock.show()
    ws.detail.tabs.setCurrentWidget(ws.detail.location)
    ws.resizeDocks([ws.detail_dock], [640], Qt.Orientation.Horizontal)
    grab(window, out, "14-location-tab")


def _item(ws: object, name: str) -> str:
    row = ws.session.case.conn.execute(  # type: ignore[attr-defined]
        "SELECT id FROM items WHERE display_name = ? ORDER BY imported_seq LIMIT 1", (name,)).fetchone()
    return row[0]


if __name__ == "__main__":
    sys.exit(main())
