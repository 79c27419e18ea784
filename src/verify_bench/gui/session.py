"""One open case as the GUI sees it: read connection, writer thread, flags, blur state.

Views hold the session and subscribe to :attr:`CaseSession.changed`, emitted whenever
events were appended (by our own writes or by an import), so they re-read what they show.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from .. import browse
from ..case import DB_NAME, Case, sqlite_file_uri
from ..errors import VerifyBenchError
from ..profiles import Signer
from ..workflow import acting_role
from . import settings
from .workers import TaskRunner


def read_connection(root: Path) -> sqlite3.Connection:
    """A read-only connection for a worker thread (WAL: it sees every commit)."""
    return sqlite3.connect(sqlite_file_uri(root / DB_NAME) + "?mode=ro", uri=True, check_same_thread=False, timeout=30)


class CaseSession(QObject):
    """An open case. ``case`` is for quick reads on the GUI thread; writes go to the writer thread."""

    changed = Signal()          # events were appended; re-read
    flags_changed = Signal()    # sensitive set or blur policy changed
    write_failed = Signal(str)

    def __init__(self, root: Path, parent: QObject | None = None, *, signer: Signer | None = None) -> None:
        """``signer``: the unlocked profile that signs this session's events (default: the default actor's)."""
        super().__init__(parent)
        self.root = root.resolve()
        self.runner = TaskRunner(self)  # this case's background work; closing the case stops it
        self.signer = signer
        self.case = Case.open(self.root, signer=signer)
        self._writer = self.open_case()  # used only on the writer thread
        self.title = self.case.title
        self.blur = settings.blur_policy(self.root)
        self.sensitive: set[str] = browse.sensitive_items(self.case.conn)
        self.revealed: set[str] = set()   # clicked "reveal" this session
        self.opened: set[str] = set()     # shown in the detail view this session
        self._pending_change = QTimer(self, singleShot=True, interval=300)
        self._pending_change.timeout.connect(self._emit_changed)

    # ---- writing --------------------------------------------------------------------------
    def open_case(self) -> Case:
        """Another connection to this case acting as the same person, with the same unlocked key (a
        passphrase-protected key cannot be unlocked again by name). For a worker thread; the caller closes it."""
        return Case.open(self.root, actor=self.case.actor, signer=self.signer)

    @property
    def actor(self) -> str:
        """The name that signs this session's events."""
        return self.case.actor

    def acting_role(self) -> str:
        """The acting person's role in this case (as it will be granted if they have not acted yet)."""
        return acting_role(self.case)

    def write(self, fn: Callable[[Case], Any], *, name: str, on_done: Callable[[Any], None] | None = None,
              appends: bool = True, on_error: Callable[[str], None] | None = None) -> None:
        """Run ``fn(writer_case)`` on the writer thread; refresh views afterwards when it ``appends`` events.

        Also for reads through core functions that may update a cache (duplicate detection).
        A refusal (``on_error``, else :attr:`write_failed`) gets the core's message, e.g. why a
        workflow change is not allowed.
        """
        def finished(result: Any) -> None:
            if appends:
                self.notify_changed(now=True)
            if on_done is not None:
                on_done(result)

        def failed(message: str, exc: Exception) -> None:
            if on_error is not None:
                on_error(str(exc) if isinstance(exc, VerifyBenchError) else message)
            else:
                self.write_failed.emit(message)

        self.runner.run(lambda ctx: fn(self._writer), name=name, serial=True, on_result=finished, on_error=failed)

    def set_sensitive(self, item_ids: Iterable[str], value: bool) -> None:
        ids = list(item_ids)
        self.write(lambda case: browse.set_flag(case, ids, browse.SENSITIVE, value),
                   name="Marking items sensitive" if value else "Clearing the sensitive mark")

    # ---- change notification --------------------------------------------------------------
    def notify_changed(self, *, now: bool = False) -> None:
        """Events were appended somewhere; coalesce bursts (an import) into one refresh."""
        if now:
            self._pending_change.stop()
            self._emit_changed()
        elif not self._pending_change.isActive():
            self._pending_change.start()

    def _emit_changed(self) -> None:
        sensitive = browse.sensitive_items(self.case.conn)
        if sensitive != self.sensitive:
            self.sensitive = sensitive
            self.flags_changed.emit()
        self.changed.emit()

    # ---- blurring -------------------------------------------------------------------------
    def is_blurred(self, item_id: str) -> bool:
        if item_id in self.revealed:
            return False
        if self.blur.sensitive and item_id in self.sensitive:
            return True
        return self.blur.all_until_opened and item_id not in self.opened

    def set_blur_policy(self, policy: settings.BlurPolicy) -> None:
        self.blur = policy
        settings.set_blur_policy(self.root, policy)
        self.flags_changed.emit()

    def reveal(self, item_id: str) -> None:
        self.revealed.add(item_id)
        self.flags_changed.emit()

    def mark_opened(self, item_id: str) -> None:
        if item_id not in self.opened:
            self.opened.add(item_id)
            if self.blur.all_until_opened:
                self.flags_changed.emit()

    def close(self) -> None:
        self._pending_change.stop()
        self.runner.shutdown()
        self._writer.close()
        self.case.close()
