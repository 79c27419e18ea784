"""Memory over a long import: RSS of the importing process and its workers, every 1,000 files.

    python benchmarks/ingest_memory.py [--files 10000]

Generates small JPEGs that differ in bytes and in picture (each a random low-frequency scene,
so each is a new item with metadata, hashes and a thumbnail, and near-duplicate matching finds
no pairs) and imports them with 2 workers. Flat means the figures stop growing once the first
batches are done; a leak shows as steady growth per 1,000 files. Two parts of the importing
process grow by design and are shown apart: SQLite's heap (its page cache, capped at 16 MiB while
importing, ``IMPORT_CACHE_KIB``) and the arrays of the live duplicate index (which holds every photo's
hashes); "the rest" is the importer's RSS without them. (Pictures that are all alike,
such as one colour with a moved rectangle, are a different test: every pair matches, and the
match cache grows with the square of the count.)
"""

from __future__ import annotations

import argparse
import ctypes
import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import compile_bytecode, cpu_info  # noqa: E402


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def sqlite_heap_mb() -> Callable[[], float]:
    """A reader of the heap of the SQLite library that this Python's sqlite3 module uses (NaN if unknown)."""
    import sqlite3  # noqa: F401 - loads the library

    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "libsqlite3" in line}
    if len(paths) != 1:  # linked statically into the module: no separate library to ask
        return lambda: float("nan")
    library = ctypes.CDLL(paths.pop())
    library.sqlite3_memory_used.restype = ctypes.c_int64
    return lambda: library.sqlite3_memory_used() / 2**20


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
    from verify_bench.similarity import service

    live: list[service.LiveMatcher] = []  # the import's live matcher, to ask it the size of its index
    made = service.LiveMatcher.__init__

    def keep(self: service.LiveMatcher, *args: object, **kwargs: object) -> None:
        made(self, *args, **kwargs)  # type: ignore[arg-type]
        live.append(self)

    service.LiveMatcher.__init__ = keep  # type: ignore[method-assign]
    sqlite_mb = sqlite_heap_mb()

    print(f"machine: {cpu_info()}")

    print(compile_bytecode())
    with tempfile.TemporaryDirectory(prefix="vb-mem-") as tmp:
        src = Path(tmp) / "in"
        make_files(src, args.files)
        samples: list[tuple[int, float, float, float, float]] = []
        me = os.getpid()

        def progress(p) -> None:  # type: ignore[no-untyped-def]
            if p.files_done and p.files_done % 1000 == 0 and (not samples or samples[-1][0] != p.files_done):
                workers = [rss_mb(c) for c in children(me)]
                index = sum(m.nbytes for m in live) / 2**20
                samples.append((p.files_done, rss_mb(me), sqlite_mb(), index, max(workers, default=0.0)))

        with Case.create(Path(tmp) / "c.vbcase", actor="bench") as case:
            summary = run_import(case, [src], options=ImportOptions(workers=2), progress=progress)
        print(f"imported {summary.imported} files in {summary.seconds:.0f} s")
        print(f"{'files done':>10}{'importer RSS':>14}{'SQLite heap':>13}{'dupe index':>12}{'the rest':>10}"
              f"{'largest worker RSS':>20}   (MB)")
        for done, parent, heap, index, worker in samples:
            print(f"{done:>10}{parent:>14.0f}{heap:>13.1f}{index:>12.1f}{parent - heap - index:>10.0f}{worker:>20.0f}")
        if len(samples) >= 4:
            first, last = samples[1], samples[-1]
            thousands = (last[0] - first[0]) / 1000
            growth = [(last[k] - first[k]) / thousands for k in (1, 2, 3)]
            rest = growth[0] - growth[1] - growth[2]
            print(f"growth per 1,000 files after the first 2,000: importer {growth[0]:+.1f} MB (SQLite heap"
                  f" {growth[1]:+.1f}, duplicate index {growth[2]:+.1f}, the rest {rest:+.1f})")


if __name__ == "__main__":
    main()
