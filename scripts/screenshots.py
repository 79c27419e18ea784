"""Render the app's views on the sample case to docs/screenshots/*.png (offscreen; no display needed).

    python scripts/screenshots.py [--out docs/screenshots] [--series views|guide|all]

``views`` writes the numbered pictures of each panel (01-…png, used by the README and the topic docs);
``guide`` writes the user guide's pictures (guide-*.png, docs/user-guide.md), driving the real app the
way the guide tells a reader to: open the sample case, import, find duplicates, locate, tag, review.
Each guide picture is one entry of ``GUIDE``: add an entry to picture a new panel. Everything runs in
a temporary folder with temporary settings and profiles.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VERIFY_BENCH_ACTOR", "investigator")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from verify_bench import geo  # noqa: E402
from verify_bench.case import Case  # noqa: E402
from verify_bench.demo import build_demo_case  # noqa: E402
from verify_bench.gui.app import apply_color_scheme, make_app  # noqa: E402
from verify_bench.gui.main_window import MainWindow  # noqa: E402
from verify_bench.gui.workspace import Workspace  # noqa: E402
from verify_bench.ingest.pipeline import ImportOptions  # noqa: E402
from verify_bench.profiles import create_profile  # noqa: E402
from verify_bench.resources import samples_dir  # noqa: E402

SIZE = (1440, 900)
LEAD = "Lead reviewer"


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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "screenshots")
    parser.add_argument("--series", choices=("views", "guide", "all"), default="all")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="vb-screens-"))
    os.environ["VERIFY_BENCH_CONFIG_DIR"] = str(work / "profiles")  # never the user's own profiles
    try:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
        app = make_app()
        if args.series in ("views", "all"):
            demo = work / "Demo.vbcase"
            build_demo_case(demo)
            window = MainWindow(sample_path=work / "sample.vbcase")
            window.resize(*SIZE)
            window.show()
            shoot(app, window, demo, work, args.out)
            window.close()
        if args.series in ("guide", "all"):
            gaps = shoot_guide(work / "guide", args.out)
            for gap in gaps:
                print(f"not pictured: {gap}")
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
    ws.detail.preview.video.step(1)  # the exact first frame, decoded by the player's worker
    wait(lambda: ws.detail.preview.video.time_label.text().startswith("0:00.000"), timeout=60)
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
    claims_before = len(geo.location_claims(ws.session.case, item_id=photo))  # the sample case has some

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
    ws.tabs.setCurrentWidget(ws.browser)
    ws.detail_dock.hide()
    ws.map_dock.show()  # the map reads the case only while it is shown
    wait(lambda: ws.session.case.conn.execute("SELECT max(seq) FROM events").fetchone()[0] >= seq + 3
         and ws.map.model.settled and ws.map.model.locations is not None
         and len(ws.map.model.locations.claims) == claims_before + 2)
    ws.resizeDocks([ws.map_dock], [900], Qt.Orientation.Horizontal)
    settle()
    ws.map.zoom_to_item()
    grab(window, out, "13-map")
    ws.map_dock.hide()
    ws.detail_dock.show()
    ws.detail.tabs.setCurrentWidget(ws.detail.location)
    ws.resizeDocks([ws.detail_dock], [640], Qt.Orientation.Horizontal)
    grab(window, out, "14-location-tab")


# ---- the user guide's pictures ------------------------------------------------------------------
@dataclass(frozen=True)
class GuideContext:
    window: MainWindow
    work: Path
    out: Path
    others: list[MainWindow] = field(default_factory=list)  # further windows, closed at the end

    @property
    def ws(self) -> Workspace:
        assert self.window.workspace is not None, "open a case first"
        return self.window.workspace


@dataclass(frozen=True)
class Shot:
    """One picture of the guide: ``take`` puts the window in shape and returns the widget to grab.

    ``needs`` names workspace attributes the shot drives; a build without them is reported as a gap.
    """

    name: str
    take: Callable[[GuideContext], QWidget]
    needs: tuple[str, ...] = ()


def guide_start(ctx: GuideContext) -> QWidget:
    """The start screen after a first look at the sample case (so it is in the recent list)."""
    ctx.window.open_sample()
    wait(lambda: ctx.window.workspace is not None and ctx.ws.model.rowCount() > 0, timeout=120)
    ctx.window.close_case()
    return ctx.window


def guide_import(ctx: GuideContext) -> QWidget:
    """A new case, a folder imported into it, the import panel with its summary and one damaged file."""
    case = ctx.work / "Market strike 2024-05.vbcase"
    ctx.window.create_case(case)
    incoming = ctx.work / "From the field"
    incoming.mkdir()
    for src in sorted(samples_dir().glob("*.jp*g")):
        shutil.copyfile(src, incoming / src.name)
    (incoming / "damaged_upload.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a picture")
    ws = ctx.ws
    ws.imports.options = ImportOptions(workers=1)
    ws.import_paths([incoming])
    ws.resizeDocks([ws.import_dock], [260], Qt.Orientation.Vertical)
    wait(lambda: not ws.imports.running and ws.model.rowCount() >= 6, timeout=120)
    ws.browser.select_item(_item(ws, "DSCN0025.jpg"))
    return ctx.window


def _open_sample(ctx: GuideContext) -> Workspace:
    if ctx.window.workspace is None or ctx.window.workspace.session.root != ctx.window.sample_path.resolve():
        ctx.window.open_sample()
        wait(lambda: ctx.window.workspace is not None and ctx.ws.model.rowCount() > 0, timeout=120)
    ws = ctx.ws
    for dock in (ws.import_dock, ws.duplicates_dock, ws.map_dock, ws.queue_dock):
        dock.hide()
    ws.detail_dock.show()
    ws.tabs.setCurrentWidget(ws.browser)
    ctx.window.resize(*SIZE)
    return ws


def guide_library(ctx: GuideContext) -> QWidget:
    ws = _open_sample(ctx)
    ws.browser.select_item(_item(ws, "DSCN0010.jpg"))
    ws.detail.tabs.setCurrentWidget(ws.detail.metadata)
    return ctx.window


def guide_duplicates(ctx: GuideContext) -> QWidget:
    ws = _open_sample(ctx)
    ws.detail_dock.hide()
    ws.duplicates_dock.show()
    settle()
    ws.resizeDocks([ws.duplicates_dock], [340], Qt.Orientation.Horizontal)
    wait(lambda: ws.duplicates.tree.topLevelItemCount() > 0)
    ws.duplicates.tree.expandAll()
    compare = ws.compare(_item(ws, "DSCN0010.jpg"), _item(ws, "reupload_1651239845.jpg"))
    wait(lambda: compare.viewers[0].has_image and compare.viewers[1].has_image)
    return ctx.window


def guide_locate(ctx: GuideContext) -> QWidget:
    ws = _open_sample(ctx)
    photo = _item(ws, "DSCN0010.jpg")
    ws.browser.select_item(photo)
    ws.map_dock.show()
    settle()
    ws.resizeDocks([ws.map_dock, ws.detail_dock], [560, 560], Qt.Orientation.Horizontal)
    wait(lambda: ws.map.model.locations is not None and len(ws.map.model.locations.claims) == 2)
    settle()
    ws.map.zoom_to_item()
    ws.detail.tabs.setCurrentWidget(ws.detail.location)
    return ctx.window


def guide_fragment(ctx: GuideContext) -> QWidget:
    ws = _open_sample(ctx)
    ws.detail_dock.hide()
    item = _item(ws, "fragment_tail_fin.jpg")
    ws.browser.select_item(item)
    view = ws.tag_fragments(item)
    wait(lambda: view.canvas.has_image)
    fragment = ws.session.case.conn.execute("SELECT id FROM fragments WHERE item_id = ?", (item,)).fetchone()
    if fragment is not None:
        view.select_fragment(fragment[0])
    return ctx.window


def guide_review(ctx: GuideContext) -> QWidget:
    """The review queue as the team lead sees it: a second window acting as a lead profile."""
    ctx.window.close_case()
    create_profile(LEAD, role="lead")
    os.environ["VERIFY_BENCH_ACTOR"] = LEAD  # the first lead to act in the sample case becomes its lead
    lead_window = MainWindow(sample_path=ctx.window.sample_path)
    ctx.others.append(lead_window)
    lead_window.resize(*SIZE)
    lead_window.show()
    lead = GuideContext(lead_window, ctx.work, ctx.out)
    ws = _open_sample(lead)
    ws.queue_dock.show()
    ws.resizeDocks([ws.queue_dock], [230], Qt.Orientation.Vertical)
    wait(lambda: ws.review_queue.model.rowCount() > 0)
    ws.open_for_review(_item(ws, "fragment_tail_fin.jpg"))
    ws.review_queue.select_ids([_item(ws, "fragment_tail_fin.jpg")])
    return lead_window


def guide_export(ctx: GuideContext) -> QWidget:
    """The export dialog after exporting the sample incident (the dialog shows where it wrote what)."""
    for other in ctx.others:
        other.close_case()
    ws = _open_sample(ctx)
    dialog = ws.export_report()
    dialog.scope_incident.setChecked(True)
    dialog.start()
    wait(lambda: dialog.result is not None or dialog.error.isVisible(), timeout=300)
    settle()
    return dialog


GUIDE: list[Shot] = [
    Shot("guide-01-start", guide_start),
    Shot("guide-02-import", guide_import, ("imports", "import_panel")),
    Shot("guide-03-library", guide_library),
    Shot("guide-04-duplicates", guide_duplicates, ("duplicates",)),
    Shot("guide-05-locate", guide_locate, ("map",)),
    Shot("guide-06-fragment", guide_fragment, ("tag_fragments",)),
    Shot("guide-07-review", guide_review, ("review_queue", "open_for_review")),
    Shot("guide-08-export", guide_export, ("export_report",)),
]
# Not pictured: re-checking a report (done with `verify-bench check-report`; the app has no window for it).


def shoot_guide(work: Path, out: Path) -> list[str]:
    """Take every GUIDE picture on a fresh sample case; returns what could not be pictured."""
    work.mkdir(parents=True)
    os.environ["VERIFY_BENCH_ACTOR"] = "demo"  # the sample case's lead, who may approve or return items
    window = MainWindow(sample_path=work / "Sample.vbcase")
    window.resize(*SIZE)
    window.show()
    ctx = GuideContext(window, work, out)
    gaps = []
    try:
        for shot in GUIDE:
            open_ws = window.workspace
            missing = [n for n in shot.needs
                       if not hasattr(Workspace, n) and open_ws is not None and not hasattr(open_ws, n)]
            if missing:
                gaps.append(f"{shot.name}: the workspace has no {', '.join(missing)}")
                continue
            widget = shot.take(ctx)
            if widget.isWindow() and isinstance(widget, MainWindow):
                widget.resize(*SIZE)
            grab(widget, out, shot.name)
    finally:
        for w in [*ctx.others, window]:
            w.close()
    return gaps


def _item(ws: object, name: str) -> str:
    row = ws.session.case.conn.execute(  # type: ignore[attr-defined]
        "SELECT id FROM items WHERE display_name = ? ORDER BY imported_seq LIMIT 1", (name,)).fetchone()
    return row[0]


if __name__ == "__main__":
    sys.exit(main())
