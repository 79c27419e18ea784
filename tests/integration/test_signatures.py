"""Tamper evidence: every edit made directly to case.sqlite is named by verify."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from tests.workflow_support import add_items, use_profiles
from verify_bench import events as ev, profiles, projections
from verify_bench.case import Case
from verify_bench.verify import VerifyCancelled, verify_case
from verify_bench.workflow import add_comment, approve, record_check, submit
from verify_bench.workflow.signatures import check_signatures


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_profiles(tmp_path, monkeypatch)


@pytest.fixture
def worked(tmp_path: Path) -> Path:
    """A case where ivan checks and submits two items and lena approves one."""
    root = tmp_path / "w.vbcase"
    with Case.create(root, actor="lena") as lead_case, Case.open(root, actor="ivan") as ivan:
        a, b = add_items(ivan, 2)
        record_check(ivan, a, "location", "pass", note="minaret matches")
        add_comment(ivan, a, "ready")
        submit(ivan, [a, b])
        approve(lead_case, [a])
    return root


def codes(root: Path) -> set[str]:
    return {f.code for f in verify_case(root).findings}


def sql(root: Path, *statements: str) -> None:
    conn = sqlite3.connect(root / "case.sqlite", isolation_level=None)
    try:
        for s in statements:
            conn.execute(s)
    finally:
        conn.close()


def seq_of(root: Path, kind: str, actor: str | None = None) -> int:
    conn = sqlite3.connect(root / "case.sqlite")
    try:
        return conn.execute("SELECT min(seq) FROM events WHERE kind = ? AND (? IS NULL OR actor = ?)",
                            (kind, actor, actor)).fetchone()[0]
    finally:
        conn.close()


def test_every_event_is_signed_and_a_sound_case_verifies(worked: Path):
    report = verify_case(worked)
    assert report.ok and report.findings == []
    conn = sqlite3.connect(worked / "case.sqlite")
    unsigned = conn.execute("SELECT count(*) FROM events WHERE signature IS NULL OR key_id IS NULL").fetchone()[0]
    registered = conn.execute("SELECT name, role FROM people ORDER BY registered_seq").fetchall()
    conn.close()
    assert unsigned == 0
    assert registered == [("lena", "lead"), ("ivan", "investigator")]


def test_an_edited_status_row_is_caught(worked: Path):
    sql(worked, "UPDATE status SET state = 'verified' WHERE state = 'ready_for_review'")
    assert codes(worked) == {"projection_mismatch"}


def test_a_changed_payload_is_caught(worked: Path):
    seq = seq_of(worked, "check.recorded")
    sql(worked, "DROP TRIGGER events_refuse_update",
        f"UPDATE events SET payload = replace(payload, '\"pass\"', '\"fail\"') WHERE seq = {seq}")
    assert {"event_altered", "trigger_missing"} <= codes(worked)


def test_a_deleted_event_is_caught(worked: Path):
    seq = seq_of(worked, "comment.added")
    sql(worked, "DROP TRIGGER events_refuse_delete", f"DELETE FROM events WHERE seq = {seq}")
    assert {"chain_broken", "event_sequence_gap", "trigger_missing"} <= codes(worked)


def test_reordered_events_are_caught(worked: Path):
    first = seq_of(worked, "status.changed")
    sql(worked, "DROP TRIGGER events_refuse_update",
        f"UPDATE events SET seq = -1 WHERE seq = {first}", f"UPDATE events SET seq = {first} WHERE seq = {first + 1}",
        f"UPDATE events SET seq = {first + 1} WHERE seq = -1")
    assert {"chain_broken", "event_altered"} <= codes(worked)


def _forge(root: Path, signer: profiles.Signer, actor: str) -> None:
    """Append, outside the app, a well-chained comment that claims to be by ``actor``."""
    with Case.open(root, actor="lena") as case:
        item_id = case.conn.execute("SELECT item_id FROM status LIMIT 1").fetchone()[0]
        seq, head = case.head()
        event = ev.new_event(seq=seq + 1, actor=actor, kind="comment.added", item_id=item_id,
                             payload={"text": "approved by phone"}, prev_hash=head)
        event = dataclasses.replace(event, key_id=signer.key_id, signature=signer.sign(event.hash))
        with case.write():
            case.conn.execute(
                "INSERT INTO events (seq, id, at, actor, kind, item_id, payload, prev_hash, hash, key_id, signature)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (event.seq, event.id, event.at, event.actor, event.kind, event.item_id, event.payload_json,
                 event.prev_hash, event.hash, event.key_id, event.signature))
            projections.apply(case.conn, event)


def test_an_event_forged_in_another_persons_name_with_the_wrong_key_is_caught(worked: Path):
    _forge(worked, profiles.unlock("ivan"), actor="lena")
    found = verify_case(worked).findings
    assert [f.code for f in found] == ["key_mismatch"]
    assert "says it is by lena, but is signed by the key of ivan" in found[0].message


def test_an_event_signed_by_a_key_the_case_never_recorded_is_caught(worked: Path):
    _forge(worked, profiles.signer_for("mallory"), actor="lena")
    assert codes(worked) == {"key_unknown"}


def test_a_swapped_public_key_is_caught(worked: Path):
    mallory = profiles.signer_for("mallory").profile
    seq = seq_of(worked, "person.registered", "ivan")
    sql(worked, "DROP TRIGGER events_refuse_update",
        f"UPDATE events SET payload = json_set(payload, '$.public_key', '{mallory.public_key}',"
        f" '$.key_id', '{mallory.key_id}') WHERE seq = {seq}")
    found = codes(worked)
    assert {"event_altered", "key_unknown", "projection_mismatch"} <= found


def test_a_public_key_swapped_in_the_people_tables_is_caught(worked: Path):
    mallory = profiles.signer_for("mallory").profile
    sql(worked, f"UPDATE person_keys SET public_key = '{mallory.public_key}' WHERE name = 'ivan'")
    assert codes(worked) == {"projection_mismatch"}


def test_a_stripped_or_altered_signature_is_caught(worked: Path):
    seq = seq_of(worked, "check.recorded")
    sql(worked, "DROP TRIGGER events_refuse_update",
        f"UPDATE events SET signature = NULL WHERE seq = {seq}",
        # The first hex digit changed, whatever it was ('ff' over the first two was no change 1 time in 256).
        f"UPDATE events SET signature = (CASE WHEN substr(signature, 1, 1) = '0' THEN '1' ELSE '0' END)"
        f" || substr(signature, 2) WHERE seq = {seq + 1}")
    assert codes(worked) == {"signature_missing", "signature_invalid", "trigger_missing"}


def test_stripping_every_signature_is_caught_because_the_log_records_its_keys(worked: Path):
    sql(worked, "DROP TRIGGER events_refuse_update", "UPDATE events SET key_id = NULL, signature = NULL",
        "CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'x'); END;")
    assert {f.code for f in verify_case(worked).errors} == {"signature_missing"}


def test_events_recorded_before_the_case_signed_events_are_a_notice():
    old = ev.new_event(seq=1, actor="a", kind="case.created", item_id=None, payload={"title": "t"},
                       prev_hash=ev.GENESIS_HASH)
    assert [(f.code, f.severity) for f in check_signatures([old])] == [("events_unsigned", "notice")]


def test_verify_reports_progress_by_stage_and_can_be_cancelled(worked: Path):
    seen: list[str] = []
    verify_case(worked, progress=lambda label, done, total: seen.append(label))
    assert seen[:2] == ["events", "signatures"] and "projections" in seen and seen[-1].startswith("originals/")
    with pytest.raises(VerifyCancelled):
        verify_case(worked, cancel=lambda: True)
