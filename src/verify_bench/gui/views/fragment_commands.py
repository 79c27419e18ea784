"""Undoable tag changes. Each step, undo included, is a new event written on the case's writer thread.

Undoing a tag records ``fragment.deleted``; undoing a deletion tags the same region and values again
(a new fragment id: the log keeps both). Commands hold a :class:`Handle` rather than an id, so that
an edit further up the stack reaches the tag even after it was re-created by an undo/redo; the
writer thread runs steps in order, so each step reads the id the previous one set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ...case import Case
from ...fragments import (
    FIELD_NAMES,
    Fragment,
    Region,
    TagResult,
    delete_fragment,
    edit_fragment,
    tag_fragment,
)
from ..session import CaseSession

UNDO_REASON = "undone in the tagging view"
DELETE_REASON = "deleted in the tagging view"


@dataclass
class Handle:
    id: str | None = None


class FragmentNotifier(QObject):
    """One per undo stack: tells open tagging views what was recorded, and keeps the handles."""

    recorded = Signal(str, str, object)   # item id, what happened (for the status line), TagResult | int | None

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handles: list[Handle] = []

    def handle(self, fragment_id: str | None = None) -> Handle:
        found = next((h for h in self._handles if fragment_id is not None and h.id == fragment_id), None)
        if found is None:
            found = Handle(fragment_id)
            self._handles.append(found)
        return found

    @staticmethod
    def of(stack: QUndoStack) -> FragmentNotifier:
        found = stack.findChild(FragmentNotifier)
        return found if found is not None else FragmentNotifier(stack)


def fields_of(fragment: Fragment) -> dict[str, Any]:
    values = {name: getattr(fragment, name) for name in FIELD_NAMES}
    values["refs"] = list(fragment.refs)
    return {k: v for k, v in values.items() if v not in (None, "", [])}


class _Command(QUndoCommand):
    def __init__(self, text: str, session: CaseSession, notifier: FragmentNotifier, handle: Handle,
                 item_id: str) -> None:
        super().__init__(text)
        self.item_id = item_id
        self.session = session
        self.notifier = notifier
        self.handle = handle

    def _write(self, fn: Any, message: str) -> None:
        self.session.write(fn, name=message,
                           on_done=lambda result: self.notifier.recorded.emit(self.item_id, message, result))


class TagCommand(_Command):
    """A new tag; ``region`` on the stored grid."""

    def __init__(self, session: CaseSession, notifier: FragmentNotifier, item_id: str, region: Region,
                 frame_ts: float | None, fields: dict[str, Any]) -> None:
        super().__init__(f"Tag a {region.shape}", session, notifier, notifier.handle(), item_id)
        self.region, self.frame_ts, self.fields = region, frame_ts, fields

    def redo(self) -> None:
        def fn(case: Case) -> TagResult:
            result = tag_fragment(case, self.item_id, self.region, grid="stored", frame_ts=self.frame_ts,
                                  fields=self.fields)
            self.handle.id = result.fragment_id
            return result
        self._write(fn, "Tag recorded")

    def undo(self) -> None:
        handle = self.handle
        self._write(lambda case: delete_fragment(case, handle.id or "", reason=UNDO_REASON), "Tag withdrawn (undo)")


class EditCommand(_Command):
    """Changed fields and/or region (stored grid); undo records the old values back."""

    def __init__(self, session: CaseSession, notifier: FragmentNotifier, fragment: Fragment,
                 changes: dict[str, Any], text: str = "Edit a tag") -> None:
        super().__init__(text, session, notifier, notifier.handle(fragment.id), fragment.item_id)
        self.after = changes
        self.before = {k: (fragment.region if k == "region" else list(fragment.refs) if k == "refs"
                           else getattr(fragment, k)) for k in changes}

    def _apply(self, changes: dict[str, Any], message: str) -> None:
        handle = self.handle
        self._write(lambda case: edit_fragment(case, handle.id or "", changes, grid="stored"), message)

    def redo(self) -> None:
        self._apply(self.after, "Tag changed")

    def undo(self) -> None:
        self._apply(self.before, "Tag change undone")


class DeleteCommand(_Command):
    """Delete a tag; undo tags the same region with the same values again."""

    def __init__(self, session: CaseSession, notifier: FragmentNotifier, fragment: Fragment) -> None:
        super().__init__("Delete a tag", session, notifier, notifier.handle(fragment.id), fragment.item_id)
        self.fragment = fragment

    def redo(self) -> None:
        handle = self.handle
        self._write(lambda case: delete_fragment(case, handle.id or "", reason=DELETE_REASON), "Tag deleted")

    def undo(self) -> None:
        f = self.fragment

        def fn(case: Case) -> TagResult:
            result = tag_fragment(case, f.item_id, f.region, grid="stored", frame_ts=f.frame_ts, fields=fields_of(f))
            self.handle.id = result.fragment_id
            return result
        self._write(fn, "Tag restored (undo)")
