"""GUI at scale: a 100,000-item case, offscreen. Prints open time, worst GUI-thread stalls, memory.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_scale.py [--items 100000] [--case PATH]

The case is real (created by ``Case.create``, every item an ``item.imported`` + ``item.sighted``
+ ``item.analysed`` event chained and projected as the import would), but synthetic: originals
are not stored, and every item's thumbnail is a hard link to one of a few small JPEGs. With
``--case PATH`` the case is kept and reused by the next run.

Goals: open and first screen of thumbnails < 2 s; no GUI-thread stall > 50 ms while scrolling
top to bottom or filtering; memory < 1 GB.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VERIFY_BENCH_ACTOR", "benchmark")  # else the app asks who is working

from PySide6.QtCore import QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from verify_bench import events as ev, projections  # noqa: E402
from verify_bench.case import Case  # noqa: E402
from verify_bench.gui.app import make_app  # noqa: E402
from verify_bench.gui.main_window import MainWindow  # noqa: E402
from verify_bench.ingest.derived import thumb_path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import cpu_info, peak_rss_mb  # noqa: E402

CAMERAS = [("NIKON", "COOLPIX P6000"), ("Apple", "iPhone 12"), ("samsung", "SM-G991B"), (None, None)]


# ---- building the case -----------------------------------------------------------------------
def build_case(root: Path, count: int) -> None:
    rng = random.Random(5)
    thumbs = [_thumb_jpeg(i) for i in range(8)]
    seeds = [root / "derived" / f"seed{i}.jpg" for i in range(len(thumbs))]
    with Case.create(root, actor="bench", title=f"Synthetic case, {count:,} items") as case:
        for path, data in zip(seeds, thumbs):
            path.write_bytes(data)
        conn = case.conn
        seq, prev = case.head()
        conn.execute("BEGIN IMMEDIATE")
        made_dirs: set[Path] = set()
        for n in range(count):
            item_id = str(uuid.UUID(int=rng.getrandbits(128)))
            sha = f"{rng.getrandbits(256):064x}"
            make, model = CAMERAS[n % len(CAMERAS)]
            media = "video" if n % 17 == 0 else "image"
            day = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00"
            fields = [{"field": "taken_at", "value": day, "source": "exif"}]
            if make:
                fields += [{"field": "make", "value": make, "source": "exif"},
                           {"field": "model", "value": model, "source": "exif"}]
            if n % 3 == 0:
                fields += [{"field": "gps_lat", "value": 31.2 + n * 1e-6, "source": "exif"},
                           {"field": "gps_lon", "value": 34.2 + n * 1e-6, "source": "exif"}]
            name = f"{'VID' if media == 'video' else 'IMG'}_{n:06d}.{'mp4' if media == 'video' else 'jpg'}"
            payloads = [
                (ev.ITEM_IMPORTED, {"sha256": sha, "md5": sha[:32], "size": 50_000 + n % 5_000_000,
                                    "stored_path": f"originals/{sha[:2]}/{sha[2:4]}/{sha}.jpg", "media_type": media,
                                    "mime": "image/jpeg", "format": "JPEG", "display_name": name}),
                (ev.ITEM_SIGHTED, {"batch_id": "bench", "original_path": f"/evidence/batch{n // 1000}/{name}",
                                   "original_path_b64": "", "archive_member": None, "size": 1, "mtime_ns": n,
                                   "mtime": day, "source_url": None, "note": None, "sidecar": None, "fields": []}),
                (ev.ITEM_ANALYSED, {"outcome": "ok", "analysis": {
                    "media_type": media, "mime": "image/jpeg", "format": "JPEG", "width": 4000, "height": 3000,
                    "duration": 12.5 if media == "video" else None, "raw": [], "fields": fields, "hashes": [],
                    "low_information": False, "problems": []}}),
            ]
            for kind, payload in payloads:
                seq += 1
                event = ev.new_event(seq=seq, actor="bench", kind=kind, item_id=item_id, payload=payload,
                                     prev_hash=prev)
                conn.execute("INSERT INTO events (seq, id, at, actor, kind, item_id, payload, prev_hash, hash)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (event.seq, event.id, event.at, event.actor, event.kind, event.item_id,
                              event.payload_json, event.prev_hash, event.hash))
                projections.apply(conn, event)
                prev = event.hash
            target = thumb_path(root, sha)
            if target.parent not in made_dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(target.parent)
            os.link(seeds[n % len(seeds)], target)
            if n % 20_000 == 19_999:
                conn.execute("COMMIT")
                print(f"  built {n + 1:,} items", flush=True)
                conn.execute("BEGIN IMMEDIATE")
        conn.execute("COMMIT")


def _thumb_jpeg(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 240), (seed * 40 % 256, 80, 140))
    ImageDraw.Draw(img).ellipse([40 + seed * 10, 40, 200, 200], fill=(240, 220, 60))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


# ---- measuring -------------------------------------------------------------------------------
class StallMeter:
    """Gaps between turns of the GUI event loop (a zero-interval timer fires once per turn).

    Each gap is measured in wall time and in the GUI thread's CPU time: on a busy machine a
    long wall-clock gap with little CPU in it is the scheduler's doing, not the app's.
    """

    def __init__(self) -> None:
        self.timer = QTimer(interval=0)
        self.timer.timeout.connect(self._tick)
        self.gaps: list[tuple[float, float]] = []  # (wall ms, cpu ms)

    def _tick(self) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(((wall - self._wall) * 1000, (cpu - self._cpu) * 1000))
        self._wall, self._cpu = wall, cpu

    def __enter__(self) -> StallMeter:
        self.gaps = []
        self._wall, self._cpu = time.perf_counter(), time.thread_time()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()

    def summary(self) -> str:
        if not self.gaps:
            return "no turns measured"
        walls = sorted(g[0] for g in self.gaps)
        worst_wall = max(self.gaps)
        worst_cpu = max(g[1] for g in self.gaps)
        over = sum(1 for w in walls if w > 50)
        p99 = walls[int(len(walls) * 0.99)]
        return (f"worst {worst_wall[0]:6.1f} ms wall ({worst_wall[1]:.0f} ms CPU), worst CPU {worst_cpu:5.1f} ms, "
                f"p99 {p99:5.1f} ms, {over} of {len(walls)} turns > 50 ms")


def pump(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        QApplication.processEvents()
        time.sleep(0.001)


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.001)


def visible_thumbs_loaded(ws) -> bool:  # type: ignore[no-untyped-def]
    grid = ws.browser.grid
    rect = grid.viewport().rect()
    first = grid.indexAt(rect.topLeft() + rect.topLeft().__class__(5, 5))
    if not first.isValid():
        return False
    rows = range(first.row(), min(ws.model.rowCount(), first.row() + 60))
    for row in rows:
        index = ws.model.index(row, 0)
        if not rect.intersects(grid.visualRect(index)):
            continue
        item = ws.model.item_row(row)
        if ws.thumbnails.pixmap(item.sha256, ws.session.is_blurred(item.id)) is None:
            return False
    return True


def scroll(view, steps: int, meter: StallMeter) -> None:  # type: ignore[no-untyped-def]
    bar = view.verticalScrollBar()
    with meter:
        for i in range(steps + 1):
            bar.setValue(round(bar.maximum() * i / steps))
            _spin(0.016)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--case", type=Path, help="build the case here (kept, and reused when it exists)")
    parser.add_argument("--steps", type=int, default=300, help="scroll positions from top to bottom")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vb-gui-scale-"))
    root = args.case or work / "scale.vbcase"
    try:
        if not (root / "case.sqlite").is_file():
            print(f"Building a {args.items:,}-item case at {root} …", flush=True)
            start = time.perf_counter()
            build_case(root, args.items)
            print(f"  built in {time.perf_counter() - start:.1f} s")
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "settings"))
        measure(root, args.steps)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def measure(root: Path, steps: int) -> None:
    app = make_app()
    window = MainWindow(sample_path=root.parent / "unused.vbcase")
    window.resize(1440, 900)
    window.show()
    _spin(0.2)
    meter = StallMeter()

    start = time.perf_counter()
    with meter:
        window.open_case(root)
        ws = window.workspace
        pump(lambda: ws.model.loaded_once and ws.model.rowCount() > 0)
        shown = time.perf_counter() - start
        pump(lambda: visible_thumbs_loaded(ws))
        thumbs = time.perf_counter() - start
    open_stall = meter.summary()
    items = ws.model.rowCount()

    scroll(ws.browser.grid, steps, meter)
    grid_stall = meter.summary()
    ws.table_action.trigger()
    scroll(ws.browser.table, steps, meter)
    table_stall = meter.summary()
    ws.grid_action.trigger()

    bar = ws.browser.filter_bar
    filter_times: list[tuple[str, float]] = []
    with meter:
        for label, apply_filter, expect in (
            ("text 'IMG_0012'", lambda: bar.text.setText("IMG_0012"), lambda n: 0 < n < items),
            ("clear", lambda: bar.text.setText(""), lambda n: n == items),
            ("type = video", lambda: bar.combos["media_type"].setCurrentIndex(2), lambda n: 0 < n < items),
            ("+ with GPS", lambda: bar.combos["has_gps"].setCurrentIndex(1), lambda n: 0 < n < items),
            ("camera text 'iphone'", lambda: (bar.combos["media_type"].setCurrentIndex(0),
                                              bar.combos["has_gps"].setCurrentIndex(0), bar.text.setText("iphone")),
             lambda n: 0 < n < items),
            ("clear", lambda: bar.text.setText(""), lambda n: n == items),
        ):
            t0 = time.perf_counter()
            apply_filter()
            bar._emit()  # noqa: SLF001 - skip the typing debounce
            pump(lambda: not ws.model.filter != bar.current() and ws.model.loaded_once and expect(ws.model.rowCount()))
            _spin(0.05)
            filter_times.append((label, time.perf_counter() - t0))
        t0 = time.perf_counter()
        ws.table_action.trigger()
        ws.browser.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)  # size, largest first
        pump(lambda: ws.model.sort_key == "size")
        _spin(0.3)
        filter_times.append(("sort table by size", time.perf_counter() - t0))
    filter_stall = meter.summary()
    window.close()
    rss = peak_rss_mb()

    print(f"\nGUI scale benchmark — {items:,} items, offscreen, {cpu_info()}")
    print(f"  open case → first list shown         {shown * 1000:8.0f} ms")
    print(f"  open case → first screen of thumbs   {thumbs * 1000:8.0f} ms   (goal < 2000)")
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine stretches wall times)")
    print("  GUI-thread stalls (goal: none > 50 ms):")
    print(f"    opening the case        {open_stall}")
    print(f"    scrolling the grid      {grid_stall}   ({steps} jumps, top to bottom)")
    print(f"    scrolling the table     {table_stall}")
    print(f"    filtering and sorting   {filter_stall}")
    for label, seconds in filter_times:
        print(f"      {label:<32} result in {seconds * 1000:6.0f} ms")
    print(f"  peak memory (RSS)                    {rss:8.0f} MB   (goal < 1024)")
    app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
