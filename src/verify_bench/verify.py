"""Re-check a case from first principles: the chain, the projections, the originals.

Every finding has a stable ``code`` so that scripts (and the reliability battery)
can tell kinds of damage apart.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import events as ev, projections
from .case import DB_NAME, sqlite_file_uri
from .errors import CaseError
from .migrations import PROJECTION_TABLES, migrations
from .originals import iter_stored
from .workflow.signatures import check_signatures

#: Events between two progress reports (and cancellation checks) in the event stages.
_STEP = 5000

#: Triggers that keep the log append-only; their absence is itself a finding.
REQUIRED_TRIGGERS = ("events_refuse_update", "events_refuse_delete")

ASSURANCE = (
    "The hash chain shows that no recorded event was changed, removed, inserted or reordered. "
    "On its own it cannot show that events were not cut off the end: compare the head hash "
    "with one exported earlier (--expect-head)."
)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    seq: int | None = None
    item_id: str | None = None
    path: str | None = None
    severity: str = "error"  # "error" fails verification; "notice" is reported only


@dataclass
class VerifyReport:
    events: int = 0
    head_seq: int = 0
    head_hash: str = ev.GENESIS_HASH
    originals_checked: int = 0
    bytes_checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    assurance: str = ASSURANCE

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


class VerifyCancelled(CaseError):
    """``cancel()`` returned True: the check stopped before it was complete (nothing is concluded)."""


Progress = Callable[[str, int, int], None]


def verify_case(
    root: Path | str, *, expect_head: str | None = None, progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> VerifyReport:
    """Check everything; ``expect_head`` is a head hash (or ``SEQ:HASH``) exported earlier.

    ``progress(label, done, total)`` is called as the work advances: ``label`` is a stage
    (``"events"``, ``"signatures"``, ``"projections"``) or the stored path of the original being
    re-hashed. ``cancel()`` is polled as often; when it returns True, :class:`VerifyCancelled` is raised.
    """
    root = Path(root)
    try:
        is_case = (root / DB_NAME).is_file()
    except OSError as exc:  # e.g. a name too long for the file system
        raise CaseError(f"cannot read a case at {root}: {exc.strerror or exc}") from exc
    if not is_case:
        raise CaseError(f"{root} is not a case folder (no {DB_NAME})")
    report = VerifyReport()
    step = _Stepper(progress, cancel)
    conn = _open_read_only(root / DB_NAME)
    try:
        try:
            signed = {r[1] for r in conn.execute("PRAGMA table_info(events)")} >= {"key_id", "signature"}
            columns = "key_id, signature" if signed else "NULL, NULL"
            rows = conn.execute(
                f"SELECT seq, id, at, actor, kind, item_id, payload, prev_hash, hash, {columns} FROM events ORDER BY seq"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise CaseError(
                f"cannot read the event log of {root}: {exc} (the case file is damaged or was replaced)") from exc
        step("events", 0, len(rows))
        events = _check_chain(rows, report)
        report.findings.extend(check_signatures(events, lambda n: step("signatures", n, len(events))))
        _check_triggers(conn, report)
        if expect_head:
            _check_head(expect_head, events, report)
        rebuilt = _rebuild(events, report, step)
        _compare_projections(conn, rebuilt, report)
        _check_originals(root, rebuilt, report, step)
    finally:
        conn.close()
    return report


def _open_read_only(db_path: Path) -> sqlite3.Connection:
    """Open the case database without writing to it, wherever the folder is and whatever its name.

    ``mode=ro`` needs to create the WAL index next to the database; on read-only storage (a
    write-protected folder or mount) a case whose write-ahead log is empty opens ``immutable``
    instead. Text that is not UTF-8 is read with ``surrogateescape`` so that it is reported, not fatal.
    """
    uri = sqlite_file_uri(db_path)
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            raise CaseError(
                f"cannot open {db_path} read-only ({exc}) while its write-ahead log holds changes not yet merged;"
                " if its folder is read-only, copy the case folder to writable storage and verify the copy") from exc
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise CaseError(f"cannot read {db_path}: {exc} (the case file is damaged or was replaced)") from exc
    conn.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
    return conn


class _Stepper:
    """Reports progress and polls for cancellation."""

    def __init__(self, progress: Progress | None, cancel: Callable[[], bool] | None) -> None:
        self.progress = progress
        self.cancel = cancel

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.cancel is not None and self.cancel():
            raise VerifyCancelled("verification cancelled before it was complete")
        if self.progress is not None:
            self.progress(label, done, total)


def _check_chain(rows: list[tuple[Any, ...]], report: VerifyReport) -> list[ev.Event]:
    events: list[ev.Event] = []
    prev_hash = ev.GENESIS_HASH
    for expected_seq, row in enumerate(rows, start=1):
        seq, eid, at, actor, kind, item_id, payload_text, stored_prev, stored_hash, key_id, signature = row
        if seq != expected_seq:
            report.findings.append(Finding("event_sequence_gap", f"event {seq} follows event {expected_seq - 1}: events are missing or were inserted", seq=seq))
        try:
            payload = json.loads(payload_text)
        except (TypeError, ValueError):
            report.findings.append(Finding("event_payload_invalid", f"event {seq} ({kind}): payload is not JSON", seq=seq))
            payload = None
        event = ev.Event(seq, eid, at, actor, kind, item_id, payload, stored_prev, stored_hash, key_id, signature)
        if stored_prev != prev_hash:
            report.findings.append(Finding(
                "chain_broken", f"event {seq} ({kind}) names previous hash {stored_prev[:12]}…, but the event before it hashes to {prev_hash[:12]}…", seq=seq))
        if payload is not None and _altered(event, payload_text):
            report.findings.append(Finding(
                "event_altered", f"event {seq} ({kind}, {at}): its content no longer matches its hash", seq=seq, item_id=item_id))
        prev_hash = stored_hash
        events.append(event)
    report.events = len(rows)
    if rows:
        report.head_seq, report.head_hash = rows[-1][0], rows[-1][8]
    return events


def _altered(event: ev.Event, payload_text: str) -> bool:
    """Whether the stored event no longer matches its hash (text that is not UTF-8 never does)."""
    try:
        return ev.recompute_hash(event) != event.hash or ev.canonical_json(event.payload) != payload_text
    except (UnicodeEncodeError, TypeError, ValueError):
        return True


def _check_triggers(conn: sqlite3.Connection, report: VerifyReport) -> None:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for name in REQUIRED_TRIGGERS:
        if name not in present:
            report.findings.append(Finding("trigger_missing", f"the append-only guard '{name}' has been removed"))


def _check_head(expect: str, events: list[ev.Event], report: VerifyReport) -> None:
    """The exported head must be in the log: the log may have grown since, never lost events."""
    seq_text, _, hash_text = expect.strip().rpartition(":")
    hash_text = hash_text.lower()
    found = next((e for e in events if e.hash == hash_text and (not seq_text or str(e.seq) == seq_text)), None)
    if found is not None:
        if found.seq != report.head_seq:
            report.findings.append(Finding(
                "head_extended", f"the expected head is event {found.seq}; {report.head_seq - found.seq} event(s)"
                " were recorded after it", seq=found.seq, severity="notice"))
        return
    report.findings.append(Finding(
        "head_mismatch",
        f"the log ends at event {report.head_seq} ({report.head_hash[:12]}…), not at the expected head {expect}: "
        "events were cut off, or the log was replaced",
    ))


def _rebuild(events: list[ev.Event], report: VerifyReport, step: _Stepper) -> sqlite3.Connection:
    """Replay the log into an empty in-memory case."""
    mem = sqlite3.connect(":memory:", isolation_level=None)
    migrations.apply(Database(mem))
    mem.execute("PRAGMA foreign_keys = OFF")  # sightings reference events, which we do not copy
    for n, event in enumerate(events):
        if n % _STEP == 0:
            step("projections", n, len(events))
        if event.payload is None:
            continue
        try:
            projections.apply(mem, event)
        except (sqlite3.Error, KeyError, TypeError, ValueError) as exc:
            report.findings.append(Finding(
                "event_unreplayable", f"event {event.seq} ({event.kind}) cannot be replayed: {exc}", seq=event.seq))
    return mem


def _compare_projections(conn: sqlite3.Connection, rebuilt: sqlite3.Connection, report: VerifyReport) -> None:
    for table in PROJECTION_TABLES:
        stored = _rows(conn, table)
        fresh = _rows(rebuilt, table)
        if stored is None:
            report.findings.append(Finding("projection_missing", f"table '{table}' is missing"))
            continue
        extra = _multiset_minus(stored, fresh)
        missing = _multiset_minus(fresh, stored)
        for row in extra[:20]:
            report.findings.append(Finding(
                "projection_mismatch", f"table '{table}' holds a row the log does not produce: {_short(row)}"))
        for row in missing[:20]:
            report.findings.append(Finding(
                "projection_mismatch", f"table '{table}' lacks a row the log produces: {_short(row)}"))
        hidden = max(0, len(extra) - 20) + max(0, len(missing) - 20)
        if hidden:
            report.findings.append(Finding("projection_mismatch", f"table '{table}': {hidden} more differing rows"))


def _rows(conn: sqlite3.Connection, table: str) -> list[tuple[Any, ...]] | None:
    try:
        return conn.execute(f"SELECT * FROM {table}").fetchall()
    except sqlite3.OperationalError:
        return None


def _multiset_minus(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    counts: dict[tuple[Any, ...], int] = {}
    for row in b:
        counts[row] = counts.get(row, 0) + 1
    left = []
    for row in a:
        if counts.get(row, 0):
            counts[row] -= 1
        else:
            left.append(row)
    return left


def _short(row: tuple[Any, ...]) -> str:
    text = repr(row)
    return text if len(text) <= 300 else text[:300] + "…"


def _check_originals(root: Path, rebuilt: sqlite3.Connection, report: VerifyReport, step: _Stepper) -> None:
    items = rebuilt.execute("SELECT id, sha256, size, stored_path FROM items ORDER BY imported_seq").fetchall()
    referenced = set()
    for n, (item_id, sha256, size, stored_path) in enumerate(items, start=1):
        referenced.add(stored_path)
        step(stored_path, n, len(items))
        path = root / stored_path
        try:
            digest, length = _sha256_file(path)
        except FileNotFoundError:
            report.findings.append(Finding("original_missing", f"original of item {item_id} is missing: {stored_path}", item_id=item_id, path=stored_path))
            continue
        except OSError as exc:
            report.findings.append(Finding("original_unreadable", f"original of item {item_id} cannot be read: {exc}", item_id=item_id, path=stored_path))
            continue
        report.originals_checked += 1
        report.bytes_checked += length
        if digest != sha256:
            report.findings.append(Finding(
                "original_altered",
                f"original of item {item_id} has changed: SHA-256 is {digest}, the log recorded {sha256} ({length} bytes now, {size} recorded)",
                item_id=item_id, path=stored_path))
    for stored in iter_stored(root):
        if stored not in referenced:
            _check_unrecorded(root, stored, report)


def _check_unrecorded(root: Path, stored: str, report: VerifyReport) -> None:
    """A stored file no event records: left by an interrupted import if its name is its hash, else foreign."""
    name = stored.rsplit("/", 1)[-1].split(".", 1)[0]
    try:
        digest, _ = _sha256_file(root / stored)
    except OSError:
        digest = ""
    if digest == name:
        report.findings.append(Finding(
            "original_unrecorded",
            f"the store holds {stored}, which no event records (left by an interrupted import; importing the file again records it)",
            path=stored, severity="notice"))
    else:
        report.findings.append(Finding(
            "store_file_foreign", f"the store holds {stored}, which no event records and whose content does not match its name",
            path=stored))


def _sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as f:
        while chunk := f.read(4 * 2**20):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n
