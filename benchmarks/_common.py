"""Helpers shared by the benchmark scripts (not part of the package)."""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def need_corpus() -> Path:
    if not CORPUS.is_dir():
        sys.exit(f"this benchmark needs the shared corpus at {CORPUS}")
    return CORPUS


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def peak_rss_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def compile_bytecode() -> str:
    """Compile verify_bench's modules to bytecode, as an installed copy has them; returns a line to print.

    Each import spawns its worker processes, and a worker imports the package afresh. pip compiles
    a wheel's modules on install, and Python writes the bytecode of an editable checkout on first
    import, unless PYTHONDONTWRITEBYTECODE is set (as on some CI and sandbox machines): then every
    worker of every run compiled ~40 modules again, about 0.15 s per import, which is not what
    users pay.
    """
    import compileall

    import verify_bench

    package = Path(verify_bench.__file__).parent
    compileall.compile_dir(str(package), quiet=1)
    return f"bytecode of {package} compiled (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})"


def drop_page_cache_hint(paths: list[Path]) -> None:
    """Warm the page cache so every contender reads from memory alike."""
    for p in paths:
        with open(p, "rb") as f:
            while f.read(8 * 2**20):
                pass


def unique_copies(sources: list[Path], dest: Path, count: int) -> list[Path]:
    """``count`` files cycling over ``sources``, each made unique by bytes appended after the JPEG end.

    Decoders ignore data after the end-of-image marker, so every copy decodes like its source
    but has its own SHA-256 (an import would otherwise record repeats as sightings, not items).
    """
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    blobs = [s.read_bytes() for s in sources]
    for i in range(count):
        src = sources[i % len(sources)]
        p = dest / f"{i:05d}_{src.name}"
        p.write_bytes(blobs[i % len(blobs)] + f"\nvb-bench-copy-{i}".encode())
        out.append(p)
    return out


def cpu_info() -> str:
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores {model}".strip()
