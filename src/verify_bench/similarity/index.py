"""An in-memory near-neighbour index over 64-bit hashes: multi-index hashing.

Codes get ids in the order they are added (0, 1, …). Up to :data:`BRUTE_FORCE_CODES` codes the
index compares every query with every code in numpy. Beyond, it keeps ``m`` tables, each keyed
by one ``64/m``-bit substring and probed by compiled kernels (:mod:`._mih`, numba, imported then);
codes added later sit in a small tail that is compared by brute force and folded into the tables
once it grows. ``m`` is chosen per query radius from a cost model, and tables for each ``m`` are
built when first needed.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np

#: Offsets tables are ``2**width`` entries; wider substrings would cost too much memory.
MAX_WIDTH = 24
#: Substrings may always be this wide, and wider only while a table has at most this many buckets per code.
MIN_WIDTH = 16
BUCKETS_PER_CODE = 8
MAX_RADIUS = 20
#: Up to this many codes an index compares every pair (about 1 ns each in numpy): a case of some 700
#: photos. Importing numba and loading its kernels costs about a second of CPU, more than matching
#: such a case by brute force, all refreshes of its import included.
BRUTE_FORCE_CODES = 20_000
#: Distances computed per numpy call in a brute-force comparison: few enough to stay in the CPU's cache.
_CELLS = 2**15


@dataclass(frozen=True)
class Pairs:
    """Matches as parallel arrays: ``a`` (query position or id), ``b`` (index id), ``distance``."""

    a: np.ndarray
    b: np.ndarray
    distance: np.ndarray

    def __len__(self) -> int:
        return int(self.a.shape[0])

    @classmethod
    def concat(cls, parts: list[Pairs]) -> Pairs:
        if not parts:
            empty = np.empty(0, dtype=np.int64)
            return cls(empty, empty.copy(), np.empty(0, dtype=np.int8))
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in ("a", "b", "distance")))


@dataclass(frozen=True)
class _Tables:
    count: int                # codes covered (ids 0 .. count-1)
    shifts: np.ndarray
    widths: np.ndarray
    offsets: np.ndarray
    offset_base: np.ndarray
    codes: np.ndarray         # (m, count) in bucket order of each table
    ids: np.ndarray


def to_codes(values: np.ndarray | list[int]) -> np.ndarray:
    """Signed 64-bit integers (as SQLite stores hashes) or Python ints -> ``uint64`` codes."""
    arr = np.asarray(values)
    if arr.dtype == np.uint64:
        return arr
    if arr.dtype == object:
        return np.array([int(v) & 0xFFFFFFFFFFFFFFFF for v in arr], dtype=np.uint64)
    return arr.astype(np.int64).view(np.uint64)


def substring_count(radius: int, n: int) -> int:
    """The number of substrings that makes a radius-``radius`` query cheapest over ``n`` codes.

    A table's offsets take ``2**width`` entries however few codes it holds, so substrings are kept
    narrow enough for at most :data:`BUCKETS_PER_CODE` buckets per code (above a small floor): 87,000
    codes would otherwise get 21-bit keys and 67 MB of mostly empty offsets.
    """
    def cost(m: int) -> float:
        width = 64 // m
        probes = sum(comb(width + 1, k) for k in range(radius // m + 1))
        return m * probes * (1 + n / 2**width)

    # 2**widest <= BUCKETS_PER_CODE * n (bit_length alone allowed up to twice that: 290,000 codes got
    # 22-bit keys and 32 MB of offsets beside 2 MB of codes).
    widest = min(MAX_WIDTH, max(MIN_WIDTH, (BUCKETS_PER_CODE * n).bit_length() - 1))
    return min((m for m in range(3, 9) if -(-64 // m) <= widest), key=cost)


class HashIndex:
    """Near-neighbour search over 64-bit codes by Hamming distance."""

    def __init__(self, *, threads: int | None = None) -> None:
        self.threads = threads or os.cpu_count() or 1
        self._chunks: list[np.ndarray] = []
        self._codes = np.empty(0, dtype=np.uint64)
        self._tables: dict[int, _Tables] = {}

    def __len__(self) -> int:
        return int(self._codes.shape[0]) + sum(c.shape[0] for c in self._chunks)

    @property
    def nbytes(self) -> int:
        """Memory held by the index's arrays: its codes and every table kept."""
        tables = sum(t.offsets.nbytes + t.codes.nbytes + t.ids.nbytes for t in self._tables.values())
        return self._codes.nbytes + sum(c.nbytes for c in self._chunks) + tables

    def add(self, codes: np.ndarray | list[int]) -> range:
        """Add codes; returns their ids."""
        start = len(self)
        arr = to_codes(codes)
        if arr.shape[0]:
            self._chunks.append(arr.copy())
        return range(start, start + arr.shape[0])

    def query(self, codes: np.ndarray | list[int], radius: int) -> Pairs:
        """Every (query position, id, distance) with distance <= ``radius``."""
        q = to_codes(codes)
        _check_radius(radius)
        positions = np.arange(q.shape[0], dtype=np.int64)
        self._flush()
        if self._codes.shape[0] <= BRUTE_FORCE_CODES:
            return compare_all(q, positions, self._codes, np.arange(self._codes.shape[0]), radius)
        tables = self._tables_for(radius, fold_tail=False)
        parts = [self._search(tables, q, positions, radius, False)]
        tail = self._codes[tables.count:]
        if tail.shape[0]:
            parts.append(compare_all(q, positions, tail, np.arange(tables.count, tables.count + tail.shape[0]), radius))
        return Pairs.concat(parts)

    def pairs(self, radius: int) -> Pairs:
        """Every pair of ids ``a < b`` within ``radius`` of each other."""
        _check_radius(radius)
        self._flush()
        if self._codes.shape[0] <= BRUTE_FORCE_CODES:
            ids = np.arange(self._codes.shape[0], dtype=np.int64)
            return compare_all(self._codes, ids, self._codes, ids, radius, only_greater=True)
        tables = self._tables_for(radius, fold_tail=True)
        return self._search(tables, tables.codes[0], tables.ids[0], radius, True)

    # ---- internals ---------------------------------------------------------------------------
    def _flush(self) -> None:
        if self._chunks:
            self._codes = np.concatenate([self._codes, *self._chunks])
            self._chunks = []

    def _tables_for(self, radius: int, *, fold_tail: bool) -> _Tables:
        self._flush()
        n = self._codes.shape[0]
        m = substring_count(radius, n)
        tables = self._tables.get(m)
        stale = tables is None or tables.count < n and (fold_tail or n - tables.count > max(4096, tables.count // 8))
        if stale:
            # Tables for another substring count that no longer cover every code are not kept.
            self._tables = {k: v for k, v in self._tables.items() if v.count == n}
            tables = self._tables[m] = _build(self._codes, m, self.threads)
        assert tables is not None
        return tables

    def _search(self, t: _Tables, queries: np.ndarray, query_ids: np.ndarray, radius: int, self_join: bool) -> Pairs:
        """Probe each table with the queries in that table's bucket order, so memory is walked in order."""
        from . import _mih

        m = t.shifts.shape[0]
        sub_radius = radius // m
        masks = _flip_masks(int(t.widths.max()), sub_radius)
        jobs: list[tuple[int, np.ndarray, np.ndarray]] = []
        for j in range(m):
            if self_join:
                qs, qids = t.codes[j], t.ids[j]
            else:
                keys = (queries >> np.uint64(t.shifts[j])) & np.uint64((1 << int(t.widths[j])) - 1)
                order = np.argsort(keys, kind="stable")
                qs, qids = queries[order], query_ids[order]
            n = qs.shape[0]
            pieces = 1 if self.threads == 1 or n < 2048 else self.threads * 4
            bounds = np.linspace(0, n, pieces + 1).astype(np.int64)
            jobs += [(j, qs[lo:hi], qids[lo:hi]) for lo, hi in zip(bounds[:-1], bounds[1:])]

        def run(job: tuple[int, np.ndarray, np.ndarray]) -> Pairs:
            j, qs, qids = job
            return Pairs(*_mih.search(qs, qids, j, t.shifts, t.widths, t.offsets, t.offset_base, t.codes, t.ids,
                                      masks, radius, sub_radius, self_join))

        if self.threads == 1:
            return Pairs.concat([run(job) for job in jobs])
        with ThreadPoolExecutor(self.threads) as pool:
            return Pairs.concat(list(pool.map(run, jobs)))


def compare_all(queries: np.ndarray, query_ids: np.ndarray, codes: np.ndarray, ids: np.ndarray, radius: int, *,
                only_greater: bool = False) -> Pairs:
    """Every (query id, id, distance) within ``radius``, by comparing each query with each code.

    ``only_greater`` keeps only pairs whose id is greater than the query's (a self-join, each pair once).
    """
    query_ids, ids = query_ids.astype(np.int64, copy=False), ids.astype(np.int64, copy=False)
    rows = max(1, _CELLS // max(1, codes.shape[0]))
    found = []
    for lo in range(0, queries.shape[0], rows):
        distance = np.bitwise_count(queries[lo:lo + rows, None] ^ codes[None, :])
        hit = distance <= radius
        if only_greater:
            hit &= ids[None, :] > query_ids[lo:lo + rows, None]
        q, c = np.nonzero(hit)
        if q.shape[0]:
            found.append(Pairs(query_ids[lo + q], ids[c], distance[q, c].astype(np.int8)))
    return Pairs.concat(found)


def warm_up() -> None:
    """Import numba and load every compiled kernel of the index (from its cache) now, not at a first query.

    That takes about a second; an import that will need the compiled search does it in a background
    thread while its workers start, so that no live matching stalls the workers waiting for it.
    """
    index = HashIndex(threads=1)
    index.add(np.arange(BRUTE_FORCE_CODES + 64, dtype=np.uint64))
    index.query(np.arange(2, dtype=np.uint64), 2)  # builds tables, probes them
    index.pairs(2)


def _check_radius(radius: int) -> None:
    if not 0 <= radius <= MAX_RADIUS:
        raise ValueError(f"radius must be between 0 and {MAX_RADIUS}, not {radius}")


def _build(codes: np.ndarray, m: int, threads: int) -> _Tables:
    from . import _mih

    widths = np.array([64 // m + (1 if j < 64 % m else 0) for j in range(m)], dtype=np.int64)[::-1].copy()
    shifts = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(np.int64)
    sizes = (1 << widths) + 1
    bases = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    n = codes.shape[0]
    positions = np.int32 if n < 2**31 else np.int64  # offsets and ids: half the memory of int64 ids
    offsets = np.zeros(int(sizes.sum()), dtype=positions)
    sorted_codes = np.empty((m, n), dtype=np.uint64)
    sorted_ids = np.empty((m, n), dtype=positions)

    def fill(j: int) -> None:
        _mih.fill_table(codes, int(shifts[j]), int(widths[j]), offsets[bases[j]:bases[j] + sizes[j]],
                        sorted_codes[j], sorted_ids[j])

    if threads == 1:
        for j in range(m):
            fill(j)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(fill, range(m)))
    return _Tables(n, shifts, widths, offsets, bases, sorted_codes, sorted_ids)


_MASKS: dict[tuple[int, int], np.ndarray] = {}


def _flip_masks(width: int, radius: int) -> np.ndarray:
    """Every ``width``-bit mask with at most ``radius`` bits set, fewest bits first."""
    key = (width, radius)
    if key not in _MASKS:
        masks = [sum(1 << b for b in bits) for k in range(radius + 1) for bits in combinations(range(width), k)]
        _MASKS[key] = np.array(masks, dtype=np.uint64)
    return _MASKS[key]
