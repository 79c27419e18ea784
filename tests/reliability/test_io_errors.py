"""Battery 5: I/O errors and a full disk during an import.

EIO and ENOSPC are injected on the write, the fsync and the rename of the copy into the store
(test-only switch ``VB_TEST_IO_ERROR``, see ``verify_bench.ingest.testhooks``), through the CLI.
Where the machine allows it (root, tmpfs), a real small file system is filled while an import
runs. Every failure must be a named error, the case must stay consistent, and after space is freed
the import resumes without duplicates. A pre-flight check refuses an import that clearly cannot fit.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factory import make_jpeg
from tests.reliability._relia_support import (
    CLI,
    assert_sound,
    census,
    cli,
    files_under,
    import_json,
    new_case,
)
from tests.reliability.conftest import FULL, full_or
from verify_bench.case import Case
from verify_bench.ingest.pipeline import ImportOptions, run_import

OPS = ("write", "fsync", "rename")
ERRORS = {"ENOSPC": "disk_full", "EIO": "io_error"}


def _folder(tmp_path: Path, n: int) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(n):
        (src / f"{i:03}.jpg").write_bytes(make_jpeg((120, 90), seed=700 + i))
    return src


#: Every operation with every error in the full battery; two representative pairs in CI.
CASES = [(op, e) for op in OPS for e in ERRORS] if FULL else [("write", "ENOSPC"), ("rename", "EIO")]


@pytest.mark.parametrize(("op", "error"), CASES)
def test_injected_io_error_is_named_and_the_import_resumes(tmp_path: Path, op: str, error: str, record_figure):
    n = 5
    src = _folder(tmp_path, n)
    root = new_case(tmp_path / "c.vbcase")
    # From the third file on, every copy into the store fails at this operation.
    summary = import_json(root, src, workers=1, env={"VB_TEST_IO_ERROR": f"{op}:{error}:3"})

    found = census(root, summary["batch_id"])
    assert not found.lost(files_under(src)) and not found.multiple()
    classes = found.classes()
    assert classes["imported:ok"] == 2 and classes[f"rejected:{ERRORS[error]}"] == n - 2, classes
    messages = {f["message"] for f in summary["failures"]}
    assert all(os.strerror(getattr(errno, error)) in m for m in messages), messages
    counts = assert_sound(root)
    assert counts["items"] == 2

    with Case.open(root) as case:
        resumed = run_import(case, [src], options=ImportOptions(workers=1))
    assert (resumed.imported, resumed.known, resumed.rejected) == (n - 2, 2, 0), resumed
    counts = assert_sound(root)
    assert counts["items"] == n and counts["sightings"] == n
    record_figure("io_errors", f"{error} on {op}: named as", f"{ERRORS[error]} ({n - 2} of {n} files); "
                  "case sound; resumed without duplicates")


# ---- a real, small file system -----------------------------------------------------------------


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A 96 MB tmpfs mounted for this test (root on Linux only; skipped elsewhere)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root on Linux")
    mnt = tmp_path / "small"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(mnt)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True, check=False)


def _random_files(folder: Path, n: int, size: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:03}.bin").write_bytes(os.urandom(size))
    return folder


def test_preflight_refuses_an_import_that_cannot_fit(small_fs: Path, tmp_path: Path, record_figure):
    src = _random_files(tmp_path / "in", 40, 2**20)  # 40 MB; with the margin it needs > 96 MB
    root = new_case(small_fs / "c.vbcase")
    done = cli("import", root, src, "--json")
    assert done.returncode == 1 and "not enough free space" in done.stderr, done.stderr
    counts = assert_sound(root)
    assert counts["items"] == 0
    record_figure("io_errors", "pre-flight on a 96 MB disk, 40 MB import", "refused before anything was written")


def _count(root: Path, sql: str) -> int:
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{root / 'case.sqlite'}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


STARTED = "SELECT count(*) FROM events WHERE kind = 'import.started'"


@pytest.mark.parametrize("room_mb", [6, 0] if FULL else [0])
def test_filling_the_disk_during_an_import_then_resuming(small_fs: Path, tmp_path: Path, room_mb: int,
                                                        record_figure):
    n = full_or(12, 24)
    src = _random_files(tmp_path / "in", n, 2**20)  # at most 24 MB: passes the pre-flight on 96 MB
    root = new_case(small_fs / "c.vbcase")
    proc = subprocess.Popen([*CLI, "import", str(root), str(src), "--json", "--workers", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    filler = small_fs / "filler"

    def fill_when_started() -> None:
        """Once the import has passed its pre-flight, another program leaves ``room_mb`` MB free."""
        deadline = time.monotonic() + 60
        while not _count(root, STARTED) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        with open(filler, "wb") as f:
            try:
                while os.statvfs(small_fs).f_bavail * os.statvfs(small_fs).f_frsize > room_mb * 2**20:
                    f.write(b"\0" * 2**20)
                    f.flush()
            except OSError:
                pass

    thread = threading.Thread(target=fill_when_started)
    thread.start()
    out, err = proc.communicate(timeout=300)
    thread.join()
    assert "Traceback" not in err, err
    assert proc.returncode in (0, 1, 3), (proc.returncode, err)
    imported_full = _count(root, "SELECT count(*) FROM items")
    assert imported_full < n, "the disk never filled"
    if proc.returncode == 1:  # the database itself could not grow: the import stops with a named error
        assert "import stopped: the case's disk is full" in err, err
        named = "import stopped: the case's disk is full"
    else:  # files that did not fit were rejected one by one, with their reason
        kinds = {f["kind"] for f in json.loads(out)["failures"]}
        assert kinds == {"disk_full"}, kinds
        named = "rejected as disk_full"

    filler.unlink()  # free the space
    counts = assert_sound(root, allow_pending=True)
    resumed = import_json(root, src, workers=1)
    assert resumed["state"] == "completed" and resumed["rejected"] == 0, resumed
    counts = assert_sound(root)
    assert counts["items"] == n and counts["sightings"] == n, counts
    record_figure("io_errors", f"disk filled during a {n}-file import, {room_mb} MB left",
                  f"{imported_full} imported before it was full, then {named}; case sound; "
                  f"resumed to {counts['items']} items without duplicates")


def test_database_full_stops_the_import_with_a_named_error_and_resume_works(tmp_path: Path, record_figure):
    """Regression: a failed COMMIT (SQLITE_FULL) used to escape as a raw sqlite3 traceback.

    SQLite's ``max_page_count`` makes the database "full" on any machine, without root.
    """
    from verify_bench.errors import IngestError

    n = 8
    src = _folder(tmp_path, n)
    root = new_case(tmp_path / "c.vbcase")
    with Case.open(root) as case:
        pages = case.conn.execute("PRAGMA page_count").fetchone()[0]
        case.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(IngestError, match="the case's disk is full") as caught:
            run_import(case, [src], options=ImportOptions(workers=1))
        assert not case.conn.in_transaction  # the failed batch was rolled back, nothing half-written
    assert "free some space" in str(caught.value)
    assert_sound(root, allow_pending=True)
    with Case.open(root) as case:
        summary = run_import(case, [src], options=ImportOptions(workers=1))
    assert summary.state == "completed" and summary.rejected == 0
    counts = assert_sound(root)
    assert counts["items"] == n and counts["sightings"] == n
    record_figure("io_errors", "database full (SQLite max_page_count) mid-import",
                  "stopped with a named error; case sound; resumed without duplicates")
