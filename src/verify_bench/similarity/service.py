"""Duplicates of a case: keep the match cache current, and answer the questions the front ends ask.

The cache (``similar_pairs``) holds every match within :data:`CACHE_RADIUS`. :class:`LiveMatcher`
brings it up to date from the ``item.analysed`` events it has not seen (the import calls it after
each commit); a change of matching rules (:data:`CACHE_VERSION`) recomputes it all. Decisions
(events) are applied when reading, so they survive every recomputation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import events as ev
from ..case import Case
from .clusters import Cluster, clusters, facts_from_rows
from .index import BRUTE_FORCE_CODES
from .matching import CodeRows, Match, Matcher
from .variants import MATCH_ALGOS, VARIANT_PIPELINE

DEFAULT_THRESHOLD = 8
CACHE_RADIUS = DEFAULT_THRESHOLD
#: Stored with the cache; a different value means the cache was computed by other rules.
CACHE_VERSION = f"1/{VARIANT_PIPELINE}/r{CACHE_RADIUS}"
KindFilter = Literal["image", "video", "all"]
_KINDS: dict[str, tuple[str, ...]] = {
    "image": ("image",), "video": ("video", "frame"), "all": ("image", "video", "frame"),
}
_CHUNK = 500


def needs_compiled_search(items: int) -> bool:
    """Whether matching a case of about ``items`` pictures goes past brute force to the compiled index."""
    return items * len(MATCH_ALGOS) > BRUTE_FORCE_CODES


def load_rows(case: Case, item_ids: Iterable[str] | None = None) -> tuple[CodeRows, dict[str, str]]:
    """Matching hashes (and media types) of the given items, or of all, leaving out low-information items."""
    marks = ",".join("?" * len(MATCH_ALGOS))
    base = (f"SELECT h.item_id, h.frame_ts, h.algo, h.bits, i.media_type FROM hashes h JOIN items i ON i.id = h.item_id"
            f" WHERE i.low_information = 0 AND h.algo IN ({marks})")
    if item_ids is None:
        rows = case.conn.execute(base, MATCH_ALGOS).fetchall()
    else:
        ids = list(item_ids)
        rows = []
        # "+h.algo": look the items' hashes up by item, not every stored hash by algorithm (which made each
        # refresh during an import read all the case's hashes).
        by_item = base.replace("h.algo IN", "+h.algo IN")
        for start in range(0, len(ids), _CHUNK):
            part = ids[start:start + _CHUNK]
            rows += case.conn.execute(f"{by_item} AND h.item_id IN ({','.join('?' * len(part))})",
                                      (*MATCH_ALGOS, *part)).fetchall()
    media = {r[0]: r[4] for r in rows}
    return CodeRows([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]), media


class LiveMatcher:
    """Keeps ``similar_pairs`` current as items are analysed; holds the in-memory index between calls."""

    def __init__(self, case: Case, *, threads: int | None = None) -> None:
        self.case = case
        self.threads = threads
        self._matcher: Matcher | None = None

    def __len__(self) -> int:
        """Items in the in-memory index (0 before the first refresh)."""
        return len(self._matcher) if self._matcher is not None else 0

    @property
    def nbytes(self) -> int:
        """Memory held by the in-memory index's arrays (0 before the first refresh)."""
        return self._matcher.nbytes if self._matcher is not None else 0

    def refresh(self, *, progress: Callable[[str], None] | None = None) -> int:
        """Match the items analysed since the last call; returns how many items were matched."""
        conn = self.case.conn
        state = dict(conn.execute("SELECT key, value FROM similar_state").fetchall())
        seen = int(state.get("analysed_seq", 0)) if state.get("version") == CACHE_VERSION else 0
        head = self.case.head()[0]
        new = [r[0] for r in conn.execute(
            "SELECT DISTINCT item_id FROM events WHERE seq > ? AND kind = ?", (seen, ev.ITEM_ANALYSED))]
        if not new and seen:
            return 0
        if self._matcher is not None and not seen:
            self._matcher = None
        if self._matcher is None and seen:
            self._matcher = Matcher(CACHE_RADIUS, threads=self.threads)
            self._matcher.load(*_rows_except(self.case, set(new)))
        if self._matcher is not None and any(i in self._matcher.media for i in new):
            self._matcher, seen = None, 0  # an item was analysed again: its old hashes are in the index
        if progress:
            progress(f"matching {len(new)} items" if seen else "matching all items")
        with self.case.write():
            if self._matcher is None:
                self._matcher = Matcher(CACHE_RADIUS, threads=self.threads)
                conn.execute("DELETE FROM similar_pairs")
                matches = self._matcher.add(*load_rows(self.case))
                matched = len(self._matcher)
            else:
                matches = self._matcher.add(*load_rows(self.case, new))
                matched = len(new)
            conn.executemany(
                "INSERT OR REPLACE INTO similar_pairs (a, b, kind, distance, evidence) VALUES (?, ?, ?, ?, ?)",
                [(m.a, m.b, m.kind, m.distance, json.dumps(m.evidence)) for m in matches])
            conn.executemany("INSERT OR REPLACE INTO similar_state (key, value) VALUES (?, ?)",
                             [("version", CACHE_VERSION), ("analysed_seq", str(head))])
        return matched


def _rows_except(case: Case, skip: set[str]) -> tuple[CodeRows, dict[str, str]]:
    rows, media = load_rows(case)
    keep = [i for i, item in enumerate(rows.item_ids) if item not in skip]
    return (CodeRows([rows.item_ids[i] for i in keep], [rows.frame_ts[i] for i in keep],
                     [rows.algos[i] for i in keep], [rows.bits[i] for i in keep]),
            {k: v for k, v in media.items() if k not in skip})


@dataclass
class DupesReport:
    """What ``dupes`` shows: exact duplicates, matches with evidence and decisions, and clusters."""

    threshold: int
    kind: KindFilter
    exact: list[dict[str, Any]] = field(default_factory=list)
    matches: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)


def matches(case: Case, *, threshold: int = DEFAULT_THRESHOLD, kind: KindFilter = "all",
            item_id: str | None = None) -> list[dict[str, Any]]:
    """Matches within ``threshold`` (from the cache, or computed when above :data:`CACHE_RADIUS`), each
    with its evidence and the current decision; confirmed pairs are included even when not found."""
    LiveMatcher(case).refresh()
    kinds = _KINDS[kind]
    if threshold <= CACHE_RADIUS:
        sql = (f"SELECT a, b, kind, distance, evidence FROM similar_pairs WHERE distance <= ?"
               f" AND kind IN ({','.join('?' * len(kinds))})")
        args: list[Any] = [threshold, *kinds]
        if item_id is not None:
            sql += " AND (a = ? OR b = ?)"
            args += [item_id, item_id]
        found = [Match(a, b, k, d, json.loads(e)) for a, b, k, d, e in case.conn.execute(sql, args)]
    else:
        found = [m for m in Matcher(threshold).add(*load_rows(case))
                 if m.kind in kinds and (item_id is None or item_id in (m.a, m.b))]
    decided = {(d[0], d[1]): (d[2], d[3])
               for d in case.conn.execute("SELECT a, b, decision, note FROM match_decisions")}
    out = [{"a": m.a, "b": m.b, "kind": m.kind, "distance": m.distance, "evidence": m.evidence,
            "decision": decided.get((m.a, m.b), (None, None))[0], "note": decided.get((m.a, m.b), (None, None))[1]}
           for m in found]
    listed = {(m.a, m.b) for m in found}
    out += [{"a": a, "b": b, "kind": "confirmed", "distance": None, "evidence": {}, "decision": "confirmed",
             "note": note}
            for (a, b), (decision, note) in decided.items()
            if decision == "confirmed" and (a, b) not in listed and (item_id is None or item_id in (a, b))]
    return sorted(out, key=lambda m: (m["distance"] is None, m["distance"] or 0, m["a"], m["b"]))


def duplicates(case: Case, *, threshold: int = DEFAULT_THRESHOLD, kind: KindFilter = "all") -> DupesReport:
    """Everything ``dupes`` shows for the whole case."""
    report = DupesReport(threshold, kind)
    report.exact = [
        {"item_id": item_id, "sightings": n, "paths": paths.split("\x1f")}
        for item_id, n, paths in case.conn.execute(
            "SELECT item_id, COUNT(*), group_concat(original_path, char(31)) FROM sightings"
            " GROUP BY item_id HAVING COUNT(*) > 1 ORDER BY MIN(event_seq)")
    ]
    report.matches = matches(case, threshold=threshold, kind=kind)
    report.clusters = build_clusters(case, report.matches)
    return report


def build_clusters(case: Case, found: list[dict[str, Any]]) -> list[Cluster]:
    """Clusters of the matches that are not rejected, with each cluster's suggested best copy."""
    edges = [(m["a"], m["b"]) for m in found if m["decision"] != "rejected"]
    ids = sorted({x for e in edges for x in e})
    facts: list[dict[str, Any]] = []
    for start in range(0, len(ids), _CHUNK):
        part = ids[start:start + _CHUNK]
        facts += [dict(r) for r in case.db.query(
            "SELECT i.id, i.width, i.height,"
            " (SELECT MIN(x) FROM (SELECT i.taken_at AS x UNION ALL SELECT i.creation_time"
            "  UNION ALL SELECT MIN(s.mtime) FROM sightings s WHERE s.item_id = i.id)) AS earliest,"
            " (SELECT COUNT(*) FROM metadata m WHERE m.item_id = i.id) AS metadata"
            f" FROM items i WHERE i.id IN ({','.join('?' * len(part))})", part)]
    return clusters(edges, facts_from_rows(facts))


def cluster_of(case: Case, item_id: str, *, threshold: int = DEFAULT_THRESHOLD) -> Cluster | None:
    """The cluster an item belongs to, or None when nothing matches it."""
    found = [m for m in matches(case, threshold=threshold) if m["decision"] != "rejected"]
    for c in build_clusters(case, found):
        if item_id in c.items:
            return c
    return None
