"""Measure a packaged build: folder size, and start-up time to the main window, offscreen.

    python packaging/measure.py [--app dist/verify-bench/verify-bench] [--runs 3]

Each run starts the program with ``--smoke`` (packaging/smoke.py) and takes the time from launch to
the moment its window is shown; the smoke run then goes on to build the sample case, import and
verify, and its total time is reported too. The first run after a build reads everything from disk
(closer to a cold start); later runs find it in the page cache.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def one_run(app: Path) -> tuple[float, float]:
    """(seconds to the window shown, seconds for the whole smoke run)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory(prefix="vb-measure-") as work:
        start = time.time()
        out = subprocess.run([str(app), "--smoke", "--work", work], env=env, capture_output=True, text=True, check=False,
                             timeout=600)
        total = time.time() - start
    values = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line and " " not in line)
    if out.returncode != 0 or values.get("smoke") != "passed":
        raise SystemExit(f"smoke run failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return float(values["window_shown_at"]) - start, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=ROOT / "dist" / "verify-bench" / "verify-bench")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    size, count = folder_size(args.app.parent)
    print(f"folder: {args.app.parent} — {size / 1e6:.0f} MB in {count:,} files")
    runs = [one_run(args.app) for _ in range(args.runs)]
    for i, (shown, total) in enumerate(runs, 1):
        print(f"run {i}: window shown after {shown:.2f} s; smoke run (sample case, import, verify) {total:.1f} s")
    later = [shown for shown, _ in runs[1:]] or [runs[0][0]]
    print(f"start-up to the window: first run {runs[0][0]:.2f} s, later runs median {statistics.median(later):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
