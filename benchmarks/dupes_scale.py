"""Near-duplicate search at case scale: all pairs within the default radius, and new items against an index.

    python benchmarks/dupes_scale.py [--sizes 100000,1000000] [--radius 8] [--threads 1,2] [--no-clustered]

Data: uniform random 64-bit hashes with planted near-duplicates (1 % of the codes copied with 0..radius
bits flipped), and a clustered, realistic set: pHashes of windows of the corpus photos at random
positions and scales, each photo's windows a cluster, plus planted perturbations. Each size runs in
a fresh process so that peak memory (max RSS) belongs to one measurement.

Contenders: the project's multi-index hashing (numba, ``similarity.index.HashIndex``) on 1 and 2
threads; a vectorised numpy brute force (all pairs, in blocks) and a pure-Python BK-tree, at the
sizes where they finish in reasonable time. Recall is checked against the planted pairs at every
size, and against the brute force wherever it runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CORPUS, cpu_info, peak_rss_mb  # noqa: E402

BRUTE_MAX = 100_000
BKTREE_MAX = 10_000


def uniform(n: int, radius: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``n`` codes, the last 1 % planted copies of earlier ones; returns (codes, planted pairs [i, j])."""
    rng = np.random.default_rng(seed)
    planted = max(1, n // 100)
    codes = rng.integers(0, 2**64, n, dtype=np.uint64)
    return _plant(codes, planted, radius, rng)


def _plant(codes: np.ndarray, planted: int, radius: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n = codes.shape[0]
    src = rng.integers(0, n - planted, planted)
    dst = np.arange(n - planted, n)
    copies = codes[src].copy()
    for k, flips in enumerate(rng.integers(0, radius + 1, planted)):
        for bit in rng.choice(64, flips, replace=False):
            copies[k] ^= np.uint64(1) << np.uint64(bit)
    codes[dst] = copies
    return codes, np.stack([src, dst], axis=1)


def clustered(n: int, radius: int, seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """pHashes of random windows (25-100 % of the side) of the corpus photos, plus planted perturbations.

    The photos are first reduced to 128 px (as the variant pipeline does), which keeps a million windows quick.
    """
    from PIL import Image, ImageOps

    from verify_bench.similarity.variants import phash_many

    rng = np.random.default_rng(seed)
    photos = []
    for p in sorted((CORPUS / "exif-samples" / "jpg").rglob("*.jpg")):
        try:
            img = Image.open(p)
            img.draft("L", (256, 256))
            img = ImageOps.exif_transpose(img).convert("L")
            img.thumbnail((128, 128), Image.Resampling.BOX)
            photos.append(img)
        except Exception:  # noqa: BLE001 - the corpus holds deliberately broken files
            continue
    photos = [p for p in photos if min(p.size) >= 48]
    planted = max(1, n // 100)
    out = np.empty(n, dtype=np.uint64)
    batch = 4096
    for start in range(0, n - planted, batch):
        count = min(batch, n - planted - start)
        windows = []
        for k in rng.integers(0, len(photos), count):
            img = photos[k]
            side = rng.uniform(0.25, 1.0)
            w, h = max(16, int(img.width * side)), max(16, int(img.height * side))
            x, y = rng.integers(0, img.width - w + 1), rng.integers(0, img.height - h + 1)
            windows.append(img.crop((x, y, x + w, y + h)))
        out[start:start + count] = phash_many(windows)
    return _plant(out, planted, radius, rng)


def brute_force(codes: np.ndarray, radius: int, block: int = 256) -> np.ndarray:
    """All pairs by comparing every code with every later one (numpy, in blocks), as keys ``a * n + b``."""
    n = codes.shape[0]
    found = []
    for start in range(0, n, block):
        rows = codes[start:start + block]
        d = np.bitwise_count(rows[:, None] ^ codes[None, start:])
        i, j = np.nonzero(d <= radius)
        keep = j > i
        found.append((i[keep] + start) * n + (j[keep] + start))
    return np.unique(np.concatenate(found))


class BKTree:
    """Burkhard-Keller tree over Python ints (the textbook near-neighbour structure)."""

    def __init__(self) -> None:
        self.root: tuple[int, int, dict[int, tuple]] | None = None

    def add(self, code: int, ident: int) -> None:
        if self.root is None:
            self.root = (code, ident, {})
            return
        node = self.root
        while True:
            d = (code ^ node[0]).bit_count()
            child = node[2].get(d)
            if child is None:
                node[2][d] = (code, ident, {})
                return
            node = child

    def query(self, code: int, radius: int) -> list[int]:
        out, stack = [], [self.root] if self.root else []
        while stack:
            c, ident, children = stack.pop()
            d = (code ^ c).bit_count()
            if d <= radius:
                out.append(ident)
            stack.extend(child for k, child in children.items() if d - radius <= k <= d + radius)
        return out


def bktree_pairs(codes: np.ndarray, radius: int) -> np.ndarray:
    tree, found = BKTree(), []
    n = codes.shape[0]
    for i, c in enumerate(codes.tolist()):
        found += [j * n + i for j in tree.query(c, radius)]
        tree.add(c, i)
    return np.unique(np.array(found, dtype=np.int64))


def run_one(kind: str, n: int, radius: int, threads: list[int], query_count: int = 1000) -> dict[str, object]:
    """Measure one size in this process: MIH all pairs per thread count, queries, baselines where they finish."""
    from verify_bench.similarity.index import HashIndex

    codes, planted = (uniform if kind == "uniform" else clustered)(n, radius)
    result: dict[str, object] = {"kind": kind, "n": n, "radius": radius}
    warm = HashIndex(threads=1)  # compile (or load the cached kernels) outside the timings
    warm.add(codes[:5000])
    warm.pairs(radius)
    found = np.empty(0, dtype=np.int64)
    for t in threads:
        index = HashIndex(threads=t)
        index.add(codes)
        start = time.perf_counter()
        pairs = index.pairs(radius)
        result[f"mih_{t}t_s"] = round(time.perf_counter() - start, 3)
        found = np.unique(np.minimum(pairs.a, pairs.b) * n + np.maximum(pairs.a, pairs.b))
        result["pairs"] = int(found.shape[0])
        del index, pairs
    keys = np.unique(np.minimum(planted[:, 0], planted[:, 1]) * n + np.maximum(planted[:, 0], planted[:, 1]))
    result["planted_recall"] = float(np.isin(keys, found).mean())
    index = HashIndex(threads=max(threads))
    index.add(codes)
    index.pairs(radius)  # tables built
    fresh = codes[np.random.default_rng(9).integers(0, n, query_count)] ^ np.uint64(0b101)
    start = time.perf_counter()
    index.query(fresh, radius)
    result[f"query_{query_count}_s"] = round(time.perf_counter() - start, 4)
    del index
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)  # data + index + pairs; the baselines below need more
    if n <= BRUTE_MAX:
        start = time.perf_counter()
        truth = brute_force(codes, radius)
        result["brute_numpy_s"] = round(time.perf_counter() - start, 3)
        result["recall_vs_brute"] = float(np.isin(truth, found).mean()) if truth.size else 1.0
        result["extra_vs_brute"] = int((~np.isin(found, truth)).sum())
    if n <= BKTREE_MAX:
        start = time.perf_counter()
        bk = bktree_pairs(codes, radius)
        result["bktree_s"] = round(time.perf_counter() - start, 3)
        result["bktree_agrees"] = bool(np.array_equal(bk, found))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--radius", type=int, default=8)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--no-clustered", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: "kind:n" run in a child process
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    if args.one:
        kind, n = args.one.split(":")
        print(json.dumps(run_one(kind, int(n), args.radius, threads)))
        return
    print(f"# {cpu_info()}; radius {args.radius}")
    kinds = ["uniform"] + ([] if args.no_clustered else ["clustered"])
    for kind in kinds:
        for n in (int(s) for s in args.sizes.split(",")):
            out = subprocess.run([sys.executable, __file__, "--one", f"{kind}:{n}", "--radius", str(args.radius),
                                  "--threads", args.threads], capture_output=True, text=True, check=True)
            print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
