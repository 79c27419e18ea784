"""From hash codes to matches between items: which hashes, how far apart, which frames.

A :class:`Matcher` keeps two in-memory indexes, one of whole-picture hashes (``phash`` of a
still or of a video keyframe, and of its mirror image) and one of part-picture hashes
(sub-windows, content box: see :mod:`.variants`). A hit pairs a whole-picture hash with any
hash of another item within the radius; hits are then grouped per pair of items into
:class:`Match` records. Adding
codes returns the matches they take part in, so matching runs as items arrive.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from .index import HashIndex, Pairs, to_codes
from .variants import MATCH_ALGOS, WHOLE_PICTURE

MatchKind = Literal["image", "video", "frame"]
#: Frame pairs whose time offsets differ by less than this belong to one shared segment.
SEGMENT_GAP_S = 2.0
#: Frame pairs kept as evidence per video match.
EVIDENCE_FRAMES = 20


@dataclass(frozen=True)
class CodeRows:
    """Hashes of items as parallel arrays (one row per stored hash)."""

    item_ids: Sequence[str]
    frame_ts: Sequence[float | None]
    algos: Sequence[str]
    bits: Sequence[int] | np.ndarray


@dataclass(frozen=True)
class Match:
    """Two items that show the same picture or share footage (``a < b``)."""

    a: str
    b: str
    kind: MatchKind          # "image": two stills; "video": two videos; "frame": a still found in a video
    distance: int            # the smallest Hamming distance among the hits
    evidence: dict[str, Any]


@dataclass
class _Codes:
    """Codes and what each one is (item number, frame time or NaN, position in MATCH_ALGOS)."""

    codes: np.ndarray
    item: np.ndarray
    ts: np.ndarray
    algo: np.ndarray

    def select(self, mask: np.ndarray) -> _Codes:
        return _Codes(self.codes[mask], self.item[mask], self.ts[mask], self.algo[mask])


_FIELDS = ("codes", "item", "ts", "algo")
_EMPTY = _Codes(np.empty(0, np.uint64), np.empty(0, np.int32), np.empty(0, np.float64), np.empty(0, np.int8))


class _GrowingCodes:
    """An append-only :class:`_Codes` whose arrays double when full, so adding a few codes costs little.

    Part-picture hashes come from stills only, so their frame times are all NaN: an ``untimed`` store
    keeps no array of them (8 of the 21 bytes a code costs here) until a code with a time arrives.
    """

    def __init__(self, *, untimed: bool = False) -> None:
        self.size = 0
        self._store = _EMPTY
        self._untimed = untimed

    def view(self) -> _Codes:
        ts = (np.broadcast_to(np.float64(math.nan), (self.size,)) if self._untimed
              else self._store.ts[: self.size])
        return _Codes(self._store.codes[: self.size], self._store.item[: self.size], ts,
                      self._store.algo[: self.size])

    @property
    def nbytes(self) -> int:
        return sum(getattr(self._store, f).nbytes for f in _FIELDS)

    def append(self, new: _Codes) -> None:
        if self._untimed and not np.isnan(new.ts).all():  # a part hash with a frame time: keep times after all
            self._store = _Codes(self._store.codes, self._store.item,
                                 np.full(self._store.codes.shape[0], math.nan), self._store.algo)
            self._untimed = False
        fields = [f for f in _FIELDS if not (self._untimed and f == "ts")]
        n = self.size + new.codes.shape[0]
        if n > self._store.codes.shape[0]:
            capacity = max(n, 2 * self._store.codes.shape[0], 1024)
            grown = {}
            for f in fields:
                old = getattr(self._store, f)
                grown[f] = np.empty(capacity, dtype=old.dtype)
                grown[f][: self.size] = old[: self.size]
            self._store = dataclasses.replace(self._store, **grown)
        for f in fields:
            getattr(self._store, f)[self.size:n] = getattr(new, f)
        self.size = n


class Matcher:
    """Incremental near-duplicate matching over stills and video keyframes."""

    def __init__(self, radius: int, *, threads: int | None = None) -> None:
        self.radius = radius
        self.media: dict[str, str] = {}    # item id -> "image" | "video"
        self._numbers: dict[str, int] = {}
        self._ids: list[str] = []
        self._whole, self._parts = _GrowingCodes(), _GrowingCodes(untimed=True)
        self._keyframes: dict[int, int] = defaultdict(int)   # item number -> keyframes hashed
        self._whole_index = HashIndex(threads=threads)
        self._parts_index = HashIndex(threads=threads)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays of the index (codes, what each one is, search tables); ids not counted."""
        return self._whole.nbytes + self._parts.nbytes + self._whole_index.nbytes + self._parts_index.nbytes

    def add(self, rows: CodeRows, media: dict[str, str]) -> list[Match]:
        """Index the hashes of new items; return every match between them and all items indexed so far."""
        batch_start = len(self._whole_index) == 0 and len(self._parts_index) == 0
        whole, parts = self._split(rows, media)
        self._index(whole, parts)
        r = self.radius
        all_whole, all_parts = self._whole.view(), self._parts.view()
        if batch_start:
            ww = (self._whole_index.pairs(r), all_whole, all_whole)
        else:
            ww = (self._whole_index.query(whole.codes, r), whole, all_whole)
        return self._group([
            ww,
            (self._parts_index.query(whole.codes, r), whole, all_parts),
            (self._whole_index.query(parts.codes, r), parts, all_whole),
        ])

    def load(self, rows: CodeRows, media: dict[str, str]) -> None:
        """Index hashes of items whose matches are known already (no search)."""
        self._index(*self._split(rows, media))

    def query(self, rows: CodeRows, media: dict[str, str]) -> list[Match]:
        """Matches of items that are not indexed and are not added (e.g. a file outside the case)."""
        whole, parts = self._split(rows, media)
        self._count_keyframes(whole)
        r = self.radius
        all_whole, all_parts = self._whole.view(), self._parts.view()
        return self._group([
            (self._whole_index.query(whole.codes, r), whole, all_whole),
            (self._parts_index.query(whole.codes, r), whole, all_parts),
            (self._whole_index.query(parts.codes, r), parts, all_whole),
        ])

    def _split(self, rows: CodeRows, media: dict[str, str]) -> tuple[_Codes, _Codes]:
        """Rows -> (whole-picture codes, part-picture codes); other algorithms are left out."""
        self.media.update(media)
        algo_number = {a: i for i, a in enumerate(MATCH_ALGOS)}
        keep = [i for i, a in enumerate(rows.algos) if a in algo_number]
        codes = _Codes(
            to_codes(np.asarray(rows.bits, dtype=np.int64)[keep] if keep else np.empty(0, dtype=np.int64)),
            np.array([self._number(rows.item_ids[i]) for i in keep], dtype=np.int32),
            np.array([math.nan if rows.frame_ts[i] is None else rows.frame_ts[i] for i in keep], dtype=np.float64),
            np.array([algo_number[rows.algos[i]] for i in keep], dtype=np.int8),
        )
        whole = np.isin(codes.algo, [algo_number[a] for a in WHOLE_PICTURE])
        return codes.select(whole), codes.select(~whole)

    def _count_keyframes(self, whole: _Codes) -> None:
        frames = whole.item[(whole.algo == 0) & ~np.isnan(whole.ts)]
        for item, count in zip(*(a.tolist() for a in np.unique(frames, return_counts=True))):
            self._keyframes[item] += count

    def _index(self, whole: _Codes, parts: _Codes) -> None:
        self._count_keyframes(whole)
        self._whole.append(whole)
        self._parts.append(parts)
        self._whole_index.add(whole.codes)
        self._parts_index.add(parts.codes)

    def _number(self, item_id: str) -> int:
        n = self._numbers.get(item_id)
        if n is None:
            n = self._numbers[item_id] = len(self._ids)
            self._ids.append(item_id)
        return n

    def _group(self, found: list[tuple[Pairs, _Codes, _Codes]]) -> list[Match]:
        """Hits (code of one side, code of the other, distance) -> matches per pair of items, in the order
        each pair was first hit.

        Two stills match by their closest hit (the first found among equals), which numpy picks for all
        such pairs at once: copies of one picture meet in dozens of hits per pair (every variant finds
        its counterpart), far too many for a Python loop over hits. Pairs with a video, whose evidence
        is every frame hit, go through :meth:`_match`.
        """
        hit = [np.concatenate(c) for c in zip(*self._hits(found))] if found else []
        if not hit or not hit[0].size:
            return []
        ia, ib, ta, tb, aa, ab, d = hit
        # Each pair as (a, b) with a < b as text, as a Match has it.
        items = np.unique(np.concatenate([ia, ib]))
        ids = [self._ids[i] for i in items.tolist()]
        rank = np.zeros(len(self._ids), dtype=np.int64)
        rank[items] = np.argsort(np.argsort(np.array(ids)))
        video = np.zeros(len(self._ids), dtype=bool)
        video[items] = [self.media.get(i) == "video" for i in ids]
        swap = rank[ia] > rank[ib]
        ia, ib = np.where(swap, ib, ia), np.where(swap, ia, ib)
        ta, tb = np.where(swap, tb, ta), np.where(swap, ta, tb)
        aa, ab = np.where(swap, ab, aa), np.where(swap, aa, ab)
        key = ia.astype(np.int64) * len(self._ids) + ib
        keys, first = np.unique(key, return_index=True)
        by_distance = np.lexsort((np.arange(key.size), d, key))  # per pair: closest first, then first found
        closest = by_distance[np.flatnonzero(np.r_[True, np.diff(key[by_distance]) != 0])]
        # Pairs with a video or a frame time among their hits (in practice, pairs with a video).
        timed = np.unique(key[video[ia] | video[ib] | ~np.isnan(ta) | ~np.isnan(tb)])
        stills_only = ~np.isin(keys, timed)
        out: list[tuple[int, Match | None]] = []
        best = closest[stills_only]
        for at, a, b, x, y, dist in zip(first[stills_only].tolist(), ia[best].tolist(), ib[best].tolist(),
                                        aa[best].tolist(), ab[best].tolist(), d[best].tolist()):
            out.append((at, Match(self._ids[a], self._ids[b], "image", dist,
                                  {"hashes": [MATCH_ALGOS[x], MATCH_ALGOS[y]], "distance": dist})))
        with_video = np.isin(key, timed)
        hits: dict[tuple[int, int], dict[tuple[float, float, int, int], int]] = defaultdict(dict)
        for a, b, x, y, u, v, dist in zip(*(c[with_video].tolist() for c in (ia, ib, ta, tb, aa, ab, d))):
            per_pair = hits[(a, b)]
            per_pair[(x, y, u, v)] = min(dist, per_pair.get((x, y, u, v), 64))
        starts = dict(zip(keys[~stills_only].tolist(), first[~stills_only].tolist()))
        out += [(starts[a * len(self._ids) + b], self._match(a, b, pair)) for (a, b), pair in hits.items()]
        return [m for _, m in sorted(out, key=lambda x: x[0]) if m is not None]

    @staticmethod
    def _hits(found: list[tuple[Pairs, _Codes, _Codes]]) -> Iterator[tuple[np.ndarray, ...]]:
        """Per list of hits: (item, item, time, time, algo, algo, distance) arrays of hits between two items."""
        for pairs, left, right in found:
            ia, ib = left.item[pairs.a], right.item[pairs.b]
            other = ia != ib
            yield tuple(c[other] for c in (ia, ib, left.ts[pairs.a], right.ts[pairs.b], left.algo[pairs.a],
                                           right.algo[pairs.b], pairs.distance))

    def _match(self, ia: int, ib: int, found: dict[tuple[float, float, int, int], int]) -> Match | None:
        a, b = self._ids[ia], self._ids[ib]
        video_a, video_b = self.media.get(a) == "video", self.media.get(b) == "video"
        ranked = sorted(found.items(), key=lambda kv: (kv[1], kv[0]))
        (ta, tb, aa, ab), best = ranked[0]
        hashes = [MATCH_ALGOS[aa], MATCH_ALGOS[ab]]
        if not video_a and not video_b:
            return Match(a, b, "image", best, {"hashes": hashes, "distance": best})
        if video_a and video_b:
            frames = _best_per_frame(ranked)
            if len(frames) < min(2, self._keyframes[ia], self._keyframes[ib]):
                return None  # one similar keyframe is not shared footage, unless a video has only one
            return Match(a, b, "video", best, {
                "hashes": hashes, "distance": best, "segments": segments(frames),
                "frames": [[fa, fb, d] for fa, fb, d in sorted(frames)[:EVIDENCE_FRAMES]],
            })
        frame_ts = tb if video_b else ta
        frames = sorted({(tb if video_b else ta, d) for (ta, tb, _, _), d in ranked}, key=lambda x: (x[1], x[0]))
        return Match(a, b, "frame", best, {
            "hashes": hashes, "distance": best, "video": b if video_b else a, "still": a if video_b else b,
            "frame_ts": frame_ts, "frames": [[t, d] for t, d in frames[:EVIDENCE_FRAMES]],
        })


def _best_per_frame(ranked: list[tuple[tuple[float, float, int, int], int]]) -> list[tuple[float, float, int]]:
    """One hit per keyframe of the first video (its closest), as (time in a, time in b, distance)."""
    best: dict[float, tuple[float, int]] = {}
    for (ta, tb, _, _), d in ranked:
        if ta not in best:
            best[ta] = (tb, d)
    return [(ta, tb, d) for ta, (tb, d) in best.items()]


def segments(frames: list[tuple[float, float, int]]) -> list[dict[str, Any]]:
    """Group frame pairs by time offset into shared segments with their time ranges in each video."""
    by_offset = sorted(frames, key=lambda f: f[1] - f[0])
    groups: list[list[tuple[float, float, int]]] = []
    for f in by_offset:
        if groups and (f[1] - f[0]) - (groups[-1][-1][1] - groups[-1][-1][0]) <= SEGMENT_GAP_S:
            groups[-1].append(f)
        else:
            groups.append([f])
    out = [{
        "a": [min(f[0] for f in g), max(f[0] for f in g)],
        "b": [min(f[1] for f in g), max(f[1] for f in g)],
        "offset": round(sorted(f[1] - f[0] for f in g)[len(g) // 2], 3),
        "frames": len(g),
    } for g in groups]
    return sorted(out, key=lambda s: -s["frames"])
