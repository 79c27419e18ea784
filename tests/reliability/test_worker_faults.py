"""Battery 3: the parse worker segfaults, exits, loops, allocates without bound or floods its pipe.

The faults come from the test-only switch ``VB_TEST_WORKER_FAULT`` (see
``verify_bench.ingest.testhooks``), which makes the worker misbehave *after* a file's bytes are
preserved, on files whose names carry a marker. Each fault must be classified as what it is, the
item kept with the fault recorded, and the files after it imported as usual.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from tests.factory import make_jpeg
from tests.reliability._relia_support import (
    assert_preserved,
    assert_sound,
    census,
    files_under,
    import_json,
    new_case,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and signals as on Linux")

#: fault -> (the outcome the pool must report, the problem kind recorded on the item, words in its message)
EXPECTED = {
    "segfault": ("crashed", "crashed", "SIGSEGV"),
    "exit": ("crashed", "crashed", "exited with code 3"),
    "loop": ("timeout", "timeout", "time limit"),
    "alloc": ("out_of_memory", "out_of_memory", "Memory"),
    "flood": ("error", "crashed", "byte cap"),
    "chatter": ("timeout", "timeout", "time limit"),
}


def test_every_worker_fault_is_classified_and_the_import_goes_on(tmp_path: Path, record_figure):
    src = tmp_path / "in"
    src.mkdir()
    for n, fault in enumerate(EXPECTED):
        (src / f"{n}a-good.jpg").write_bytes(make_jpeg((96, 64), seed=200 + n))
        (src / f"{n}b-fault-{fault}.jpg").write_bytes(make_jpeg((96, 64), seed=300 + n))
    (src / "9-good-last.jpg").write_bytes(make_jpeg((96, 64), seed=399))
    root = new_case(tmp_path / "c.vbcase")
    switch = ",".join(f"{fault}:fault-{fault}." for fault in EXPECTED)

    summary = import_json(root, src, workers=2, time_limit=3, env={"VB_TEST_WORKER_FAULT": switch})

    assert summary["state"] == "completed" and summary["exit_status"] == 0
    found = census(root, summary["batch_id"])
    expected_paths = files_under(src)
    assert not found.lost(expected_paths) and not found.multiple()
    conn = sqlite3.connect(root / "case.sqlite")
    classified = 0
    for fault, (outcome, kind, words) in EXPECTED.items():
        path = src / f"{list(EXPECTED).index(fault)}b-fault-{fault}.jpg"
        assert found.outcomes[bytes(path)] == [f"imported:failed:{kind}"], (fault, found.outcomes[bytes(path)])
        item_id, payload = conn.execute(
            "SELECT i.id, e.payload FROM items i JOIN events e ON e.item_id = i.id AND e.kind = 'item.analysed'"
            " WHERE i.display_name = ?", (path.name,)).fetchone()
        assert f'"outcome":"{outcome}"' in payload, (fault, payload[:200])
        [(message,)] = conn.execute("SELECT message FROM problems WHERE item_id = ?", (item_id,)).fetchall()
        assert words in message, (fault, message)
        assert_preserved(root, bytes(path))  # the original survived its worker's death
        classified += 1
    good = [p for p in expected_paths if b"good" in p]
    assert all(found.outcomes[p] == ["imported:ok"] for p in good)
    conn.close()
    assert_sound(root)
    record_figure("worker_faults", "faults injected", len(EXPECTED))
    record_figure("worker_faults", "faults classified correctly, item kept with the fault", classified)
    record_figure("worker_faults", "good files imported around the faults", len(good))
    record_figure("worker_faults", "import wall time (s) with 2 workers, 3 s limit", round(summary["wall_seconds"], 1))


def test_a_fault_while_parsing_bytes_analysed_before_leaves_their_analysis_alone(tmp_path: Path):
    """Workers parse before they hear whether the bytes are new; a copy's discarded parse cannot undo the first."""
    first, copies = tmp_path / "first", tmp_path / "copies"
    first.mkdir()
    copies.mkdir()
    picture = make_jpeg((96, 64), seed=410)
    (first / "original.jpg").write_bytes(picture)
    root = new_case(tmp_path / "c.vbcase")
    assert import_json(root, first, workers=1)["imported"] == 1
    for fault in ("segfault", "loop"):
        (copies / f"copy-fault-{fault}.jpg").write_bytes(picture)
    (copies / "after.jpg").write_bytes(make_jpeg((96, 64), seed=411))
    switch = "segfault:fault-segfault.,loop:fault-loop."

    summary = import_json(root, copies, workers=1, time_limit=2, env={"VB_TEST_WORKER_FAULT": switch})

    assert summary["state"] == "completed" and summary["exit_status"] == 0
    found = census(root, summary["batch_id"])
    assert (summary["imported"], summary["sighted"]) == (1, 2)
    assert sorted(found.classes().elements()) == ["imported:ok"] * 3, found.outcomes  # no fault recorded
    conn = sqlite3.connect(root / "case.sqlite")
    [(analyses, state)] = conn.execute(
        "SELECT count(e.seq), i.analysis FROM items i JOIN events e ON e.item_id = i.id AND e.kind = 'item.analysed'"
        " WHERE i.display_name = 'original.jpg'").fetchall()
    conn.close()
    assert (analyses, state) == (1, "ok")
    assert_sound(root)
