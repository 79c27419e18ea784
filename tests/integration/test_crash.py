"""A kill -9 in the middle of an import leaves a consistent case, and re-running resumes."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.factory import make_jpeg
from verify_bench.case import Case
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.verify import verify_case

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")


def _count(db: Path, sql: str) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("kill_after_items", [1, 10])
def test_kill_during_import_then_resume(tmp_path: Path, kill_after_items: int):
    src = tmp_path / "in"
    src.mkdir()
    n = 80
    for i in range(n):
        (src / f"{i:03}.jpg").write_bytes(make_jpeg((1280, 960), seed=100 + i))
    root = tmp_path / "c.vbcase"
    Case.create(root).close()
    proc = subprocess.Popen([sys.executable, "-m", "verify_bench", "import", str(root), str(src), "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _count(root / "case.sqlite", "SELECT count(*) FROM items") < kill_after_items:
        assert proc.poll() is None, "import finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = _count(root / "case.sqlite", "SELECT count(*) FROM items")
    assert done_before < n

    report = verify_case(root)
    assert report.ok, report.errors  # left-over store files are notices, not damage
    with Case.open(root) as case:
        assert not list((root / "originals" / ".tmp").glob("*.part"))
        summary = run_import(case, [src], options=ImportOptions(workers=2))
        assert summary.state == "completed"
        assert case.db.execute("SELECT count(*) FROM items").fetchone()[0] == n
        assert case.db.execute("SELECT count(*) FROM sightings").fetchone()[0] == n
        assert case.db.execute("SELECT count(*) FROM items WHERE analysis = 'pending'").fetchone()[0] == 0
    final = verify_case(root)
    assert final.ok and not final.findings
