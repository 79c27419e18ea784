"""Projectors of people, workflow and incident-fact events; the case merges :data:`PROJECTORS` into its own.

Projectors never judge: the core checked roles and states before appending, so replaying the
log alone rebuilds the same tables (``verify`` compares them row by row).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from ..events import CASE_CREATED, Event, canonical_json
from .vocabulary import (
    CHECK_RECORDED,
    COMMENT_ADDED,
    INCIDENT_FACTS,
    ITEM_ASSIGNED,
    PERSON_REGISTERED,
    PERSON_ROLE_SET,
    STATUS_CHANGED,
)


def _register(conn: sqlite3.Connection, e: Event, person: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO person_keys (key_id, name, public_key, declared_role, at, event_seq) VALUES (?, ?, ?, ?, ?, ?)",
        (person["key_id"], person["name"], person["public_key"], person.get("declared_role", person["role"]), e.at,
         e.seq),
    )
    # A further key of a known person leaves the role the case granted.
    conn.execute(
        "INSERT OR IGNORE INTO people (name, role, registered_seq, role_seq, role_set_by) VALUES (?, ?, ?, ?, ?)",
        (person["name"], person["role"], e.seq, e.seq, e.actor),
    )


def _case_created(conn: sqlite3.Connection, e: Event) -> None:
    creator = e.payload.get("creator")
    if creator is not None:
        _register(conn, e, creator)


def _person_registered(conn: sqlite3.Connection, e: Event) -> None:
    _register(conn, e, e.payload)


def _person_role_set(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    conn.execute("UPDATE people SET role = ?, role_seq = ?, role_set_by = ? WHERE name = ?",
                 (p["role"], e.seq, e.actor, p["name"]))


def _ensure_status(conn: sqlite3.Connection, e: Event) -> None:
    """A status row for an item touched for the first time: state 'new' since its import."""
    conn.execute(
        "INSERT OR IGNORE INTO status (item_id, state, state_since, updated_seq)"
        " VALUES (?, 'new', coalesce((SELECT imported_at FROM items WHERE id = ?), ?), ?)",
        (e.item_id, e.item_id, e.at, e.seq),
    )


def _status_changed(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    _ensure_status(conn, e)
    to, came_from = p["to"], p["from"]
    sets = ["state = ?", "state_since = ?", "state_seq = ?", "updated_seq = ?"]
    args: list[Any] = [to, e.at, e.seq, e.seq]
    if to == "ready_for_review":
        sets += ["submitted_by = ?", "submitted_at = ?", "reviewed_by = NULL", "reviewed_at = NULL"]
        args += [e.actor, e.at]
    elif came_from == "ready_for_review":
        sets += ["reviewed_by = ?", "reviewed_at = ?"]
        args += [e.actor, e.at]
    conn.execute(f"UPDATE status SET {', '.join(sets)} WHERE item_id = ?", (*args, e.item_id))
    if p.get("comment"):
        _comment(conn, e, p["comment"], to)


def _item_assigned(conn: sqlite3.Connection, e: Event) -> None:
    _ensure_status(conn, e)
    conn.execute("UPDATE status SET assignee = ?, updated_seq = ? WHERE item_id = ?",
                 (e.payload["assignee"], e.seq, e.item_id))


def _check_recorded(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    _ensure_status(conn, e)
    conn.execute("UPDATE status SET updated_seq = ? WHERE item_id = ?", (e.seq, e.item_id))
    conn.execute(
        "INSERT INTO checks (item_id, name, result, note, actor, at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (item_id, name) DO UPDATE SET result = excluded.result, note = excluded.note,"
        " actor = excluded.actor, at = excluded.at, event_seq = excluded.event_seq",
        (e.item_id, p["check"], p["result"], p.get("note"), e.actor, e.at, e.seq),
    )


def _comment(conn: sqlite3.Connection, e: Event, text: str, context: str) -> None:
    conn.execute("INSERT INTO comments (event_seq, item_id, actor, at, text, context) VALUES (?, ?, ?, ?, ?, ?)",
                 (e.seq, e.item_id, e.actor, e.at, text, context))


def _comment_added(conn: sqlite3.Connection, e: Event) -> None:
    _comment(conn, e, e.payload["text"], "comment")


def _incident_facts(conn: sqlite3.Connection, e: Event) -> None:
    p = e.payload
    killed, injured = p["killed"], p["injured"]
    conn.execute(
        "INSERT OR REPLACE INTO incident_facts (incident_id, window_start, window_end, description, object_struck,"
        " object_note, killed, killed_children, killed_confidence, killed_sources, injured, injured_children,"
        " injured_confidence, injured_sources, warning, warning_note, munition, munition_fragments, actor, at,"
        " event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (p["incident_id"], p.get("window_start"), p.get("window_end"), p.get("description"), p.get("object_struck"),
         p.get("object_note"), killed["total"], killed["children"], killed["confidence"],
         canonical_json(killed["sources"]), injured["total"], injured["children"], injured["confidence"],
         canonical_json(injured["sources"]), p.get("warning"), p.get("warning_note"), p.get("munition"),
         canonical_json(p.get("munition_fragments", [])), e.actor, e.at, e.seq),
    )


PROJECTORS: dict[str, Callable[[sqlite3.Connection, Event], None]] = {
    CASE_CREATED: _case_created,
    PERSON_REGISTERED: _person_registered,
    PERSON_ROLE_SET: _person_role_set,
    STATUS_CHANGED: _status_changed,
    ITEM_ASSIGNED: _item_assigned,
    CHECK_RECORDED: _check_recorded,
    COMMENT_ADDED: _comment_added,
    INCIDENT_FACTS: _incident_facts,
}
PROJECTION_TABLES: tuple[str, ...] = ("people", "person_keys", "status", "checks", "comments", "incident_facts")
