"""The review queue: items by workflow state, oldest in their state first, with filters.

Driven by the ``status`` indexes, so a page of the queue costs the same on 100,000 items as on
100. Items nobody has touched have no status row; asking for state ``new`` scans ``items``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from ..case import Case
from .errors import WorkflowError
from .vocabulary import CHECKS, STATE_LABELS, State


@dataclass(frozen=True)
class QueueFilter:
    states: tuple[State, ...] = ("ready_for_review",)
    assignee: str | None = None          # "" = unassigned only
    incident_id: str | None = None
    min_age: timedelta | None = None     # in the state at least this long
    submitted_by: str | None = None


@dataclass(frozen=True)
class QueueEntry:
    item_id: str
    display_name: str
    media_type: str
    sha256: str
    state: State
    state_since: str
    age_seconds: float
    assignee: str | None
    submitted_by: str | None
    checks: dict[str, str] = field(default_factory=dict)   # check -> pass | fail | unknown (recorded only)
    comments: int = 0

    @property
    def checks_passed(self) -> int:
        return sum(1 for r in self.checks.values() if r == "pass")


def review_queue(case: Case, flt: QueueFilter | None = None, *, limit: int = 200, offset: int = 0,
                 after: tuple[str, str] | None = None, now: datetime | None = None) -> list[QueueEntry]:
    """One page of the queue, oldest first.

    Page with ``after=(entry.state_since, entry.item_id)`` of the last entry shown (constant cost
    however deep), or with ``offset`` (cost grows with it).
    """
    flt = flt or QueueFilter()
    now = now or datetime.now(timezone.utc)
    where, args = _where(flt, now)
    state, since = _columns(flt)
    if after is not None:
        where += f" AND ({since}, {_ID[_driver(flt)]}) > (?, ?)"
        args += list(after)
    # The page is chosen on the indexed columns alone; names, checks and comments only for its rows.
    rows = case.conn.execute(
        f"SELECT p.item_id, i.display_name, i.media_type, i.sha256, p.state, p.since, p.assignee, p.submitted_by,"
        " (SELECT group_concat(c.name || '=' || c.result) FROM checks c WHERE c.item_id = p.item_id),"
        " (SELECT count(*) FROM comments m WHERE m.item_id = p.item_id)"
        f" FROM (SELECT {_ID[_driver(flt)]} AS item_id, {state} AS state, {since} AS since, s.assignee,"
        f" s.submitted_by {_from(flt)} WHERE {where} ORDER BY {since}, item_id LIMIT ? OFFSET ?) AS p"
        " JOIN items i ON i.id = p.item_id ORDER BY p.since, p.item_id",
        (*args, limit, offset)).fetchall()
    return [_entry(r, now) for r in rows]


def queue_count(case: Case, flt: QueueFilter | None = None, *, now: datetime | None = None) -> int:
    flt = flt or QueueFilter()
    where, args = _where(flt, now or datetime.now(timezone.utc))
    return int(case.conn.execute(f"SELECT count(*) {_from(flt)} WHERE {where}", args).fetchone()[0])


def state_counts(case: Case) -> dict[str, int]:
    """How many items are in each state (every state listed, zeros included)."""
    counts = dict.fromkeys(STATE_LABELS, 0)
    counts.update(dict(case.conn.execute("SELECT state, count(*) FROM status GROUP BY state").fetchall()))
    counts["new"] += case.conn.execute(
        "SELECT count(*) FROM items WHERE id NOT IN (SELECT item_id FROM status)").fetchone()[0]
    return counts


def _columns(flt: QueueFilter) -> tuple[str, str]:
    """State and since expressions: plain columns (indexed) unless untouched items are asked for."""
    if "new" in flt.states:
        return "coalesce(s.state, 'new')", "coalesce(s.state_since, i.imported_at)"
    return "s.state", "s.state_since"


_ID = {"items": "i.id", "status": "s.item_id", "incident": "s.item_id"}


def _driver(flt: QueueFilter) -> str:
    """Which table the query walks: every item (state 'new' asked for), an incident's items, or statuses."""
    if "new" in flt.states:
        return "items"
    return "incident" if flt.incident_id is not None else "status"


def _from(flt: QueueFilter) -> str:
    return {
        "items": "FROM items i LEFT JOIN status s ON s.item_id = i.id",
        # CROSS JOIN keeps SQLite from walking the whole state index to test incident membership.
        "incident": "FROM incident_items x CROSS JOIN status s ON s.item_id = x.item_id",
        "status": "FROM status s",
    }[_driver(flt)]


def _where(flt: QueueFilter, now: datetime) -> tuple[str, list[Any]]:
    unknown = [s for s in flt.states if s not in STATE_LABELS]
    if unknown or not flt.states:
        named = unknown[0] if unknown else "(none)"
        raise WorkflowError(f"unknown state {named}: choose from {', '.join(STATE_LABELS)}")
    state, since = _columns(flt)
    clauses = [f"{state} IN ({', '.join('?' * len(flt.states))})"]
    args: list[Any] = list(flt.states)
    if flt.assignee == "":
        clauses.append("s.assignee IS NULL")
    elif flt.assignee is not None:
        clauses.append("s.assignee = ?")
        args.append(flt.assignee)
    if flt.submitted_by is not None:
        clauses.append("s.submitted_by = ?")
        args.append(flt.submitted_by)
    if flt.incident_id is not None:
        if _driver(flt) == "incident":
            clauses.append("x.incident_id = ?")
        else:
            clauses.append(f"{_ID[_driver(flt)]} IN (SELECT item_id FROM incident_items WHERE incident_id = ?)")
        args.append(flt.incident_id)
    if flt.min_age is not None:
        clauses.append(f"{since} <= ?")
        args.append(_iso(now - flt.min_age))
    return " AND ".join(clauses), args


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _entry(row: tuple[Any, ...], now: datetime) -> QueueEntry:
    item_id, name, media_type, sha256, state, since, assignee, submitted_by, checks_text, comments = row
    checks = dict(part.split("=", 1) for part in checks_text.split(",")) if checks_text else {}
    age = (now - datetime.fromisoformat(since.replace("Z", "+00:00"))).total_seconds()
    ordered = {c: checks[c] for c in CHECKS if c in checks}
    return QueueEntry(item_id, name, media_type, sha256, state, since, age, assignee, submitted_by, ordered, comments)


def parse_states(text: Sequence[str]) -> tuple[State, ...]:
    """States as typed on a command line: names with spaces or dashes are accepted too."""
    found = tuple(t.strip().lower().replace(" ", "_").replace("-", "_") for t in text if t.strip())
    for s in found:
        if s not in STATE_LABELS:
            raise WorkflowError(f"unknown state '{s}': choose from {', '.join(STATE_LABELS)}")
    return found  # type: ignore[return-value]
