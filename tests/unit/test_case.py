from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from verify_bench import events as ev
from verify_bench.case import Case
from verify_bench.errors import CaseError, CaseVersionError, EventLogError
from verify_bench.migrations import SCHEMA_VERSION


def test_init_creates_the_case_layout_and_records_its_creation(tmp_path: Path):
    case = Case.create(tmp_path / "c.vbcase", title="Rafah 2024")
    for name in ("case.sqlite", "originals", "derived", "exports"):
        assert (case.root / name).exists()
    assert case.title == "Rafah 2024"
    assert case.schema_version == SCHEMA_VERSION
    [created] = list(case.events())
    assert created.kind == ev.CASE_CREATED and created.actor == "tester" and created.prev_hash == ev.GENESIS_HASH


def test_connection_is_durable(case: Case):
    assert case.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert case.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert case.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_refuses_to_create_over_a_non_empty_folder(tmp_path: Path):
    (tmp_path / "x").write_text("hello")
    with pytest.raises(CaseError, match="not an empty folder"):
        Case.create(tmp_path)


def test_opening_something_that_is_not_a_case_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CaseError, match="not a case folder"):
        Case.open(tmp_path)


@pytest.mark.parametrize("statement", ["UPDATE events SET actor = 'mallory'", "DELETE FROM events"])
def test_triggers_refuse_rewriting_the_log(case: Case, statement: str):
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        case.conn.execute(statement)


def test_append_outside_a_transaction_is_refused(case: Case):
    with pytest.raises(EventLogError):
        case.append("note", {"text": "x"})


def test_a_failed_write_leaves_no_event(case: Case):
    before = case.head()
    with pytest.raises(RuntimeError):
        with case.write():
            case.append("note", {"text": "x"})
            raise RuntimeError("boom")
    assert case.head() == before


def test_a_case_from_a_newer_app_is_refused(case: Case):
    case.conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('verify_bench', 'm9999_future', 'x')"
    )
    root = case.root
    case.close()
    with pytest.raises(CaseVersionError, match="newer Verify Bench"):
        Case.open(root)


def test_opening_removes_temp_files_left_by_a_killed_import(case: Case):
    leftover = case.root / "originals" / ".tmp" / "abc.part"
    leftover.write_bytes(b"partial")
    case.close()
    reopened = Case.open(case.root)
    assert reopened.cleaned_temp_files == 1
    assert not leftover.exists()
    reopened.close()


def test_opening_during_an_import_leaves_its_temp_files_alone(case: Case):
    from verify_bench.originals import importing

    partial = case.root / "originals" / ".tmp" / "running.part"
    with importing(case.root):
        partial.write_bytes(b"being written")
        second = Case.open(case.root)
        assert second.cleaned_temp_files == 0 and partial.exists()
        second.close()
    third = Case.open(case.root)
    assert third.cleaned_temp_files == 1 and not partial.exists()
    third.close()
