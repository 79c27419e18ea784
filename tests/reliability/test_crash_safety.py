"""Battery 4: kill -9 at each named point of an import, and at random moments during import,
tagging and report export. After every kill the case opens, ``verify`` passes, no temporary file
survives reopening, and re-running the import brings in the rest without duplicates.

The named points come from the test-only switch ``VB_TEST_CRASH_AT`` (``verify_bench.ingest.testhooks``).
"""

from __future__ import annotations

import importlib.util
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.factory import make_jpeg
from tests.reliability._relia_support import CLI, assert_sound, cli, new_case
from tests.reliability.conftest import full_or
from verify_bench.case import Case
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.ingest.testhooks import CRASH_POINTS

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")

#: Which occurrence of each point is hit: late enough that something was already committed.
OCCURRENCE = {"after_temp_write": 3, "after_fsync": 3, "after_rename": 3, "in_transaction": 5, "after_commit": 1,
              "thumbnail_write": 2}
SEED = 20261125


def _folder(tmp_path: Path, n: int, size: tuple[int, int] = (160, 120)) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(n):
        (src / f"{i:03}.jpg").write_bytes(make_jpeg(size, seed=500 + i))
    return src


def _resume(root: Path, src: Path, n: int) -> dict[str, int]:
    with Case.open(root) as case:
        summary = run_import(case, [src], options=ImportOptions(workers=1, time_limit=60))
    assert summary.state == "completed", summary
    counts = assert_sound(root)
    assert counts["items"] == n and counts["sightings"] == n, counts
    return counts


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_kill_at_each_named_point_then_resume(tmp_path: Path, point: str, record_figure):
    n = 8
    src = _folder(tmp_path, n)
    root = new_case(tmp_path / "c.vbcase")
    killed = cli("import", root, src, "--workers", "1", "--json",
                 env={"VB_TEST_CRASH_AT": f"{point}:{OCCURRENCE[point]}"}, timeout=120)
    assert killed.returncode == -signal.SIGKILL, f"the crash point was not reached: {killed.stdout}{killed.stderr}"

    after_kill = assert_sound(root, allow_pending=True)
    assert after_kill["items"] < n or point == "after_commit"  # the last commit may be the one hit
    _resume(root, src, n)
    record_figure("crash_safety", f"kill at {point}: case sound after kill, resumed without duplicates", "pass")


def _duration(args: list[str]) -> float:
    """Wall time of ``args`` run to the end: kills are then timed to land while such a run is under way."""
    start = time.monotonic()
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=300)
    return time.monotonic() - start


def _while_working(rng: random.Random, started: float, took: float) -> float:
    """A moment after the program has started (its imports) and before a whole run would have ended."""
    return started + rng.uniform(0.05, 0.95) * max(0.0, took - started)


def _kill_at_random(args: list[str], delay: float) -> bool:
    """Start ``args``, kill -9 it after ``delay`` seconds; True if it was still running then."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(delay)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def test_random_kills_during_import(tmp_path: Path, record_figure):
    n = full_or(24, 60)
    runs = full_or(3, 40)
    rng = random.Random(SEED)
    src = _folder(tmp_path, n, (480, 360))
    timing = new_case(tmp_path / "timing.vbcase")
    started = _duration([*CLI, "items", str(timing)])  # the command line's start-up alone
    took = _duration([*CLI, "import", str(timing), str(src), "--workers", "2"])
    landed = 0
    for run in range(runs):  # each run a fresh case, killed part of the way through a whole import
        root = new_case(tmp_path / f"c{run}.vbcase")
        landed += _kill_at_random([*CLI, "import", str(root), str(src), "--workers", "2"],
                                  _while_working(rng, started, took))
        assert_sound(root, allow_pending=True)
        _resume(root, src, n)
    record_figure("crash_safety", f"random kill -9 during import ({n} files): runs", runs)
    record_figure("crash_safety", "random kill -9 during import: kills that landed while it ran", landed)
    record_figure("crash_safety", "random kill -9 during import: inconsistent cases, duplicates, orphan temp files", 0)


def test_random_kills_during_tagging(tmp_path: Path, record_figure):
    runs = full_or(2, 20)
    rng = random.Random(SEED + 1)
    picture = tmp_path / "fragment.jpg"
    picture.write_bytes(make_jpeg((320, 240), seed=9))
    root = new_case(tmp_path / "c.vbcase")
    with Case.open(root) as case:
        run_import(case, [picture], options=ImportOptions(workers=1))
        item = case.conn.execute("SELECT id FROM items").fetchone()[0]
    landed = 0
    for _ in range(runs):
        proc = subprocess.Popen([*CLI[:1], "-m", "tests.reliability._relia_tagger", str(root), item, "100000"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=Path(__file__).parents[2])
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.05, 1.5))
        landed += proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        assert_sound(root)
    with Case.open(root) as case:
        tags = case.conn.execute("SELECT count(*) FROM events WHERE kind = 'fragment.tagged'").fetchone()[0]
    assert tags > 0
    record_figure("crash_safety", "random kill -9 during tagging: runs (kills that landed mid-write loop)",
                  f"{runs} ({landed})")
    record_figure("crash_safety", "random kill -9 during tagging: tags on record, verify failures", f"{tags}, 0")


def test_random_kills_during_report_export(tmp_path: Path, record_figure):
    if importlib.util.find_spec("verify_bench.reports") is None:
        record_figure("crash_safety", "random kill -9 during report export", "not run: no report export yet")
        pytest.skip("verify_bench.reports is not built yet")
    if "--out" not in cli("report", "--help").stdout:
        record_figure("crash_safety", "random kill -9 during report export", "not run: no report command yet")
        pytest.skip("the report command is not built yet")
    runs = full_or(2, 20)
    rng = random.Random(SEED + 2)
    src = _folder(tmp_path, 6)
    root = new_case(tmp_path / "c.vbcase")
    with Case.open(root) as case:
        run_import(case, [src], options=ImportOptions(workers=1))
    started = _duration([*CLI, "items", str(root)])  # the command line's start-up alone
    took = _duration([*CLI, "report", str(root)])
    landed = 0
    for _ in range(runs):  # exports go to the case's own exports/ folder, as by default
        landed += _kill_at_random([*CLI, "report", str(root)], _while_working(rng, started, took))
        assert_sound(root)
    done = cli("report", root, "--format", "json", "--json")  # and afterwards an export still works
    assert done.returncode == 0, done.stderr
    assert_sound(root)
    with Case.open(root) as case:
        exports = case.conn.execute("SELECT count(*) FROM events WHERE kind LIKE 'report.%'").fetchone()[0]
    assert exports >= 1
    record_figure("crash_safety", "random kill -9 during report export: runs (kills that landed while it ran)",
                  f"{runs} ({landed})")
    record_figure("crash_safety", "random kill -9 during report export: verify failures, export afterwards", "0, ok")
