"""Item lists for browsing front ends: filter, sort, count and page over ``items``.

Qt-free. A front end asks :func:`item_order` (off its GUI thread) for the row ids
of a filtered, sorted list, then fetches only the rows it shows with
:func:`fetch_rows`. Also here: the ``item.flagged`` event (e.g. "sensitive"),
duplicate clusters and match decisions through a small adapter that tolerates
``verify_bench.similarity`` being absent (or its tables not yet in the case), and the demo-case builder shared with
``verify-bench demo``.
"""

from __future__ import annotations

import importlib
import json
import sqlite3
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

from sqlite_utils import Database

from .case import DB_NAME, Case, sqlite_file_uri
from .errors import VerifyBenchError
from .events import Event
from .migrations import migrations

#: Proposed event kind: a reviewer's flag on an item. Payload ``{"flag": str, "value": bool}``.
ITEM_FLAGGED = "item.flagged"
SENSITIVE = "sensitive"

SortKey = Literal["taken", "imported", "name", "type", "size", "camera", "gps", "status", "duplicates"]

_TAKEN = "coalesce(i.taken_at, i.creation_time)"
_SORT_SQL: dict[str, str] = {
    "taken": _TAKEN,
    "imported": "i.imported_seq",
    "name": "i.display_name COLLATE NOCASE",
    "type": "i.media_type",
    "size": "i.size",
    "camera": "trim(coalesce(i.camera_make, '') || ' ' || coalesce(i.camera_model, '')) COLLATE NOCASE",
    "gps": "(i.gps_lat IS NOT NULL)",
    "status": "i.analysis",
    "duplicates": "{dupes}",
}


class ItemRow(NamedTuple):
    """One line of the item list (what a grid cell or table row shows)."""

    rowid: int
    id: str
    sha256: str
    md5: str
    display_name: str
    media_type: str
    size: int
    imported_at: str
    taken: str | None
    camera: str
    has_gps: bool
    analysis: str
    width: int | None
    height: int | None
    duration: float | None
    duplicates: int | None   # look-alike items; None when duplicate detection is not available


@dataclass(frozen=True)
class ItemFilter:
    """What to show. ``None`` means "any". Dates are ISO strings compared with the taken time."""

    text: str = ""
    media_type: str | None = None
    taken_from: str | None = None   # inclusive, e.g. "2024-01-31"
    taken_to: str | None = None     # inclusive day
    has_gps: bool | None = None
    status: str | None = None
    has_duplicates: bool | None = None
    sensitive: bool | None = None

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in vars(self).items() if v not in (None, "")}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ItemFilter:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def is_empty(self) -> bool:
        return self == ItemFilter()


@dataclass(frozen=True)
class Cluster:
    """A group of items that look alike, with each member's distance to the group."""

    cluster_id: str
    members: tuple[tuple[str, float | None], ...]  # (item_id, distance)


@dataclass
class _Query:
    where: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)


# ---- opening ------------------------------------------------------------------------------
def needs_upgrade(root: Path | str) -> bool:
    """True when opening the case will first migrate its schema (which can take a while: do it off
    the GUI thread). Read-only; False when it is not a readable case (opening will say why)."""
    path = Path(root) / DB_NAME
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(sqlite_file_uri(path) + "?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return bool(migrations.pending(Database(conn)))
    except sqlite3.Error:
        return False
    finally:
        conn.close()


# ---- reading the list ------------------------------------------------------------------------
def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


#: Matches within this Hamming distance count as duplicates in the list (similarity's default threshold).
DUPLICATE_DISTANCE = 8


def _dupes_sql(conn: sqlite3.Connection) -> str:
    """SQL for the number of look-alike items of ``i`` (from similarity's match cache), NULL without it.

    Two indexed lookups (``a`` is the key's first column, ``b`` has its own index) rather than one
    ``a = ? OR b = ?`` scan, so sorting 100,000 items by it stays cheap.
    """
    if not has_table(conn, "similar_pairs"):
        return "NULL"
    rejected = (" AND NOT EXISTS (SELECT 1 FROM match_decisions d WHERE d.a = p.a AND d.b = p.b"
                " AND d.decision = 'rejected')") if has_table(conn, "match_decisions") else ""
    side = "(SELECT count(*) FROM similar_pairs p WHERE p.{} = i.id AND p.distance <= {}{})"
    return f"({side.format('a', DUPLICATE_DISTANCE, rejected)} + {side.format('b', DUPLICATE_DISTANCE, rejected)})"


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _where(conn: sqlite3.Connection, flt: ItemFilter) -> _Query:
    q = _Query()
    text = flt.text.strip()
    if text:
        like = _like(text)
        prefix = text.lower().replace("%", "").replace("_", "") + "%"
        q.where.append(
            "(i.display_name LIKE ? ESCAPE '\\' OR i.camera_make LIKE ? ESCAPE '\\' OR i.camera_model LIKE ? ESCAPE '\\'"
            " OR i.sha256 LIKE ? OR i.md5 LIKE ? OR i.id IN (SELECT s.item_id FROM sightings s"
            " WHERE s.original_path LIKE ? ESCAPE '\\' OR s.source_url LIKE ? ESCAPE '\\'))"
        )
        q.args += [like, like, like, prefix, prefix, like, like]
    if flt.media_type:
        q.where.append("i.media_type = ?")
        q.args.append(flt.media_type)
    if flt.taken_from:
        q.where.append(f"{_TAKEN} >= ?")
        q.args.append(flt.taken_from)
    if flt.taken_to:
        q.where.append(f"{_TAKEN} < ?")
        q.args.append(flt.taken_to + "\uffff")  # the whole last day, whatever follows the date
    if flt.has_gps is not None:
        q.where.append("i.gps_lat IS NOT NULL" if flt.has_gps else "i.gps_lat IS NULL")
    if flt.status:
        q.where.append("i.analysis = ?")
        q.args.append(flt.status)
    if flt.has_duplicates is not None:
        dupes = _dupes_sql(conn)
        q.where.append(f"coalesce({dupes}, 0) {'>' if flt.has_duplicates else '='} 0")
    if flt.sensitive is not None:
        ids = sensitive_items(conn)
        marks = ",".join("?" * len(ids))
        q.where.append(f"i.id {'' if flt.sensitive else 'NOT '}IN ({marks})")
        q.args += sorted(ids)
    return q


def item_order(conn: sqlite3.Connection, flt: ItemFilter = ItemFilter(), *, sort: SortKey = "imported",
               descending: bool = False) -> array:
    """Row ids of the matching items in display order (an ``array('q')``: 8 bytes an item)."""
    q = _where(conn, flt)
    key = _SORT_SQL[sort].format(dupes=_dupes_sql(conn))
    direction = "DESC" if descending else "ASC"
    sql = "SELECT i.rowid FROM items i"
    if q.where:
        sql += " WHERE " + " AND ".join(q.where)
    sql += f" ORDER BY {key} {direction}, i.rowid {direction}"
    return array("q", (r[0] for r in conn.execute(sql, q.args)))


def count_items(conn: sqlite3.Connection, flt: ItemFilter = ItemFilter()) -> int:
    q = _where(conn, flt)
    sql = "SELECT count(*) FROM items i" + (" WHERE " + " AND ".join(q.where) if q.where else "")
    return int(conn.execute(sql, q.args).fetchone()[0])


def fetch_rows(conn: sqlite3.Connection, rowids: Sequence[int]) -> dict[int, ItemRow]:
    """The list rows for ``rowids`` (by primary key: a page costs about a millisecond)."""
    if not rowids:
        return {}
    marks = ",".join("?" * len(rowids))
    sql = (
        "SELECT i.rowid, i.id, i.sha256, i.md5, i.display_name, i.media_type, i.size, i.imported_at,"
        f" {_TAKEN}, trim(coalesce(i.camera_make, '') || ' ' || coalesce(i.camera_model, '')),"
        " i.gps_lat IS NOT NULL, i.analysis, i.width, i.height, i.duration,"
        f" {_dupes_sql(conn)} FROM items i WHERE i.rowid IN ({marks})"
    )
    return {r[0]: ItemRow(*r[:10], bool(r[10]), *r[11:]) for r in conn.execute(sql, list(rowids))}


def rowid_of(conn: sqlite3.Connection, item_id: str) -> int | None:
    row = conn.execute("SELECT rowid FROM items WHERE id = ?", (item_id,)).fetchone()
    return row[0] if row else None


# ---- flags -----------------------------------------------------------------------------------
def flagged_items(conn: sqlite3.Connection, flag: str) -> set[str]:
    """Items whose latest ``item.flagged`` event for ``flag`` set it true (read from the log)."""
    latest: dict[str, bool] = {}
    for item_id, payload in conn.execute(
        "SELECT item_id, payload FROM events WHERE kind = ? ORDER BY seq", (ITEM_FLAGGED,)
    ):
        p = json.loads(payload)
        if p.get("flag") == flag:
            latest[item_id] = bool(p.get("value"))
    return {item_id for item_id, value in latest.items() if value}


def sensitive_items(conn: sqlite3.Connection) -> set[str]:
    return flagged_items(conn, SENSITIVE)


def set_flag(case: Case, item_ids: Iterable[str], flag: str, value: bool) -> list[Event]:
    """Record ``flag = value`` for each item whose flag differs, in one transaction.

    Undo is the compensating call with the opposite value.
    """
    current = flagged_items(case.conn, flag)
    changes = [i for i in dict.fromkeys(item_ids) if (i in current) != value]
    with case.write():
        return [case.append(ITEM_FLAGGED, {"flag": flag, "value": value}, item_id=i) for i in changes]


# ---- comparing two items --------------------------------------------------------------------
@dataclass(frozen=True)
class HashMatch:
    """The closest pair of perceptual hashes of two items for one algorithm."""

    algo: str
    distance: int            # Hamming distance of the 64-bit hashes (0 = identical)
    frame_a: float | None    # keyframe time in seconds, None for a still
    frame_b: float | None


def hash_matches(conn: sqlite3.Connection, item_a: str, item_b: str) -> list[HashMatch]:
    """Per algorithm, the two frames (or stills) of ``item_a`` and ``item_b`` that look most alike."""
    def load(item_id: str) -> dict[str, list[tuple[int, float | None]]]:
        found: dict[str, list[tuple[int, float | None]]] = {}
        for algo, bits, frame_ts in conn.execute(
                "SELECT algo, bits, frame_ts FROM hashes WHERE item_id = ?", (item_id,)):
            found.setdefault(algo, []).append((bits & 0xFFFFFFFFFFFFFFFF, frame_ts))
        return found

    a, b = load(item_a), load(item_b)
    matches = []
    for algo in sorted(a.keys() & b.keys()):
        distance, fa, fb = min(((x ^ y).bit_count(), ta, tb) for x, ta in a[algo] for y, tb in b[algo])
        matches.append(HashMatch(algo, distance, fa, fb))
    return matches


# ---- duplicate detection, through verify_bench.similarity when it is there ---------------------
def _similarity(case: Case, table: str) -> Any:
    """``verify_bench.similarity`` when it is installed and the case has its tables, else None."""
    try:
        similarity = importlib.import_module("verify_bench.similarity")
        importlib.import_module("verify_bench.similarity.service")
        importlib.import_module("verify_bench.similarity.decisions")
    except ImportError:
        return None
    return similarity if has_table(case.conn, table) else None


def duplicate_detection_available(case: Case) -> bool:
    return _similarity(case, "match_decisions") is not None


def duplicate_clusters(case: Case) -> list[Cluster] | None:
    """Clusters of look-alike items, or ``None`` when duplicate detection is not available.

    Uses ``similarity.service.duplicates(case)`` (which may refresh its match cache: call it
    where the case may be written). Each member's distance is its closest match in the cluster.
    """
    similarity = _similarity(case, "similar_pairs")
    if similarity is None:
        return None
    report = similarity.service.duplicates(case)
    closest: dict[str, float] = {}
    for m in report.matches:
        if m["distance"] is not None and m["decision"] != "rejected":
            for item_id in (m["a"], m["b"]):
                closest[item_id] = min(closest.get(item_id, m["distance"]), m["distance"])
    return [Cluster(str(c.id), tuple((i, closest.get(i)) for i in c.items)) for c in report.clusters]


def pair_evidence(case: Case, item_a: str, item_b: str) -> dict[str, Any] | None:
    """What duplicate detection says about a pair (kind, distance, evidence, decision), or None."""
    similarity = _similarity(case, "similar_pairs")
    if similarity is None:
        return None
    pair = {item_a, item_b}
    return next((m for m in similarity.service.matches(case, item_id=item_a) if {m["a"], m["b"]} == pair), {})


def record_match_decision(case: Case, item_a: str, item_b: str, decision: Literal["confirmed", "rejected"],
                          *, note: str | None = None) -> None:
    """Confirm or reject a match (a ``match.confirmed`` / ``match.rejected`` event of ``similarity``)."""
    similarity = _similarity(case, "match_decisions")
    if similarity is None:
        raise VerifyBenchError("recording match decisions needs duplicate detection (verify_bench.similarity)")
    similarity.decisions.decide(case, [(item_a, item_b)], decision, note=note)


def match_decision(conn: sqlite3.Connection, item_a: str, item_b: str) -> dict[str, Any] | None:
    """The current decision about a pair: ``{"decision", "actor", "at", "note"}``, or None."""
    if not has_table(conn, "match_decisions"):
        return None
    row = conn.execute("SELECT decision, actor, at, note FROM match_decisions WHERE a = ? AND b = ?",
                       (min(item_a, item_b), max(item_a, item_b))).fetchone()
    return dict(zip(("decision", "actor", "at", "note"), row)) if row else None


# ---- the demo case ---------------------------------------------------------------------------
