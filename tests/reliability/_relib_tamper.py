"""A catalogue of ways to damage a case behind the app's back, each with what ``verify`` must say.

Each :class:`Tamper` changes a copy of a case built by :func:`tests.reliability._relib_cases.build_case`
the way a careless or malicious person could: with a file manager, a hex editor, the ``sqlite3`` shell
(dropping and re-creating the append-only triggers where it needs to), or with an insider's own key.
Unless the kind is about them, the triggers are put back and the projections are "fixed up" to match
the edit, so that each kind is caught by the check that is meant to catch it and by no other.

``codes`` is the exact set of error codes ``verify`` must report, ``notices`` the exact set of notices.
``independent_blind`` lists the codes that ``docs/verify_case.py`` does not compute, by design (it
re-checks the evidence, not the app's current-state tables or the database's guards).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from verify_bench import events as ev
from verify_bench import profiles

from ._relib_cases import INVESTIGATOR, LEAD, Built

#: What the independent script does not look at: projections (current-state tables), triggers and replay.
INDEPENDENT_BLIND = frozenset({"projection_mismatch", "projection_missing", "event_unreplayable", "trigger_missing"})


@dataclass(frozen=True)
class Tamper:
    kind: str
    what: str                              # one line, for the documentation and failure messages
    apply: Callable[[Built], list[str]]    # damages the case; returns extra arguments for verify
    codes: frozenset[str]
    notices: frozenset[str] = frozenset()


# ---- raw access, as someone with a sqlite3 shell would have --------------------------------------------

def _connect(b: Built) -> sqlite3.Connection:
    return sqlite3.connect(b.root / "case.sqlite", isolation_level=None)


def _run(b: Built, *statements: str, params: tuple[object, ...] = ()) -> None:
    conn = _connect(b)
    try:
        for s in statements:
            conn.execute(s, params) if params else conn.execute(s)
    finally:
        conn.close()


def _unguarded(b: Built, *statements: str) -> None:
    """Run ``statements`` with the append-only triggers dropped, then put the triggers back exactly."""
    conn = _connect(b)
    try:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
                                ).fetchall()
        conn.execute("BEGIN")
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        for s in statements:
            conn.execute(s)
        for _, sql in triggers:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _one(b: Built, sql: str, *args: object) -> tuple[object, ...]:
    conn = _connect(b)
    try:
        row = conn.execute(sql, args).fetchone()
    finally:
        conn.close()
    assert row is not None, sql
    return tuple(row)


def _seq(b: Built, kind: str, *, last: bool = False, actor: str | None = None) -> int:
    fn = "max" if last else "min"
    return int(_one(b, f"SELECT {fn}(seq) FROM events WHERE kind = ? AND (? IS NULL OR actor = ?)", kind, actor, actor)[0])


def _stored(b: Built, index: int) -> Path:
    return b.root / str(_one(b, "SELECT stored_path FROM items WHERE id = ?", b.items[index])[0])


def _writable(path: Path) -> Path:
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return path


def _insert(b: Built, event: ev.Event) -> None:
    _run(b, "INSERT INTO events (seq, id, at, actor, kind, item_id, payload, prev_hash, hash, key_id, signature)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         params=(event.seq, event.id, event.at, event.actor, event.kind, event.item_id, event.payload_json,
                 event.prev_hash, event.hash, event.key_id, event.signature))


def _next_event(b: Built, kind: str, payload: dict[str, object], *, actor: str, item: str | None,
                signer: profiles.Signer | None) -> ev.Event:
    """A well-chained event after the head, signed by ``signer`` (or unsigned)."""
    seq, head = _one(b, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
    event = ev.new_event(seq=int(seq) + 1, actor=actor, kind=kind, item_id=item, payload=payload, prev_hash=str(head))
    if signer is None:
        return event
    return dataclasses.replace(event, key_id=signer.key_id, signature=signer.sign(event.hash))


def _rechain(conn: sqlite3.Connection, start: int) -> None:
    """Recompute every hash from event ``start`` on, as an attacker who knows the format would (no keys)."""
    prev = conn.execute("SELECT hash FROM events WHERE seq = ?", (start - 1,)).fetchone()[0]
    rows = conn.execute("SELECT seq, id, at, actor, kind, item_id, payload FROM events WHERE seq >= ? ORDER BY seq",
                        (start,)).fetchall()
    for seq, eid, at, actor, kind, item_id, payload in rows:
        digest = ev.event_hash(seq=seq, id=eid, at=at, actor=actor, kind=kind, item_id=item_id,
                               payload=json.loads(payload), prev_hash=prev)
        conn.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest


# ---- the kinds --------------------------------------------------------------------------------------

def _byte_flip(b: Built) -> list[str]:
    f = _writable(_stored(b, 0))
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0x01
    f.write_bytes(bytes(data))
    return []


def _original_truncated(b: Built) -> list[str]:
    f = _writable(_stored(b, 1))
    f.write_bytes(f.read_bytes()[:-100])
    return []


def _original_missing(b: Built) -> list[str]:
    _stored(b, 2).unlink()
    return []


def _original_replaced_by_folder(b: Built) -> list[str]:
    f = _stored(b, 2)
    f.unlink()
    f.mkdir()
    return []


def _original_moved(b: Built) -> list[str]:
    f = _stored(b, 0)
    (b.root / "originals" / "00" / "00").mkdir(parents=True)
    f.rename(b.root / "originals" / "00" / "00" / f.name)
    return []


def _store_extra_file(b: Built) -> list[str]:
    (b.root / "originals" / "ff" / "ff").mkdir(parents=True)
    (b.root / "originals" / "ff" / "ff" / "planted.jpg").write_bytes(b"\xff\xd8\xff\xe0 not evidence")
    return []


def _projection_row_edited(b: Built) -> list[str]:
    _run(b, f"UPDATE items SET display_name = 'other.jpg' WHERE id = '{b.items[1]}'")
    return []


def _status_row_edited(b: Built) -> list[str]:
    _run(b, f"UPDATE status SET state = 'verified', reviewed_by = '{LEAD}' WHERE item_id = '{b.items[1]}'")
    return []


def _projection_row_deleted(b: Built) -> list[str]:
    _run(b, "DELETE FROM location_claims")
    return []


def _projection_table_dropped(b: Built) -> list[str]:
    _run(b, "DROP TABLE comments")
    return []


def _event_payload_edited(b: Built) -> list[str]:
    seq = _seq(b, "check.recorded")
    _unguarded(b, f"UPDATE events SET payload = replace(payload, '\"pass\"', '\"fail\"') WHERE seq = {seq}",
               "UPDATE checks SET result = 'fail'")
    return []


def _event_time_edited(b: Built) -> list[str]:
    seq = _seq(b, "comment.added")
    _unguarded(b, f"UPDATE events SET at = '2024-01-01T00:00:00.000000Z' WHERE seq = {seq}",
               f"UPDATE comments SET at = '2024-01-01T00:00:00.000000Z' WHERE event_seq = {seq}")
    return []


def _event_rechained(b: Built) -> list[str]:
    seq = _seq(b, "comment.added")
    conn = _connect(b)
    try:
        triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'"
                                ).fetchall()
        conn.execute("BEGIN")
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute(f"UPDATE events SET payload = replace(payload, 'mid-morning', 'late evening') WHERE seq = {seq}")
        conn.execute(f"UPDATE comments SET text = replace(text, 'mid-morning', 'late evening') WHERE event_seq = {seq}")
        _rechain(conn, seq)
        for _, sql in triggers:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return []


def _event_deleted(b: Built) -> list[str]:
    seq = _seq(b, "comment.added")
    _unguarded(b, f"DELETE FROM events WHERE seq = {seq}", f"DELETE FROM comments WHERE event_seq = {seq}")
    return []


def _events_reordered(b: Built) -> list[str]:
    first = _seq(b, "item.assigned")   # two assignments in a row, of two different items
    _unguarded(b, f"UPDATE events SET seq = -1 WHERE seq = {first}",
               f"UPDATE events SET seq = {first} WHERE seq = {first + 1}",
               f"UPDATE events SET seq = {first + 1} WHERE seq = -1")
    return []


def _event_inserted(b: Built) -> list[str]:
    """An insider's validly signed comment slipped into the middle of the log, later events renumbered."""
    seq = _seq(b, "comment.added")
    signer = profiles.unlock(INVESTIGATOR)
    prev = str(_one(b, "SELECT hash FROM events WHERE seq = ?", seq)[0])
    forged = ev.new_event(seq=seq + 1, actor=INVESTIGATOR, kind="comment.added", item_id=b.items[1],
                          payload={"text": "source confirmed by phone"}, prev_hash=prev)
    forged = dataclasses.replace(forged, key_id=signer.key_id, signature=signer.sign(forged.hash))
    _unguarded(b, f"UPDATE events SET seq = seq + 1000000 WHERE seq > {seq}",
               "UPDATE events SET seq = seq - 1000000 + 1 WHERE seq > 1000000")
    _insert(b, forged)
    return []


def _event_appended_unsigned(b: Built) -> list[str]:
    event = _next_event(b, "comment.added", {"text": "approved by phone"}, actor=LEAD, item=b.items[1], signer=None)
    _insert(b, event)
    _run(b, "INSERT INTO comments (event_seq, item_id, actor, at, text, context) VALUES (?, ?, ?, ?, ?, 'comment')",
         params=(event.seq, event.item_id, event.actor, event.at, "approved by phone"))
    return []


def _trigger_dropped(b: Built) -> list[str]:
    _run(b, "DROP TRIGGER events_refuse_delete")
    return []


def _public_key_swapped(b: Built) -> list[str]:
    mallory = profiles.signer_for("rl-mallory").profile
    seq = _seq(b, "person.registered", actor=INVESTIGATOR)
    _unguarded(b, f"UPDATE events SET payload = json_set(payload, '$.public_key', '{mallory.public_key}',"
                  f" '$.key_id', '{mallory.key_id}') WHERE seq = {seq}",
               f"UPDATE person_keys SET public_key = '{mallory.public_key}', key_id = '{mallory.key_id}'"
               f" WHERE name = '{INVESTIGATOR}'")
    return []


def _public_key_malformed(b: Built) -> list[str]:
    seq = _seq(b, "person.registered", actor=INVESTIGATOR)
    _unguarded(b, f"UPDATE events SET payload = json_set(payload, '$.public_key', 'not-a-key') WHERE seq = {seq}",
               f"UPDATE person_keys SET public_key = 'not-a-key' WHERE name = '{INVESTIGATOR}'")
    return []


def _signature_forged(b: Built) -> list[str]:
    seq = _seq(b, "status.changed", last=True)
    _unguarded(b, f"UPDATE events SET signature = '{hashlib.sha512(b'forged').hexdigest()}' WHERE seq = {seq}")
    return []


def _signature_stripped(b: Built) -> list[str]:
    seq = _seq(b, "status.changed", last=True)
    _unguarded(b, f"UPDATE events SET signature = NULL, key_id = NULL WHERE seq = {seq}")
    return []


def _lead_comment_signed_by(b: Built, signer: profiles.Signer) -> list[str]:
    """A comment in the lead's name, chained and projected properly, but signed by ``signer``."""
    event = _next_event(b, "comment.added", {"text": "approved by phone"}, actor=LEAD, item=b.items[1], signer=signer)
    _insert(b, event)
    _run(b, "INSERT INTO comments (event_seq, item_id, actor, at, text, context) VALUES (?, ?, ?, ?, ?, 'comment')",
         params=(event.seq, event.item_id, event.actor, event.at, "approved by phone"))
    return []


def _signed_in_anothers_name(b: Built) -> list[str]:
    """The investigator appends, with their own key, a lead's comment."""
    return _lead_comment_signed_by(b, profiles.unlock(INVESTIGATOR))


def _signed_by_unknown_key(b: Built) -> list[str]:
    return _lead_comment_signed_by(b, profiles.signer_for("rl-mallory"))


def _event_unreplayable(b: Built) -> list[str]:
    """An insider's validly signed event that no projection can apply."""
    _insert(b, _next_event(b, "check.recorded", {"note": "no name, no result"}, actor=INVESTIGATOR, item=b.items[1],
                           signer=profiles.unlock(INVESTIGATOR)))
    return []


def _payload_not_json(b: Built) -> list[str]:
    seq = _seq(b, "comment.added", last=True)
    _unguarded(b, f"UPDATE events SET payload = '{{\"text\": unquoted' WHERE seq = {seq}",
               f"DELETE FROM comments WHERE event_seq = {seq}")
    return []


def _payload_not_utf8(b: Built) -> list[str]:
    seq = _seq(b, "comment.added", last=True)
    _unguarded(b, f"UPDATE events SET payload = CAST(X'7B2274657874223A2280FF227D' AS TEXT) WHERE seq = {seq}")
    return []


def _tail_cut_off(b: Built) -> list[str]:
    seq = _seq(b, "comment.added", last=True)
    _unguarded(b, f"DELETE FROM events WHERE seq = {seq}", f"DELETE FROM comments WHERE event_seq = {seq}")
    return ["--expect-head", b.head]


def _older_copy(b: Built) -> list[str]:
    for suffix in ("-wal", "-shm"):
        (b.root / f"case.sqlite{suffix}").unlink(missing_ok=True)
    shutil.copy(b.older_db, b.root / "case.sqlite")
    return ["--expect-head", b.head]


def _case_file_junk(b: Built) -> list[str]:
    (b.root / "case.sqlite").write_bytes(os.urandom(8192))
    return []


def _events_table_dropped(b: Built) -> list[str]:
    _run(b, "PRAGMA foreign_keys = OFF", "DROP TABLE events")
    return []


def _f(*codes: str) -> frozenset[str]:
    return frozenset(codes)


TAMPERS: tuple[Tamper, ...] = (
    Tamper("original_byte_flip", "one bit of a stored original flipped", _byte_flip, _f("original_altered")),
    Tamper("original_truncated", "the last 100 bytes of a stored original cut off", _original_truncated,
           _f("original_altered")),
    Tamper("original_missing", "a stored original deleted", _original_missing, _f("original_missing")),
    Tamper("original_unreadable", "a stored original replaced by a folder of the same name",
           _original_replaced_by_folder, _f("original_unreadable")),
    Tamper("original_moved", "a stored original moved to another folder of the store", _original_moved,
           _f("original_missing"), _f("original_unrecorded")),
    Tamper("store_extra_file", "a file planted in the store", _store_extra_file, _f("store_file_foreign")),
    Tamper("projection_row_edited", "an item's name changed in the items table", _projection_row_edited,
           _f("projection_mismatch")),
    Tamper("status_row_edited", "an item marked verified in the status table", _status_row_edited,
           _f("projection_mismatch")),
    Tamper("projection_rows_deleted", "the location claims deleted from their table", _projection_row_deleted,
           _f("projection_mismatch")),
    Tamper("projection_table_dropped", "the comments table dropped", _projection_table_dropped,
           _f("projection_missing")),
    Tamper("event_payload_edited", "a check's result changed in its event (and in the checks table)",
           _event_payload_edited, _f("event_altered")),
    Tamper("event_time_edited", "a comment's time changed in its event (and in the comments table)",
           _event_time_edited, _f("event_altered")),
    Tamper("event_edited_and_rechained", "a comment edited and every later hash recomputed", _event_rechained,
           _f("signature_invalid")),
    Tamper("event_deleted", "a comment deleted from the middle of the log (and from the comments table)",
           _event_deleted, _f("event_sequence_gap", "chain_broken")),
    Tamper("events_reordered", "two adjacent events swapped", _events_reordered,
           _f("chain_broken", "event_altered", "projection_mismatch")),
    Tamper("event_inserted", "an insider's signed comment inserted mid-log, later events renumbered",
           _event_inserted, _f("chain_broken", "event_altered", "projection_mismatch")),
    Tamper("event_appended_unsigned", "a well-chained but unsigned comment appended", _event_appended_unsigned,
           _f("signature_missing")),
    Tamper("trigger_dropped", "the append-only DELETE guard dropped", _trigger_dropped, _f("trigger_missing")),
    Tamper("public_key_swapped", "an investigator's registered public key replaced by another key",
           _public_key_swapped, _f("event_altered", "key_unknown")),
    Tamper("public_key_malformed", "an investigator's registered public key replaced by garbage",
           _public_key_malformed, _f("event_altered", "key_invalid", "key_unknown")),
    Tamper("signature_forged", "a lead's signature replaced by 64 other bytes", _signature_forged,
           _f("signature_invalid")),
    Tamper("signature_stripped", "a lead's signature and key id removed", _signature_stripped,
           _f("signature_missing")),
    Tamper("signed_in_anothers_name", "an investigator appends a lead's comment, signed with their own key",
           _signed_in_anothers_name, _f("key_mismatch")),
    Tamper("signed_by_unknown_key", "a lead's comment appended, signed by a key the case never recorded",
           _signed_by_unknown_key, _f("key_unknown")),
    Tamper("event_unreplayable", "an insider's signed event that no projection can apply", _event_unreplayable,
           _f("event_unreplayable", "projection_mismatch")),
    Tamper("payload_not_json", "an event's payload replaced by text that is not JSON", _payload_not_json,
           _f("event_payload_invalid")),
    Tamper("payload_not_utf8", "an event's payload replaced by bytes that are not UTF-8", _payload_not_utf8,
           _f("event_altered", "event_unreplayable", "projection_mismatch")),
    Tamper("log_tail_cut_off", "the last event deleted (and its comment), checked against the exported head",
           _tail_cut_off, _f("head_mismatch")),
    Tamper("older_case_file", "case.sqlite replaced by a copy taken before the second import",
           _older_copy, _f("head_mismatch"), _f("original_unrecorded")),
    Tamper("case_file_junk", "case.sqlite overwritten with random bytes", _case_file_junk, _f("refused")),
    Tamper("events_table_dropped", "the events table dropped", _events_table_dropped, _f("refused")),
)
