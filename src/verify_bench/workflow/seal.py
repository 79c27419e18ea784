"""Sealed items: an item with a final verdict refuses changes until a lead reopens it."""

from __future__ import annotations

import sqlite3

from ..events import ITEM_ANALYSED, ITEM_IMPORTED, ITEM_SIGHTED
from .errors import ItemSealedError
from .vocabulary import COMMENT_ADDED, FINAL_STATES, STATE_LABELS, STATUS_CHANGED

#: Kinds a sealed item still accepts: what an import learns about the bytes (a new sighting, a
#: re-analysis), comments, and status changes (the workflow itself allows only a lead's reopening).
UNSEALED_KINDS: frozenset[str] = frozenset({ITEM_IMPORTED, ITEM_SIGHTED, ITEM_ANALYSED, COMMENT_ADDED,
                                            STATUS_CHANGED})


def refuse_if_sealed(conn: sqlite3.Connection, kind: str, item_id: str | None) -> None:
    """Raise :class:`ItemSealedError` if an event of ``kind`` would change a sealed item."""
    if item_id is None or kind in UNSEALED_KINDS:
        return
    row = conn.execute("SELECT state FROM status WHERE item_id = ?", (item_id,)).fetchone()
    if row is not None and row[0] in FINAL_STATES:
        raise ItemSealedError(
            f"item {item_id[:8]} is sealed (verdict: {STATE_LABELS[row[0]]}); a lead must reopen it with a reason"
            f" before it can change ({kind} refused)")
