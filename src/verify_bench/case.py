"""Create and open case folders; the one place that appends events.

A case is a folder with ``case.sqlite`` (events + projections), ``originals/``,
``derived/`` and ``exports/``. All writes go through :meth:`Case.append`, inside
:meth:`Case.write`, so that each event and its projections commit together.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import os
import sqlite3
import sys
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import __version__, events as ev, projections
from .errors import CaseError, CaseVersionError, EventLogError, ItemNotFound
from .migrations import KNOWN_MIGRATIONS, SCHEMA_VERSION, migrations
from .originals import clean_temp
from .profiles import Signer, signer_for
from .workflow import people
from .workflow.seal import refuse_if_sealed
from .workflow.vocabulary import PERSON_REGISTERED

DB_NAME = "case.sqlite"
FOLDERS = ("originals", "originals/.tmp", "derived", "exports")
ACTOR_ENV = "VERIFY_BENCH_ACTOR"


def sqlite_file_uri(path: Path) -> str:
    """``file:`` URI of ``path`` for ``sqlite3.connect(uri=True)``: '#', '?', '%' and spaces percent-encoded.

    Not ``Path.as_uri``: SQLite fails with "disk I/O error" on ``file:///…`` while the same process
    holds the file open by its plain name. The name's bytes are encoded, so folder names that are
    not UTF-8 work too. Add query parameters (``?mode=ro``) to the result.
    """
    posix = path.resolve().as_posix()
    return "file:" + urllib.parse.quote(os.fsencode(posix if posix.startswith("/") else "/" + posix), safe="/:")


def default_actor() -> str:
    """Who is acting: ``$VERIFY_BENCH_ACTOR``, else the operating-system user (a local profile of that name)."""
    env = os.environ.get(ACTOR_ENV, "").strip()
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - getuser raises various errors without a user database
        return "unknown"


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection configured as every case connection must be."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB of pages: a million-event log stays in memory
    if sys.platform == "darwin":
        conn.execute("PRAGMA fullfsync = ON")
    return conn


class Case:
    """An open case. Not thread-safe: one writer per case (the import writer, or the GUI's DB thread).

    Events are signed by the acting person's profile (``actor`` names it; a first use of a name
    creates an investigator profile for it). The key is unlocked on the first write, so a case
    opened only to read never needs a passphrase; pass ``signer`` (from
    :func:`verify_bench.profiles.unlock`) or ``passphrase`` for a protected profile.
    """

    def __init__(self, root: Path, conn: sqlite3.Connection, actor: str, *, signer: Signer | None = None,
                 passphrase: str | None = None) -> None:
        self.root = root
        self.conn = conn
        self.db = Database(conn)
        self.actor = signer.name if signer is not None else actor.strip()
        self._signer = signer
        self._passphrase = passphrase
        # While this case holds the write transaction nobody else can append: the head and whether
        # the signer's key is registered are remembered until the transaction (or a savepoint) ends.
        self._writing = 0
        self._tail: tuple[int, str] | None = None
        self._key_registered = False
        self.cleaned_temp_files = 0

    # ---- creating and opening -------------------------------------------------------------
    @classmethod
    def create(cls, path: Path | str, *, actor: str | None = None, title: str | None = None,
               signer: Signer | None = None, passphrase: str | None = None) -> Case:
        """Create a case; its creator's public key and role are recorded in ``case.created``."""
        signer = signer or signer_for(actor or default_actor(), passphrase=passphrase)
        root = Path(path)
        try:
            if root.exists() and (not root.is_dir() or any(root.iterdir())):
                raise CaseError(f"cannot create a case at {root}: it exists and is not an empty folder")
            for folder in FOLDERS:
                (root / folder).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CaseError(f"cannot create a case at {root}: {exc.strerror or exc}") from exc
        conn = connect(root / DB_NAME)
        migrations.apply(Database(conn))
        case = cls(root, conn, signer.name, signer=signer)
        with case.write():
            case._append_signed(ev.CASE_CREATED, {
                "title": title or root.name,
                "app_version": __version__,
                "schema_version": SCHEMA_VERSION,
                "creator": people.registration(conn, signer),
            }, None)
        return case

    @classmethod
    def open(cls, path: Path | str, *, actor: str | None = None, signer: Signer | None = None,
             passphrase: str | None = None) -> Case:
        root = Path(path)
        db_path = root / DB_NAME
        try:
            is_case = db_path.is_file()
        except OSError as exc:  # e.g. a name too long for the file system
            raise CaseError(f"cannot open a case at {root}: {exc.strerror or exc}") from exc
        if not is_case:
            raise CaseError(f"{root} is not a case folder (no {DB_NAME}); create one with 'verify-bench init'")
        try:
            conn = connect(db_path)
            db = Database(conn)
            applied = {m.name for m in migrations.applied(db)}
        except sqlite3.DatabaseError as exc:
            raise CaseError(f"cannot open {db_path}: {exc}") from exc
        unknown = applied - KNOWN_MIGRATIONS
        if unknown:
            conn.close()
            raise CaseVersionError(
                f"{root} was written by a newer Verify Bench (schema steps {', '.join(sorted(unknown))});"
                " update the app to open it"
            )
        if migrations.pending(db):
            _backup(conn, db_path.with_name(f"{DB_NAME}.before-v{SCHEMA_VERSION}.bak"))
            migrations.apply(db)
        for folder in FOLDERS:
            (root / folder).mkdir(parents=True, exist_ok=True)
        case = cls(root, conn, actor or default_actor(), signer=signer, passphrase=passphrase)
        case.cleaned_temp_files = clean_temp(root)
        return case

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing --------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Case]:
        """A write transaction (``BEGIN IMMEDIATE``); nested calls become savepoints."""
        if self.conn.in_transaction:
            self._writing += 1
            try:
                with self.db.atomic():
                    yield self
            except BaseException:
                self._forget_tail()  # the savepoint was rolled back
                raise
            finally:
                self._writing -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._writing += 1
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._writing -= 1
            self._forget_tail()

    def _forget_tail(self) -> None:
        self._tail = None
        self._key_registered = False

    @property
    def signer(self) -> Signer:
        """The acting person's unlocked key (raises :class:`~verify_bench.profiles.ProfileLockedError`)."""
        if self._signer is None:
            self._signer = signer_for(self.actor, passphrase=self._passphrase)
        return self._signer

    def append(self, kind: str, payload: dict[str, Any], *, item_id: str | None = None) -> ev.Event:
        """Append one signed event and project it. Must run inside :meth:`write`.

        The actor's key joins the case first if it is new to it (``person.registered``); an event
        that would change a sealed item is refused (:class:`~verify_bench.workflow.ItemSealedError`).
        """
        if not self.conn.in_transaction:
            raise EventLogError("events are appended only inside Case.write()")
        signer = self.signer
        if not self._key_registered:
            if not people.key_known(self.conn, signer.key_id):
                self._append_signed(PERSON_REGISTERED, people.registration(self.conn, signer), None)
            self._key_registered = self._writing > 0
        refuse_if_sealed(self.conn, kind, item_id)
        return self._append_signed(kind, payload, item_id)

    def _append_signed(self, kind: str, payload: dict[str, Any], item_id: str | None) -> ev.Event:
        signer = self.signer
        seq, prev_hash = self._tail or self.head()
        self._tail = None
        unsigned = ev.new_event(
            seq=seq + 1, actor=signer.name, kind=kind, item_id=item_id, payload=payload, prev_hash=prev_hash
        )
        event = dataclasses.replace(unsigned, key_id=signer.key_id, signature=signer.sign(unsigned.hash))
        try:
            self.conn.execute(
                "INSERT INTO events (seq, id, at, actor, kind, item_id, payload, prev_hash, hash, key_id, signature)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (event.seq, event.id, event.at, event.actor, event.kind, event.item_id, unsigned.payload_json,
                 event.prev_hash, event.hash, event.key_id, event.signature),
            )
            projections.apply(self.conn, event)
        except sqlite3.Error as exc:
            raise EventLogError(f"could not record {kind}: {exc}") from exc
        if self._writing:
            self._tail = (event.seq, event.hash)
        return event

    # ---- reading --------------------------------------------------------------------------
    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the last event, or ``(0, GENESIS_HASH)`` for an empty log."""
        row = self.conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, ev.GENESIS_HASH)

    def events(self, *, item_id: str | None = None, after: int = 0) -> Iterator[ev.Event]:
        sql = "SELECT * FROM events WHERE seq > ?"
        args: list[Any] = [after]
        if item_id is not None:
            sql += " AND item_id = ?"
            args.append(item_id)
        for row in self.db.query(sql + " ORDER BY seq", args):
            yield ev.event_from_row(row)

    @property
    def title(self) -> str:
        row = self.conn.execute(
            "SELECT payload FROM events WHERE kind = ? ORDER BY seq LIMIT 1", (ev.CASE_CREATED,)
        ).fetchone()
        return json.loads(row[0]).get("title", self.root.name) if row else self.root.name

    @property
    def schema_version(self) -> int:
        return len(migrations.applied(self.db))

    def find_item(self, ref: str) -> dict[str, Any]:
        """An item by id, unique id prefix, or unique SHA-256 / MD5 prefix (at least 6 hex digits)."""
        ref = ref.strip().lower()
        row = self.db.execute("SELECT * FROM items WHERE id = ?", [ref]).fetchone()
        if row is None and len(ref) >= 6:
            like = ref.replace("%", "").replace("_", "") + "%"
            rows = self.db.execute(
                "SELECT * FROM items WHERE id LIKE ? OR sha256 LIKE ? OR md5 LIKE ? LIMIT 2", [like, like, like]
            ).fetchall()
            if len(rows) > 1:
                raise ItemNotFound(f"'{ref}' matches more than one item; type more characters")
            row = rows[0] if rows else None
        if row is None:
            raise ItemNotFound(f"no item matches '{ref}'")
        columns = [d[0] for d in self.db.execute("SELECT * FROM items LIMIT 0").description]
        return dict(zip(columns, row))


def _backup(conn: sqlite3.Connection, target: Path) -> None:
    """Copy the database before a migration changes it (SQLite's online backup, WAL included)."""
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
