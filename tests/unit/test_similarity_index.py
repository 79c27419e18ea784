"""Multi-index hashing finds exactly the pairs a brute-force comparison finds."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from verify_bench.similarity import index as index_module
from verify_bench.similarity.index import HashIndex, substring_count, to_codes


@pytest.fixture(params=["compiled", "brute force"])
def search(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test with this fixture runs against the compiled tables and against numpy's brute force."""
    monkeypatch.setattr(index_module, "BRUTE_FORCE_CODES", 0 if request.param == "compiled" else 10**9)
    return str(request.param)


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables and compiled kernels however few the codes."""
    monkeypatch.setattr(index_module, "BRUTE_FORCE_CODES", 0)


def _codes(n: int, seed: int, near: int = 300, max_flips: int = 14) -> np.ndarray:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 2**64, n, dtype=np.uint64)
    for k in range(near):  # near copies of earlier codes, 0..max_flips bits apart
        c = codes[rng.integers(0, n - near)]
        for bit in rng.choice(64, rng.integers(0, max_flips + 1), replace=False):
            c ^= np.uint64(1) << np.uint64(bit)
        codes[n - near + k] = c
    return codes


def _brute(a: np.ndarray, b: np.ndarray, radius: int) -> set[tuple[int, int, int]]:
    d = np.bitwise_count(a[:, None] ^ b[None, :])
    i, j = np.nonzero(d <= radius)
    return {(int(x), int(y), int(d[x, y])) for x, y in zip(i, j)}


@pytest.mark.parametrize("radius", [0, 3, 8, 12])
def test_all_pairs_equal_brute_force(radius: int, search: str):
    codes = _codes(3000, seed=radius)
    index = HashIndex(threads=2)
    index.add(codes)
    found = index.pairs(radius)
    got = set(zip(found.a.tolist(), found.b.tolist(), found.distance.tolist()))
    truth = {(i, j, d) for i, j, d in _brute(codes, codes, radius) if i < j}
    assert got == truth and len(got) == len(found)  # each pair once


@pytest.mark.parametrize("threads", [1, 2])
def test_crowded_buckets_and_identical_codes_give_each_pair_once(threads: int, search: str):
    """Clustered codes (and exact repeats) share buckets: pairs inside one bucket and across buckets."""
    rng = np.random.default_rng(7)
    centres = rng.integers(0, 2**64, 40, dtype=np.uint64)
    codes = centres[rng.integers(0, 40, 2500)]
    flips = rng.integers(0, 64, (2500, 3))
    for k in range(3):
        keep = rng.random(2500) < 0.5
        codes = np.where(keep, codes, codes ^ (np.uint64(1) << flips[:, k].astype(np.uint64)))
    index = HashIndex(threads=threads)
    index.add(codes)
    found = index.pairs(8)
    got = set(zip(found.a.tolist(), found.b.tolist(), found.distance.tolist()))
    truth = {(i, j, d) for i, j, d in _brute(codes, codes, 8) if i < j}
    assert got == truth and len(got) == len(found)
    assert any(d == 0 for _, _, d in got)


def test_queries_see_codes_added_after_the_tables_were_built(compiled: None):
    codes = _codes(6000, seed=1)
    index = HashIndex(threads=1)
    index.add(codes[:5000])
    index.query(codes[:1], 8)  # builds tables for the first 5000
    ids = index.add(codes[5000:])  # these sit in the tail
    assert list(ids) == list(range(5000, 6000))
    queries = codes[4900:5100] ^ np.uint64(0b1011)
    found = index.query(queries, 8)
    got = set(zip(found.a.tolist(), found.b.tolist(), found.distance.tolist()))
    assert got == _brute(queries, codes, 8)


def test_signed_sqlite_integers_become_the_same_bits():
    assert to_codes([-1, 0, 5]).tolist() == [2**64 - 1, 0, 5]
    assert to_codes(np.array([-(2**63)], dtype=np.int64)).tolist() == [2**63]


def test_radius_outside_the_supported_range_is_refused():
    index = HashIndex()
    index.add([1, 2])
    with pytest.raises(ValueError):
        index.pairs(-1)
    with pytest.raises(ValueError):
        index.query([1], 65)


def test_substrings_follow_the_cost_model():
    assert substring_count(8, 10**6) == substring_count(8, 10**7) == 3  # 21-bit keys, radius 2 each
    assert substring_count(8, 10**3) > 3  # few codes: narrower keys, fewer probes
    assert substring_count(8, 87_000) > 3  # 21-bit keys would mean 2**21 offsets (mostly empty buckets) per table
    assert substring_count(8, 290_000) > 3  # 22-bit keys: 2**22 offsets per table, 14 buckets per code


def test_offsets_take_at_most_eight_buckets_per_code(compiled: None) -> None:
    for n in (20_000, 100_000, 290_000, 600_000):
        index = HashIndex(threads=1)
        index.add(np.random.default_rng(n).integers(0, 2**63, n, dtype=np.int64).view(np.uint64))
        index.query(np.arange(2, dtype=np.uint64), 8)
        [tables] = index._tables.values()
        buckets = tables.offsets.shape[0] - tables.shifts.shape[0]
        per_table = buckets / tables.shifts.shape[0]
        assert per_table <= max(8 * n, 2**16), (n, per_table)


def test_tables_that_no_longer_cover_every_code_are_dropped(compiled: None):
    index = HashIndex(threads=1)
    index.add(_codes(3000, seed=3))
    index.pairs(8)
    index.add(_codes(200_000, seed=4, near=0))
    index.pairs(8)  # more codes: another substring count, new tables
    assert [t.count for t in index._tables.values()] == [len(index)]


def test_an_empty_index_answers_with_no_pairs(search: str):
    index = HashIndex()
    assert len(index.pairs(8)) == 0
    assert len(index.query([123], 8)) == 0


def test_small_indexes_never_import_numba() -> None:
    """Brute force up to BRUTE_FORCE_CODES: a case of a few hundred photos matches without numba's second."""
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from verify_bench.similarity.index import BRUTE_FORCE_CODES, HashIndex\n"
        "index = HashIndex()\n"
        "index.add(np.arange(BRUTE_FORCE_CODES, dtype=np.uint64))\n"
        "small = len(index.pairs(1)), 'numba' in sys.modules\n"
        "index.add([2**40])\n"
        "found = len(index.query([2**40 + 2**41], 1))\n"
        "print(small, 'numba' in sys.modules, found)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    pairs_within_one_bit = sum(1 for n in range(index_module.BRUTE_FORCE_CODES) for b in range(64)
                               if n < (n ^ (1 << b)) < index_module.BRUTE_FORCE_CODES)
    assert done.stdout.split() == [f"({pairs_within_one_bit},", "False)", "True", "1"]


def test_warm_up_loads_every_kernel_a_live_refresh_uses() -> None:
    """In a fresh process (here the other tests have used the kernels already)."""
    code = (
        "from verify_bench.similarity import _mih\n"
        "from verify_bench.similarity.index import warm_up\n"
        "kernels = (_mih.fill_table, _mih.search)\n"
        "before = [bool(k.signatures) for k in kernels]\n"
        "warm_up()\n"
        "print(before, [bool(k.signatures) for k in kernels])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["[False,", "False]", "[True,", "True]"]
