"""Matches from codes: incremental equals batch, video segments, stills found in videos, clusters."""

from __future__ import annotations

import numpy as np

from verify_bench.similarity.clusters import CopyFacts, best_copy, clusters, connected
from verify_bench.similarity.matching import CodeRows, Matcher, segments

RNG = np.random.default_rng(3)


def _flip(code: int, bits: int) -> int:
    for b in RNG.choice(64, bits, replace=False):
        code ^= 1 << int(b)
    return code


def _signed(code: int) -> int:
    return code - (1 << 64) if code >= 1 << 63 else code


def _rows(entries: list[tuple[str, float | None, str, int]]) -> CodeRows:
    return CodeRows([e[0] for e in entries], [e[1] for e in entries], [e[2] for e in entries],
                    [_signed(e[3]) for e in entries])


def _random() -> int:
    return int(RNG.integers(0, 2**63)) * 2 + int(RNG.integers(0, 2))


def test_adding_items_one_by_one_finds_what_one_batch_finds():
    base = [_random() for _ in range(40)]
    entries = [(f"i{n:02d}", None, "phash", c) for n, c in enumerate(base)]
    entries += [(f"j{n:02d}", None, "phash", _flip(c, 5)) for n, c in enumerate(base[:10])]
    entries += [(f"k{n:02d}", None, "phash_v00", _flip(c, 3)) for n, c in enumerate(base[10:20])]
    entries += [(f"k{n:02d}", None, "phash", _random()) for n in range(10)]
    entries += [(f"x{n:02d}", None, "dhash", c) for n, c in enumerate(base)]  # not a matching algorithm
    media = {e[0]: "image" for e in entries}
    batch = {(m.a, m.b, m.distance) for m in Matcher(8).add(_rows(entries), media)}
    live = Matcher(8)
    one_by_one = set()
    for item in sorted(media):
        one_by_one |= {(m.a, m.b, m.distance) for m in live.add(_rows([e for e in entries if e[0] == item]), media)}
    assert batch == one_by_one
    assert {(a, b) for a, b, _ in batch} == {(f"i{n:02d}", f"j{n:02d}") for n in range(10)} | {
        (f"i{n + 10:02d}", f"k{n:02d}") for n in range(10)}


def test_two_windows_never_match_each_other():
    code = _random()
    rows = _rows([("a", None, "phash", _random()), ("a", None, "phash_v00", code),
                  ("b", None, "phash", _random()), ("b", None, "phash_w22", code)])
    assert Matcher(8).add(rows, {"a": "image", "b": "image"}) == []


def _video(item: str, frames: list[int], start: float, step: float = 2.0) -> list[tuple[str, float | None, str, int]]:
    return [(item, start + k * step, "phash", c) for k, c in enumerate(frames)]


def test_shared_footage_is_reported_with_time_ranges_in_both_videos():
    footage = [_random() for _ in range(10)]
    entries = _video("long", footage, 0.0)
    entries += _video("clip", [_flip(c, 2) for c in footage[4:8]], 0.5)  # seconds 8-14 of "long", re-encoded
    entries += _video("other", [_random() for _ in range(6)], 0.0)
    entries += _video("one-frame", [footage[0]] + [_random() for _ in range(5)], 0.0)
    media = {"long": "video", "clip": "video", "other": "video", "one-frame": "video"}
    found = Matcher(8).add(_rows(entries), media)
    assert [(m.a, m.b, m.kind) for m in found] == [("clip", "long", "video")]  # one similar keyframe is not enough
    (seg,) = found[0].evidence["segments"]
    assert seg["a"] == [0.5, 6.5] and seg["b"] == [8.0, 14.0] and seg["frames"] == 4 and seg["offset"] == 7.5


def test_a_still_is_placed_at_its_time_in_the_video():
    footage = [_random() for _ in range(5)]
    entries = _video("video", footage, 0.0, step=1.5)
    entries += [("still", None, "dhash", 0), ("still", None, "phash", _flip(footage[3], 4))]
    (m,) = Matcher(8).add(_rows(entries), {"video": "video", "still": "image"})
    assert (m.kind, m.evidence["video"], m.evidence["still"], m.evidence["frame_ts"]) == ("frame", "video", "still", 4.5)


def test_segments_split_when_the_offset_jumps():
    frames = [(0.0, 10.0, 1), (2.0, 12.0, 0), (30.0, 0.0, 2), (32.0, 2.0, 3)]
    found = segments(frames)
    assert [(s["a"], s["b"]) for s in found] == [([30.0, 32.0], [0.0, 2.0]), ([0.0, 2.0], [10.0, 12.0])]


def test_clusters_are_connected_components_with_a_best_copy():
    assert connected([("b", "c"), ("a", "b"), ("x", "y")]) == [["a", "b", "c"], ["x", "y"]]
    facts = {
        "a": CopyFacts(pixels=640 * 480, earliest="2021-05-01T10:00:00", metadata=3),
        "b": CopyFacts(pixels=4000 * 3000, earliest="2021-05-01T09:00:00", metadata=80),
        "c": CopyFacts(pixels=1280 * 720, earliest=None, metadata=0),
    }
    best, why = best_copy(["a", "b", "c"], facts)
    assert best == "b" and why == {"largest": "b", "most_metadata": "b", "earliest": "b"}
    facts["a"] = CopyFacts(pixels=640 * 480, earliest="2020-01-01T00:00:00", metadata=90)
    best, why = best_copy(["a", "b", "c"], facts)  # a wins two criteria out of three
    assert best == "a" and why["largest"] == "b"
    (cluster,) = clusters([("c", "b"), ("a", "c")], facts)
    assert cluster.id == "a" and cluster.items == ("a", "b", "c") and cluster.best == "a"


def test_part_hashes_keep_no_frame_times_unless_one_has_a_time():
    base = [_random() for _ in range(30)]
    parts = [(f"s{n:02d}", None, "phash_v00", _flip(c, 2)) for n, c in enumerate(base)]
    wholes = [(f"s{n:02d}", None, "phash", _random()) for n in range(30)]
    copies = [(f"c{n:02d}", None, "phash", c) for n, c in enumerate(base)]
    media = {e[0]: "image" for e in parts + wholes + copies}
    m = Matcher(8)
    m.add(_rows(parts + wholes), media)
    found = {(x.a, x.b) for x in m.add(_rows(copies), media)}
    assert found == {(f"c{n:02d}", f"s{n:02d}") for n in range(30)}
    assert m._parts._store.ts.size == 0 and np.isnan(m._parts.view().ts).all()  # no array of times
    # A part hash with a time (none is made today) is kept with its time, and still matches.
    timed = Matcher(8)
    timed.add(_rows(parts[:5] + wholes[:5]), media)
    timed.add(_rows([("t", 4.0, "phash_v00", base[7]), ("t", 4.0, "phash", _random())]), {"t": "video"})
    assert np.isnan(timed._parts.view().ts[:5]).all() and timed._parts.view().ts[5] == 4.0


def _reference_group(matcher: Matcher, found) -> list:
    """Matcher._group as it was before it went through numpy: one Python step per hit (the oracle)."""
    from collections import defaultdict

    hits: dict = defaultdict(dict)
    for pairs, left, right in found:
        ia_all, ib_all = left.item[pairs.a], right.item[pairs.b]
        other = ia_all != ib_all
        columns = (ia_all[other], ib_all[other], left.ts[pairs.a][other], right.ts[pairs.b][other],
                   left.algo[pairs.a][other], right.algo[pairs.b][other], pairs.distance[other])
        for ia, ib, ta, tb, aa, ab, d in zip(*(c.tolist() for c in columns)):
            if matcher._ids[ia] > matcher._ids[ib]:
                ia, ib, ta, tb, aa, ab = ib, ia, tb, ta, ab, aa
            key = (ta, tb, aa, ab)
            per_pair = hits[(ia, ib)]
            per_pair[key] = min(d, per_pair.get(key, 64))
    matches = [matcher._match(ia, ib, f) for (ia, ib), f in hits.items()]
    return [m for m in matches if m is not None]


def test_grouping_hits_gives_what_one_step_per_hit_gave():
    from verify_bench.similarity.index import Pairs
    from verify_bench.similarity.matching import _Codes

    rng = np.random.default_rng(11)
    for case in range(300):
        matcher = Matcher(8)
        names = [f"{rng.integers(0, 10**6):06d}-{k}" for k in range(int(rng.integers(2, 9)))]
        for name in names:
            matcher._number(name)
            matcher.media[name] = "video" if rng.random() < 0.25 else "image"
            if matcher.media[name] == "video":
                matcher._keyframes[matcher._number(name)] = int(rng.integers(1, 4))

        def codes(n: int) -> _Codes:
            item = rng.integers(0, len(names), n).astype(np.int32)
            video = np.array([matcher.media[names[i]] == "video" for i in item])
            ts = np.where(video, rng.integers(0, 4, n) * 2.0, np.nan)  # repeated frame times merge hits
            return _Codes(np.zeros(n, np.uint64), item, ts, rng.integers(0, 6, n).astype(np.int8))

        found = []
        for _ in range(int(rng.integers(0, 4))):
            left, right, n = codes(int(rng.integers(1, 12))), codes(int(rng.integers(1, 12))), int(rng.integers(0, 40))
            pairs = Pairs(rng.integers(0, left.item.size, n), rng.integers(0, right.item.size, n),
                          rng.integers(0, 4, n).astype(np.int8))  # few distances: many ties
            found.append((pairs, left, right))
        assert matcher._group(found) == _reference_group(matcher, found), case


def test_copies_of_one_picture_match_pairwise_by_their_closest_hash():
    base = _random()
    entries = []
    for n in range(6):  # six copies: every variant hash of each finds its counterparts in the others
        entries += [(f"c{n}", None, "phash", _flip(base, n % 2)), (f"c{n}", None, "phash_flip", _random()),
                    (f"c{n}", None, "phash_v00", _flip(base, 1)), (f"c{n}", None, "phash_trim", base)]
    found = Matcher(8).add(_rows(entries), {f"c{n}": "image" for n in range(6)})
    assert len(found) == 15 and all(m.kind == "image" and m.a < m.b for m in found)
    odd = {f"c{n}" for n in (1, 3, 5)}  # one bit off the picture's hash, each a different bit
    assert {(m.a, m.b): m.distance for m in found} == {
        (m.a, m.b): int(m.a in odd and m.b in odd) for m in found}
