"""The event log as history: filtered by person, kind, item and time, each event described in words.

Queries page newest-first by ``seq`` (pass the last ``seq`` seen as ``before_seq``) and use the
indexes on ``events`` (actor, kind, item, time), so a page costs milliseconds on a million events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .. import events as ev
from ..case import Case
from .errors import WorkflowError
from . import vocabulary as v


@dataclass(frozen=True)
class HistoryFilter:
    actor: str | None = None
    kinds: tuple[str, ...] = ()     # exact kinds, or prefixes such as "status.*"
    item_id: str | None = None
    since: str | None = None        # inclusive; ISO date or date-time (UTC if no offset)
    until: str | None = None        # exclusive; a bare date means the end of that day


@dataclass(frozen=True)
class HistoryEntry:
    seq: int
    at: str
    actor: str
    kind: str
    item_id: str | None
    summary: str                    # what changed, in words
    payload: dict[str, Any]
    signed: bool


def query_events(case: Case, flt: HistoryFilter | None = None, *, limit: int | None = None,
                 before_seq: int | None = None, newest_first: bool = False) -> list[ev.Event]:
    """Events matching ``flt``; with ``limit`` and oldest-first order, the *last* ``limit`` of them."""
    flt = flt or HistoryFilter()
    where, args = _where(flt)
    if before_seq is not None:
        where.append("seq < ?")
        args.append(before_seq)
    kinds = _kinds(case, flt.kinds) if flt.kinds else None
    if kinds == []:
        return []
    if kinds is not None and limit is not None and len(kinds) > 1:
        # One index-ordered page per kind, merged: no sort of every matching event.
        rest = "".join(f" AND {w}" for w in where)
        sql = " UNION ALL ".join(
            f"SELECT * FROM (SELECT * FROM events WHERE kind = ?{rest} ORDER BY seq DESC LIMIT ?)" for _ in kinds)
        sql += " ORDER BY seq DESC LIMIT ?"
        args = [a for k in kinds for a in (k, *args, limit)] + [limit]
    else:
        if kinds is not None:
            where.append(f"kind IN ({', '.join('?' * len(kinds))})")
            args += kinds
        sql = f"SELECT * FROM events{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY seq DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
    found = [ev.event_from_row(r) for r in case.db.query(sql, args)]
    return found if newest_first else found[::-1]


def _kinds(case: Case, wanted: tuple[str, ...]) -> list[str]:
    """The kinds in the log that ``wanted`` names (prefix patterns end with ``*``)."""
    present = [r[0] for r in case.conn.execute(
        "WITH RECURSIVE k(kind) AS (SELECT min(kind) FROM events UNION ALL"
        " SELECT (SELECT min(kind) FROM events WHERE kind > k.kind) FROM k WHERE k.kind IS NOT NULL)"
        " SELECT kind FROM k WHERE kind IS NOT NULL")]  # a skip-scan of the kind index: one seek per kind
    return [k for k in present
            if any(k.startswith(w[:-1]) if w.endswith("*") else k == w for w in wanted)]


def case_history(case: Case, flt: HistoryFilter | None = None, *, limit: int = 200,
            before_seq: int | None = None) -> list[HistoryEntry]:
    """A page of history, newest first."""
    return [entry(e) for e in query_events(case, flt, limit=limit, before_seq=before_seq, newest_first=True)]


def item_history(case: Case, item_ref: str, *, limit: int = 500) -> list[HistoryEntry]:
    """Everything that happened to one item, newest first."""
    return case_history(case, HistoryFilter(item_id=case.find_item(item_ref)["id"]), limit=limit)


def entry(e: ev.Event) -> HistoryEntry:
    return HistoryEntry(e.seq, e.at, e.actor, e.kind, e.item_id, describe(e), e.payload, e.signature is not None)


def describe(e: ev.Event) -> str:
    """One line saying what an event changed."""
    p = e.payload
    match e.kind:
        case ev.CASE_CREATED:
            return f"created the case '{p.get('title')}'"
        case ev.ITEM_IMPORTED:
            size, sha = p.get("size", 0), str(p.get("sha256"))[:12]
            return f"preserved {p.get('display_name')} ({size:,} bytes, SHA-256 {sha}…)"
        case ev.ITEM_SIGHTED:
            where = p.get("source_url") or p.get("original_path")
            return f"saw the file at {where}" + (f" [{p['archive_member']}]" if p.get("archive_member") else "")
        case ev.ITEM_ANALYSED:
            problems = len(p.get("analysis", {}).get("problems", []))
            return f"analysed: {p.get('outcome')}" + (f", {problems} problem(s)" if problems else "")
        case ev.IMPORT_STARTED | ev.IMPORT_FINISHED:
            return f"{e.kind.replace('.', ' ')} (batch {str(p.get('batch_id'))[:8]}) {p.get('state', '')}".rstrip()
        case ev.FILE_REJECTED:
            return f"rejected {p.get('original_path')}: {p.get('reason')}"
        case v.STATUS_CHANGED:
            text = f"status {_label(p.get('from'))} → {_label(p.get('to'))}"
            return text + (f": “{_short(p['comment'])}”" if p.get("comment") else "")
        case v.ITEM_ASSIGNED:
            return f"assigned to {p['assignee']}" if p.get("assignee") else "unassigned"
        case v.CHECK_RECORDED:
            text = f"check “{v.CHECK_LABELS.get(p.get('check', ''), p.get('check'))}”: {p.get('result')}"
            return text + (f" — {_short(p['note'])}" if p.get("note") else "")
        case v.COMMENT_ADDED:
            return f"comment: “{_short(p.get('text', ''))}”"
        case v.PERSON_REGISTERED:
            return f"{p.get('name')} joined as {p.get('role')} (key {str(p.get('key_id'))[:12]}…)"
        case v.PERSON_ROLE_SET:
            return f"{p.get('name')} is now {p.get('role')}"
        case v.INCIDENT_FACTS:
            return f"incident {str(p.get('incident_id'))[:8]} facts: " + _facts_summary(p)
    return f"{e.kind}: " + _short(", ".join(f"{k}={_scalar(v)}" for k, v in sorted(p.items())
                                          if not isinstance(v, (dict, list))) or "(details in payload)")


def _facts_summary(p: dict[str, Any]) -> str:
    parts = [str(p.get("object_struck") or "object unknown").replace("_", " ")]
    for figure in ("killed", "injured"):
        f = p.get(figure) or {}
        if f.get("total") is not None:
            parts.append(f"{f['total']} {figure}" + (f" ({f['children']} children)" if f.get("children") else ""))
    if p.get("warning"):
        parts.append(f"warning: {p['warning']}")
    return ", ".join(parts)


def _label(state: Any) -> str:
    return v.STATE_LABELS.get(str(state), str(state))


def _scalar(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else str(v)


def _short(text: str, n: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _where(flt: HistoryFilter) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if flt.actor is not None:
        where.append("actor = ?")
        args.append(flt.actor)
    if flt.item_id is not None:
        where.append("item_id = ?")
        args.append(flt.item_id)
    if flt.since:
        where.append("at >= ?")
        args.append(parse_instant(flt.since, end_of_day=False))
    if flt.until:
        where.append("at < ?")
        args.append(parse_instant(flt.until, end_of_day=True))
    return where, args


def parse_instant(text: str, *, end_of_day: bool) -> str:
    """An ISO date or date-time as the log writes instants (UTC, microseconds, ``Z``)."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + (timedelta(days=1) if end_of_day else timedelta())
            when = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        else:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
            when = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise WorkflowError(f"'{text}' is not an ISO 8601 date or date-time") from exc
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")
