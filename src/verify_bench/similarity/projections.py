"""Projectors of match decisions; the case merges :data:`PROJECTORS` into its own."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from ..events import Event

MATCH_CONFIRMED = "match.confirmed"
MATCH_REJECTED = "match.rejected"
DECISION_OF_KIND = {MATCH_CONFIRMED: "confirmed", MATCH_REJECTED: "rejected"}


def _decided(conn: sqlite3.Connection, e: Event) -> None:
    """The latest decision about a pair replaces any earlier one."""
    p = e.payload
    conn.execute(
        "INSERT OR REPLACE INTO match_decisions (a, b, decision, note, actor, at, event_seq)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (p["a"], p["b"], DECISION_OF_KIND[e.kind], p.get("note"), e.actor, e.at, e.seq),
    )


PROJECTORS: dict[str, Callable[[sqlite3.Connection, Event], None]] = {
    MATCH_CONFIRMED: _decided,
    MATCH_REJECTED: _decided,
}
PROJECTION_TABLES: tuple[str, ...] = ("match_decisions",)
