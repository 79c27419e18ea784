"""Memory over a long import: RSS of the importing process and its workers, every 1,000 files.

    python benchmarks/ingest_memory.py [--files 10000]

Generates small JPEGs that differ in bytes and in picture (each a random low-frequency scene,
so each is a new item with metadata, hashes and a thumbnail, and near-duplicate matching finds
no pairs) and imports them with 2 workers. Flat means the figures stop growing once the first
batches are done; a leak shows as steady growth per 1,000 files. (Pictures that are all alike,
such as one colour with a moved rectangle, are a different test: every pair matches, and the
match cache grows with the square of the count.)
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import cpu_info  # noqa: E402


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def make_files(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(n):
        scene = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
        img = Image.fromarray(scene, "RGB").resize((400, 300), Image.Resampling.BICUBIC)
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=80)
        (folder / f"{i:06d}.jpg").write_bytes(buf.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        sys.exit("reads /proc: Linux only")
    from verify_bench.case import Case
    from verify_bench.ingest.pipeline import ImportOptions, run_import

    print(f"machine: {cpu_info()}")
    with tempfile.TemporaryDirectory(prefix="vb-mem-") as tmp:
        src = Path(tmp) / "in"
        make_files(src, args.files)
        samples: list[tuple[int, float, float]] = []
        me = os.getpid()

        def progress(p) -> None:  # type: ignore[no-untyped-def]
            if p.files_done and p.files_done % 1000 == 0 and (not samples or samples[-1][0] != p.files_done):
                workers = [rss_mb(c) for c in children(me)]
                samples.append((p.files_done, rss_mb(me), max(workers, default=0.0)))

        with Case.create(Path(tmp) / "c.vbcase", actor="bench") as case:
            summary = run_import(case, [src], options=ImportOptions(workers=2), progress=progress)
        print(f"imported {summary.imported} files in {summary.seconds:.0f} s")
        print(f"{'files done':>10}{'importer RSS MB':>18}{'largest worker RSS MB':>24}")
        for done, parent, worker in samples:
            print(f"{done:>10}{parent:>18.0f}{worker:>24.0f}")
        if len(samples) >= 4:
            first, last = samples[1], samples[-1]
            per_k = (last[1] - first[1]) / ((last[0] - first[0]) / 1000)
            print(f"importer growth after the first 2,000 files: {per_k:+.1f} MB per 1,000 files")


if __name__ == "__main__":
    main()
