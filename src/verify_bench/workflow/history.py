"""The event log as history: filtered by person, kind, item and time, each event described in words.

Queries page newest-first by ``seq`` (pass the last ``seq`` seen as ``before_seq``) and use the
indexes on ``events`` (actor, kind, item, time), so a page costs milliseconds on a million events.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .. import events as ev
from ..case import Case
from ..profiles import signature_valid
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
    hash: str = ""                  # the event's hash (the log's chain link)
    signature: str = ""             # a SIGNATURE_STATES key when checked, else ""


#: How an event's signature stands against the keys the case records (``verify`` checks more:
#: the order in which keys joined the log, the chain, the projections).
SIGNATURE_STATES: dict[str, str] = {
    "valid": "signed, valid",
    "unsigned": "not signed (recorded before the case signed events)",
    "key_unknown": "signed by a key the case does not record",
    "key_mismatch": "signed by the key of another person",
    "invalid": "signature does not match",
}


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


def event_kinds(case: Case) -> list[str]:
    """Every kind of event the log holds, sorted (for a kind filter)."""
    return _kinds(case, ("*",))


def _kinds(case: Case, wanted: tuple[str, ...]) -> list[str]:
    """The kinds in the log that ``wanted`` names (prefix patterns end with ``*``)."""
    present = [r[0] for r in case.conn.execute(
        "WITH RECURSIVE k(kind) AS (SELECT min(kind) FROM events UNION ALL"
        " SELECT (SELECT min(kind) FROM events WHERE kind > k.kind) FROM k WHERE k.kind IS NOT NULL)"
        " SELECT kind FROM k WHERE kind IS NOT NULL")]  # a skip-scan of the kind index: one seek per kind
    return [k for k in present
            if any(k.startswith(w[:-1]) if w.endswith("*") else k == w for w in wanted)]


def case_history(case: Case, flt: HistoryFilter | None = None, *, limit: int = 200,
                 before_seq: int | None = None, check_signatures: bool = False) -> list[HistoryEntry]:
    """A page of history, newest first; ``check_signatures`` fills :attr:`HistoryEntry.signature`."""
    found = query_events(case, flt, limit=limit, before_seq=before_seq, newest_first=True)
    if not check_signatures:
        return [entry(e) for e in found]
    keys = signing_keys(case, found)
    return [entry(e, signature_state(e, keys)) for e in found]


def item_history(case: Case, item_ref: str, *, limit: int = 500, check_signatures: bool = False) -> list[HistoryEntry]:
    """Everything that happened to one item, newest first."""
    return case_history(case, HistoryFilter(item_id=case.find_item(item_ref)["id"]), limit=limit,
                        check_signatures=check_signatures)


def entry(e: ev.Event, signature: str = "") -> HistoryEntry:
    return HistoryEntry(e.seq, e.at, e.actor, e.kind, e.item_id, describe(e), e.payload, e.signature is not None,
                        e.hash, signature)


def signature_state(e: ev.Event, keys: dict[str, tuple[str, str]]) -> str:
    """One event's signature against ``keys`` (key id -> (name, public key)): a :data:`SIGNATURE_STATES` key.

    Pure computation (about 0.1 ms an event): front ends may run it off their main thread.
    """
    if e.signature is None:
        return "unsigned"
    known = keys.get(e.key_id or "")
    if known is None:
        return "key_unknown"
    if known[0] != e.actor:
        return "key_mismatch"
    return "valid" if signature_valid(known[1], e.hash, e.signature) else "invalid"


def signing_keys(case: Case, events: list[ev.Event]) -> dict[str, tuple[str, str]]:
    """The recorded keys that signed ``events``: key id -> (name, public key hex)."""
    key_ids = {e.key_id for e in events if e.key_id}
    if not key_ids:
        return {}
    rows = case.conn.execute(
        f"SELECT key_id, name, public_key FROM person_keys WHERE key_id IN ({', '.join('?' * len(key_ids))})",
        list(key_ids))
    return {r[0]: (r[1], r[2]) for r in rows}


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
    other = _OTHER_FEATURES.get(e.kind)
    if other is not None:
        try:
            return other(p)
        except (KeyError, TypeError, ValueError):
            pass   # a payload of an unexpected shape: said generically below
    return f"{e.kind}: " + _short(", ".join(f"{k}={_scalar(v)}" for k, v in sorted(p.items())
                                          if not isinstance(v, (dict, list))) or "(details in payload)")


def _note(p: dict[str, Any]) -> str:
    return f" — {_short(p['note'])}" if p.get("note") else ""


def _location_claim(p: dict[str, Any]) -> str:
    where = f"{float(p['lat']):.5f}, {float(p['lon']):.5f}"
    precision = f" ±{p['precision_m']:,.0f} m" if p.get("precision_m") is not None else ""
    how = f" by {str(p['method']).replace('_', ' ')}" if p.get("method") else ""
    return f"location claimed: {where}{precision}{how}" + _note(p)


def _fragment(verb: str) -> Callable[[dict[str, Any]], str]:
    def text(p: dict[str, Any]) -> str:
        fields = p.get("fields") or {}
        what = " / ".join(str(fields[k]) for k in ("category", "component", "designation") if fields.get(k))
        return f"{verb} fragment {str(p['fragment_id'])[:8]}" + (f": {what}" if what else "") + _note(p)
    return text


#: Words for the events of other features (kinds named as written, not imported: history stays below them).
_OTHER_FEATURES: dict[str, Callable[[dict[str, Any]], str]] = {
    "item.flagged": lambda p: f"{'marked' if p['value'] else 'cleared'} “{p['flag']}”",
    "match.confirmed": lambda p: f"confirmed the same picture as {str(p['b'])[:8]}" + _note(p),
    "match.rejected": lambda p: f"rejected a match with {str(p['b'])[:8]}" + _note(p),
    "location.claimed": _location_claim,
    "location.accepted": lambda p: (f"accepted location claim {str(p['claim_id'])[:8]}" if p.get("claim_id")
                                    else "no accepted location any more") + _note(p),
    "location.withdrawn": lambda p: f"withdrew location claim {str(p['claim_id'])[:8]}" + _note(p),
    "incident.recorded": lambda p: f"incident “{p['title']}” recorded" + (f", {p['time']}" if p.get("time") else ""),
    "incident.linked": lambda p: f"{len(p['item_ids'])} item(s) linked to incident {str(p['incident_id'])[:8]}",
    "incident.unlinked": lambda p: f"{len(p['item_ids'])} item(s) unlinked from incident {str(p['incident_id'])[:8]}",
    "fragment.tagged": _fragment("tagged"),
    "fragment.edited": _fragment("edited"),
    "fragment.deleted": _fragment("deleted"),
}


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
