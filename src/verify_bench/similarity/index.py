"""An in-memory near-neighbour index over 64-bit hashes: multi-index hashing.

Codes get ids in the order they are added (0, 1, …). The index keeps ``m`` tables, each
keyed by one ``64/m``-bit substring; codes added later sit in a small tail that is
searched by brute force and folded into the tables once it grows. ``m`` is chosen per
query radius from a cost model, and tables for each ``m`` are built when first needed.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np

from . import _mih

#: Offsets tables are ``2**width`` entries; wider substrings would cost too much memory.
MAX_WIDTH = 24
#: Substrings may always be this wide, and wider only while a table has at most this many buckets per code.
MIN_WIDTH = 16
BUCKETS_PER_CODE = 8
MAX_RADIUS = 20


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

    widest = min(MAX_WIDTH, max(MIN_WIDTH, (BUCKETS_PER_CODE * n).bit_length()))
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
        tables = self._tables_for(radius, fold_tail=False)
        parts = [self._search(tables, q, np.arange(q.shape[0], dtype=np.int64), radius, False)]
        tail = self._codes[tables.count:]
        if tail.shape[0]:
            tail_ids = np.arange(tables.count, tables.count + tail.shape[0], dtype=np.int64)
            parts.append(Pairs(*_mih.brute(q, np.arange(q.shape[0], dtype=np.int64), tail, tail_ids, radius, False)))
        return Pairs.concat(parts)

    def pairs(self, radius: int) -> Pairs:
        """Every pair of ids ``a < b`` within ``radius`` of each other."""
        _check_radius(radius)
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


def warm_up() -> None:
    """Load every compiled kernel of the index (from numba's cache) now instead of on the first real query.

    Loading them takes a few hundred milliseconds; the import does it in a background thread while
    its workers start, so that its first live matching does not stall the workers waiting for it.
    """
    index = HashIndex(threads=1)
    index.add(np.arange(64, dtype=np.uint64))
    index.query(np.arange(2, dtype=np.uint64), 2)  # builds tables, probes them
    index.add(np.arange(64, 66, dtype=np.uint64))
    index.query(np.arange(2, dtype=np.uint64), 2)  # and the tail, by brute force
    index.pairs(2)


def _check_radius(radius: int) -> None:
    if not 0 <= radius <= MAX_RADIUS:
        raise ValueError(f"radius must be between 0 and {MAX_RADIUS}, not {radius}")


def _build(codes: np.ndarray, m: int, threads: int) -> _Tables:
    widths = np.array([64 // m + (1 if j < 64 % m else 0) for j in range(m)], dtype=np.int64)[::-1].copy()
    shifts = np.concatenate([[0], np.cumsum(widths)[:-1]]).astype(np.int64)
    sizes = (1 << widths) + 1
    bases = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    n = codes.shape[0]
    offsets = np.zeros(int(sizes.sum()), dtype=np.int32 if n < 2**31 else np.int64)
    sorted_codes = np.empty((m, n), dtype=np.uint64)
    sorted_ids = np.empty((m, n), dtype=np.int64)

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
