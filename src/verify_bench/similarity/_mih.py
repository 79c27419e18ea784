"""Compiled kernels of multi-index hashing (numba): probe substring buckets, verify by popcount.

Each of ``m`` tables keys every code by one substring of its bits and stores the codes
themselves in bucket order (contiguous reads while probing). Two codes within Hamming
distance ``r`` agree within ``r // m`` bits on at least one substring (pigeonhole), so
probing every key within that radius of the query's substring finds every pair.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_M1 = np.uint64(0x5555555555555555)
_M2 = np.uint64(0x3333333333333333)
_M4 = np.uint64(0x0F0F0F0F0F0F0F0F)
_H01 = np.uint64(0x0101010101010101)


@njit(inline="always", cache=True)
def _popcount(x: np.uint64) -> np.int64:
    x = x - ((x >> np.uint64(1)) & _M1)
    x = (x & _M2) + ((x >> np.uint64(2)) & _M2)
    x = (x + (x >> np.uint64(4))) & _M4
    return np.int64((x * _H01) >> np.uint64(56))


@njit(cache=True)
def _grow(a: np.ndarray, n: int) -> np.ndarray:
    b = np.empty(max(2 * a.shape[0], n), dtype=a.dtype)
    b[: a.shape[0]] = a
    return b


@njit(nogil=True, cache=True)
def search(
    queries: np.ndarray,      # uint64[q], in bucket order of table ``j`` for locality
    query_ids: np.ndarray,    # int32 or int64[q]: the ids reported for the queries
    j: int,                   # the table to probe
    shifts: np.ndarray,       # int64[m]
    widths: np.ndarray,       # int64[m]
    offsets: np.ndarray,      # int32 (int64 from 2**31 codes)[sum(2**w + 1)]: CSR offsets of all tables
    offset_base: np.ndarray,  # int64[m]: where table j's offsets start
    codes: np.ndarray,        # uint64[m, n]: codes in bucket order of each table
    ids: np.ndarray,          # int32 (int64 from 2**31 codes)[m, n]: their ids
    masks: np.ndarray,        # uint64[k]: flip masks with popcount <= sub_radius, widest table
    radius: int,
    sub_radius: int,
    self_join: bool,          # queries are the indexed codes: report each pair once, as (smaller id, larger id)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (query id, code id, distance) with distance <= radius found through table ``j`` and no earlier one.

    In a self-join a pair whose substrings differ is found from both ends (each one's bucket is a
    probe of the other's), so only probes of a larger key than the query's own are made: half the
    work. Pairs within one bucket are taken from their smaller id.
    """
    cap = 1024
    out_q = np.empty(cap, dtype=np.int64)
    out_c = np.empty(cap, dtype=np.int64)
    out_d = np.empty(cap, dtype=np.int8)
    n_out = 0
    for qi in range(queries.shape[0]):
        q = queries[qi]
        qid = query_ids[qi]
        width = widths[j]
        sub_mask = (np.uint64(1) << np.uint64(width)) - np.uint64(1)
        key = (q >> np.uint64(shifts[j])) & sub_mask
        base = offset_base[j]
        for mk in range(masks.shape[0]):
            flip = masks[mk]
            if flip > sub_mask:
                continue
            probe = np.int64(key ^ flip)
            if self_join and probe < np.int64(key):
                continue
            lo = offsets[base + probe]
            hi = offsets[base + probe + 1]
            for p in range(lo, hi):
                cid = ids[j, p]
                if self_join and flip == 0 and cid <= qid:
                    continue
                x = q ^ codes[j, p]
                d = _popcount(x)
                if d > radius:
                    continue
                seen = False  # found already through an earlier table?
                for i in range(j):
                    sm = (np.uint64(1) << np.uint64(widths[i])) - np.uint64(1)
                    if _popcount((x >> np.uint64(shifts[i])) & sm) <= sub_radius:
                        seen = True
                        break
                if seen:
                    continue
                if n_out == out_q.shape[0]:
                    out_q = _grow(out_q, n_out + 1)
                    out_c = _grow(out_c, n_out + 1)
                    out_d = _grow(out_d, n_out + 1)
                out_q[n_out] = min(qid, cid) if self_join else qid
                out_c[n_out] = max(qid, cid) if self_join else cid
                out_d[n_out] = d
                n_out += 1
    return out_q[:n_out], out_c[:n_out], out_d[:n_out]


@njit(nogil=True, cache=True)
def fill_table(codes: np.ndarray, shift: int, width: int, offsets: np.ndarray, out_codes: np.ndarray,
               out_ids: np.ndarray) -> None:
    """One table: bucket offsets (``offsets``, ``2**width + 1`` zeros on entry) and the codes with their ids
    (positions in ``codes``) in bucket order, stable: a counting sort by the substring."""
    mask = (np.uint64(1) << np.uint64(width)) - np.uint64(1)
    n = codes.shape[0]
    for i in range(n):
        offsets[np.int64((codes[i] >> np.uint64(shift)) & mask) + 1] += 1
    for k in range(1, offsets.shape[0]):
        offsets[k] += offsets[k - 1]
    cursor = offsets[:-1].copy()
    for i in range(n):
        k = np.int64((codes[i] >> np.uint64(shift)) & mask)
        pos = cursor[k]
        cursor[k] = pos + 1
        out_codes[pos] = codes[i]
        out_ids[pos] = i
