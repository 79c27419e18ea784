"""``verify`` catches every way of editing a case behind the app's back."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.factory import make_jpeg
from verify_bench.case import Case
from verify_bench.ingest.pipeline import ImportOptions, run_import
from verify_bench.verify import verify_case


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A closed case with three imported photos."""
    for i in range(3):
        (tmp_path / f"p{i}.jpg").write_bytes(make_jpeg(seed=40 + i))
    with Case.create(tmp_path / "c.vbcase") as case:
        run_import(case, [tmp_path / f"p{i}.jpg" for i in range(3)], options=ImportOptions(workers=1))
    return tmp_path / "c.vbcase"


def _sql(root: Path, *statements: str) -> None:
    conn = sqlite3.connect(root / "case.sqlite", isolation_level=None)
    for s in statements:
        conn.execute(s)
    conn.close()


def _codes(root: Path, **kw) -> set[str]:
    return {f.code for f in verify_case(root, **kw).errors}


def _first_original(root: Path) -> Path:
    return next(p for p in (root / "originals").rglob("*.jpg") if ".tmp" not in p.parts)


def test_an_untouched_case_verifies(filled: Path):
    report = verify_case(filled)
    assert report.ok, report.findings
    assert report.originals_checked == 3
    assert report.events == 1 + 1 + 3 * 3 + 1  # created, import started, 3 x (imported, sighted, analysed), finished


def test_a_flipped_byte_in_an_original_is_caught(filled: Path):
    f = _first_original(filled)
    os.chmod(f, stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0x01
    f.write_bytes(bytes(data))
    assert _codes(filled) == {"original_altered"}


def test_a_missing_original_is_caught(filled: Path):
    f = _first_original(filled)
    os.chmod(f, stat.S_IRUSR | stat.S_IWUSR)
    f.unlink()
    assert _codes(filled) == {"original_missing"}


def test_a_foreign_file_in_the_store_is_caught(filled: Path):
    (filled / "originals" / "00").mkdir()
    (filled / "originals" / "00" / "planted.jpg").write_bytes(b"not evidence")
    assert _codes(filled) == {"store_file_foreign"}


def test_an_edited_projection_row_is_caught(filled: Path):
    _sql(filled, "UPDATE items SET size = size + 1 WHERE rowid = 1")
    assert _codes(filled) == {"projection_mismatch"}


def test_an_edited_event_is_caught(filled: Path):
    _sql(filled, "DROP TRIGGER events_refuse_update",
         "UPDATE events SET actor = 'mallory' WHERE seq = 3")
    assert {"event_altered", "trigger_missing"} <= _codes(filled)


def test_an_edited_payload_is_caught_even_with_its_projection_fixed_up(filled: Path):
    _sql(filled, "DROP TRIGGER events_refuse_update",
         "UPDATE events SET payload = replace(payload, '\"size\":', '\"size\":1') WHERE seq = 3",
         "CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'x'); END;")
    assert "event_altered" in _codes(filled)


def test_a_deleted_event_is_caught(filled: Path):
    _sql(filled, "DROP TRIGGER events_refuse_delete", "PRAGMA foreign_keys = OFF", "DELETE FROM events WHERE seq = 4")
    codes = _codes(filled)
    assert {"chain_broken", "event_sequence_gap", "trigger_missing"} <= codes


def test_reordered_events_are_caught(filled: Path):
    _sql(filled, "DROP TRIGGER events_refuse_update",
         "UPDATE events SET seq = -1 WHERE seq = 4", "UPDATE events SET seq = 4 WHERE seq = 5",
         "UPDATE events SET seq = 5 WHERE seq = -1")
    assert {"chain_broken", "event_altered"} <= _codes(filled)


def test_an_inserted_event_is_caught(filled: Path):
    _sql(filled, "INSERT INTO events (seq, id, at, actor, kind, item_id, payload, prev_hash, hash) "
                 "SELECT 1000, 'forged', at, actor, 'note', NULL, '{}', hash, 'f' FROM events ORDER BY seq DESC LIMIT 1")
    assert {"event_sequence_gap", "event_altered"} <= _codes(filled)


def test_a_cut_off_log_is_caught_with_an_exported_head(filled: Path):
    report = verify_case(filled)
    head = f"{report.head_seq}:{report.head_hash}"
    _sql(filled, "DROP TRIGGER events_refuse_delete", f"DELETE FROM events WHERE seq = {report.head_seq}",
         "CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'x'); END;")
    assert "head_mismatch" in _codes(filled, expect_head=head)


def test_a_case_replaced_by_an_older_copy_is_caught_with_an_exported_head(filled: Path, tmp_path: Path):
    old = tmp_path / "old.sqlite"
    shutil.copy(filled / "case.sqlite", old)
    with Case.open(filled) as case:
        (tmp_path / "later.jpg").write_bytes(make_jpeg(seed=99))
        run_import(case, [tmp_path / "later.jpg"], options=ImportOptions(workers=1))
    head = verify_case(filled)
    shutil.copy(old, filled / "case.sqlite")
    for suffix in ("-wal", "-shm"):
        (filled / f"case.sqlite{suffix}").unlink(missing_ok=True)
    assert "head_mismatch" in _codes(filled, expect_head=head.head_hash)
