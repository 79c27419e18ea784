"""Undoable edits. Every edit is an event, so undo records the compensating event, never deletes one."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from .session import CaseSession


class SetSensitive(QUndoCommand):
    """Mark or clear "sensitive" on the items whose mark actually changes."""

    def __init__(self, session: CaseSession, item_ids: list[str], value: bool) -> None:
        self.items = [i for i in dict.fromkeys(item_ids) if (i in session.sensitive) != value]
        n = len(self.items)
        super().__init__(f"{'Mark' if value else 'Clear'} sensitive on {n} item{'s' if n != 1 else ''}")
        self.session = session
        self.value = value

    def redo(self) -> None:
        self.session.set_sensitive(self.items, self.value)

    def undo(self) -> None:
        self.session.set_sensitive(self.items, not self.value)
